"""Showing indicator values: a missing value as a dash, a hidden one as "<5", a change as
"−30 %" (a real minus sign)."""

from __future__ import annotations

from django import template

from safechildhood.statistics.indicators import HIDDEN

register = template.Library()

DASH = "—"


@register.filter
def shown(value) -> str:
    """A count or a percentage: "—" when missing, "<5" when hidden."""
    if value is None:
        return DASH
    return str(value)


@register.filter
def change(value) -> str:
    """A year-on-year change in percent: "+12 %", "−30 %", "0 %"; a dash when there is none
    or it is hidden."""
    if value is None or value is HIDDEN:
        return DASH
    sign = "+" if value > 0 else ("\u2212" if value < 0 else "")
    return f"{sign}{abs(value)}\u00a0%"


@register.filter
def change_kind(value) -> str:
    """A CSS class for a change: fewer crimes is good news."""
    if value is None or value is HIDDEN or value == 0:
        return "flat"
    return "down" if value < 0 else "up"


@register.filter
def percent(value) -> str:
    if value is None:
        return DASH
    if value is HIDDEN:
        return str(value)
    return f"{value}\u00a0%"


@register.filter
def cell(cells: dict, code: str):
    return cells.get(code)


@register.filter
def minutes(value) -> str:
    """A median time in minutes as "2 h 05 min" or "45 min"; "<5" when hidden."""
    from django.utils.translation import gettext

    if value is None:
        return DASH
    if value is HIDDEN:
        return str(value)
    hours, rest = divmod(int(value), 60)
    if hours:
        return gettext("%(hours)s h %(minutes)02d min") % {"hours": hours, "minutes": rest}
    return gettext("%(minutes)s min") % {"minutes": rest}
