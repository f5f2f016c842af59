"""The roster import journey in a real browser (Debian's Chromium) on a phone-sized screen: upload,
progress polled by htmx, result and problems; every page checked by axe-core."""

import pytest

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import PASSWORD, MembershipFactory
from safechildhood.people.models import Pupil, RosterImport
from safechildhood.people.tests.test_roster_import_service import csv_file, roster_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def psychologist(settings):
    settings.REQUIRE_OTP = False  # the second factor has its own browser test
    return MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST).user


@pytest.fixture
def phone(page, psychologist):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(psychologist.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    return page


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_uploading_a_roster_on_a_phone(phone, axe, tmp_path):
    phone.goto("/pupils/imports/")
    axe(phone, "roster-import-list-empty")
    phone.get_by_role("link", name="Upload a roster").click()
    axe(phone, "roster-import-create")
    _no_sideways_scroll(phone)

    good = tmp_path / "roster.csv"
    good.write_bytes(csv_file(roster_rows(4)))
    phone.get_by_label("Roster file (.xlsx or .csv)").set_input_files(str(good))
    phone.get_by_role("button", name="Upload and check").click()
    phone.wait_for_url("**/pupils/imports/*/")
    assert phone.get_by_text("The roster has been imported.").is_visible()
    axe(phone, "roster-import-done")
    _no_sideways_scroll(phone)
    assert Pupil.objects.count() == 4

    bad_rows = roster_rows(3)
    bad_rows[1][4] = "?"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file(bad_rows))
    phone.goto("/pupils/imports/new/")
    phone.get_by_label("Roster file (.xlsx or .csv)").set_input_files(str(bad))
    phone.get_by_role("button", name="Upload and check").click()
    phone.wait_for_url("**/pupils/imports/*/")
    problems = phone.get_by_role("region", name="Problems")
    assert problems.get_by_role("cell", name="sex", exact=True).is_visible()
    assert problems.get_by_role("rowheader", name="3").is_visible()
    axe(phone, "roster-import-failed")

    phone.goto("/pupils/imports/")
    axe(phone, "roster-import-list")


def test_progress_is_polled_until_the_import_finishes(phone, axe, psychologist):
    running = RosterImport.objects.create(
        school=psychologist.memberships.get().school, uploaded_by=psychologist,
        file_name="roster.xlsx", content=b"", status=RosterImport.Status.RUNNING,
        total_rows=800, processed_rows=200)
    phone.goto(f"/pupils/imports/{running.pk}/")
    assert phone.get_by_text("200 of about 800 rows checked.").is_visible()
    axe(phone, "roster-import-running")

    RosterImport.objects.filter(pk=running.pk).update(processed_rows=600)
    phone.get_by_text("600 of about 800 rows checked.").wait_for(timeout=5000)
    RosterImport.objects.filter(pk=running.pk).update(
        status=RosterImport.Status.DONE, created_count=790, updated_count=10)
    phone.get_by_text("The roster has been imported.").wait_for(timeout=5000)
    assert phone.locator("[hx-trigger]").count() == 0
