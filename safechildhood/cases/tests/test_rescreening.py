"""Re-screening a child of the risk group (schedule, issue the code, cancel) and the score
trajectory: services (change, audit, rollback) and pages (anonymous → login, out of scope → 404,
happy path, invalid form)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from safechildhood.audit.models import AuditEvent
from safechildhood.cases.models import FollowUpScreening
from safechildhood.cases.services.rescreening import (
    rescreening_cancel,
    rescreening_issue_code,
    rescreening_schedule,
    rescreening_status,
)
from safechildhood.cases.tests import referrals_world
from safechildhood.cases.tests.factories import RiskCaseFactory
from safechildhood.cases.tests.referrals_world import PHQ_A_CALM, PHQ_A_MODERATE
from safechildhood.errors import DomainError
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import Assignment
from safechildhood.screening.services.codes import code_hash
from safechildhood.screening.services.responses import response_enter_paper
from safechildhood.screening.tests.factories import make_assignment, make_campaign

pytestmark = pytest.mark.django_db
world = referrals_world.world
_no_second_factor = referrals_world._no_second_factor

F = FollowUpScreening.Status


def _due() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=7)


def _schedule(world) -> FollowUpScreening:
    return rescreening_schedule(actor=world.owner, case=world.case, instruments=["phq-a"],
                                due_on=_due())


def _answered_autumn_screening(world) -> None:
    campaign = make_campaign(region=world.region, centre=world.centre,
                             created_by=world.head.user)
    assignment, _code = make_assignment(campaign, world.pupil)
    response_enter_paper(actor=world.psy_a, assignment=assignment, instrument_code="phq-a",
                         answers=PHQ_A_MODERATE)


# --- the services ------------------------------------------------------------------------------


def test_scheduling_issuing_and_answering_a_follow_up(world):
    rescreening = _schedule(world)
    assert rescreening.status == F.SCHEDULED
    assert AuditEvent.objects.filter(action="cases.rescreening.scheduled").exists()
    rescreening, code = rescreening_issue_code(actor=world.owner, rescreening=rescreening)
    assignment = rescreening.assignment
    assert rescreening.status == F.ASSIGNED and assignment.code_hash == code_hash(code)
    assert AuditEvent.objects.get(action="cases.rescreening.code_issued").data[
        "assignment_id"] == assignment.pk
    response_enter_paper(actor=world.psy_a, assignment=assignment, instrument_code="phq-a",
                         answers=PHQ_A_CALM)
    rescreening.refresh_from_db()
    assert rescreening_status(rescreening) == F.DONE


def test_a_new_code_makes_the_old_one_useless(world):
    rescreening, first = rescreening_issue_code(actor=world.owner,
                                                rescreening=_schedule(world))
    rescreening, second = rescreening_issue_code(actor=world.owner, rescreening=rescreening)
    assignment = Assignment.objects.get(pk=rescreening.assignment_id)
    assert first != second and assignment.code_hash == code_hash(second)


def test_cancelling_stops_the_code(world):
    rescreening, code = rescreening_issue_code(actor=world.owner,
                                               rescreening=_schedule(world))
    rescreening = rescreening_cancel(actor=world.owner, rescreening=rescreening)
    assert rescreening.status == F.CANCELLED
    assert Assignment.objects.get(pk=rescreening.assignment_id).code_hash != code_hash(code)
    assert AuditEvent.objects.filter(action="cases.rescreening.cancelled").exists()
    with pytest.raises(DomainError):
        rescreening_cancel(actor=world.owner, rescreening=rescreening)


def test_a_due_date_in_the_past_is_refused(world):
    with pytest.raises(DomainError) as error:
        rescreening_schedule(actor=world.owner, case=world.case, instruments=["phq-a"],
                             due_on=timezone.localdate() - dt.timedelta(days=1))
    assert error.value.code == "past_due"


def test_scheduling_rolls_back_when_the_audit_log_fails(world):
    with mock.patch("safechildhood.cases.services.rescreening.audit_record",
                    side_effect=RuntimeError("audit down")), pytest.raises(RuntimeError):
        _schedule(world)
    assert not FollowUpScreening.objects.exists()


# --- the pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cases:rescreening-create", "cases:case-trajectory"])
def test_anonymous_visitors_are_sent_to_log_in(client, world, name):
    response = client.get(reverse(name, args=[world.case.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_case_of_another_district_is_not_found(client, world):
    from safechildhood.cases.tests.factories import FollowUpScreeningFactory

    merke_case = RiskCaseFactory(pupil=PupilFactory(school=world.school_b), active=True,
                                 owner=world.spec_b.user, opened_by=world.head.user)
    follow_up = FollowUpScreeningFactory(case=merke_case)
    client.force_login(world.owner.user)
    for name, pk in (("cases:rescreening-create", merke_case.pk),
                     ("cases:case-trajectory", merke_case.pk),
                     ("cases:rescreening-detail", follow_up.pk)):
        assert client.get(reverse(name, args=[pk])).status_code == 404
    for name in ("cases:rescreening-code", "cases:rescreening-cancel"):
        assert client.post(reverse(name, args=[follow_up.pk]),
                           {"confirm": "1"}).status_code == 404


def test_scheduling_and_issuing_the_code_from_the_pages(client, world):
    client.force_login(world.owner.user)
    url = reverse("cases:rescreening-create", args=[world.case.pk])
    assert "PHQ-A" in client.get(url).content.decode()
    response = client.post(url, {"instruments": ["phq-a"], "due_on": _due().isoformat()})
    rescreening = FollowUpScreening.objects.get()
    assert response["Location"] == reverse("cases:rescreening-detail", args=[rescreening.pk])
    assert client.get(response["Location"]).status_code == 200
    issued = client.post(reverse("cases:rescreening-code", args=[rescreening.pk]),
                         {"confirm": "1"})
    assert issued.status_code == 200 and issued["Cache-Control"].startswith("max-age=0")
    text = issued.content.decode()
    assert 'id="issued-code"' in text and "/q/" in text
    again = client.get(reverse("cases:rescreening-detail", args=[rescreening.pk]))
    assert 'id="issued-code"' not in again.content.decode()  # shown once
    client.post(reverse("cases:rescreening-cancel", args=[rescreening.pk]), {"confirm": "1"})
    rescreening.refresh_from_db()
    assert rescreening.status == F.CANCELLED


def test_an_invalid_rescreening_form_says_what_to_fix(client, world):
    client.force_login(world.owner.user)
    url = reverse("cases:rescreening-create", args=[world.case.pk])
    response = client.post(url, {"due_on": "2001-01-01"})
    assert response.status_code == 400
    assert "Choose at least one instrument." in response.content.decode()
    past = client.post(url, {"instruments": ["phq-a"], "due_on": "2001-01-01"})
    assert past.status_code == 400
    assert "The due date cannot be in the past." in past.content.decode()
    assert not FollowUpScreening.objects.exists()


def test_an_empty_post_issues_no_code(client, world):
    rescreening = _schedule(world)
    client.force_login(world.owner.user)
    client.post(reverse("cases:rescreening-code", args=[rescreening.pk]), {})
    rescreening.refresh_from_db()
    assert rescreening.assignment_id is None


def test_the_trajectory_shows_both_results_as_a_chart_and_a_table(client, world):
    _answered_autumn_screening(world)
    rescreening, _code = rescreening_issue_code(actor=world.owner,
                                                rescreening=_schedule(world))
    response_enter_paper(actor=world.psy_a, assignment=rescreening.assignment,
                         instrument_code="phq-a", answers=PHQ_A_CALM)
    client.force_login(world.owner.user)
    page = client.get(reverse("cases:case-trajectory", args=[world.case.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('class="point"') == 2
    assert 'role="img"' in text and "<title id=" in text and "<desc id=" in text
    assert "re-screening" in text and 'data-total="10"' in text and 'data-total="0"' in text
    event = AuditEvent.objects.filter(action="screening.response.viewed").latest("id")
    assert len(event.data["responses"]) == 2
    detail = client.get(reverse("cases:rescreening-detail", args=[rescreening.pk]))
    assert "answered" in detail.content.decode()


def test_a_child_without_results_has_an_empty_trajectory(client, world):
    client.force_login(world.head.user)
    page = client.get(reverse("cases:case-trajectory", args=[world.case.pk]))
    assert "no screening results yet" in page.content.decode()
