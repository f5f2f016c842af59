"""Sending deadlines and their escalation: a report not sent within SC_REPORT_DEADLINE_HOURS
is escalated once to the school director and the centre head by the periodic sweep, which works
from the stored deadlines, so that reports whose deadline passed while the task consumer was
down are escalated by the first sweep after its restart."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from safechildhood.audit.models import AuditEvent
from safechildhood.disclosures import services
from safechildhood.disclosures.models import PoliceReport
from safechildhood.disclosures.selectors import report_home_counts
from safechildhood.disclosures.tasks import reports_escalate_sweep
from safechildhood.disclosures.tests import fixtures
from safechildhood.disclosures.tests.fixtures import report_in

world = fixtures.world
_no_second_factor = fixtures._no_second_factor

Status = PoliceReport.Status
HOUR = dt.timedelta(hours=1)
pytestmark = pytest.mark.django_db


def escalations():
    return AuditEvent.objects.filter(action="disclosures.report.escalated")


def opened_at(report, when):
    PoliceReport.objects.filter(pk=report.pk).update(
        deadline=services.report_deadline(when), status_changed_at=when)


def test_a_report_not_sent_in_time_is_escalated_once(world):
    report = report_in(world, status=Status.PENDING)
    opened_at(report, timezone.now() - 25 * HOUR)
    assert services.reports_escalate() == 1
    report.refresh_from_db()
    assert report.escalated_at is not None
    assert services.reports_escalate() == 0
    event = escalations().get()
    assert event.actor_id is None and event.data["report_id"] == report.pk


def test_a_report_within_its_deadline_or_sent_is_not_escalated(world):
    fresh = report_in(world, status=Status.PENDING)
    sent_late = report_in(world, status=Status.SENT)
    opened_at(sent_late, timezone.now() - 30 * HOUR)
    assert services.reports_escalate() == 0
    fresh.refresh_from_db()
    assert fresh.escalated_at is None


def test_the_deadline_follows_the_setting(world, settings):
    settings.REPORT_DEADLINE_HOURS = 2
    report = report_in(world, status=Status.PENDING)
    assert services.reports_escalate(now=timezone.now() + 1.5 * HOUR) == 0
    assert services.reports_escalate(now=timezone.now() + 2.5 * HOUR) == 1
    report.refresh_from_db()
    assert report.escalated_at is not None


def test_the_escalation_reaches_the_school_director_and_the_centre_head(world, client):
    report = report_in(world, status=Status.PENDING)
    opened_at(report, timezone.now() - 25 * HOUR)
    reports_escalate_sweep.call_local()
    for actor in (world.admin_a, world.head):
        counts = report_home_counts(actor=actor)
        assert counts["escalated"] == 1 and counts["overdue"] == 1, actor.role
    assert report_home_counts(actor=world.admin_b)["escalated"] == 0
    client.force_login(world.admin_a.user)
    page = client.get(reverse("disclosures:report-detail", args=[report.pk])).content.decode()
    assert "Escalated to the school director and the centre head" in page
    # the director may send it themselves
    client.post(reverse("disclosures:report-send", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == Status.SENT and report.sent_by == world.admin_a.user


def test_the_sweep_catches_up_across_a_restart_of_the_consumer(world):
    """Reports whose deadlines passed while no consumer ran (nothing was queued for them: the
    deadline lives in the row). The first sweep after the restart escalates each one, the
    next sweeps change nothing, and a report still in time waits for its own deadline."""
    now = timezone.now()
    yesterday, two_days = (report_in(world, status=Status.PENDING) for _ in range(2))
    other_school = report_in(world, world.school_b, status=Status.PENDING)
    in_time = report_in(world, status=Status.PENDING)
    opened_at(yesterday, now - 25 * HOUR)
    opened_at(two_days, now - 49 * HOUR)
    opened_at(other_school, now - 30 * HOUR)
    opened_at(in_time, now - 2 * HOUR)

    # the consumer is down: no task ran, no timer was kept in memory; then it restarts
    HUEY.flush()
    reports_escalate_sweep.call_local()

    escalated = set(PoliceReport.objects.filter(escalated_at__isnull=False)
                    .values_list("pk", flat=True))
    assert escalated == {yesterday.pk, two_days.pk, other_school.pk}
    reports_escalate_sweep.call_local()
    assert escalations().count() == 3
    # and the report that was still in time is escalated by a sweep once its deadline passes
    assert services.reports_escalate(now=now + 23 * HOUR) == 1
    assert escalations().count() == 4


def test_the_sweep_is_a_periodic_task_every_five_minutes():
    sweep = reports_escalate_sweep.task_class
    assert sweep in HUEY._registry._periodic_tasks
    due = [any(isinstance(t, sweep) for t in HUEY.read_periodic(dt.datetime(2026, 1, 5, 3, m)))
           for m in range(10)]
    assert due == [m % 5 == 0 for m in range(10)]
