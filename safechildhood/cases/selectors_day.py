"""Reads for a specialist's day: what needs them today, across their cases (the head's overview
is in ``selectors_overview``, which shares the blocks, periods and status groups below).

Every read starts from ``access.policy.scope``: a specialist sees their districts, the head the
region. Each block is one query whatever the size of the caseload: lists are cut to a few rows
and carry their full count in the same query (a window count); figures are grouped in the
database. Two figures need SQL the ORM does not write: risk categories are a JSON list on the
case (unnested with ``jsonb_array_elements_text`` on PostgreSQL, ``json_each`` on SQLite), and
percentiles (PostgreSQL's ``percentile_cont``; SQLite has none, so there the durations of the
period are read in one query and the same interpolation is done in Python).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.cases.models import (
    CaseEvent,
    CasePlan,
    CaseView,
    Decision,
    FieldTrip,
    PlanAction,
    Referral,
    RiskCase,
    TripStop,
)
from safechildhood.cases.services.referrals import OPEN_STATUSES as REFERRAL_OPEN
from safechildhood.screening.models import CrisisAlert

# How many rows each block of the day page lists; its count says how many there are in all.
DAY_ROWS = 8
# Referrals and planned actions falling due within this many days are listed before they lapse.
DUE_SOON_DAYS = 3
# The overview's list of cases without contact, per page.
NO_CONTACT_PER_PAGE = 20
# Rows of each "waiting for approval" list on the overview.
APPROVAL_ROWS = 10
# A case the actor has never opened shows the changes of this many days.
CHANGES_DAYS = 14
# Periods the overview can be read over (days back from today).
PERIODS = (30, 90, 365)
DEFAULT_PERIOD = 90

# Encrypted text of a case that no list on these pages shows: not read, not decrypted.
CASE_NARRATIVE = ("reason",)

OPEN_STATUSES = (RiskCase.Status.PROPOSED, RiskCase.Status.ACTIVE, RiskCase.Status.MONITORING)
WORKED_STATUSES = (RiskCase.Status.ACTIVE, RiskCase.Status.MONITORING)


@dataclass
class Block:
    """Some rows of a list and how many there are in all."""

    rows: list[Any]
    count: int

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.rows))


def _block(qs: QuerySet, limit: int = DAY_ROWS) -> Block:
    """The first ``limit`` rows of ``qs`` and its full count, in one query."""
    rows = list(qs.annotate(block_total=Window(Count("pk")))[:limit])
    return Block(rows=rows, count=rows[0].block_total if rows else 0)


def _no_contact_since() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=settings.CASE_NO_CONTACT_DAYS)


# --- a specialist's day ------------------------------------------------------------------------


@dataclass
class Day:
    today: dt.date
    no_contact_days: int
    alerts: Block  # open crisis alerts of the actor's districts; rows have .overdue
    overdue_alerts: int
    reviews: Block  # own open cases whose review date has come
    no_contact: Block  # own open cases without contact in no_contact_days days, or never seen
    actions: Block  # planned actions of own cases' current plans, due soon or overdue
    referrals: Block  # referrals of own cases waiting for a next step
    changes: Block  # what others did on own cases since the actor last looked at each
    trip: FieldTrip | None  # the next planned field trip (``stop_count`` annotated)
    trips_planned: int

    @property
    def visits_count(self) -> int:
        return self.no_contact.count + self.actions.count


def _own_open_cases(actor: Actor) -> QuerySet[RiskCase]:
    return scope(actor, RiskCase.objects.filter(owner_id=actor.user.pk,
                                                status__in=WORKED_STATUSES))


def day_alerts(actor: Actor, now: dt.datetime) -> tuple[Block, int]:
    """Open crisis alerts in the actor's area, deadline first; rows carry ``overdue``."""
    overdue = Case(When(deadline__lt=now, then=Value(1)), default=Value(0),
                   output_field=IntegerField())
    qs = (scope(actor, CrisisAlert.objects.filter(status=CrisisAlert.Status.OPEN))
          .select_related("school", "district", "pupil", "on_duty")
          .annotate(is_overdue=overdue, overdue_total=Window(Sum(overdue)))
          .order_by("deadline", "id"))
    block = _block(qs)
    for alert in block.rows:
        alert.overdue = bool(alert.is_overdue)
    return block, (block.rows[0].overdue_total if block.rows else 0)


def day_reviews(actor: Actor, today: dt.date) -> Block:
    qs = (_own_open_cases(actor).filter(next_review_on__lte=today)
          .select_related("pupil", "pupil__school").defer(*CASE_NARRATIVE)
          .order_by("next_review_on", "id"))
    return _block(qs)


def day_no_contact(actor: Actor) -> Block:
    """Own open cases never contacted, or not for ``CASE_NO_CONTACT_DAYS`` days: longest first
    (never contacted before all)."""
    qs = (_own_open_cases(actor)
          .filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=_no_contact_since()))
          .select_related("pupil", "pupil__school", "pupil__school__settlement")
          .defer(*CASE_NARRATIVE)
          .order_by(F("last_contact_at").asc(nulls_first=True), "opened_at", "id"))
    return _block(qs)


def _current_plan_ids() -> Subquery:
    """For a planned action's case: the id of its current plan (the latest approved)."""
    return Subquery(CasePlan.objects.filter(case_id=OuterRef("plan__case_id"),
                                            status=Decision.APPROVED)
                    .order_by("-decided_at", "-id").values("pk")[:1])


def day_actions(actor: Actor, today: dt.date) -> Block:
    """Actions of the current plans of own open cases, not done, due within
    ``DUE_SOON_DAYS`` days or overdue; earliest first."""
    cases = _own_open_cases(actor).values("pk")
    qs = (PlanAction.objects
          .filter(plan__case__in=cases, plan__status=Decision.APPROVED, done_on__isnull=True,
                  due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
          .filter(plan_id=_current_plan_ids())
          .select_related("plan__case__pupil", "plan__case__pupil__school")
          .defer("plan__goals", "plan__decision_comment", "plan__case__reason")
          .order_by("due_on", "id"))
    return _block(scope(actor, qs))


def day_referrals(actor: Actor, today: dt.date) -> Block:
    """Referrals of own open cases still in their loop whose next step is due within
    ``DUE_SOON_DAYS`` days or already late; earliest first."""
    qs = (scope(actor, Referral.objects.filter(
            case__in=_own_open_cases(actor).values("pk"), status__in=REFERRAL_OPEN,
            next_step_due__lte=today + dt.timedelta(days=DUE_SOON_DAYS)))
          .select_related("provider", "case__pupil")
          .defer("reason", "feedback", "case__reason")
          .order_by("next_step_due", "id"))
    return _block(qs)


def day_changes(actor: Actor, now: dt.datetime) -> Block:
    """What others recorded on the actor's open cases since the actor last opened each case
    (for a case never opened: in the last ``CHANGES_DAYS`` days), latest first."""
    seen = Subquery(CaseView.objects.filter(case_id=OuterRef("case_id"), user_id=actor.user.pk)
                    .values("seen_at")[:1])
    since = Coalesce(seen, Value(now - dt.timedelta(days=CHANGES_DAYS)),
                     output_field=DateTimeField())
    qs = (scope(actor, CaseEvent.objects.filter(
            case__in=_own_open_cases(actor).values("pk")))
          .exclude(actor_id=actor.user.pk)
          .annotate(since=since).filter(at__gt=F("since"))
          .select_related("case__pupil", "case__pupil__school", "actor")
          .defer("comment", "case__reason")
          .order_by("-at", "-id"))
    return _block(qs)


def day_trip(actor: Actor, today: dt.date) -> tuple[FieldTrip | None, int]:
    """The actor's next planned field trip (one not yet over), with its number of stops, and
    how many planned trips they have."""
    stops = (TripStop.objects.filter(trip_id=OuterRef("pk")).order_by()
             .values("trip_id").annotate(n=Count("pk")).values("n"))
    qs = (scope(actor, FieldTrip.objects.filter(specialist_id=actor.user.pk,
                                                status=FieldTrip.Status.PLANNED,
                                                ends_on__gte=today))
          .select_related("district")
          .annotate(stop_count=Coalesce(Subquery(stops), 0))
          .order_by("starts_on", "id"))
    block = _block(qs, limit=1)
    return (block.rows[0] if block.rows else None), block.count


def day_get(*, actor: Actor) -> Day:
    """Everything that needs the actor today, each block in one query."""
    require(actor, Action.CASE_LIST)
    now = timezone.now()
    today = timezone.localdate(now)
    alerts, overdue_alerts = day_alerts(actor, now)
    trip, trips_planned = day_trip(actor, today)
    return Day(
        today=today,
        no_contact_days=settings.CASE_NO_CONTACT_DAYS,
        alerts=alerts,
        overdue_alerts=overdue_alerts,
        reviews=day_reviews(actor, today),
        no_contact=day_no_contact(actor),
        actions=day_actions(actor, today),
        referrals=day_referrals(actor, today),
        changes=day_changes(actor, now),
        trip=trip,
        trips_planned=trips_planned,
    )


# --- the centre head's overview ----------------------------------------------------------------
