"""Reads of the field work of a case: its contacts, and field trips with their itineraries.

Every read starts from the access policy's scope. The contact list of a case and a printed or
downloaded itinerary are reads of children's records and are written to the audit log (ids only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, can, require, scope
from safechildhood.accounts.models import Role
from safechildhood.audit.services import audit_record
from safechildhood.cases.models import (
    CasePlan,
    Category,
    Contact,
    Decision,
    FieldTrip,
    Level,
    PlanAction,
    RiskCase,
    TripStop,
)
from safechildhood.errors import NotFound
from safechildhood.geography.models import District, Settlement
from safechildhood.people.models import Guardian

SECTION_CONTACTS = 5  # the latest contacts shown on the case page
DEFAULT_NO_CONTACT_DAYS = 30


def _not_found() -> NotFound:
    return NotFound(_("Not found."), code="not_found")


# --- the case's contacts -----------------------------------------------------------------------


def case_find(*, actor: Actor, pk: int) -> RiskCase:
    """A case in the actor's scope, with its pupil and school (no audit: for the contact form,
    which shows only the child's name)."""
    case = (scope(actor, RiskCase.objects.all())
            .select_related("pupil__school__settlement", "pupil__school__district", "owner")
            .filter(pk=pk).first())
    if case is None:
        raise _not_found()
    require(actor, Action.CASE_VIEW, case)
    return case


def case_contacts(*, actor: Actor, case: RiskCase) -> QuerySet[Contact]:
    """The case's contacts, latest first."""
    require(actor, Action.CASE_VIEW, case)
    return (scope(actor, Contact.objects.filter(case=case))
            .select_related("settlement", "recorded_by", "trip")
            .order_by("-held_at", "-id"))


def case_contacts_read(*, actor: Actor, pk: int) -> RiskCase:
    """The case whose contact list (with the notes) is opened: written to the audit log."""
    case = case_find(actor=actor, pk=pk)
    audit_record(actor=actor, action="cases.contacts.viewed", target=case.pupil,
                 data={"case_id": case.pk, "pupil_id": case.pupil_id})
    return case


def with_present_labels(contacts) -> list[Contact]:
    """The contacts, each with ``present_labels``: who was present, in the reader's language."""
    labels = dict(Contact.Present.choices)
    rows = list(contacts)
    for contact in rows:
        contact.present_labels = [str(labels.get(code, code)) for code in contact.present]
    return rows


def case_contacts_section(actor: Actor, case: RiskCase) -> dict[str, Any]:
    """The contacts part of the case page (the page itself is the audited read)."""
    contacts = case_contacts(actor=actor, case=case)
    totals = contacts.aggregate(count=Count("pk"), parents=Sum("parents_reached"))
    return {
        "case": case,
        "contacts": with_present_labels(contacts[:SECTION_CONTACTS]),
        "contact_count": totals["count"],
        "parents_reached": totals["parents"] or 0,
        "may_record_contact": can(actor, Action.CASE_WORK, case),
    }


def contact_settlements(*, actor: Actor, case: RiskCase) -> QuerySet[Settlement]:
    """The places a contact of the case may be held at: the settlements of the child's
    district, the school's first."""
    return (scope(actor, Settlement.objects.filter(district_id=case.pupil.school.district_id))
            .order_by("name_ru", "pk"))


def contact_trips(*, actor: Actor, case: RiskCase) -> QuerySet[FieldTrip]:
    """The actor's trips that visit this case, to record a contact against."""
    if not can(actor, Action.TRIP_MANAGE):
        return FieldTrip.objects.none()
    return (scope(actor, FieldTrip.objects.filter(stops__case=case))
            .exclude(status=FieldTrip.Status.CANCELLED)
            .select_related("district").order_by("-starts_on", "-id"))


# --- field trips -------------------------------------------------------------------------------


def trip_districts(*, actor: Actor) -> QuerySet[District]:
    """The districts the actor may plan a trip to: a specialist's own, the head's region."""
    require(actor, Action.TRIP_MANAGE)
    m = actor.membership
    if actor.has_role(Role.CENTRE_HEAD):
        qs = District.objects.filter(region_id=m.region_id)
    else:
        qs = m.districts.all()
    return scope(actor, qs).order_by("name_ru", "pk")


def trip_list(*, actor: Actor) -> QuerySet[FieldTrip]:
    """The trips the actor sees (a specialist's own; the head's region), newest first, with
    the number of stops and of stops already visited."""
    require(actor, Action.TRIP_MANAGE)
    visited = Contact.objects.filter(trip_id=OuterRef("trip_id"), case_id=OuterRef("case_id"))
    stops_visited = (TripStop.objects.filter(trip_id=OuterRef("pk"))
                     .filter(Exists(visited)).order_by().values("trip_id")
                     .annotate(n=Count("pk")).values("n"))
    return (scope(actor, FieldTrip.objects.all())
            .select_related("district", "specialist")
            .annotate(stop_count=Count("stops", distinct=True),
                      visited_count=Subquery(stops_visited))
            .order_by("-starts_on", "-id"))


def trip_get(*, actor: Actor, pk: int) -> FieldTrip:
    trip = (scope(actor, FieldTrip.objects.all()).select_related("district", "specialist")
            .filter(pk=pk).first())
    if trip is None:
        raise _not_found()
    require(actor, Action.TRIP_MANAGE, trip)
    return trip


def workable_open_cases(*, actor: Actor, district: District) -> QuerySet[RiskCase]:
    """Open cases of the district the actor works: a specialist's own; every open case of the
    district for the centre head."""
    qs = scope(actor, RiskCase.objects.filter(district=district)).exclude(
        status=RiskCase.Status.CLOSED)
    if not actor.has_role(Role.CENTRE_HEAD):
        qs = qs.filter(owner_id=actor.user.pk)
    return qs


def _current_plan() -> Subquery:
    """The case's plan in force: its latest approved plan."""
    return Subquery(CasePlan.objects.filter(case_id=OuterRef("pk"), status=Decision.APPROVED)
                    .order_by("-decided_at", "-id").values("pk")[:1])


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def cases_due(*, actor: Actor, district: District, starts_on: dt.date, ends_on: dt.date,
              no_contact_days: int = DEFAULT_NO_CONTACT_DAYS) -> QuerySet[RiskCase]:
    """The cases due for a visit on a trip to ``district`` from ``starts_on`` to ``ends_on``:
    never contacted, no contact in the ``no_contact_days`` before the trip, a review due by its
    last day, or planned actions of the plan in force due by then. Each carries flags saying
    why (``never_contacted``, ``contact_overdue``, ``review_due``, ``actions_due``)."""
    since = _day_start(starts_on) - dt.timedelta(days=no_contact_days)
    open_actions = PlanAction.objects.filter(plan_id=OuterRef("current_plan"),
                                             done_on__isnull=True, due_on__lte=ends_on)
    qs = (workable_open_cases(actor=actor, district=district)
          .annotate(current_plan=_current_plan())
          .annotate(
              never_contacted=ExpressionWrapper(Q(last_contact_at__isnull=True),
                                                output_field=BooleanField()),
              contact_overdue=ExpressionWrapper(Q(last_contact_at__lt=since),
                                                output_field=BooleanField()),
              review_due=ExpressionWrapper(Q(next_review_on__lte=ends_on),
                                          output_field=BooleanField()),
              actions_due=Exists(open_actions)))
    return qs.filter(Q(never_contacted=True) | Q(contact_overdue=True) | Q(review_due=True)
                     | Q(actions_due=True))


# --- the itinerary -----------------------------------------------------------------------------


@dataclass
class Stop:
    """One child on the itinerary."""

    stop_id: int
    case_id: int
    name: str
    class_name: str
    school_name: str
    settlement_name: str
    categories: list[str] = field(default_factory=list)
    level: str = ""
    guardians: list[dict[str, str]] = field(default_factory=list)
    last_contact: dt.date | None = None
    next_step: str = ""
    actions_due: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    visited: bool = False


@dataclass
class SchoolGroup:
    name: str
    stops: list[Stop] = field(default_factory=list)


@dataclass
class SettlementGroup:
    name: str
    schools: list[SchoolGroup] = field(default_factory=list)


@dataclass
class Itinerary:
    trip: FieldTrip
    settlements: list[SettlementGroup]
    case_ids: list[int]

    @property
    def count(self) -> int:
        return len(self.case_ids)

    @property
    def visited(self) -> int:
        return sum(s.visited for g in self.settlements for sc in g.schools for s in sc.stops)


def _reasons(case: RiskCase, trip: FieldTrip, no_contact_days: int) -> list[str]:
    reasons = []
    if case.last_contact_at is None:
        reasons.append(gettext("never contacted"))
    elif case.last_contact_at < _day_start(trip.starts_on) - dt.timedelta(days=no_contact_days):
        reasons.append(gettext("no contact for over %(days)s days") % {"days": no_contact_days})
    if case.next_review_on is not None and case.next_review_on <= trip.ends_on:
        reasons.append(gettext("review due %(date)s")
                       % {"date": case.next_review_on.strftime("%d.%m.%Y")})
    if getattr(case, "has_actions_due", False):
        reasons.append(gettext("planned actions due"))
    return reasons


def _stops(trip: FieldTrip) -> list[TripStop]:
    visited = Contact.objects.filter(trip_id=trip.pk, case_id=OuterRef("case_id"))
    return list(TripStop.objects.filter(trip=trip)
                .select_related("case__pupil", "school", "settlement")
                .annotate(visited=Exists(visited))
                .order_by("position", "id"))


def _group(stops: list[Stop]) -> list[SettlementGroup]:
    """Settlement → school → child, in the names' order of the active language."""
    groups: dict[str, dict[str, list[Stop]]] = {}
    for stop in sorted(stops, key=lambda s: (s.settlement_name.casefold(),
                                             s.school_name.casefold(), s.name.casefold())):
        groups.setdefault(stop.settlement_name, {}).setdefault(stop.school_name, []).append(stop)
    return [SettlementGroup(name, [SchoolGroup(school, children)
                                   for school, children in schools.items()])
            for name, schools in groups.items()]


def trip_stops(*, actor: Actor, trip: FieldTrip,
               no_contact_days: int = DEFAULT_NO_CONTACT_DAYS) -> Itinerary:
    """The trip's stops for its page: who, where, why, and whether a contact was recorded on
    the trip. Names and places only; the printed itinerary carries the rest."""
    require(actor, Action.TRIP_MANAGE, trip)
    stops = _stops(trip)
    flags = _action_flags(trip, [s.case for s in stops])
    rows = []
    for stop in stops:
        case = stop.case
        case.has_actions_due = case.pk in flags
        rows.append(Stop(stop_id=stop.pk, case_id=case.pk, name=case.pupil.full_name,
                         class_name=case.pupil.class_name, school_name=stop.school.name,
                         settlement_name=stop.settlement.name,
                         reasons=_reasons(case, trip, no_contact_days), visited=stop.visited))
    return Itinerary(trip=trip, settlements=_group(rows), case_ids=[s.case_id for s in rows])


def _plans_in_force(cases: list[RiskCase]) -> dict[int, int]:
    """case id → id of its latest approved plan."""
    plans = (CasePlan.objects.filter(case_id__in=[c.pk for c in cases], status=Decision.APPROVED)
             .order_by("case_id", "-decided_at", "-id").values_list("case_id", "pk"))
    current: dict[int, int] = {}
    for case_id, plan_id in plans:
        current.setdefault(case_id, plan_id)
    return current


def _actions_due(trip: FieldTrip, cases: list[RiskCase]) -> dict[int, list[PlanAction]]:
    """case id → open actions of its plan in force due by the trip's last day."""
    plans = _plans_in_force(cases)
    by_plan: dict[int, list[PlanAction]] = {}
    for action in (PlanAction.objects.filter(plan_id__in=plans.values(), done_on__isnull=True,
                                             due_on__lte=trip.ends_on)
                   .order_by("due_on", "position", "id")):
        by_plan.setdefault(action.plan_id, []).append(action)
    return {case_id: by_plan[plan_id] for case_id, plan_id in plans.items()
            if plan_id in by_plan}


def _action_flags(trip: FieldTrip, cases: list[RiskCase]) -> set[int]:
    plans = _plans_in_force(cases)
    due = (PlanAction.objects.filter(plan_id__in=plans.values(), done_on__isnull=True,
                                     due_on__lte=trip.ends_on)
           .values_list("plan_id", flat=True).distinct())
    due_plans = set(due)
    return {case_id for case_id, plan_id in plans.items() if plan_id in due_plans}


def _last_next_steps(cases: list[RiskCase]) -> dict[int, str]:
    """case id → the next step written at its latest contact."""
    latest = Subquery(Contact.objects.filter(case_id=OuterRef("case_id"))
                      .order_by("-held_at", "-id").values("pk")[:1])
    contacts = (Contact.objects.filter(case_id__in=[c.pk for c in cases])
                .filter(pk=latest).only("pk", "case_id", "next_step"))
    return {c.case_id: c.next_step for c in contacts}


def trip_itinerary(*, actor: Actor, trip: FieldTrip, output: str,
                   no_contact_days: int = DEFAULT_NO_CONTACT_DAYS) -> Itinerary:
    """The printable itinerary: per settlement and school, each child with class, guardians'
    phones, categories and level, last contact, the next step written then, and the planned
    actions due. Reading it is reading the children's records: one audit event names the
    cases (``output``: "html" or "pdf")."""
    require(actor, Action.TRIP_MANAGE, trip)
    stops = _stops(trip)
    cases = [s.case for s in stops]
    pupil_ids = [c.pupil_id for c in cases]
    guardians: dict[int, list[dict[str, str]]] = {}
    for guardian in scope(actor, Guardian.objects.filter(pupil_id__in=pupil_ids)).order_by(
            "pupil_id", "id"):
        guardians.setdefault(guardian.pupil_id, []).append({
            "relation": guardian.get_relation_display(), "name": guardian.full_name,
            "phone": guardian.phone})
    actions = _actions_due(trip, cases)
    next_steps = _last_next_steps(cases)
    categories = dict(Category.choices)
    levels = dict(Level.choices)
    rows = []
    for stop in stops:
        case = stop.case
        case.has_actions_due = case.pk in actions
        last = case.last_contact_at
        rows.append(Stop(
            stop_id=stop.pk, case_id=case.pk, name=case.pupil.full_name,
            class_name=case.pupil.class_name, school_name=stop.school.name,
            settlement_name=stop.settlement.name,
            categories=[str(categories.get(c, c)) for c in case.categories],
            level=str(levels.get(case.level, case.level)),
            guardians=guardians.get(case.pupil_id, []),
            last_contact=timezone.localdate(last) if last else None,
            next_step=next_steps.get(case.pk, ""),
            actions_due=[{"due_on": a.due_on, "description": a.description}
                         for a in actions.get(case.pk, [])],
            reasons=_reasons(case, trip, no_contact_days), visited=stop.visited))
    itinerary = Itinerary(trip=trip, settlements=_group(rows), case_ids=[s.case_id for s in rows])
    audit_record(actor=actor, action="cases.trip.itinerary_printed", target=trip,
                 data={"trip_id": trip.pk, "output": output,
                       "case_ids": sorted(itinerary.case_ids)})
    return itinerary


def trip_candidates(*, actor: Actor, trip: FieldTrip) -> list[RiskCase]:
    """Open cases of the trip's district the actor works that are not on the itinerary yet,
    due ones first, then by name."""
    require(actor, Action.TRIP_MANAGE, trip)
    on_trip = TripStop.objects.filter(trip=trip).values("case_id")
    due = set(cases_due(actor=actor, district=trip.district, starts_on=trip.starts_on,
                        ends_on=trip.ends_on).exclude(pk__in=on_trip).values_list("pk", flat=True))
    cases = list(workable_open_cases(actor=actor, district=trip.district)
                 .exclude(pk__in=on_trip).select_related("pupil__school")
                 .order_by("pupil__last_name", "pupil__first_name", "pk"))
    for case in cases:
        case.is_due = case.pk in due
    return sorted(cases, key=lambda c: not c.is_due)


def trip_phase(trip: FieldTrip, today: dt.date | None = None) -> tuple[str, str]:
    """The trip's status as shown: a planned trip whose days have come is "under way"."""
    today = today or timezone.localdate()
    if trip.status == FieldTrip.Status.PLANNED and trip.starts_on <= today:
        if today <= trip.ends_on:
            return "under_way", gettext("under way")
        return "to_close", gettext("over: mark it done")
    return trip.status, trip.get_status_display()


def trip_preview(*, actor: Actor, district: District, starts_on: dt.date, ends_on: dt.date,
                 no_contact_days: int = DEFAULT_NO_CONTACT_DAYS) -> Itinerary:
    """The cases a trip planned with these values would gather, grouped by settlement and
    school, with why each is due (names and places only, as on the trip page)."""
    require(actor, Action.TRIP_MANAGE)
    trip = FieldTrip(district=district, starts_on=starts_on, ends_on=ends_on,
                     specialist=actor.user)
    cases = (cases_due(actor=actor, district=district, starts_on=starts_on, ends_on=ends_on,
                       no_contact_days=no_contact_days)
             .select_related("pupil__school__settlement"))
    rows = []
    for case in cases:
        case.has_actions_due = case.actions_due
        school = case.pupil.school
        rows.append(Stop(stop_id=0, case_id=case.pk, name=case.pupil.full_name,
                         class_name=case.pupil.class_name, school_name=school.name,
                         settlement_name=school.settlement.name,
                         reasons=_reasons(case, trip, no_contact_days)))
    return Itinerary(trip=trip, settlements=_group(rows), case_ids=[s.case_id for s in rows])
