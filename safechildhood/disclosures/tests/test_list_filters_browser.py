"""In Debian's Chromium: the concern and report lists opened filtered, as a figure of the
statistics pages opens them, show the filters in force, pass axe, fit a phone, and "Show all"
lifts the filters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safechildhood.disclosures.models import Concern, PoliceReport
from safechildhood.disclosures.tests import fixtures
from safechildhood.disclosures.tests.fixtures import concern_in, report_in

world = fixtures.world
_no_second_factor = fixtures._no_second_factor
SHOTS = "/tmp/disclosures-filtered-{}.png"  # noqa: S108 - screenshots to look at


def _log_in(page, user):
    from safechildhood.accounts.tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.endswith("/"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 360])
def test_filtered_lists_show_their_filters_and_lift_them(chromium, live_server, axe, world,
                                                         settings, width):
    settings.AXES_ENABLED = False
    concern_in(world, category=Concern.Category.BULLYING)
    concern_in(world, world.school_b, category=Concern.Category.BULLYING)
    report_in(world, status=PoliceReport.Status.REGISTERED)
    context = chromium.new_context(viewport={"width": width, "height": 800},
                                   base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    _log_in(page, world.head.user)

    page.goto(reverse("disclosures:concern-list")
              + f"?district={world.baizak.pk}&category=bullying&report=none")
    status = page.get_by_role("status", name="Filters in force")
    assert "Category: bullying" in status.inner_text()
    assert page.locator("tbody tr").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    axe(page, f"disclosures-concerns-filtered-{width}")
    page.screenshot(path=SHOTS.format(f"concerns-{width}"), full_page=True)
    status.get_by_role("link", name="Show all").click()
    page.wait_for_url(lambda url: url.endswith("/disclosures/concerns/"))
    assert page.locator("tbody tr").count() == 3

    page.goto(reverse("disclosures:report-list")
              + f"?school={world.school_a.pk}&stage=registered&sent_from=2000-01-01")
    status = page.get_by_role("status", name="Filters in force")
    assert world.school_a.name in status.inner_text()
    assert page.locator("tbody tr").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    axe(page, f"disclosures-reports-filtered-{width}")
    page.screenshot(path=SHOTS.format(f"reports-{width}"), full_page=True)
    context.close()
