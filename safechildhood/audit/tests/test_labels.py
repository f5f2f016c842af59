"""Labels of audit codes: every action the code writes is translated when shown."""

import ast
from pathlib import Path

from django.utils import translation

from safechildhood.audit.labels import (
    ACTION_LABELS,
    action_choices,
    action_label,
    role_label,
    target_type_choices,
    target_type_label,
)

SOURCE = Path(__file__).resolve().parents[2]  # the safechildhood package


def _written_actions() -> dict[str, str]:
    """Every literal action code passed to ``audit_record`` outside tests (also in both arms of
    ``a if x else b``), with its file."""
    found = {}
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name != "audit_record":
                continue
            for keyword in node.keywords:
                if keyword.arg != "action" or any(
                        isinstance(part, ast.JoinedStr) for part in ast.walk(keyword.value)):
                    continue  # f-strings: the admin's codes, checked by the test below
                for part in ast.walk(keyword.value):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        found[part.value] = str(path.relative_to(SOURCE))
    return found


def test_every_action_written_by_the_code_has_a_label():
    written = _written_actions()
    assert "people.pupil.viewed" in written  # the scan works
    missing = {code: where for code, where in written.items() if code not in ACTION_LABELS}
    assert not missing, f"Add labels to safechildhood/audit/labels.py for: {missing}"


def test_admin_actions_of_every_administered_model_have_labels():
    from safechildhood.access.policy import ADMIN_MANAGED_MODELS

    for model in ADMIN_MANAGED_MODELS:
        for verb in ("created", "changed", "deleted"):
            assert f"admin.{model._meta.model_name}.{verb}" in ACTION_LABELS


def test_unknown_codes_are_shown_as_they_are():
    assert action_label("people.pupil.sung_to") == "people.pupil.sung_to"
    assert target_type_label("nowhere.thing") == "nowhere.thing"
    assert target_type_label("not a label") == "not a label"
    assert role_label("astronaut") == "astronaut"
    assert role_label("") == ""


def test_labels_follow_the_active_language():
    with translation.override("en"):
        assert action_label("people.pupil.viewed") == "Opened a pupil's record"
        assert target_type_label("people.pupil") == "Pupil"
        assert role_label("centre_head") == "centre head"


def test_filter_choices_are_sorted_by_label_and_name_the_programmes_records():
    labels = [label for _, label in action_choices()]
    assert labels == sorted(labels, key=str.casefold)
    types = dict(target_type_choices())
    assert "people.pupil" in types and "directory.school" in types
    assert "audit.auditevent" not in types and "auth.permission" not in types
