"""Indicators of screening, crisis alerts and the risk group, as area tables (tables.py).

Every function takes ``region_id``, the ``viewer`` (None: the public), a ``ReportPeriod`` and,
optionally, a district (rows: its schools) or a school (one row), and returns an ``AreaTable``
with the small-count rule applied by ``area_table``. Besides the areas (one query), each is one
grouped query (coverage: the campaigns first; alerts: one query with a subquery per alert for
the first contact), so that a region's or the country's data is read in one pass.

What is counted, and where:

* **Screening coverage** (``coverage_table``): the assignments of the campaigns that *start*
  in the period (drafts excluded), by the school and district the pupil was in when assigned
  (kept on the assignment), by their status now: completed, refused by the pupil, no consent,
  absent, pending (not started or started); coverage = completed of assigned. Entitlement:
  ``records_entitled`` (screening records).
* **Risk group** (``risk_group_table``): a risk case is in the group from its acceptance
  (``opened_at``: the triage decision, whether or not a specialist is assigned yet) until it is
  closed (``closed_at``). *In the group* = accepted before the end of the period and not closed
  by then; *entered* = accepted in the period; *left* = closed in the period; *by category* =
  in the group at the end of the period, each case counted once in each of its categories (so
  the categories add up to more than the group). A case counts at the pupil's current school
  and its district (as the case's access does, rules_cases.py), kept on the case and moved with
  the pupil (cases/services/place.py), so a pupil who moved is counted where they are now, for
  past periods too. A reopened case keeps no
  date of its earlier closing (reopening clears it): it counts as in the group since its
  acceptance. Entitlement: ``cases_entitled``.
* **Crisis alerts** (``alerts_table``): alerts raised in the period, at the school and district
  kept on the alert (where the pupil was when it was raised); *acknowledged* = of those, the ones
  acknowledged (by now); the median minutes from raising to acknowledgement (of those
  acknowledged); the median hours from raising to the *first contact with the child*: the
  earliest contact at which the child was present (``Contact.present`` lists "child"; a session
  with the parents alone does not count), held at or after the raising, on a case of the same
  pupil (the case opened from the alert, or the pupil's case the alert joined). Alerts without
  such a contact yet are left out of that median. Entitlement: ``records_entitled`` (alerts are
  screening records; the median hours is hidden with its own sample like any median).
* **Referrals** (``referrals_table``): referrals sent in the period, at the pupil's current
  school (as their case); of those, *completed* = the loop closed with the provider's feedback
  (status "feedback received", by now), *overdue* = still under way with the next step due
  before today (cases/services/referrals.py ``is_overdue``); completed % = completed of made.
  Entitlement: ``cases_entitled``.

The risk group's and the referrals' counting rules live in cases/counting.py, shared with the
lists the figures link to, so that a figure and the list behind it agree.

Links: a count links to the list of the records it counts, filtered to the row's area, the
period and what the column counts: the risk cases (``cases:case-list``, Action.CASE_LIST), the
crisis alerts (``screening:alert-list``, Action.ALERT_VIEW), the referrals
(``cases:referral-list``, Action.CASE_LIST). A link is given only where the viewer may open the
list *and* is entitled to the row's records (else the list, which applies the viewer's scope
again, would show only some of them). Coverage has no list to link to (the campaign page counts
one campaign, not an area and a period).
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from safechildhood.access.policy import Action, Actor
from safechildhood.access.rules_statistics import cases_entitled, records_entitled
from safechildhood.cases import counting
from safechildhood.cases.models import Category, Contact, Referral, RiskCase
from safechildhood.periods import ReportPeriod
from safechildhood.screening.models import Assignment, Campaign, CrisisAlert
from safechildhood.screening.selectors_alerts import LIST_ACKNOWLEDGED
from safechildhood.statistics.areas import DISTRICT, area_scope, grouped
from safechildhood.statistics.tables import (
    MEDIAN,
    PERCENT,
    AreaTable,
    Measure,
    area_table,
)

# --- screening coverage -------------------------------------------------------------------------

S = Assignment.Status
COVERAGE_STATUSES = {  # column: the assignment statuses it counts
    "completed": (S.COMPLETED,),
    "refused": (S.REFUSED,),
    "no_consent": (S.NO_CONSENT,),
    "absent": (S.ABSENT,),
    "pending": (S.PENDING, S.IN_PROGRESS),
}
COVERAGE_OF_STATUS = {status: column for column, statuses in COVERAGE_STATUSES.items()
                      for status in statuses}


def coverage_measures() -> list[Measure]:
    return [
        Measure("assigned", gettext("Pupils assigned"),
                help=gettext("Assignments of the campaigns starting in the period, where the "
                             "pupil was when assigned.")),
        Measure("completed", gettext("Completed")),
        Measure("refused", gettext("Pupil refused")),
        Measure("no_consent", gettext("No consent")),
        Measure("absent", gettext("Absent")),
        Measure("pending", gettext("Not done yet")),
        Measure("coverage", gettext("Coverage, %"), kind=PERCENT, of=("completed", "assigned"),
                help=gettext("Completed of assigned.")),
    ]


def coverage_table(*, region_id: int, viewer: Actor | None, period: ReportPeriod,
                   district_id: int | None = None, school_id: int | None = None) -> AreaTable:
    """Screening: pupils assigned in the campaigns starting in the period, and what became of
    it, by district or school. Two queries: the campaigns, then the assignments counted by area
    and status (read from the (campaign, district|school, status) indexes alone)."""
    scope = area_scope(region_id=region_id, viewer=viewer, entitled=records_entitled,
                       district_id=district_id, school_id=school_id)
    campaigns = list(Campaign.objects.filter(region_id=region_id, starts_on__gte=period.start,
                                             starts_on__lte=period.end)
                     .exclude(status=Campaign.Status.DRAFT).values_list("pk", flat=True))
    group = scope.group("district_id", "school_id")
    qs = Assignment.objects.filter(campaign_id__in=campaigns)
    # For the region (rows: its districts) its campaigns are filter enough: read in the index's
    # order and grouped without hashing (a district outside the rows would count nowhere:
    # area_table reads the rows' areas only).
    if scope.level != DISTRICT:
        qs = qs.filter(**{f"{group}__in": [a.key for a in scope.areas]})
    counts: dict[int, dict[str, int]] = {}
    for key, status, n in qs.values_list(group, "status").annotate(n=Count("*")).order_by():
        count = counts.setdefault(key, dict.fromkeys(("assigned", *COVERAGE_STATUSES), 0))
        count["assigned"] += n
        count[COVERAGE_OF_STATUS[status]] += n
    return area_table(code="coverage", title=gettext("Screening coverage"), level=scope.level,
                      measures=coverage_measures(), areas=scope.areas,
                      entitled_total=scope.entitled_total, counts=counts)


# --- the risk group -----------------------------------------------------------------------------

# the pupil's current school and district, as kept on the case (cases/models.py)
CASE_DISTRICT, CASE_SCHOOL = "district_id", "school_id"
COUNTED = {"in_group": counting.IN_GROUP, "entered": counting.ENTERED, "left": counting.LEFT}


def category_code(category: str) -> str:
    return f"category_{category}"


def risk_group_measures() -> list[Measure]:
    return [
        Measure("in_group", gettext("In the risk group at the end of the period"),
                help=gettext("Children accepted into the risk group by the end of the period "
                             "whose case was not closed by then, at their current school.")),
        Measure("entered", gettext("Entered in the period")),
        Measure("left", gettext("Left in the period"),
                help=gettext("Cases closed in the period.")),
        *[Measure(category_code(code), str(label),
                  help=gettext("In the risk group at the end of the period with this "
                               "category; a child with several categories counts in each."))
          for code, label in Category.choices],
    ]


def risk_group_table(*, region_id: int, viewer: Actor | None, period: ReportPeriod,
                     district_id: int | None = None, school_id: int | None = None
                     ) -> AreaTable:
    """Children in the risk group at the end of the period, entered and left in it, and in the
    group by category (one grouped query)."""
    scope = area_scope(region_id=region_id, viewer=viewer, entitled=cases_entitled,
                       district_id=district_id, school_id=school_id)
    in_group = counting.in_group_at(period.ends_at)
    qs = scope.filter(RiskCase.objects.filter(counting.touching(period)), CASE_DISTRICT,
                      CASE_SCHOOL)
    counts = grouped(
        qs, scope.group(CASE_DISTRICT, CASE_SCHOOL),
        in_group=Count("pk", filter=in_group),
        entered=Count("pk", filter=counting.entered_in(period)),
        left=Count("pk", filter=counting.left_in(period)),
        **{category_code(code): Count("pk", filter=in_group & counting.with_category(code))
           for code in Category.values})
    def params(measure: str) -> dict[str, str]:
        if measure.startswith("category_"):
            return {"period": period.code, "counted": counting.IN_GROUP,
                    "category": measure.removeprefix("category_"), "owner": "all"}
        return {"period": period.code, "counted": COUNTED[measure], "owner": "all"}

    link = scope.linker(viewer, Action.CASE_LIST, "cases:case-list", params)
    return area_table(code="risk_group", title=gettext("Risk group"), level=scope.level,
                      measures=risk_group_measures(), areas=scope.areas,
                      entitled_total=scope.entitled_total, counts=counts, link=link)


# --- crisis alerts ------------------------------------------------------------------------------


def alerts_measures() -> list[Measure]:
    return [
        Measure("raised", gettext("Crisis alerts raised")),
        Measure("acknowledged", gettext("Acknowledged"),
                help=gettext("Of the alerts raised in the period, those acknowledged.")),
        Measure("minutes_to_acknowledge", gettext("Median minutes to acknowledgement"),
                kind=MEDIAN, unit="minutes"),
        Measure("hours_to_contact", gettext("Median hours to first contact with the child"),
                kind=MEDIAN, unit="hours",
                help=gettext("From raising the alert to the first contact at which the child "
                             "was present, on the child's risk case.")),
    ]


def first_contact_with_child() -> Subquery:
    """The earliest contact with the child present, at or after the alert's raising, on a case
    of the alert's pupil (for annotating crisis alerts)."""
    return Subquery(
        Contact.objects.filter(case__pupil_id=OuterRef("pupil_id"),
                               held_at__gte=OuterRef("raised_at"),
                               present__icontains=f'"{Contact.Present.CHILD}"')
        .order_by("held_at").values("held_at")[:1])


def alerts_table(*, region_id: int, viewer: Actor | None, period: ReportPeriod,
                 district_id: int | None = None, school_id: int | None = None) -> AreaTable:
    """Crisis alerts raised in the period, acknowledged, and how fast: median minutes to
    acknowledgement, median hours to the first contact with the child (one query)."""
    scope = area_scope(region_id=region_id, viewer=viewer, entitled=records_entitled,
                       district_id=district_id, school_id=school_id)
    qs = scope.filter(CrisisAlert.objects.filter(raised_at__gte=period.starts_at,
                                                 raised_at__lt=period.ends_at),
                      "district_id", "school_id")
    group = scope.group("district_id", "school_id")
    counts: dict[int, dict[str, int]] = {}
    samples: dict[int, dict[str, list[float]]] = {}
    rows = (qs.annotate(first_contact=first_contact_with_child())
            .values_list(group, "raised_at", "acknowledged_at", "first_contact").order_by())
    for key, raised_at, acknowledged_at, first_contact in rows:  # a region-year: thousands
        count = counts.setdefault(key, {"raised": 0, "acknowledged": 0})
        sample = samples.setdefault(key, {"minutes_to_acknowledge": [], "hours_to_contact": []})
        count["raised"] += 1
        if acknowledged_at is not None:
            count["acknowledged"] += 1
            sample["minutes_to_acknowledge"].append(
                (acknowledged_at - raised_at).total_seconds() / 60)
        if first_contact is not None:
            sample["hours_to_contact"].append((first_contact - raised_at).total_seconds() / 3600)
    def params(measure: str) -> dict[str, str]:
        if measure == "acknowledged":
            return {"period": period.code, "status": LIST_ACKNOWLEDGED}
        return {"period": period.code}

    link = scope.linker(viewer, Action.ALERT_VIEW, "screening:alert-list", params)
    return area_table(code="alerts", title=gettext("Crisis alerts"), level=scope.level,
                      measures=alerts_measures(), areas=scope.areas,
                      entitled_total=scope.entitled_total, counts=counts, samples=samples,
                      link=link)


# --- referrals ----------------------------------------------------------------------------------

REFERRAL_DISTRICT, REFERRAL_SCHOOL = "case__district_id", "case__school_id"


def referrals_measures() -> list[Measure]:
    return [
        Measure("made", gettext("Referrals made"),
                help=gettext("Referrals to service providers sent in the period.")),
        Measure("completed", gettext("Completed (feedback received)")),
        Measure("overdue", gettext("Overdue"),
                help=gettext("Still under way, with the next step due before today.")),
        Measure("completed_percent", gettext("Completed, %"), kind=PERCENT,
                of=("completed", "made")),
    ]


def referrals_table(*, region_id: int, viewer: Actor | None, period: ReportPeriod,
                    district_id: int | None = None, school_id: int | None = None
                    ) -> AreaTable:
    """Referrals sent in the period, those whose loop closed with the provider's feedback and
    those overdue now (one grouped query)."""
    scope = area_scope(region_id=region_id, viewer=viewer, entitled=cases_entitled,
                       district_id=district_id, school_id=school_id)
    today = timezone.localdate()
    qs = scope.filter(Referral.objects.filter(counting.sent_in(period)), REFERRAL_DISTRICT,
                      REFERRAL_SCHOOL)
    counts = grouped(
        qs, scope.group(REFERRAL_DISTRICT, REFERRAL_SCHOOL), made=Count("pk"),
        completed=Count("pk", filter=counting.completed()),
        overdue=Count("pk", filter=counting.overdue(today)))
    def params(measure: str) -> dict[str, str]:
        shown = {"completed": counting.COMPLETED, "overdue": counting.OVERDUE}
        return {"period": period.code, "show": shown.get(measure, "")}

    link = scope.linker(viewer, Action.CASE_LIST, "cases:referral-list", params)
    return area_table(code="referrals", title=gettext("Referrals"), level=scope.level,
                      measures=referrals_measures(), areas=scope.areas,
                      entitled_total=scope.entitled_total, counts=counts, link=link)


TABLES = [
    ("coverage", coverage_table),
    ("risk_group", risk_group_table),
    ("alerts", alerts_table),
    ("referrals", referrals_table),
]

TITLES = {  # for pages that name a table before computing it
    "coverage": gettext_lazy("Screening coverage"),
    "risk_group": gettext_lazy("Risk group"),
    "alerts": gettext_lazy("Crisis alerts"),
    "referrals": gettext_lazy("Referrals"),
}
