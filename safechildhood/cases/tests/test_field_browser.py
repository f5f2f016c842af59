"""The field work in Debian's Chromium: a specialist records a contact, plans a trip (the planner
previews who is due), prints the itinerary, looks up a provider, sends a referral and records a
step, schedules a re-screening and issues the code, and reads the child's trajectory. Every page
is screenshotted (test-artifacts/casefield-*.png) on a desktop and on a 360-pixel phone, and
checked with axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safechildhood.cases.models import Contact, FieldTrip, FollowUpScreening, Referral
from safechildhood.cases.tests import referrals_world
from safechildhood.cases.tests.factories import RiskCaseFactory
from safechildhood.cases.tests.referrals_world import PHQ_A_MODERATE
from safechildhood.people.tests.factories import GuardianFactory, PupilFactory
from safechildhood.screening.services.responses import response_enter_paper
from safechildhood.screening.tests.factories import make_assignment, make_campaign

world = referrals_world.world
_no_second_factor = referrals_world._no_second_factor


def _log_in(page, user):
    from safechildhood.accounts.tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.endswith("/"))


def _screening_result(world) -> None:
    campaign = make_campaign(region=world.region, centre=world.centre,
                             created_by=world.head.user)
    assignment, _code = make_assignment(campaign, world.pupil)
    response_enter_paper(actor=world.psy_a, assignment=assignment, instrument_code="phq-a",
                         answers=PHQ_A_MODERATE)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_specialists_field_work_in_the_browser(chromium, live_server, axe, world):
    GuardianFactory(pupil=world.pupil, full_name="Сейтқали Гүлнәр", phone="+7 701 555 44 33")
    _screening_result(world)
    # a second child of the specialist's, never visited: due on any trip
    due = RiskCaseFactory(pupil=PupilFactory(school=world.school_a, last_name="Жұмабекова",
                                             first_name="Әйгерім"),
                          active=True, owner=world.owner.user, opened_by=world.head.user)
    context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                   base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    _log_in(page, world.owner.user)
    case = world.case
    visited: list[str] = []

    def look(name: str) -> None:
        axe(page, f"casefield-{name}")
        visited.append(page.url)

    # a contact
    page.goto(reverse("cases:contact-create", args=[case.pk]))
    look("contact-form")
    page.get_by_label("session with the child and parents").check()
    page.get_by_label("Date").fill((timezone.localdate() - dt.timedelta(days=1)).isoformat())
    page.get_by_label("Time").fill("11:15")
    page.get_by_label("Duration (minutes)").fill("40")
    page.get_by_label("the child", exact=True).check()
    page.get_by_label("mother").check()
    page.get_by_label("Notes").fill("Анасымен сөйлестік. Бала сабаққа қатысады.")
    page.get_by_label("Next step").fill("Екі аптадан кейін мектепке бару.")
    page.get_by_role("button", name="Record the contact").click()
    page.get_by_text("The contact is recorded.").wait_for()
    assert Contact.objects.filter(case=case).count() == 1
    axe(page, "casefield-case-detail")
    page.goto(reverse("cases:contact-list", args=[case.pk]))
    page.get_by_text("Анасымен сөйлестік").wait_for()
    look("contact-list")

    # a trip: the planner previews who is due, then plans
    page.goto(reverse("cases:trip-create"))
    page.get_by_label("District").select_option(str(world.baizak.pk))
    page.get_by_label("From").fill(timezone.localdate().isoformat())
    page.get_by_label("Until (inclusive)").fill(
        (timezone.localdate() + dt.timedelta(days=1)).isoformat())
    page.get_by_label("Until (inclusive)").dispatch_event("change")
    page.locator("#trip-preview").get_by_text(due.pupil.full_name).wait_for()
    look("trip-form")
    page.get_by_role("button", name="Plan the trip").click()
    page.get_by_text("The trip is planned").wait_for()
    trip = FieldTrip.objects.get()
    look("trip-detail")
    page.get_by_role("link", name="Printable itinerary").click()
    page.get_by_role("heading", name=due.pupil.full_name, exact=False).wait_for()
    look("trip-itinerary")
    page.goto(reverse("cases:trip-list"))
    look("trip-list")

    # the directory and a referral
    page.goto(reverse("cases:provider-list"))
    page.get_by_label("Kind").select_option("psychiatrist")
    page.wait_for_url(lambda url: "kind=psychiatrist" in url)
    assert page.locator("#provider-results").get_by_text("Family support NGO").count() == 0
    look("provider-list")
    page.goto(reverse("cases:referral-create", args=[case.pk]))
    look("referral-form")
    page.get_by_label("Service provider").select_option(str(world.psychiatrist.pk))
    page.get_by_label("Reason for referral").fill("Ұйқысы бұзылған; психиатр кеңесі.")
    page.get_by_role("button", name="Send the referral").click()
    page.get_by_text("The referral is sent.").wait_for()
    page.get_by_label("accepted").check()
    page.get_by_role("button", name="Record the step").click()
    page.get_by_text("The step is recorded.").wait_for()
    assert Referral.objects.get().status == Referral.Status.ACCEPTED
    look("referral-detail")
    page.goto(reverse("cases:referral-list"))
    look("referral-list")

    # a re-screening and the trajectory
    page.goto(reverse("cases:rescreening-create", args=[case.pk]))
    look("rescreening-form")
    page.get_by_label("PHQ-A").check()
    page.get_by_label("Due").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Schedule").click()
    page.get_by_text("The re-screening is scheduled.").wait_for()
    page.get_by_role("button", name="Issue the child's code").click()
    page.locator("#issued-code").wait_for()
    assert FollowUpScreening.objects.get().assignment_id is not None
    look("rescreening-detail")
    page.goto(reverse("cases:case-trajectory", args=[case.pk]))
    page.locator("svg.trajectory circle.point").first.wait_for()
    look("trajectory")
    page.goto(reverse("cases:case-detail", args=[case.pk]))
    page.locator("#referrals").get_by_text("Baizak child psychiatry").wait_for()
    axe(page, "casefield-case-sections")
    context.close()

    # the same pages on a phone
    phone_context = chromium.new_context(viewport={"width": 360, "height": 740},
                                         base_url=live_server.url)
    phone = phone_context.new_page()
    phone.set_default_timeout(15000)
    _log_in(phone, world.owner.user)
    for url in visited:
        url = url.replace("/code/", "/")  # the code was shown once, after a post
        phone.goto(url)
        name = url.split("?")[0].rstrip("/").split("/cases/", 1)[1].replace("/", "-")
        width = phone.evaluate("document.documentElement.scrollWidth")
        axe(phone, f"casefield-phone-{name}")
        assert width <= 360, f"{url} scrolls sideways on a phone ({width}px)"
    phone_context.close()
    assert list(trip.stops.values_list("case_id", flat=True)) == [due.pk]
