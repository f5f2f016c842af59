"""Planning field trips: which cases are due for a visit, the itinerary's stops, changes to it,
marking a trip done or cancelled; each with its audit event, refusals and rollback."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safechildhood.audit.models import AuditEvent
from safechildhood.cases.models import Decision, FieldTrip, RiskCase, TripStop
from safechildhood.cases.selectors_work import cases_due, trip_itinerary, trip_stops
from safechildhood.cases.services.contacts import contact_record
from safechildhood.cases.services.trips import (
    trip_plan,
    trip_status_set,
    trip_stop_add,
    trip_stop_remove,
)
from safechildhood.cases.tests import field_fixtures
from safechildhood.cases.tests.factories import (
    CasePlanFactory,
    ContactFactory,
    FieldTripFactory,
    PlanActionFactory,
    RiskCaseFactory,
)
from safechildhood.cases.tests.field_fixtures import contact_input
from safechildhood.errors import DomainError, NotFound
from safechildhood.people.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db
field = field_fixtures.field

TODAY = timezone.localdate


def _case(field, school=None, owner=None, **kw) -> RiskCase:
    return RiskCaseFactory(pupil=PupilFactory(school=school or field.school), active=True,
                           owner=owner or field.specialist, opened_by=field.head, **kw)


def _contacted(case, days_ago: int) -> None:
    held = timezone.now() - dt.timedelta(days=days_ago)
    ContactFactory(case=case, held_at=held)
    RiskCase.objects.filter(pk=case.pk).update(first_contact_at=held, last_contact_at=held)


@pytest.fixture
def due_world(field):
    """The specialist's cases in the district, each due (or not) for its own reason."""
    start = TODAY() + dt.timedelta(days=3)
    cases = {"never": field.case}  # never contacted
    cases["stale"] = _case(field, school=field.hamlet_school)
    _contacted(cases["stale"], days_ago=45)
    cases["recent"] = _case(field)
    _contacted(cases["recent"], days_ago=5)
    cases["review"] = _case(field, next_review_on=start + dt.timedelta(days=1))
    _contacted(cases["review"], days_ago=5)
    cases["actions"] = _case(field)
    _contacted(cases["actions"], days_ago=5)
    plan = CasePlanFactory(case=cases["actions"], approved=True)
    PlanActionFactory(plan=plan, due_on=start, description="Мектепте баламен кездесу")
    cases["action_done"] = _case(field)
    _contacted(cases["action_done"], days_ago=5)
    done_plan = CasePlanFactory(case=cases["action_done"], approved=True)
    PlanActionFactory(plan=done_plan, due_on=start, done_on=TODAY())
    cases["colleagues"] = _case(field, owner=field.colleague)  # another specialist's
    cases["elsewhere"] = RiskCaseFactory(pupil=PupilFactory(school=field.other_school),
                                         active=True, opened_by=field.head)
    cases["closed"] = RiskCaseFactory(pupil=PupilFactory(school=field.school), closed=True,
                                      owner=field.specialist, opened_by=field.head)
    cases["proposed"] = RiskCaseFactory(pupil=PupilFactory(school=field.school),
                                        opened_by=field.head)
    return cases, start, start + dt.timedelta(days=1)


def test_the_cases_due_are_the_specialists_open_ones_not_seen_or_with_work_due(field, due_world):
    cases, start, end = due_world
    due = set(cases_due(actor=field.spec, district=field.district, starts_on=start,
                        ends_on=end).values_list("pk", flat=True))
    expected = {cases[k].pk for k in ("never", "stale", "review", "actions")}
    assert due == expected


def test_the_head_gets_every_open_case_of_the_district(field, due_world):
    cases, start, end = due_world
    due = set(cases_due(actor=field.head_actor, district=field.district, starts_on=start,
                        ends_on=end).values_list("pk", flat=True))
    assert cases["colleagues"].pk in due and cases["proposed"].pk in due
    assert cases["elsewhere"].pk not in due and cases["closed"].pk not in due
    assert cases["recent"].pk not in due


def test_a_shorter_no_contact_window_brings_recent_cases_in(field, due_world):
    cases, start, end = due_world
    due = cases_due(actor=field.spec, district=field.district, starts_on=start, ends_on=end,
                    no_contact_days=3)
    assert due.filter(pk=cases["recent"].pk).exists()


def test_planning_a_trip_puts_the_due_cases_on_the_itinerary(field, due_world):
    cases, start, end = due_world
    trip = trip_plan(actor=field.spec, district=field.district, starts_on=start, ends_on=end)
    assert trip.specialist == field.specialist and trip.status == FieldTrip.Status.PLANNED
    stops = list(trip.stops.select_related("case"))
    assert {s.case_id for s in stops} == {cases[k].pk for k in ("never", "stale", "review",
                                                                "actions")}
    stale = next(s for s in stops if s.case_id == cases["stale"].pk)
    assert stale.settlement == field.hamlet and stale.school == field.hamlet_school
    event = AuditEvent.objects.get(action="cases.trip.planned")
    assert sorted(event.data["case_ids"]) == sorted(s.case_id for s in stops)
    assert event.district_id == field.district.pk


def test_a_specialist_cannot_plan_a_trip_to_a_district_not_theirs(field):
    start = TODAY() + dt.timedelta(days=1)
    with pytest.raises(NotFound):
        trip_plan(actor=field.spec, district=field.other_district, starts_on=start,
                  ends_on=start)
    assert not FieldTrip.objects.exists()
    assert not AuditEvent.objects.filter(action="cases.trip.planned").exists()


@pytest.mark.parametrize(("offsets", "code"), [
    ((3, 1), "dates"),
    ((1, 20), "too_long"),
    ((-5, -2), "past"),
    ((400, 401), "far"),
])
def test_bad_trip_dates_are_refused(field, offsets, code):
    with pytest.raises(DomainError) as refused:
        trip_plan(actor=field.spec, district=field.district,
                  starts_on=TODAY() + dt.timedelta(days=offsets[0]),
                  ends_on=TODAY() + dt.timedelta(days=offsets[1]))
    assert refused.value.code == code
    assert not FieldTrip.objects.exists()


def test_planning_rolls_back_when_the_audit_log_fails(field, due_world):
    _cases, start, end = due_world
    with mock.patch("safechildhood.cases.services.trips.audit_record",
                    side_effect=RuntimeError("disk full")), pytest.raises(RuntimeError):
        trip_plan(actor=field.spec, district=field.district, starts_on=start, ends_on=end)
    assert not FieldTrip.objects.exists() and not TripStop.objects.exists()


def test_adding_and_removing_stops(field, due_world):
    cases, start, end = due_world
    trip = trip_plan(actor=field.spec, district=field.district, starts_on=start, ends_on=end)
    stop = trip_stop_add(actor=field.spec, trip=trip, case=cases["recent"])
    assert stop.position == 4 and stop.settlement == field.village
    assert AuditEvent.objects.filter(action="cases.trip.stop_added",
                                     data__case_id=cases["recent"].pk).exists()
    with pytest.raises(DomainError) as refused:
        trip_stop_add(actor=field.spec, trip=trip, case=cases["recent"])
    assert refused.value.code == "on_trip"
    for other in ("colleagues", "elsewhere", "closed"):
        with pytest.raises(DomainError) as refused:
            trip_stop_add(actor=field.spec, trip=trip, case=cases[other])
        assert refused.value.code == "not_workable"
    trip_stop_remove(actor=field.spec, trip=trip, stop=stop)
    assert not trip.stops.filter(case=cases["recent"]).exists()
    assert AuditEvent.objects.filter(action="cases.trip.stop_removed").count() == 1


def test_a_visited_stop_stays_on_the_itinerary(field):
    today = TODAY()
    trip = FieldTripFactory(specialist=field.specialist, district=field.district,
                            starts_on=today, ends_on=today)
    stop = trip_stop_add(actor=field.spec, trip=trip, case=field.case)
    contact_record(actor=field.spec, case=field.case, data=contact_input(
        trip=trip, held_at=timezone.now() - dt.timedelta(minutes=5)))
    with pytest.raises(DomainError) as refused:
        trip_stop_remove(actor=field.spec, trip=trip, stop=stop)
    assert refused.value.code == "visited"
    assert trip.stops.count() == 1


def test_marking_a_trip_done_or_cancelled(field):
    today = TODAY()
    begun = FieldTripFactory(specialist=field.specialist, district=field.district,
                             starts_on=today, ends_on=today)
    trip_status_set(actor=field.spec, trip=begun, status=FieldTrip.Status.DONE)
    begun.refresh_from_db()
    assert begun.status == FieldTrip.Status.DONE
    event = AuditEvent.objects.get(action="cases.trip.status_changed")
    assert event.data == {"trip_id": begun.pk, "from": "planned", "to": "done"}
    with pytest.raises(DomainError):
        trip_status_set(actor=field.spec, trip=begun, status=FieldTrip.Status.CANCELLED)
    with pytest.raises(DomainError) as refused:
        trip_stop_add(actor=field.spec, trip=begun, case=field.case)
    assert refused.value.code == "trip_closed"
    ahead = FieldTripFactory(specialist=field.specialist, district=field.district)
    with pytest.raises(DomainError) as refused:
        trip_status_set(actor=field.spec, trip=ahead, status=FieldTrip.Status.DONE)
    assert refused.value.code == "not_begun"
    trip_status_set(actor=field.spec, trip=ahead, status=FieldTrip.Status.CANCELLED)


def test_another_specialists_trip_is_not_found(field):
    trip = FieldTripFactory(specialist=field.specialist, district=field.district)
    with pytest.raises(NotFound):
        trip_status_set(actor=field.colleague_actor, trip=trip,
                        status=FieldTrip.Status.CANCELLED)


def test_the_itinerary_carries_what_the_visit_needs_and_is_audited(field, due_world):
    cases, start, end = due_world
    trip = trip_plan(actor=field.spec, district=field.district, starts_on=start, ends_on=end)
    contact_record(actor=field.spec, case=cases["stale"], data=contact_input(
        held_at=timezone.now() - dt.timedelta(days=40), next_step="Әкесімен сөйлесу"))
    itinerary = trip_itinerary(actor=field.spec, trip=trip, output="pdf")
    assert [g.name for g in itinerary.settlements] == ["Kokbastau", "Sarykemer"]
    stops = {s.case_id: s for g in itinerary.settlements for sc in g.schools for s in sc.stops}
    never = stops[field.case.pk]
    assert never.name.startswith("Әбдіқадыров Ерғали") and never.class_name == "7Ә"
    assert never.guardians == [{"relation": "mother", "name": "Әбдіқадырова Гүлжан",
                                "phone": "+7 701 111 22 33"}]
    assert never.categories == ["depression"] and never.level == "high"
    assert "never contacted" in never.reasons
    assert stops[cases["stale"].pk].next_step == "Әкесімен сөйлесу"
    assert [a["description"] for a in stops[cases["actions"].pk].actions_due] == [
        "Мектепте баламен кездесу"]
    assert "planned actions due" in stops[cases["actions"].pk].reasons
    event = AuditEvent.objects.get(action="cases.trip.itinerary_printed")
    assert event.data["case_ids"] == sorted(itinerary.case_ids)
    assert event.data["output"] == "pdf"


def test_the_itinerary_reads_in_a_fixed_number_of_queries(field, due_world):
    """As many queries for five more children (PostgreSQL's audit chain lock adds one)."""
    _cases, start, end = due_world
    trip = trip_plan(actor=field.spec, district=field.district, starts_on=start, ends_on=end)
    with CaptureQueriesContext(connection) as small_itinerary:
        small = trip_itinerary(actor=field.spec, trip=trip, output="html")
    with CaptureQueriesContext(connection) as small_stops:
        trip_stops(actor=field.spec, trip=trip)
    for _ in range(5):
        extra = _case(field, school=field.hamlet_school)
        CasePlanFactory(case=extra, approved=True, decided_at=timezone.now())
        trip_stop_add(actor=field.spec, trip=trip, case=extra)
    with CaptureQueriesContext(connection) as bigger_itinerary:
        bigger = trip_itinerary(actor=field.spec, trip=trip, output="html")
    with CaptureQueriesContext(connection) as bigger_stops:
        trip_stops(actor=field.spec, trip=trip)
    assert bigger.count == small.count + 5
    assert len(bigger_itinerary) == len(small_itinerary) <= 12
    assert len(bigger_stops) == len(small_stops) <= 6


def test_plan_in_force_is_the_latest_approved_one(field):
    start = TODAY() + dt.timedelta(days=1)
    _contacted(field.case, days_ago=1)
    old = CasePlanFactory(case=field.case, approved=True,
                          decided_at=timezone.now() - dt.timedelta(days=30))
    PlanActionFactory(plan=old, due_on=start)
    CasePlanFactory(case=field.case, approved=True, decided_at=timezone.now())
    CasePlanFactory(case=field.case, status=Decision.SUBMITTED)
    assert not cases_due(actor=field.spec, district=field.district, starts_on=start,
                         ends_on=start).exists()
