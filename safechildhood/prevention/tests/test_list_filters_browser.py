"""In Debian's Chromium, on a phone: the prevention lists opened filtered (as a figure of the
statistics pages opens them) show the filters in force, pass axe and fit the screen."""

import datetime as dt

import pytest

from safechildhood.accounts.tests.factories import PASSWORD
from safechildhood.prevention.models import Event
from safechildhood.prevention.tests.fixtures import consultation, event, meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/prevention-filtered-{}.png"  # noqa: S108 - screenshots to look at


def test_filtered_prevention_lists_on_a_phone(chromium, live_server, axe, world, settings):
    settings.AXES_ENABLED = False
    day = dt.date(2026, 2, 1)
    event(world.head, district=world.north, school=world.school_n, held_on=day)
    event(world.head, district=world.north, held_on=day, kind=Event.Kind.MASTER_CLASS)
    meeting(world.head, district=world.north, school=world.school_n, parents=30, held_on=day)
    consultation(world.psychologist_n, guardian=world.guardian_n, held_on=day)
    context = chromium.new_context(viewport={"width": 360, "height": 740},
                                   base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(world.head.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    period = "date_from=2026-01-01&date_to=2026-03-31"
    for name, address, rows in [
        ("events", f"/prevention/events/?school={world.school_n.pk}&{period}", 1),
        ("meetings", f"/prevention/parents/meetings/?district={world.north.pk}&{period}", 1),
        ("consultations",
         f"/prevention/parents/consultations/?school={world.school_n.pk}&{period}", 1),
        ("trainings", f"/prevention/trainings/?district={world.north.pk}&{period}", 0),
    ]:
        page.goto(address)
        assert page.get_by_role("status", name="Filters in force").is_visible(), name
        assert page.locator("tbody tr").count() == rows, name
        axe(page, f"prevention-filtered-{name}")
        page.screenshot(path=SHOTS.format(name), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
            name)
    context.close()
