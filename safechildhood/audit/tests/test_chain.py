import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from safechildhood.accounts.models import Role
from safechildhood.audit.models import AuditEvent
from safechildhood.audit.services import audit_record, audit_verify
from safechildhood.people.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def _three_events(actor):
    pupil = PupilFactory()
    for action in ("people.pupil.viewed", "people.pupil.updated", "people.pupil.viewed"):
        audit_record(actor=actor, action=action, target=pupil, data={"pupil": pupil.pk})
    return pupil


def test_events_carry_who_what_and_scope(make_actor):
    actor = make_actor(Role.SCHOOL_PSYCHOLOGIST)
    pupil = _three_events(actor)
    event = AuditEvent.objects.order_by("id").first()
    assert event.actor_id == actor.user.pk
    assert event.role == Role.SCHOOL_PSYCHOLOGIST
    assert event.scope == str(actor.membership.school)
    assert (event.target_type, event.target_id) == ("people.pupil", str(pupil.pk))
    assert event.school_id == pupil.school_id
    assert event.district_id == pupil.school.district_id


def test_intact_chain_verifies(make_actor):
    _three_events(make_actor(Role.SCHOOL_PSYCHOLOGIST))
    checked, broken = audit_verify()
    assert (checked, broken) == (3, None)
    call_command("verify_audit")


def test_changing_a_stored_event_names_that_event(make_actor):
    _three_events(make_actor(Role.SCHOOL_PSYCHOLOGIST))
    second = AuditEvent.objects.order_by("id")[1]
    AuditEvent.objects.filter(pk=second.pk).update(action="people.pupil.deleted")
    checked, broken = audit_verify()
    assert broken.event_id == second.pk
    assert checked == 1
    with pytest.raises(CommandError, match=f"#{second.pk}"):
        call_command("verify_audit")


def test_deleting_an_event_breaks_the_link_after_it(make_actor):
    _three_events(make_actor(Role.SCHOOL_PSYCHOLOGIST))
    _first, second, third = AuditEvent.objects.order_by("id")
    second.delete()
    _, broken = audit_verify()
    assert broken.event_id == third.pk


def test_event_rolls_back_with_its_change(make_actor):
    actor = make_actor(Role.SCHOOL_PSYCHOLOGIST)
    pupil = PupilFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=actor, action="people.pupil.updated", target=pupil)
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.exists()
