"""Raising and acknowledging crisis alerts: the change, its audit event, refusals and
rollback."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from safechildhood.audit.models import AuditEvent
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import CrisisAlert
from safechildhood.screening.services.alerts import alert_acknowledge
from safechildhood.screening.services.responses import response_enter_paper
from safechildhood.screening.tests import alerts_fixtures
from safechildhood.screening.tests.alerts_fixtures import alert_in, shift
from safechildhood.screening.tests.factories import make_assignment

pytestmark = pytest.mark.django_db

# the region, its staff and the second factor switched off (see alerts_fixtures)
world = alerts_fixtures.world
_no_second_factor = alerts_fixtures._no_second_factor

ASQ_ACUTE = {"asq_1": "yes", "asq_2": "no", "asq_3": "no", "asq_4": "no", "asq_5": "yes"}


# --- raising -----------------------------------------------------------------------------------


def test_a_critical_answer_raises_an_alert_for_the_specialist_on_duty(world):
    shift(world, world.spec_a, world.baizak)
    alert = alert_in(world)
    assert alert.status == CrisisAlert.Status.OPEN
    assert alert.on_duty == world.spec_a.user
    assert alert.flags == ["suicide_risk"]
    assert not alert.acute
    assert alert.deadline >= alert.raised_at + dt.timedelta(hours=2)
    event = AuditEvent.objects.get(action="screening.alert.raised")
    assert event.data["on_duty"] == world.spec_a.user.pk


def test_an_alert_on_a_day_without_a_shift_has_nobody_on_duty(world):
    shift(world, world.spec_a, world.baizak, days=(1, 2))
    assert alert_in(world).on_duty is None


def test_an_acute_answer_gets_the_short_deadline(world):
    child = PupilFactory(school=world.school_a)
    assignment, _ = make_assignment(world.campaign, child, instruments=["asq"])
    response = response_enter_paper(actor=world.psy_a, assignment=assignment,
                                    instrument_code="asq", answers=ASQ_ACUTE)
    alert = response.alert
    assert alert.acute
    assert alert.flags == ["acute"]
    assert alert.deadline == alert.raised_at + dt.timedelta(hours=2)


# --- acknowledging -----------------------------------------------------------------------------


def test_the_specialist_acknowledges_an_alert(world):
    alert = alert_in(world)
    done = alert_acknowledge(actor=world.spec_a, alert=alert)
    assert done.status == CrisisAlert.Status.ACKNOWLEDGED
    assert done.acknowledged_by == world.spec_a.user
    assert done.acknowledged_at is not None
    event = AuditEvent.objects.get(action="screening.alert.acknowledged")
    assert event.actor_id == world.spec_a.user.pk
    assert event.data == {"alert_id": alert.pk, "late": False}


def test_acknowledging_after_the_deadline_is_recorded_as_late(world):
    alert = alert_in(world)
    CrisisAlert.objects.filter(pk=alert.pk).update(deadline=timezone.now() - dt.timedelta(1))
    alert_acknowledge(actor=world.head, alert=alert)
    assert AuditEvent.objects.get(action="screening.alert.acknowledged").data["late"] is True


def test_an_alert_is_acknowledged_once(world):
    alert = alert_in(world)
    alert_acknowledge(actor=world.spec_a, alert=alert)
    with pytest.raises(DomainError) as refused:
        alert_acknowledge(actor=world.head, alert=alert)
    assert refused.value.code == "already_acknowledged"
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.spec_a.user
    assert AuditEvent.objects.filter(action="screening.alert.acknowledged").count() == 1


def test_a_school_psychologist_cannot_acknowledge(world):
    alert = alert_in(world)
    with pytest.raises(Forbidden):
        alert_acknowledge(actor=world.psy_a, alert=alert)
    assert CrisisAlert.objects.get().status == CrisisAlert.Status.OPEN


@pytest.mark.parametrize("who", ["spec_b", "far_head", "admin_a", "inspector"])
def test_nobody_outside_the_alerts_area_acknowledges_it(world, who):
    alert = alert_in(world)
    with pytest.raises((NotFound, Forbidden)):
        alert_acknowledge(actor=getattr(world, who), alert=alert)
    assert CrisisAlert.objects.get().status == CrisisAlert.Status.OPEN


def test_acknowledging_rolls_back_when_the_audit_fails(world):
    alert = alert_in(world)
    with mock.patch("safechildhood.screening.services.alerts.audit_record",
                    side_effect=RuntimeError("disk full")), pytest.raises(RuntimeError):
        alert_acknowledge(actor=world.spec_a, alert=alert)
    alert.refresh_from_db()
    assert alert.status == CrisisAlert.Status.OPEN
    assert alert.acknowledged_by is None
