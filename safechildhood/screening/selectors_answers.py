"""Screening answers as read back: answers are stored as option codes; what a question asked,
what the pupil chose, the scales, bands and flags are read back from the instrument file, in the
reader's language. Nothing here reads the database: the callers' selectors have checked access
and audited the read (``selectors_results``, ``selectors_alerts``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from safechildhood.errors import NotFound
from safechildhood.screening.models import Response
from safechildhood.screening.scoring import (
    COMPLETE,
    FOLLOW_UP,
    PARTIAL,
    AnswerError,
    Instrument,
    Item,
    is_shown,
)
from safechildhood.screening.services.instruments import instrument_get

COMPLETENESS_LABELS = {
    COMPLETE: _("complete"),
    PARTIAL: _("some questions unanswered"),
    FOLLOW_UP: _("incomplete: a critical question unanswered, follow up"),
}


def language() -> str:
    return (get_language() or "ru")[:2]


# --- instruments as read back -----------------------------------------------------------------


def instrument_for(code: str, version: str | None = None) -> Instrument | None:
    """The instrument a response was scored with: that version if still on file, else the
    current one, else ``None`` (a centre's own instrument removed since: shown by its code)."""
    for wanted in (version, None):
        try:
            return instrument_get(code, wanted)
        except NotFound:
            continue
    return None


def instrument_name(instrument: Instrument | None, code: str, lang: str) -> str:
    if instrument is None:
        return code
    text = instrument.short_name or instrument.name
    return instrument.localized(text, lang) or code


def flag_labels(instrument: Instrument | None, flag_ids: Iterable[str], lang: str) -> list[str]:
    """Flags in the reader's language, in the instrument's order; unknown ones by their id."""
    flag_ids = list(flag_ids)
    if instrument is None:
        return flag_ids
    known = {f.id: f for f in instrument.flags}
    ordered = [f.id for f in instrument.flags if f.id in flag_ids]
    ordered += [f for f in flag_ids if f not in known]
    return [instrument.localized(known[f].label, lang) if f in known else f for f in ordered]


def raised_flags(response: Response) -> list[str]:
    """The ids of the flags a response raised (stored with its scores)."""
    flags = (response.scores or {}).get("flags") or {}
    return [k for k, v in flags.items() if isinstance(v, dict) and v.get("state") is True]


def band_label(instrument: Instrument | None, band: str, lang: str) -> str:
    if not band:
        return ""
    if instrument is not None and instrument.scales:
        for b in instrument.scales[0].bands:
            if b.code == band:
                return instrument.localized(b.label, lang)
    return band


def _answer_label(item: Item, code: str | None, lang: str) -> str | None:
    if code is None or code == "":
        return None
    if item.option_set is None:
        return str(code)
    option = item.option_set.by_code(str(code))
    if option is None:
        return str(code)
    return option.label.get(lang) or option.label.get("en") or str(code)


def _question_text(instrument: Instrument, item: Item, lang: str) -> str:
    return instrument.localized(item.text, lang) if item.text else (item.topic or item.id)


@dataclass(frozen=True)
class AnswerRow:
    item: Item
    question: str
    code: str | None
    answer: str | None  # the chosen answer's label in the reader's language; None: no answer
    triggered: bool = False  # this answer meets a raised critical flag's condition
    asked: bool = True  # False: skipped after earlier answers (skip logic)


def _option_value(item: Item, code: str) -> int | None:
    if item.option_set is None:
        try:
            return int(code)
        except ValueError:
            return None
    option = item.option_set.by_code(code)
    if option is None:
        return None
    if item.reverse:
        return item.option_set.max_value + item.option_set.min_value - option.value
    return option.value


def _leaf_met(item: Item, cond: dict[str, Any], code: str | None) -> bool:
    if code is None:
        return False
    if "in" in cond and code not in cond["in"]:
        return False
    if "min" in cond or "max" in cond:
        value = _option_value(item, code)
        if value is None:
            return False
        if "min" in cond and value < cond["min"]:
            return False
        if "max" in cond and value > cond["max"]:
            return False
    return True


def _positive_leaves(instrument: Instrument, cond: dict[str, Any], seen: set[str]
                     ) -> list[dict[str, Any]]:
    """The item conditions that can make ``cond`` true (through any/all and flags; a negated
    part never counts as a reason)."""
    if "item" in cond:
        return [cond]
    if "any" in cond or "all" in cond:
        return [leaf for c in cond.get("any", cond.get("all", []))
                for leaf in _positive_leaves(instrument, c, seen)]
    if "flag" in cond and cond["flag"] not in seen:
        seen.add(cond["flag"])
        flag = next((f for f in instrument.flags if f.id == cond["flag"]), None)
        return _positive_leaves(instrument, flag.when, seen) if flag else []
    return []


def alert_triggers(instrument: Instrument | None, response: Response, lang: str
                   ) -> list[AnswerRow]:
    """Which answers raised the alert: every critical question, and every question a raised
    critical flag looks at, with the answer given; ``triggered`` marks the answers that meet
    the flag's condition."""
    if instrument is None:
        return []
    answers = response.answers or {}
    raised = set(raised_flags(response))
    leaves: list[dict[str, Any]] = []
    for flag in instrument.flags:
        if flag.critical and flag.id in raised:
            leaves += _positive_leaves(instrument, flag.when, {flag.id})
    wanted = set(instrument.critical_item_ids) | {leaf["item"] for leaf in leaves}
    rows = []
    for item in instrument.items:
        if item.id not in wanted:
            continue
        code = answers.get(item.id)
        code = None if code in (None, "") else str(code)
        met = any(_leaf_met(item, leaf, code) for leaf in leaves if leaf["item"] == item.id)
        rows.append(AnswerRow(item=item, question=_question_text(instrument, item, lang),
                              code=code, answer=_answer_label(item, code, lang), triggered=met))
    return rows


def answer_rows(instrument: Instrument | None, response: Response, lang: str) -> list[AnswerRow]:
    """Every question of the instrument with the chosen answer's label (``None``: not
    answered, or not asked after earlier answers)."""
    if instrument is None:
        return []
    answers = response.answers or {}
    triggers = {row.item.id for row in alert_triggers(instrument, response, lang)
                if row.triggered}
    rows = []
    for item in instrument.items:
        code = answers.get(item.id)
        code = None if code in (None, "") else str(code)
        rows.append(AnswerRow(item=item, question=_question_text(instrument, item, lang),
                              code=code, answer=_answer_label(item, code, lang),
                              triggered=item.id in triggers,
                              asked=code is not None or _asked(instrument, item, answers)))
    return rows


def _asked(instrument: Instrument, item: Item, answers: dict[str, Any]) -> bool:
    if item.show_if is None:
        return True
    try:
        return is_shown(instrument, item, answers) is not False
    except AnswerError:
        return True


@dataclass(frozen=True)
class ScaleRow:
    label: str
    total: int | None
    band: str


def scale_rows(instrument: Instrument | None, response: Response, lang: str) -> list[ScaleRow]:
    if instrument is None:
        return []
    stored = (response.scores or {}).get("scales") or {}
    rows = []
    for scale in instrument.scales:
        result = stored.get(scale.id) or {}
        band = next((b for b in scale.bands if b.code == result.get("band")), None)
        rows.append(ScaleRow(label=instrument.localized(scale.label, lang),
                             total=result.get("total"),
                             band=instrument.localized(band.label, lang) if band else ""))
    return rows
