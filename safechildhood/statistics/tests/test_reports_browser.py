"""In Debian's Chromium: the centre head asks for a Kazakh quarterly report, follows it to its
page and finds both files; a report in progress shows its bar; on a phone too."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from safechildhood.accounts.tests.factories import PASSWORD
from safechildhood.statistics.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "reports"  # looked at by the engineer


def _login(page, user) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_the_head_asks_for_a_report_and_downloads_it(page, region, axe):
    SHOTS.mkdir(exist_ok=True)
    _login(page, region.head.user)
    page.goto("/statistics/reports/")
    axe(page, "statistics-report-list")
    page.locator("select[name=period]").select_option("2025-q1")
    page.locator("input[name=language][value=kk]").check()
    page.locator("input[name=format][value=both]").check()
    page.locator("main form button.primary").click()
    page.wait_for_load_state()
    report = Report.objects.get()
    assert report.status == Report.Status.DONE  # the task ran once the request was committed
    main = page.locator("main")
    assert main.get_by_role("link", name="Download XLSX").is_visible()
    assert main.get_by_role("link", name="Download PDF").is_visible()
    page.screenshot(path=SHOTS / "report-detail-1280.png", full_page=True)
    axe(page, "statistics-report-detail")
    with page.expect_download() as download:
        main.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.endswith(f"-2025-q1-kk-{report.pk}.pdf")
    page.goto("/statistics/reports/")
    page.screenshot(path=SHOTS / "report-list-1280.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=SHOTS / "report-list-360.png", full_page=True)
    axe(page, "statistics-report-list-360")


def test_a_report_in_progress_shows_its_bar_and_updates(page, region, axe):
    SHOTS.mkdir(exist_ok=True)
    report = Report.objects.create(
        region=region.region, kind="month", period="2025-03", language="ru", format="pdf",
        requested_by=region.analyst.user, membership=region.analyst.membership,
        status=Report.Status.RUNNING, progress=45)
    _login(page, region.analyst.user)
    page.goto(f"/statistics/reports/{report.pk}/")
    assert page.locator("[role=progressbar]").get_attribute("aria-valuenow") == "45"
    page.screenshot(path=SHOTS / "report-running-1280.png", full_page=True)
    axe(page, "statistics-report-running")
    Report.objects.filter(pk=report.pk).update(status=Report.Status.DONE, progress=100,
                                               pdf_content=b"%PDF-1.4")
    page.get_by_role("link", name="Download PDF").wait_for(timeout=6000)  # htmx polled
