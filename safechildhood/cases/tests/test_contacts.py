"""Recording contacts: the change, the case's dates, the history event, the audit event (with no
notes in it), refusals, a resent form, and rollback."""

from __future__ import annotations

import datetime as dt
import json
from unittest import mock

import pytest
from django.utils import timezone

from safechildhood.audit.models import AuditEvent
from safechildhood.cases.models import CaseEvent, Contact, RiskCase, TripStop
from safechildhood.cases.services.contacts import contact_record
from safechildhood.cases.tests import field_fixtures
from safechildhood.cases.tests.factories import FieldTripFactory, RiskCaseFactory
from safechildhood.cases.tests.field_fixtures import NOTES, contact_input, yesterday_at
from safechildhood.errors import DomainError, Forbidden, NotFound

pytestmark = pytest.mark.django_db
field = field_fixtures.field


def test_recording_a_contact_updates_the_case_history_and_audit(field):
    contact = contact_record(actor=field.spec, case=field.case,
                             data=contact_input(settlement=field.village))
    contact = Contact.objects.get(pk=contact.pk)
    assert contact.notes == NOTES
    assert contact.recorded_by == field.specialist
    assert contact.parents_reached == 1  # the mother was there
    case = RiskCase.objects.get(pk=field.case.pk)
    assert case.first_contact_at == case.last_contact_at == contact.held_at
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.CONTACT)
    assert event.actor == field.specialist
    assert event.data["contact_id"] == contact.pk
    audit = AuditEvent.objects.get(action="cases.contact.recorded")
    assert audit.data["case_id"] == case.pk and audit.data["contact_id"] == contact.pk
    assert audit.region_id == field.region.pk
    stored = json.dumps(audit.data, ensure_ascii=False)
    assert "ұрыс" not in stored and "ссоры" not in stored and "үйге" not in stored


def test_an_earlier_contact_recorded_later_moves_only_the_first_contact(field):
    recent = contact_record(actor=field.spec, case=field.case, data=contact_input())
    older_time = yesterday_at() - dt.timedelta(days=10)
    contact_record(actor=field.spec, case=field.case, data=contact_input(held_at=older_time))
    case = RiskCase.objects.get(pk=field.case.pk)
    assert case.first_contact_at == older_time
    assert case.last_contact_at == recent.held_at


def test_a_group_meeting_with_parents_counts_every_parent_reached(field):
    contact = contact_record(actor=field.spec, case=field.case, data=contact_input(
        kind=Contact.Kind.PARENTS, present=[Contact.Present.MOTHER, Contact.Present.OTHER],
        parents_reached=24))
    assert contact.parents_reached == 24


def test_the_centre_head_records_a_contact_on_any_open_case(field):
    contact = contact_record(actor=field.head_actor, case=field.case, data=contact_input())
    assert contact.recorded_by == field.head


def test_the_same_form_sent_twice_records_one_contact(field):
    first = contact_record(actor=field.spec, case=field.case, data=contact_input(),
                           token="a" * 32)
    again = contact_record(actor=field.spec, case=field.case, data=contact_input(),
                           token="a" * 32)
    assert again.pk == first.pk
    assert Contact.objects.filter(case=field.case).count() == 1
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.CONTACT).count() == 1
    assert AuditEvent.objects.filter(action="cases.contact.recorded").count() == 1
    contact_record(actor=field.spec, case=field.case, data=contact_input(), token="b" * 32)
    assert Contact.objects.filter(case=field.case).count() == 2


@pytest.mark.parametrize(("overrides", "field_name"), [
    ({"held_at": "future"}, "held_on"),
    ({"held_at": "before_case"}, "held_on"),
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"duration_minutes": 601}, "duration_minutes"),
    ({"present": []}, "present"),
    ({"present": ["astronaut"]}, "present"),
    ({"notes": "   "}, "notes"),
    ({"parents_reached": 0}, "parents_reached"),  # the mother was present
    ({"kind": "child", "present": ["child"], "parents_reached": 3}, "parents_reached"),
])
def test_bad_input_is_refused_and_nothing_is_written(field, overrides, field_name):
    if overrides.get("held_at") == "future":
        overrides["held_at"] = timezone.now() + dt.timedelta(hours=2)
    elif overrides.get("held_at") == "before_case":
        overrides["held_at"] = field.case.opened_at - dt.timedelta(days=2)
    with pytest.raises(DomainError) as refused:
        contact_record(actor=field.spec, case=field.case, data=contact_input(**overrides))
    assert refused.value.field == field_name
    assert not Contact.objects.exists()
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.CONTACT).exists()
    assert not AuditEvent.objects.filter(action="cases.contact.recorded").exists()


def test_a_colleague_who_does_not_own_the_case_cannot_record(field):
    with pytest.raises(Forbidden):
        contact_record(actor=field.colleague_actor, case=field.case, data=contact_input())
    assert not Contact.objects.exists()


def test_a_specialist_of_another_district_does_not_find_the_case(field):
    from safechildhood.access.policy import actor_for
    from safechildhood.cases.tests.factories import specialist_for

    stranger = actor_for(specialist_for(field.other_district))
    with pytest.raises(NotFound):
        contact_record(actor=stranger, case=field.case, data=contact_input())


def test_a_closed_case_takes_no_contacts(field):
    closed = RiskCaseFactory(closed=True, owner=field.specialist,
                             pupil__school=field.school)
    with pytest.raises(DomainError) as refused:
        contact_record(actor=field.spec, case=closed, data=contact_input())
    assert refused.value.code == "case_closed"


def test_a_contact_on_a_trip_must_be_on_its_itinerary_and_within_its_days(field):
    today = timezone.localdate()
    trip = FieldTripFactory(specialist=field.specialist, district=field.district,
                            starts_on=today - dt.timedelta(days=2), ends_on=today)
    with pytest.raises(DomainError) as refused:
        contact_record(actor=field.spec, case=field.case, data=contact_input(trip=trip))
    assert refused.value.code == "not_on_trip"
    TripStop.objects.create(trip=trip, case=field.case, settlement=field.village,
                            school=field.school)
    with pytest.raises(DomainError) as refused:
        contact_record(actor=field.spec, case=field.case, data=contact_input(
            trip=trip, held_at=yesterday_at() - dt.timedelta(days=5)))
    assert refused.value.code == "trip_dates"
    contact = contact_record(actor=field.spec, case=field.case, data=contact_input(trip=trip))
    assert contact.trip == trip
    assert CaseEvent.objects.get(kind=CaseEvent.Kind.CONTACT).data["trip_id"] == trip.pk


def test_nothing_is_kept_when_the_audit_log_fails(field):
    with mock.patch("safechildhood.cases.services.contacts.audit_record",
                    side_effect=RuntimeError("disk full")), pytest.raises(RuntimeError):
        contact_record(actor=field.spec, case=field.case, data=contact_input())
    assert not Contact.objects.exists()
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.CONTACT).exists()
    case = RiskCase.objects.get(pk=field.case.pk)
    assert case.first_contact_at is None and case.last_contact_at is None
