"""The triage queue and a case's first steps in a real browser (Debian's Chromium): the centre
head accepts a screening proposal, assigns the case, the specialist proposes a plan, the head
approves it; on a desktop screen and on a 360-pixel phone, checked by axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safechildhood.accounts.tests.factories import PASSWORD
from safechildhood.cases.models import CasePlan, Decision, RiskCase
from safechildhood.cases.tests import case_world
from safechildhood.cases.tests.factories import TriageProposalFactory
from safechildhood.people.tests.factories import PupilFactory

world = case_world.world
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/casecore-{}.png"  # noqa: S108 (screenshots for the reviewer to look at)


@pytest.fixture(autouse=True)
def _plain_login(settings):
    settings.REQUIRE_OTP = False


def _log_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def _shot(page, name: str) -> None:
    page.screenshot(path=SHOTS.format(name), full_page=True)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_accept_assign_and_approve_a_plan(page, axe, world):
    TriageProposalFactory(pupil=world.pupil)
    TriageProposalFactory(pupil=world.pupil, concern=True, reported_by=world.psychologist)
    TriageProposalFactory(pupil=PupilFactory(school=world.merke_school), critical=True)

    # the head's queue, then the decision page
    _log_in(page, world.head)
    page.goto("/cases/triage/")
    axe(page, "casecore-triage-queue")
    _shot(page, "triage-queue")
    page.get_by_role("article", name="Серікова Айгерім").get_by_role(
        "link", name="Decide").first.click()
    page.get_by_role("checkbox", name="depression", exact=True).check()
    page.get_by_role("checkbox", name="bullying", exact=True).check()
    page.get_by_label("Level").select_option("high")
    page.get_by_label("Why the child enters the risk group").fill(
        "PHQ-A 17 and the school psychologist's concern about bullying.")
    axe(page, "casecore-triage-decide")
    _shot(page, "triage-decide")
    page.get_by_role("button", name="Accept").click()
    page.wait_for_url("**/cases/*/")
    case = RiskCase.objects.get(pupil=world.pupil)
    assert case.status == RiskCase.Status.PROPOSED

    # assign, with each specialist's caseload in view
    page.get_by_role("link", name="Assign a specialist").click()
    page.get_by_label("Specialist").select_option(str(world.specialist.pk))
    _shot(page, "case-assign")
    page.get_by_role("button", name="Assign").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert page.get_by_text("The case is assigned.").is_visible()

    # the specialist proposes a plan on a phone
    _log_in(page, world.specialist)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/cases/")
    _shot(page, "case-list-phone")
    _no_sideways_scroll(page)
    page.get_by_role("link", name="Серікова Айгерім").click()
    page.get_by_role("link", name="Propose a plan").click()
    page.get_by_label("Goals").fill("No self-harm; back to full school days; mother involved.")
    page.get_by_label("Planned action 1").fill("Weekly session with the child at school")
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    page.get_by_label("Due date of action 1").fill(due)
    page.get_by_label("Planned action 2").fill("Home visit with the mother")
    page.get_by_label("Due date of action 2").fill(due)
    axe(page, "casecore-plan-form")
    _shot(page, "plan-form-phone")
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Send for approval").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert CasePlan.objects.get(case=case).status == Decision.SUBMITTED

    # the head approves it
    _log_in(page, world.head)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/cases/{case.pk}/")
    plan_form = page.get_by_role("form", name="Decide on the plan")
    plan_form.get_by_label("approve").check()
    page.get_by_role("button", name="Decide on the plan").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert page.get_by_text("The plan is approved.").is_visible()
    axe(page, "casecore-case-detail")
    _shot(page, "case-detail")
    assert CasePlan.objects.get(case=case).status == Decision.APPROVED

    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    _shot(page, "case-detail-phone")
    _no_sideways_scroll(page)
    page.goto("/cases/triage/")
    _shot(page, "triage-queue-phone")
    _no_sideways_scroll(page)
    page.goto("/cases/triage/?show=accepted")
    assert page.get_by_role("heading", name="Accepted proposals").is_visible()
