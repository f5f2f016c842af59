"""The login journey in a real browser (Debian's Chromium), on a phone-sized screen, with every
page checked by axe-core for WCAG 2.2 AA problems."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import PASSWORD, MembershipFactory, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 360, "height": 740})
    return page


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_login_set_up_and_account_pages_work_on_a_phone(phone, axe, psychologist):
    phone.goto("/accounts/login/")
    axe(phone, "accounts-login")
    _no_sideways_scroll(phone)

    phone.get_by_label("Login").fill(psychologist.username)
    phone.get_by_label("Password").fill("wrong-password")
    phone.get_by_role("button", name="Log in").click()
    assert phone.get_by_text("Wrong login or password.").is_visible()
    axe(phone, "accounts-login-error")

    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.wait_for_url("**/accounts/second-factor/**")
    assert phone.locator("svg").first.is_visible()
    axe(phone, "accounts-otp-setup")
    _no_sideways_scroll(phone)

    device = TOTPDevice.objects.get(user=psychologist)
    phone.get_by_label("6-digit code").fill(totp_code(device))
    phone.get_by_role("button", name="Confirm").click()
    phone.wait_for_url(lambda url: url.endswith("/"))

    second = MembershipFactory(user=psychologist, role=Role.SCHOOL_ADMIN)
    phone.goto("/accounts/me/")
    axe(phone, "accounts-profile")
    _no_sideways_scroll(phone)
    phone.get_by_label(f"school administrator · {second.scope_label}").check()
    phone.get_by_role("button", name="Switch role").click()
    assert phone.get_by_text("You now work as school administrator").is_visible()
    phone.goto("/accounts/me/password/")
    axe(phone, "accounts-password-change")
    phone.goto("/accounts/logout/")
    axe(phone, "accounts-logout")
    phone.get_by_role("main").get_by_role("button", name="Log out").click()
    phone.wait_for_url("**/accounts/login/")


def test_the_code_page_and_the_lockout_page_are_accessible(phone, axe, psychologist, settings,
                                                           live_server):
    device = TOTPDevice.objects.create(user=psychologist, name="authenticator", confirmed=True)
    phone.goto("/accounts/login/")
    phone.get_by_label("Login").fill(psychologist.username)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.wait_for_url("**/accounts/verify/**")
    axe(phone, "accounts-otp-verify")
    phone.get_by_label("6-digit code").fill(totp_code(device))
    phone.get_by_role("button", name="Confirm").click()
    phone.wait_for_url(lambda url: url.endswith("/"))

    settings.AXES_ENABLED = True
    context = phone.context.browser.new_context(viewport={"width": 360, "height": 740},
                                                base_url=live_server.url)
    stranger = context.new_page()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        stranger.goto("/accounts/login/")
        stranger.get_by_label("Login").fill(psychologist.username)
        stranger.get_by_label("Password").fill("wrong-password")
        stranger.get_by_role("button", name="Log in").click()
    assert stranger.get_by_role("heading", name="Too many attempts").is_visible()
    axe(stranger, "accounts-lockout")
    context.close()
