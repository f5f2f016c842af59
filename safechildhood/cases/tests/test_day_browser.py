"""The day page and the head's overview in Debian's Chromium: reached from the home page, at
1280 px and on a 360 px phone (no sideways scrolling of the page), checked by axe-core."""

from __future__ import annotations

import pytest

from safechildhood.cases.tests import test_day, test_overview
from safechildhood.screening.tests import alerts_fixtures

world = alerts_fixtures.world
_no_second_factor = alerts_fixtures._no_second_factor
day_world = test_day.day_world
overview_world = test_overview.overview_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, user):
    from safechildhood.accounts.tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.endswith("/"))


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _both_widths(page, axe, name: str) -> None:
    """Screenshots (test-artifacts/cases-<name>.png and -phone.png) and axe at both widths."""
    page.set_viewport_size({"width": 1280, "height": 900})
    axe(page, f"cases-{name}")
    page.set_viewport_size({"width": 360, "height": 740})
    _no_sideways_scroll(page)
    axe(page, f"cases-{name}-phone")


def test_a_specialist_goes_from_home_to_their_day(page, axe, day_world):
    _log_in(page, day_world.spec_a.user)
    page.get_by_role("link", name="My day").first.click()
    page.get_by_role("heading", level=1, name="My day").wait_for()
    assert page.get_by_role("heading", name="Crisis alerts to acknowledge").is_visible()
    assert page.get_by_text(day_world.never.pupil.full_name).first.is_visible()
    _both_widths(page, axe, "day")


def test_the_head_goes_from_home_to_the_overview_and_filters_it(page, axe, overview_world):
    w = overview_world
    _log_in(page, w.head.user)
    page.get_by_role("link", name="The centre's overview").first.click()
    page.get_by_role("heading", level=1, name="The centre's overview").wait_for()
    _both_widths(page, axe, "overview")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("District", exact=True).select_option(label=w.merke.name)
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert f"district={w.merke.pk}" in page.url, page.url
    assert page.get_by_text(w.b1.pupil.full_name).first.is_visible()
    assert page.get_by_text(w.a2.pupil.full_name).count() == 0
