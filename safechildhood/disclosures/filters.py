"""Filters of the concern and police report lists: the area (district, school), the period
(days, both included, in the server's time zone), the category and what became of the report.
The statistics pages link to the lists with them, so that a figure opens the records it counts
(the list still applies the viewer's scope)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.directory.models import School
from safechildhood.disclosures.models import Concern, PoliceReport
from safechildhood.geography.models import District

Status = PoliceReport.Status

# what became of a concern's reporting duty (concern list filter ``report``)
CONCERN_REPORT_STATES = {
    "sent": _("police report sent"),
    "pending": _("police report to be sent"),
    "none": _("no police report"),
}
CONCERN_REPORT_Q = {
    "sent": Q(report__isnull=False) & ~Q(report__status=Status.PENDING),
    "pending": Q(report__status=Status.PENDING),
    "none": Q(report__isnull=True),
}

# stages of a report (report list filter ``stage``); "registered" takes in what follows it
# unless refused, "court" the court and the verdict, "overdue" the reports not sent by their
# deadline (sent late or not yet)
REGISTERED = (Status.REGISTERED, Status.INVESTIGATION, Status.COURT, Status.VERDICT)
REPORT_STAGES = {
    "awaiting": _("awaiting acknowledgement"),
    "acknowledged": _("received, no decision yet"),
    "registered": _("registered in the ERDR"),
    "refused": _("refusal to open a case"),
    "court": _("sent to court"),
    "overdue": _("not sent in time"),
}


def stage_q(stage: str, now: dt.datetime) -> Q:
    """The reports at ``stage`` (a key of REPORT_STAGES) now; the statistics count the same."""
    return {
        "awaiting": Q(status=Status.SENT),
        "acknowledged": Q(status=Status.ACKNOWLEDGED),
        "registered": Q(status__in=REGISTERED),
        "refused": Q(status=Status.REFUSED),
        "court": Q(status__in=(Status.COURT, Status.VERDICT)),
        "overdue": Q(deadline__lt=now) & (Q(sent_at__isnull=True)
                                          | Q(sent_at__gt=F("deadline"))),
    }.get(stage, Q())


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _days(field_name: str, first: dt.date | None, last: dt.date | None) -> Q:
    """``field_name`` (a moment) on the days from ``first`` to ``last``, both included, in the
    server's time zone."""
    q = Q()
    if first is not None:
        q &= Q(**{f"{field_name}__gte": _day_start(first)})
    if last is not None:
        q &= Q(**{f"{field_name}__lt": _day_start(last + dt.timedelta(days=1))})
    return q


@dataclass(frozen=True)
class ConcernFilters:
    district: District | None = None
    school: School | None = None
    category: str = ""
    channel: str = ""
    report: str = ""  # a key of CONCERN_REPORT_STATES
    date_from: dt.date | None = None  # recorded on or after
    date_to: dt.date | None = None  # recorded on or before

    def apply(self, qs: QuerySet[Concern]) -> QuerySet[Concern]:
        if self.district is not None:
            qs = qs.filter(district=self.district)
        if self.school is not None:
            qs = qs.filter(school=self.school)
        if self.category:
            qs = qs.filter(category=self.category)
        if self.channel:
            qs = qs.filter(channel=self.channel)
        if self.report in CONCERN_REPORT_Q:
            qs = qs.filter(CONCERN_REPORT_Q[self.report])
        return qs.filter(_days("created_at", self.date_from, self.date_to))


@dataclass(frozen=True)
class ReportFilters:
    district: District | None = None
    school: School | None = None
    stage: str = ""  # a key of REPORT_STAGES
    sent_from: dt.date | None = None
    sent_to: dt.date | None = None
    due_from: dt.date | None = None  # the send-by deadline
    due_to: dt.date | None = None

    def apply(self, qs: QuerySet[PoliceReport], now: dt.datetime) -> QuerySet[PoliceReport]:
        if self.district is not None:
            qs = qs.filter(district=self.district)
        if self.school is not None:
            qs = qs.filter(school=self.school)
        if self.stage:
            qs = qs.filter(stage_q(self.stage, now))
        return qs.filter(_days("sent_at", self.sent_from, self.sent_to),
                         _days("deadline", self.due_from, self.due_to))


NO_FILTERS = ReportFilters()
