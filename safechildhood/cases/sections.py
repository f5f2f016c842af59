"""The parts of a case page, in the order they are shown. Each part of the case work (plan and
history; contacts and trips; referrals and re-screening) keeps its own template and a selector
``section(actor, case) -> dict`` that returns the template's context, so that the case page
composes them without knowing their insides."""

from __future__ import annotations

from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString

from safechildhood.access.policy import Actor
from safechildhood.cases.models import RiskCase

SECTIONS: tuple[tuple[str, str], ...] = (
    ("cases/_section_plan.html", "safechildhood.cases.selectors.case_plan_section"),
    ("cases/_section_contacts.html", "safechildhood.cases.selectors_work.case_contacts_section"),
    ("cases/_section_referrals.html",
     "safechildhood.cases.selectors_referrals.case_referrals_section"),
    ("cases/_section_trajectory.html",
     "safechildhood.cases.selectors_referrals.case_trajectory_section"),
    ("cases/_section_history.html", "safechildhood.cases.selectors.case_history_section"),
)


def case_sections(actor: Actor, case: RiskCase) -> list[dict[str, Any]]:
    """[{"template": ..., "context": {...}}] for the case page, in order."""
    return [{"template": template, "context": import_string(path)(actor, case)}
            for template, path in SECTIONS]


def render_sections(request, actor: Actor, case: RiskCase) -> list[SafeString]:
    """The sections rendered for the case page, in order. A section whose template is not
    (yet) there is left out, so that the page never depends on every part being installed."""
    rendered = []
    for template_name, path in SECTIONS:
        try:
            template = get_template(template_name)
        except TemplateDoesNotExist:
            continue
        context = import_string(path)(actor, case)
        rendered.append(template.render(context, request))
    return rendered
