"""The chain in Debian's Chromium: a school psychologist records a child's disclosure, which
becomes a police report sent to the district unit; the juvenile inspector, on a phone,
acknowledges it and records the ERDR number; the prosecutor's overview shows it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safechildhood.disclosures.models import PoliceReport
from safechildhood.disclosures.tests import fixtures
from safechildhood.disclosures.tests.fixtures import ERDR, NARRATIVE, SAFETY
from safechildhood.people.tests.factories import PupilFactory

world = fixtures.world
_no_second_factor = fixtures._no_second_factor
SHOTS = "/tmp/disclosures-{}.png"  # noqa: S108 - screenshots to look at, per the brief


def _log_in(page, user):
    from safechildhood.accounts.tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.endswith("/"))


def _context(chromium, live_server, width):
    context = chromium.new_context(viewport={"width": width, "height": 900 if width > 400
                                             else 740}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_disclosure_becomes_a_police_report_registered_and_overseen(
        chromium, live_server, axe, world, settings):
    settings.AXES_ENABLED = False
    child = PupilFactory(school=world.school_a, grade=6)

    # the school psychologist records what the child said, and sends the report
    context, page = _context(chromium, live_server, 1280)
    _log_in(page, world.psy_a.user)
    page.goto(reverse("disclosures:concern-create", args=[child.pk]))
    page.get_by_label("violence in the family").check()
    page.get_by_label("the child themself").check()
    page.get_by_label("How?").select_option("in_person")
    page.get_by_label("What was done to keep the child safe now?").fill(SAFETY)
    page.get_by_label("What was said or seen").fill(NARRATIVE)
    axe(page, "disclosures-concern-form")
    page.screenshot(path=SHOTS.format("concern-form"), full_page=True)
    page.get_by_role("button", name="Record the concern").click()
    page.get_by_role("button", name="Send to the police").wait_for()
    axe(page, "disclosures-report-to-send")
    page.screenshot(path=SHOTS.format("report-to-send"), full_page=True)
    page.get_by_role("button", name="Send to the police").click()
    page.get_by_text("The report is sent to").wait_for()
    page.goto(reverse("disclosures:concern-list"))
    axe(page, "disclosures-concern-list")
    page.screenshot(path=SHOTS.format("concern-list"), full_page=True)
    page.locator("tbody th a").first.click()
    page.get_by_role("heading", name="What was said or seen").wait_for()
    axe(page, "disclosures-concern-detail")
    page.screenshot(path=SHOTS.format("concern-detail"), full_page=True)
    context.close()
    report = PoliceReport.objects.get(pupil=child)
    assert report.status == PoliceReport.Status.SENT and report.unit == world.unit_a

    # the inspector of the district unit, on a phone
    context, page = _context(chromium, live_server, 360)
    _log_in(page, world.insp_a.user)
    page.goto(reverse("disclosures:report-list"))
    page.screenshot(path=SHOTS.format("inspector-list"), full_page=True)
    page.get_by_role("link", name=f"№{report.pk}").first.click()
    page.get_by_role("button", name="Acknowledge: the unit has received the report").click()
    page.get_by_text("Receipt of the report is recorded").wait_for()
    page.get_by_label("registered in the ERDR").check()
    page.get_by_label("ERDR registration number").fill("255 000 031 000 123")
    page.get_by_role("button", name="Record the step").click()
    page.get_by_text("The new status is recorded").wait_for()
    assert ERDR in page.content() and NARRATIVE in page.content()
    axe(page, "disclosures-inspector-report")
    page.screenshot(path=SHOTS.format("inspector-report"), full_page=True)
    context.close()
    report.refresh_from_db()
    assert report.erdr_number == ERDR

    # the prosecutor's analyst: the overview, then the report itself, without the child's story
    context, page = _context(chromium, live_server, 1280)
    _log_in(page, world.analyst.user)
    page.goto(reverse("disclosures:oversight"))
    row = page.get_by_role("region", name="Reports by district and category").get_by_role(
        "row").filter(has_text="Baizak")
    assert row.locator("td").last.inner_text() == "0"  # refused
    assert "1" in row.inner_text()
    recent = page.get_by_role("region", name="Latest steps recorded")
    assert ERDR in recent.inner_text() and "registered in the ERDR" in recent.inner_text()
    axe(page, "disclosures-oversight")
    page.screenshot(path=SHOTS.format("oversight"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=SHOTS.format("oversight-phone"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(reverse("disclosures:report-list"))
    assert ERDR in page.content()
    page.goto(reverse("disclosures:report-detail", args=[report.pk]))
    body = page.content()
    assert ERDR in body and "registered in the ERDR" in body
    assert NARRATIVE not in body and child.last_name not in body
    page.screenshot(path=SHOTS.format("prosecutor-report"), full_page=True)
    context.close()
