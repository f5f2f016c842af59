"""In Debian's Chromium: the centre head drills the dashboard down region → district → school
on a desk and on a phone, changes the period with the form, and follows a count to the records
it counts. Screenshots go to /tmp/dashboard/ for the engineer to look at."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from safechildhood.accounts.tests.factories import PASSWORD
from safechildhood.statistics.tests.test_dashboard import _figures, _screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "dashboard"


def _login(page, user):
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def _no_sideways_scroll(page, name):
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                && !e.closest('.table-wrap'))
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, f"{name} scrolls sideways: {wide}"


def test_head_drills_down_and_opens_the_records_of_a_count(page, region, axe):
    from safechildhood.screening.tests.factories import make_alert

    _figures(region)
    _campaign, assignments, _school = _screening(region)
    for assignment in assignments:
        make_alert(assignment, region.psychologist.user)
    _login(page, region.head.user)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.wait_for_load_state()
    assert "Zhambyl region" in page.locator("h1").inner_text()
    assert page.locator(".tilemap .tile").count() == 3
    _shot(page, "region-1280")
    axe(page, "dashboard-region-1280")

    # the period form without a script's help: a quarter of this year
    page.select_option("select[name=kind]", "quarter")
    page.wait_for_function("document.querySelector('select[name=period]').value.includes('-q')")
    assert "Q" in page.locator("h1").inner_text()
    page.select_option("select[name=kind]", "year")
    page.wait_for_function("!document.querySelector('select[name=period]').value.includes('-')")

    # region → district through the tile map
    page.locator(".tilemap").get_by_role("link", name="Baizak").click()
    page.wait_for_load_state()
    assert "Baizak district" in page.locator("h1").inner_text()
    crumbs = page.get_by_role("navigation", name="Area")
    assert crumbs.get_by_role("link", name="Zhambyl region").is_visible()
    _shot(page, "district-1280")
    axe(page, "dashboard-district-1280")

    # district → school through a table row
    alerts = page.locator("section", has=page.locator("#t-alerts"))
    alerts.get_by_role("link", name=region.school.name).click()
    page.wait_for_load_state()
    assert region.school.name in page.locator("h1").inner_text()
    assert page.get_by_role("navigation", name="Area").get_by_role("link").count() == 2
    _shot(page, "school-1280")
    axe(page, "dashboard-school-1280")

    # the school's alerts: the count links to the list of those alerts
    alerts = page.locator("section", has=page.locator("#t-alerts"))
    alerts.locator("td a").first.click()
    page.wait_for_load_state()
    assert "/screening/alerts/" in page.url
    assert page.locator("main tbody tr").count() == 3


@pytest.mark.parametrize("who", ["head", "analyst"])
def test_dashboard_on_a_phone(chromium, live_server, region, axe, who, settings):
    settings.AXES_ENABLED = False
    _figures(region)
    _screening(region)
    context = chromium.new_context(viewport={"width": 360, "height": 800},
                                   base_url=live_server.url)
    page = context.new_page()
    _login(page, getattr(region, who).user)
    page.goto("/statistics/dashboard/")
    _shot(page, f"region-360-{who}")
    _no_sideways_scroll(page, "region")
    axe(page, f"dashboard-region-360-{who}")
    page.locator(".tilemap").get_by_role("link", name="Baizak").click()
    page.wait_for_load_state()
    _shot(page, f"district-360-{who}")
    _no_sideways_scroll(page, "district")
    axe(page, f"dashboard-district-360-{who}")
    context.close()
