"""Which risk cases and referrals a reporting period counts: one definition for the statistics
(statistics/indicators_cases.py) and for the lists their figures link to (the case list, the
referral list), so that a figure and the list behind it always agree.

A period is anything with ``starts_at`` (included) and ``ends_at`` (excluded) aware datetimes,
such as ``statistics.periods.ReportPeriod``.

* A risk case is in the risk group from its acceptance (``opened_at``: the triage decision,
  whether or not a specialist is assigned yet) until it is closed (``closed_at``). *In the
  group* in a period = accepted before the period's end and not closed by then; *entered* =
  accepted in the period; *left* = closed in the period. Reopening clears a case's closing
  date, so a reopened case counts as in the group since its acceptance.
* A referral is counted in the period it was sent in; *completed* = its loop closed with the
  provider's feedback; *overdue* = still under way with the next step due before today
  (cases/services/referrals.py ``is_overdue``).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safechildhood.cases.models import Referral
from safechildhood.cases.services.referrals import OPEN_STATUSES


class Period(Protocol):
    @property
    def starts_at(self) -> dt.datetime: ...

    @property
    def ends_at(self) -> dt.datetime: ...


# --- risk cases ---------------------------------------------------------------------------------

IN_GROUP, ENTERED, LEFT = "group", "entered", "left"
CASE_COUNTED = [
    (IN_GROUP, _("in the risk group at the end of the period")),
    (ENTERED, _("entered the risk group in the period")),
    (LEFT, _("left the risk group in the period")),
]


def in_group_at(moment: dt.datetime) -> Q:
    """Cases in the risk group at ``moment``: accepted before it and not closed by then."""
    return Q(opened_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))


def entered_in(period: Period) -> Q:
    return Q(opened_at__gte=period.starts_at, opened_at__lt=period.ends_at)


def left_in(period: Period) -> Q:
    return Q(closed_at__gte=period.starts_at, closed_at__lt=period.ends_at)


def touching(period: Period) -> Q:
    """Cases in the group at some moment of the period: all that any of the three counts."""
    return Q(opened_at__lt=period.ends_at) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=period.starts_at))


def case_counted(counted: str, period: Period) -> Q:
    """The cases a period counts as ``counted`` (one of ``CASE_COUNTED``)."""
    if counted == ENTERED:
        return entered_in(period)
    if counted == LEFT:
        return left_in(period)
    return in_group_at(period.ends_at)


def with_category(code: str) -> Q:
    """Cases with the risk category ``code`` among theirs (``categories`` is a JSON list of
    codes). PostgreSQL: jsonb containment (``categories @> '["code"]'``, a fast test per row);
    SQLite, whose JSON field has no containment: the quoted code in the list's text. Both select
    the same cases (the codes are lower-case words, none inside another quoted)."""
    if connection.vendor == "postgresql":
        return Q(categories__contains=[code])
    return Q(categories__icontains=f'"{code}"')


# --- referrals ----------------------------------------------------------------------------------

COMPLETED, OVERDUE = "completed", "overdue"
REFERRAL_SHOWN = [
    (COMPLETED, _("completed (feedback received)")),
    (OVERDUE, _("overdue")),
]


def sent_in(period: Period) -> Q:
    return Q(sent_at__gte=period.starts_at, sent_at__lt=period.ends_at)


def completed() -> Q:
    return Q(status=Referral.Status.FEEDBACK)


def overdue(today: dt.date) -> Q:
    return Q(status__in=OPEN_STATUSES, next_step_due__lt=today)
