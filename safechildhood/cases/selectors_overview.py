"""Reads for the centre head's overview: caseloads, cases without contact, time from a crisis
alert to acknowledgement and first contact, the risk group by category and district, and what
waits for the head's decision.

Every read starts from ``access.policy.scope`` (the head: the region). Each block is one query
whatever the size of the region; figures are grouped in the database. Two figures need SQL the
ORM does not write: risk categories are a JSON list on the case (unnested with
``jsonb_array_elements_text`` on PostgreSQL, ``json_each`` on SQLite), and percentiles
(PostgreSQL's ``percentile_cont``; SQLite has none, so there the durations of the period are
read in one query and the same interpolation is done in Python). The day page's reads are in
``selectors_day``; the two share its ``Block`` and status groups.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    F,
    Min,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.accounts.models import Membership, Role
from safechildhood.cases.models import (
    CaseClosure,
    CasePlan,
    Category,
    Decision,
    RiskCase,
)
from safechildhood.cases.selectors_day import (
    APPROVAL_ROWS,
    CASE_NARRATIVE,
    OPEN_STATUSES,
    WORKED_STATUSES,
    Block,
    _block,
    _no_contact_since,
)
from safechildhood.geography.models import District
from safechildhood.screening.models import CrisisAlert, TriageProposal


@dataclass(frozen=True)
class Period:
    start: dt.datetime  # inclusive
    end: dt.datetime  # exclusive
    days: int

    @classmethod
    def last(cls, days: int, *, now: dt.datetime | None = None) -> Period:
        """The ``days`` days up to and including today (local dates)."""
        now = timezone.localtime(now or timezone.now())
        end_day = now.date() + dt.timedelta(days=1)
        start_day = end_day - dt.timedelta(days=days)
        tz = timezone.get_current_timezone()
        return cls(start=dt.datetime.combine(start_day, dt.time.min, tzinfo=tz),
                   end=dt.datetime.combine(end_day, dt.time.min, tzinfo=tz), days=days)

    @property
    def first_day(self) -> dt.date:
        return self.start.date()

    @property
    def last_day(self) -> dt.date:
        return self.end.date() - dt.timedelta(days=1)


@dataclass
class CaseloadRow:
    owner_id: int
    name: str
    proposed: int = 0
    active: int = 0
    monitoring: int = 0
    overdue_reviews: int = 0
    no_contact: int = 0

    @property
    def total(self) -> int:
        return self.proposed + self.active + self.monitoring


@dataclass(frozen=True)
class Timing:
    """Durations (seconds) from a crisis alert to a step: how many, median, 90th percentile."""

    count: int
    median: float | None
    p90: float | None


@dataclass
class TimingRow:
    district: District | None  # None: all districts together
    acknowledged: Timing
    first_contact: Timing


@dataclass
class CategoryTable:
    districts: list[District]
    rows: list[tuple[str, list[int], int]]  # (category label, counts per district, all)
    cases: list[int]  # distinct cases per district (a case may have several categories)
    cases_total: int


@dataclass
class Overview:
    period: Period
    district: District | None
    districts: list[District]  # those the head may pick from
    no_contact_days: int
    caseloads: list[CaseloadRow]
    caseload_total: CaseloadRow
    unassigned: int  # accepted cases still waiting for a specialist
    no_contact: QuerySet[RiskCase]  # paginated by the view; caseload_total.no_contact rows
    timings: list[TimingRow]  # the whole area first, then district by district
    alerts_waiting: int  # alerts of the period not acknowledged yet
    cases_without_contact_after_alert: int  # cases opened from an alert, nobody seen yet
    categories: CategoryTable
    proposals: dict[str, Any]  # {"count", "oldest", "by_level": [(label, n)]}
    plans: Block  # submitted plans
    closures: Block  # submitted closure proposals


def overview_districts(*, actor: Actor) -> list[District]:
    """The districts of the actor's region, for the overview's filter and table."""
    require(actor, Action.CASELOAD_VIEW)
    return list(scope(actor, District.objects.filter(region_id=actor.membership.region_id))
                .order_by("name_ru", "id"))


def _area_cases(actor: Actor, district: District | None) -> QuerySet[RiskCase]:
    qs = scope(actor, RiskCase.objects.all())
    if district is not None:
        qs = qs.filter(district_id=district.pk)  # the pupil's current one, kept on the case
    return qs


def overview_caseloads(actor: Actor, district: District | None
                       ) -> tuple[list[CaseloadRow], CaseloadRow, int]:
    """Open cases per owner by status, with overdue reviews and cases without contact in
    ``CASE_NO_CONTACT_DAYS`` days (counted from the last contact, or from entry for a case
    never contacted). Every active specialist of the centre is listed (of the district, if one
    is chosen), those without cases too. Two queries."""
    today = timezone.localdate()
    since = _no_contact_since()
    lapsed = Q(status__in=WORKED_STATUSES) & (
        Q(last_contact_at__lt=since) | Q(last_contact_at__isnull=True, opened_at__lt=since))
    grouped = (_area_cases(actor, district).filter(status__in=OPEN_STATUSES)
               .values("owner_id", "owner__first_name", "owner__last_name", "owner__username")
               .annotate(
                   proposed=Count("pk", filter=Q(status=RiskCase.Status.PROPOSED)),
                   active=Count("pk", filter=Q(status=RiskCase.Status.ACTIVE)),
                   monitoring=Count("pk", filter=Q(status=RiskCase.Status.MONITORING)),
                   overdue_reviews=Count("pk", filter=Q(status__in=WORKED_STATUSES,
                                                        next_review_on__lte=today)),
                   no_contact=Count("pk", filter=lapsed))
               .order_by())
    specialists = Membership.objects.filter(
        centre_id=actor.membership.centre_id, role=Role.CENTRE_SPECIALIST, is_active=True,
        user__is_active=True)
    if district is not None:
        specialists = specialists.filter(districts=district)
    rows: dict[int, CaseloadRow] = {}
    for m in specialists.select_related("user").order_by("user__last_name", "user__first_name",
                                                          "id"):
        rows.setdefault(m.user_id, CaseloadRow(owner_id=m.user_id, name=str(m.user)))
    unassigned = 0
    total = CaseloadRow(owner_id=0, name="")
    for g in grouped:
        counts = {k: g[k] for k in ("proposed", "active", "monitoring", "overdue_reviews",
                                    "no_contact")}
        for key, n in counts.items():
            setattr(total, key, getattr(total, key) + n)
        if g["owner_id"] is None:
            unassigned += g["proposed"]
            continue
        name = " ".join(p for p in (g["owner__first_name"], g["owner__last_name"]) if p)
        row = rows.setdefault(g["owner_id"], CaseloadRow(owner_id=g["owner_id"],
                                                         name=name or g["owner__username"]))
        for key, n in counts.items():
            setattr(row, key, n)
    return list(rows.values()), total, unassigned


def overview_no_contact(actor: Actor, district: District | None) -> QuerySet[RiskCase]:
    """Worked cases without contact in ``CASE_NO_CONTACT_DAYS`` days, longest first."""
    since = _no_contact_since()
    last_seen = Coalesce("last_contact_at", "opened_at", output_field=DateTimeField())
    return (_area_cases(actor, district).filter(status__in=WORKED_STATUSES)
            .annotate(last_seen=last_seen).filter(last_seen__lt=since)
            .select_related("pupil", "pupil__school", "pupil__school__district", "owner")
            .defer(*CASE_NARRATIVE).order_by("last_seen", "id"))


# percentiles --------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float | None:
    """The ``share`` quantile of sorted ``values`` by linear interpolation between the closest
    ranks: the same as PostgreSQL's ``percentile_cont``."""
    if not values:
        return None
    position = (len(values) - 1) * share
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def _timings(qs: QuerySet, district: str, start: str, end: str) -> dict[int | None, Timing]:
    """{district id: Timing, None: Timing of all} for the durations ``end - start`` of the rows
    of ``qs`` grouped by ``district`` (field paths), in one query."""
    inner = qs.annotate(t_district=F(district), t_start=F(start), t_end=F(end)).values(
        "t_district", "t_start", "t_end").order_by()
    sql, params = inner.query.sql_with_params()
    if connection.vendor == "postgresql":
        seconds = "EXTRACT(EPOCH FROM (t_end - t_start))::float8"
        figures = (f"t_district, COUNT(*), "
                   f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {seconds}), "
                   f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {seconds}), "
                   f"GROUPING(t_district)")
        # the inner SQL is Django's own, its parameters kept apart
        query = f"SELECT {figures} FROM ({sql}) AS timed GROUP BY GROUPING SETS ((t_district), ())"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return {(None if grouped_all else district): Timing(count, median, p90)
                    for district, count, median, p90, grouped_all in cursor.fetchall()}
    durations: dict[int | None, list[float]] = {None: []}
    for row in inner:
        value = (row["t_end"] - row["t_start"]).total_seconds()
        durations.setdefault(row["t_district"], []).append(value)
        durations[None].append(value)
    out = {}
    for key, values in durations.items():
        values.sort()
        out[key] = Timing(len(values), percentile(values, 0.5), percentile(values, 0.9))
    return out


EMPTY_TIMING = Timing(0, None, None)


def overview_timings(actor: Actor, period: Period, district: District | None,
                     districts: list[District]) -> tuple[list[TimingRow], int, int]:
    """Time from a crisis alert raised in the period to its acknowledgement, and to the first
    contact of the case opened from it: median and 90th percentile, for the whole area and by
    the alert's district. Also how many of the period's alerts are still unacknowledged and how
    many cases opened from them have had no contact yet. Four queries."""
    alerts = scope(actor, CrisisAlert.objects.filter(raised_at__gte=period.start,
                                                     raised_at__lt=period.end))
    cases = scope(actor, RiskCase.objects.filter(alert__raised_at__gte=period.start,
                                                 alert__raised_at__lt=period.end))
    if district is not None:
        alerts = alerts.filter(district_id=district.pk)
        cases = cases.filter(alert__district_id=district.pk)
    acknowledged = _timings(alerts.filter(acknowledged_at__isnull=False),
                            "district", "raised_at", "acknowledged_at")
    contacted = _timings(cases.filter(first_contact_at__gte=F("alert__raised_at")),
                         "alert__district", "alert__raised_at", "first_contact_at")
    waiting = alerts.filter(status=CrisisAlert.Status.OPEN).count()
    not_seen = cases.filter(first_contact_at__isnull=True).exclude(
        status=RiskCase.Status.CLOSED).count()
    rows = [TimingRow(None, acknowledged.get(None, EMPTY_TIMING),
                      contacted.get(None, EMPTY_TIMING))]
    for d in districts:
        if district is not None and d.pk != district.pk:
            continue
        if d.pk in acknowledged or d.pk in contacted:
            rows.append(TimingRow(d, acknowledged.get(d.pk, EMPTY_TIMING),
                                  contacted.get(d.pk, EMPTY_TIMING)))
    return rows, waiting, not_seen


# categories ---------------------------------------------------------------------------------


def _category_counts(qs: QuerySet[RiskCase]) -> list[tuple[int, str, int]]:
    """[(district id, category code or "", cases)] for the cases of ``qs``: per category, and
    ("") the distinct cases, in one query. The categories are unnested by the database."""
    inner = (qs.annotate(c_district=F("district"))
             .values("c_district", "categories").order_by())
    sql, params = inner.query.sql_with_params()
    if connection.vendor == "postgresql":
        # the area's cases are read once, then counted two ways
        cases = f"WITH c AS MATERIALIZED ({sql})"
        unnest = "CROSS JOIN LATERAL jsonb_array_elements_text(c.categories) AS e(value)"
    else:
        cases = f"WITH c AS ({sql})"
        unnest = ", json_each(c.categories) AS e"
    # the inner SQL is Django's own, its parameters kept apart
    per_category = f"SELECT c.c_district, e.value, COUNT(*) FROM c {unnest} GROUP BY c.c_district, e.value"  # noqa: E501,S608
    per_district = "SELECT c.c_district, '', COUNT(*) FROM c GROUP BY c.c_district"
    query = f"{cases} {per_category} UNION ALL {per_district}"
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def overview_categories(actor: Actor, period: Period, district: District | None,
                        districts: list[District]) -> CategoryTable:
    """Cases open at any time in the period (entered before its end, not closed before its
    start), by risk category and district."""
    worked = (_area_cases(actor, district)
              .filter(opened_at__lt=period.end)
              .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=period.start)))
    counts: dict[tuple[int, str], int] = {}
    for district_id, code, n in _category_counts(worked):
        counts[(district_id, code)] = n
    shown = [d for d in districts if district is None or d.pk == district.pk]
    rows = []
    for code, label in Category.choices:
        cells = [counts.get((d.pk, code), 0) for d in shown]
        if any(cells):
            rows.append((str(label), cells, sum(cells)))
    cases = [counts.get((d.pk, ""), 0) for d in shown]
    return CategoryTable(districts=shown, rows=rows, cases=cases, cases_total=sum(cases))


# waiting for the head -----------------------------------------------------------------------


def overview_proposals(actor: Actor, district: District | None) -> dict[str, Any]:
    """Triage proposals awaiting the centre's decision, by level (one query)."""
    qs = scope(actor, TriageProposal.objects.filter(status=TriageProposal.Status.PROPOSED))
    if district is not None:
        qs = qs.filter(district_id=district.pk)
    grouped = {r["level"]: r for r in qs.values("level").annotate(
        n=Count("pk"), oldest=Min("created_at")).order_by()}
    by_level = [(str(label), grouped[code]["n"])
                for code, label in reversed(TriageProposal.Level.choices) if code in grouped]
    oldest = min((r["oldest"] for r in grouped.values()), default=None)
    return {"count": sum(n for _label, n in by_level), "oldest": oldest, "by_level": by_level}


def overview_approvals(actor: Actor, district: District | None) -> tuple[Block, Block]:
    """Plans and closure proposals submitted and waiting for the head, oldest first."""
    plans = scope(actor, CasePlan.objects.filter(status=Decision.SUBMITTED))
    closures = scope(actor, CaseClosure.objects.filter(status=Decision.SUBMITTED))
    if district is not None:
        plans = plans.filter(case__district_id=district.pk)
        closures = closures.filter(case__district_id=district.pk)
    plans = (plans.select_related("case__pupil", "created_by")
             .defer("goals", "decision_comment", "case__reason").order_by("submitted_at", "id"))
    closures = (closures.select_related("case__pupil", "requested_by")
                .defer("note", "decision_comment", "case__reason")
                .order_by("requested_at", "id"))
    return _block(plans, APPROVAL_ROWS), _block(closures, APPROVAL_ROWS)


def overview_get(*, actor: Actor, period: Period, district: District | None,
                 districts: list[District] | None = None) -> Overview:
    """The centre head's overview of the region (or of one district of it) over a period.
    ``districts`` (from ``overview_districts``) may be passed when the caller already has
    them."""
    require(actor, Action.CASELOAD_VIEW)
    if districts is None:
        districts = overview_districts(actor=actor)
    if district is not None and district.pk not in {d.pk for d in districts}:
        district = None
    caseloads, total, unassigned = overview_caseloads(actor, district)
    timings, waiting, not_seen = overview_timings(actor, period, district, districts)
    plans, closures = overview_approvals(actor, district)
    return Overview(
        period=period,
        district=district,
        districts=districts,
        no_contact_days=settings.CASE_NO_CONTACT_DAYS,
        caseloads=caseloads,
        caseload_total=total,
        unassigned=unassigned,
        no_contact=overview_no_contact(actor, district),
        timings=timings,
        alerts_waiting=waiting,
        cases_without_contact_after_alert=not_seen,
        categories=overview_categories(actor, period, district, districts),
        proposals=overview_proposals(actor, district),
        plans=plans,
        closures=closures,
    )

