"""``{% pupil_case_status pupil %}``: on a pupil's record, that the child is in the risk group and
who owns the case, for those the policy lets see it (the school psychologist of the school)."""

from django import template

from safechildhood.cases.selectors import pupil_case_status as status_of

register = template.Library()


@register.inclusion_tag("cases/_pupil_case_status.html", takes_context=True)
def pupil_case_status(context, pupil) -> dict:
    actor = getattr(context.get("request"), "actor", None)
    return {"case_status": status_of(actor=actor, pupil=pupil) if actor else None}
