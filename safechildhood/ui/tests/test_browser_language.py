"""A school psychologist logs in with the second factor, switches the language, and the choice
sticks: across pages, and on their account at the next login from another browser."""

import pytest

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import (
    PASSWORD,
    MembershipFactory,
    TOTPDeviceFactory,
    totp_code,
)
from safechildhood.people.tests.factories import PupilFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the navigation says in each language (from the committed catalogues).
PUPILS = {"kk": "Оқушылар", "ru": "Ученики", "en": "Pupils"}


def _log_in(page, user, device):
    page.goto("/")
    page.wait_for_url("**/accounts/login/**")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/verify/**")
    page.locator("input[autocomplete=one-time-code]").fill(totp_code(device))
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url(lambda url: url.endswith("/"))


def test_language_switch_sticks_across_pages_and_logins(chromium, live_server, axe, settings):
    settings.REQUIRE_OTP = True
    settings.AXES_ENABLED = False
    membership = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST)
    PupilFactory(school=membership.school)
    user = membership.user
    device = TOTPDeviceFactory(user=user)

    first = chromium.new_context(base_url=live_server.url, locale="en-US")
    page = first.new_page()
    _log_in(page, user, device)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("navigation").get_by_text(PUPILS["en"]).is_visible()

    for code, label in (("kk", "Қазақша"), ("ru", "Русский")):
        page.get_by_role("button", name=label).click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == code
        nav = page.get_by_role("navigation")
        assert nav.get_by_text(PUPILS[code]).is_visible()
        axe(page, f"home-{code}")
    page.get_by_role("button", name="Қазақша").click()
    page.get_by_role("navigation").get_by_text(PUPILS["kk"]).click()
    page.wait_for_url("**/pupils/")
    assert page.locator("html").get_attribute("lang") == "kk"
    axe(page, "pupil-list-kk")
    first.close()

    # Another browser, no cookie: the language comes from the account after login. Rotate the
    # device's last-used step so the same 30-second code is not refused as a replay.
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    second = chromium.new_context(base_url=live_server.url, locale="en-US")
    page = second.new_page()
    _log_in(page, user, device)
    assert page.locator("html").get_attribute("lang") == "kk"
    second.close()
