"""Escalation of crisis alerts past their deadline, the periodic sweep that drives it (and
catches up after the consumer was down), and how deadlines are computed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from safechildhood.audit.models import AuditEvent
from safechildhood.screening.models import CrisisAlert
from safechildhood.screening.services.alerts import alert_acknowledge, alerts_escalate
from safechildhood.screening.services.responses import alert_deadline
from safechildhood.screening.tasks import alerts_escalate_sweep
from safechildhood.screening.tests import alerts_fixtures
from safechildhood.screening.tests.alerts_fixtures import alert_in

# the region, its staff and the second factor switched off (see alerts_fixtures)
world = alerts_fixtures.world
_no_second_factor = alerts_fixtures._no_second_factor

HOUR = dt.timedelta(hours=1)


def overdue(alert, hours=1):
    CrisisAlert.objects.filter(pk=alert.pk).update(deadline=timezone.now() - hours * HOUR)


def escalations():
    return AuditEvent.objects.filter(action="screening.alert.escalated")


# --- alerts_escalate ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_overdue_open_alert_is_escalated_once(world):
    alert = alert_in(world)
    overdue(alert)
    assert alerts_escalate() == 1
    assert alerts_escalate() == 0
    alert.refresh_from_db()
    assert alert.escalated_at is not None
    assert alert.status == CrisisAlert.Status.OPEN
    assert escalations().count() == 1


@pytest.mark.django_db
def test_escalation_is_recorded_by_the_system(world):
    alert = alert_in(world)
    overdue(alert)
    alerts_escalate()
    event = escalations().get()
    assert event.actor_id is None and event.actor_username == "" and event.role == ""
    assert event.data["alert_id"] == alert.pk
    assert event.target_id == str(alert.pk)
    assert event.district_id == world.baizak.pk


@pytest.mark.django_db
def test_an_acknowledged_alert_is_not_escalated(world):
    alert = alert_in(world)
    alert_acknowledge(actor=world.spec_a, alert=alert)
    overdue(alert)
    assert alerts_escalate() == 0
    alert.refresh_from_db()
    assert alert.escalated_at is None
    assert not escalations().exists()


@pytest.mark.django_db
def test_an_alert_is_not_escalated_before_its_deadline(world):
    alert = alert_in(world)
    CrisisAlert.objects.filter(pk=alert.pk).update(deadline=timezone.now() + HOUR)
    assert alerts_escalate() == 0
    assert alerts_escalate(now=timezone.now() + 2 * HOUR) == 1
    alert.refresh_from_db()
    assert alert.escalated_at is not None


@pytest.mark.django_db
def test_each_overdue_alert_is_escalated_once_among_others(world):
    first, second, waiting = alert_in(world), alert_in(world, world.school_b), alert_in(world)
    overdue(first)
    overdue(second, hours=5)
    CrisisAlert.objects.filter(pk=waiting.pk).update(deadline=timezone.now() + HOUR)
    assert alerts_escalate() == 2
    assert alerts_escalate() == 0
    assert set(CrisisAlert.objects.filter(escalated_at__isnull=False)
               .values_list("pk", flat=True)) == {first.pk, second.pk}
    assert escalations().count() == 2


@pytest.mark.django_db
def test_an_escalated_alert_can_still_be_acknowledged(world):
    alert = alert_in(world)
    overdue(alert)
    alerts_escalate()
    alert_acknowledge(actor=world.head, alert=alert)
    alert.refresh_from_db()
    assert alert.status == CrisisAlert.Status.ACKNOWLEDGED
    ack = AuditEvent.objects.get(action="screening.alert.acknowledged")
    assert ack.data["late"] is True


# --- the periodic sweep ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweep_catches_up_on_alerts_raised_while_the_consumer_was_down(world):
    """Alerts raised while no consumer ran: their deadlines passed with nobody sweeping. The
    first sweep after the restart escalates every one of them, from the stored deadlines."""
    now = timezone.now()
    acute, yesterday, still_time = alert_in(world), alert_in(world), alert_in(world)
    CrisisAlert.objects.filter(pk=acute.pk).update(
        acute=True, raised_at=now - 5 * HOUR, deadline=alert_deadline(now - 5 * HOUR, True))
    CrisisAlert.objects.filter(pk=yesterday.pk).update(
        raised_at=now - 26 * HOUR, deadline=alert_deadline(now - 26 * HOUR, False))
    CrisisAlert.objects.filter(pk=still_time.pk).update(raised_at=now, deadline=now + HOUR)

    alerts_escalate_sweep.call_local()

    escalated = set(CrisisAlert.objects.filter(escalated_at__isnull=False)
                    .values_list("pk", flat=True))
    assert escalated == {acute.pk, yesterday.pk}
    assert escalations().count() == 2
    alerts_escalate_sweep.call_local()  # the next minute's sweep changes nothing
    assert escalations().count() == 2


def test_the_sweep_is_a_periodic_task_that_runs_every_minute():
    sweep = alerts_escalate_sweep.task_class
    assert sweep in HUEY._registry._periodic_tasks
    for minute in (0, 17, 59):
        due = HUEY.read_periodic(dt.datetime(2025, 10, 6, 3, minute))
        assert any(isinstance(task, sweep) for task in due)


# --- deadlines ---------------------------------------------------------------------------------


def local(hour, minute=0, day=6):
    return timezone.make_aware(dt.datetime(2025, 10, day, hour, minute))


def test_an_acute_alert_is_due_in_two_hours():
    assert alert_deadline(local(9), acute=True) == local(11)
    assert alert_deadline(local(23, 30), acute=True) == local(1, 30, day=7)


def test_a_non_acute_alert_is_due_by_the_end_of_the_school_day():
    assert alert_deadline(local(9), acute=False) == local(18)
    assert alert_deadline(local(15, 59), acute=False) == local(18)


def test_a_non_acute_alert_gets_at_least_two_hours():
    assert alert_deadline(local(16, 30), acute=False) == local(18, 30)
    assert alert_deadline(local(20), acute=False) == local(22)


def test_the_school_day_end_is_local_time_whatever_the_zone_of_the_input():
    raised = local(9).astimezone(dt.UTC)  # 04:00 UTC
    assert alert_deadline(raised, acute=False) == local(18)


def test_deadlines_follow_the_settings(settings):
    settings.ALERT_ACUTE_HOURS = 1
    settings.ALERT_SCHOOL_DAY_END = "16:30"
    settings.ALERT_MIN_HOURS = 3
    assert alert_deadline(local(9), acute=True) == local(10)
    assert alert_deadline(local(9), acute=False) == local(16, 30)
    assert alert_deadline(local(14), acute=False) == local(17)
