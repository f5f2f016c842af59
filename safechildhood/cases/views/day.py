"""A specialist's day and the centre head's overview.

The day page is a centre specialist's main page: crisis alerts to acknowledge, reviews that are
due, children to visit, referrals waiting for a next step, what others changed on their cases,
and their next field trip, each block with its count and the way into the work. The overview is
the head's: caseloads, cases without contact, how fast the centre answers crisis alerts, the risk
group by category and district, and what waits for a decision. Both read through
``cases.selectors_day`` and ``cases.selectors_overview``; each block is one query.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from safechildhood.access.policy import Action, can
from safechildhood.cases import selectors_day as selectors
from safechildhood.cases import selectors_overview as overview_selectors
from safechildhood.cases.forms_day import OverviewFilterForm


def duration_label(seconds: float | None) -> str:
    """A duration as people say it: "40 min", "3 h 5 min", "2 d 4 h"; "—" when there is none."""
    if seconds is None:
        return "—"
    minutes = max(0, round(seconds / 60))
    if minutes < 60:
        return gettext("%(minutes)d min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return gettext("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    days, hours = divmod(hours, 24)
    return gettext("%(days)d d %(hours)d h") % {"days": days, "hours": hours}


@never_cache
@login_required
@require_GET
def day(request):
    actor = request.actor
    return render(request, "cases/day.html", {
        "day": selectors.day_get(actor=actor),
        "may_acknowledge": can(actor, Action.ALERT_ACKNOWLEDGE),
        "may_overview": can(actor, Action.CASELOAD_VIEW),
    })


def _timing_rows(rows: list[overview_selectors.TimingRow]) -> list[dict]:
    return [{
        "district": row.district,
        "ack_count": row.acknowledged.count,
        "ack_median": duration_label(row.acknowledged.median),
        "ack_p90": duration_label(row.acknowledged.p90),
        "contact_count": row.first_contact.count,
        "contact_median": duration_label(row.first_contact.median),
        "contact_p90": duration_label(row.first_contact.p90),
    } for row in rows]


class _CountedPaginator(Paginator):
    """A paginator told how many rows there are (the caseload query has counted them), so that
    it does not count them again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


@never_cache
@login_required
@require_GET
def overview(request):
    actor = request.actor
    districts = overview_selectors.overview_districts(actor=actor)
    search = OverviewFilterForm(request.GET or None, districts=districts)
    period = overview_selectors.Period.last(search.period_days())
    data = overview_selectors.overview_get(actor=actor, period=period,
                                  district=search.district_value(), districts=districts)
    page = _CountedPaginator(data.no_contact, selectors.NO_CONTACT_PER_PAGE,
                             count=data.caseload_total.no_contact).get_page(request.GET.get("page"))
    return render(request, "cases/overview.html", {
        "search": search,
        "overview": data,
        "page": page,
        "timings": _timing_rows(data.timings),
    })


urlpatterns = [
    path("day/", day, name="day"),
    path("overview/", overview, name="overview"),
]
