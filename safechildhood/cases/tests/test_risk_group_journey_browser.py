"""The risk group end to end in Debian's Chromium (issue: case management): a pupil's PHQ-A with
item 9 positive raises a crisis alert; the specialist on duty acknowledges it; the centre head
accepts the child into the risk group from the triage queue and assigns the specialist; the
specialist plans a field trip to the district (the new case is due a visit), records a contact on
the trip, sends a referral and records each step until the provider's feedback closes the loop;
the case page shows it all and the audit trail holds every step."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from safechildhood.audit.models import AuditEvent
from safechildhood.cases.models import Contact, FieldTrip, Referral, RiskCase
from safechildhood.cases.tests import referrals_world
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import CrisisAlert, DutyShift
from safechildhood.screening.services.responses import response_enter_paper
from safechildhood.screening.tests.factories import PHQ_A_ITEM9, make_assignment, make_campaign

world = referrals_world.world
_no_second_factor = referrals_world._no_second_factor
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "test-artifacts/journey-{}.png"


def _log_in(page, user) -> None:
    from safechildhood.accounts.tests.factories import PASSWORD

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_a_crisis_alert_becomes_a_case_that_is_visited_and_referred(chromium, live_server, axe,
                                                                    world):
    today = timezone.localdate()
    DutyShift.objects.create(district=world.baizak, specialist=world.owner.user, starts_on=today,
                             ends_on=today, created_by=world.head.user)
    child = PupilFactory(school=world.school_a, last_name="Әбенова", first_name="Дана")
    campaign = make_campaign(region=world.region, centre=world.centre,
                             created_by=world.head.user)
    assignment, _code = make_assignment(campaign, child)
    response_enter_paper(actor=world.psy_a, assignment=assignment, instrument_code="phq-a",
                         answers=PHQ_A_ITEM9)
    alert = CrisisAlert.objects.get(pupil=child)
    assert alert.on_duty == world.owner.user

    context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                   base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)

    # the specialist on duty acknowledges the alert
    _log_in(page, world.owner.user)
    page.goto(reverse("screening:alert-list"))
    page.locator("#alert-results tbody a").first.click()
    page.get_by_role("button", name="Acknowledge: the centre is acting on it").click()
    page.get_by_text("The alert is acknowledged").wait_for()

    # the head accepts the child into the risk group and assigns the specialist
    _log_in(page, world.head.user)
    page.goto(reverse("cases:triage-queue"))
    page.get_by_role("article", name=child.full_name).get_by_role(
        "link", name="Decide").first.click()
    page.get_by_role("checkbox", name="suicide risk", exact=True).check()
    page.get_by_label("Level").select_option("high")
    page.get_by_label("Why the child enters the risk group").fill(
        "PHQ-A item 9 positive; acknowledged by the specialist on duty.")
    page.get_by_role("button", name="Accept").click()
    page.wait_for_url("**/cases/*/")
    case = RiskCase.objects.get(pupil=child)
    page.get_by_role("link", name="Assign a specialist").click()
    page.get_by_label("Specialist").select_option(str(world.owner.user.pk))
    page.get_by_role("button", name="Assign").click()
    page.get_by_text("The case is assigned.").wait_for()
    case.refresh_from_db()
    assert case.owner == world.owner.user and case.status == RiskCase.Status.ACTIVE

    # the specialist plans a trip to Baizak: the new case is due a visit
    _log_in(page, world.owner.user)
    page.goto(reverse("cases:trip-create"))
    page.get_by_label("District").select_option(str(world.baizak.pk))
    page.get_by_label("From").fill(today.isoformat())
    page.get_by_label("Until (inclusive)").fill((today + dt.timedelta(days=1)).isoformat())
    page.get_by_label("Until (inclusive)").dispatch_event("change")
    page.locator("#trip-preview").get_by_text(child.full_name).wait_for()
    page.get_by_role("button", name="Plan the trip").click()
    page.get_by_text("The trip is planned").wait_for()
    trip = FieldTrip.objects.get(specialist=world.owner.user)
    assert trip.stops.filter(case=case).exists()
    page.screenshot(path=SHOTS.format("trip"), full_page=True)

    # on the trip: a home visit recorded against it
    page.locator("li", has_text=child.last_name).get_by_role(
        "link", name=re.compile("Record a contact")).click()
    page.get_by_label("home visit").check()
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Time").fill("10:00")
    page.get_by_label("Duration (minutes)").fill("50")
    page.get_by_label("the child", exact=True).check()
    page.get_by_label("mother").check()
    page.get_by_label("Notes").fill("Үйде болдық. Анасы бірге жұмыс істеуге келісті.")
    page.get_by_label("Next step").fill("Психиатрға жолдама.")
    page.get_by_role("button", name="Record the contact").click()
    page.get_by_text("The contact is recorded.").wait_for()
    assert Contact.objects.get(case=case).trip == trip

    # a referral followed to the provider's feedback
    page.goto(reverse("cases:referral-create", args=[case.pk]))
    page.get_by_label("Service provider").select_option(str(world.psychiatrist.pk))
    page.get_by_label("Reason for referral").fill("Суицидтік ойлар; психиатр кеңесі қажет.")
    page.get_by_role("button", name="Send the referral").click()
    page.get_by_text("The referral is sent.").wait_for()
    for step in ("accepted", "attended"):
        page.get_by_label(step, exact=True).check()
        page.get_by_role("button", name="Record the step").click()
        page.get_by_text("The step is recorded.").wait_for()
    page.get_by_label("feedback received").check()
    page.get_by_label("Provider's feedback").fill("Консультация өтті; бақылау бір айдан кейін.")
    page.get_by_role("button", name="Record the step").click()
    page.get_by_text("The step is recorded.").wait_for()
    referral = Referral.objects.get(case=case)
    assert referral.status == Referral.Status.FEEDBACK
    assert "Консультация өтті" in page.content()
    axe(page, "journey-referral")
    page.screenshot(path=SHOTS.format("referral"), full_page=True)

    # the case page carries it all
    page.goto(reverse("cases:case-detail", args=[case.pk]))
    page.locator("#referrals").get_by_text("Baizak child psychiatry").wait_for()
    history = page.get_by_role("table").filter(has_text="What happened").inner_text()
    for step in ("sent", "accepted", "attended", "feedback received"):
        assert f"referral updated: {step} · psychiatrist" in history
    page.screenshot(path=SHOTS.format("case"), full_page=True)
    context.close()

    steps = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    expected = ["screening.alert.raised", "screening.alert.acknowledged",
                "cases.case.opened", "cases.case.assigned", "cases.trip.planned",
                "cases.contact.recorded", "cases.referral.sent", "cases.referral.step_recorded"]
    positions = [steps.index(action) for action in expected]
    assert positions == sorted(positions)
