"""The second factor: setting up the authenticator app, the code at login, throttling, and the
pages that need it."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from safechildhood.accounts.tests.factories import (
    TOTPDeviceFactory,
    login_verified,
    totp_code,
)
from safechildhood.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

HOME = "/"
SETUP = "/accounts/second-factor/"
VERIFY = "/accounts/verify/"


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_enrolment_after_login_opens_the_site(client, log_in, psychologist):
    response = log_in(psychologist.username)
    assert response["Location"].startswith(SETUP)

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html  # the QR code is drawn on the page, no outside service
    device = TOTPDevice.objects.get(user=psychologist)
    assert not device.confirmed
    secret_start = __import__("base64").b32encode(device.bin_key).decode()[:4]
    assert secret_start in html  # the key for typing by hand
    assert 'autocomplete="one-time-code"' in html

    response = client.post(SETUP, {"token": totp_code(device), "next": HOME})
    assert response.status_code == 302
    assert response["Location"] == HOME
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="accounts.otp.enrolled",
                                     actor_id=psychologist.pk).exists()
    assert client.get(HOME).status_code == 200


def test_reloading_the_set_up_page_keeps_the_same_key(client, psychologist):
    client.force_login(psychologist)
    client.get(SETUP)
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=psychologist).count() == 1


def test_a_wrong_code_at_set_up_is_rejected(client, psychologist):
    client.force_login(psychologist)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=psychologist)
    response = client.post(SETUP, {"token": _wrong(totp_code(device))})
    assert response.status_code == 200
    assert "This code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(HOME)["Location"].startswith(VERIFY)


def test_a_code_that_is_not_six_digits_is_a_form_error(client, psychologist):
    client.force_login(psychologist)
    response = client.post(SETUP, {"token": "12ab"})
    assert response.status_code == 200
    assert "Type the 6 digits the app shows." in response.content.decode()


def test_no_second_device_can_be_set_up_without_the_first(client, psychologist):
    TOTPDeviceFactory(user=psychologist)
    client.force_login(psychologist)
    response = client.get(SETUP)
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=psychologist).count() == 1


def test_an_enrolled_user_confirms_the_login_with_a_code(client, log_in, psychologist):
    device = TOTPDeviceFactory(user=psychologist)
    response = log_in(psychologist.username)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert '<label for="id_token">' in page.content.decode()
    response = client.post(VERIFY, {"token": totp_code(device), "next": HOME})
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_a_wrong_code_at_login_is_rejected(client, psychologist):
    device = TOTPDeviceFactory(user=psychologist)
    client.force_login(psychologist)
    response = client.post(VERIFY, {"token": _wrong(totp_code(device))})
    assert response.status_code == 200
    assert "This code is not right" in response.content.decode()
    assert client.get(HOME)["Location"].startswith(VERIFY)


def test_repeated_wrong_codes_are_throttled_even_for_the_right_code(client, psychologist):
    device = TOTPDeviceFactory(user=psychologist)
    client.force_login(psychologist)
    client.post(VERIFY, {"token": _wrong(totp_code(device))})
    client.post(VERIFY, {"token": _wrong(totp_code(device))})
    response = client.post(VERIFY, {"token": totp_code(device)})
    assert response.status_code == 200
    assert "Too many wrong codes. Wait" in response.content.decode()
    assert client.get(HOME)["Location"].startswith(VERIFY)


def test_a_used_code_cannot_be_used_again(client, psychologist):
    device = TOTPDeviceFactory(user=psychologist)
    code = totp_code(device)
    client.force_login(psychologist)
    client.post(VERIFY, {"token": code})
    client.logout()
    client.force_login(psychologist)
    response = client.post(VERIFY, {"token": code})
    assert response.status_code == 200
    assert "This code is not right" in response.content.decode()


def test_a_page_that_needs_the_second_factor_sends_the_unverified_to_the_code(client,
                                                                             psychologist):
    TOTPDeviceFactory(user=psychologist)
    client.force_login(psychologist)
    response = client.get(HOME + "?page=2")
    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?next=%2F%3Fpage%3D2"


def test_the_account_pages_also_need_the_second_factor(client, psychologist):
    client.force_login(psychologist)
    for url in ("/accounts/me/", "/accounts/me/password/"):
        assert client.get(url)["Location"].startswith(VERIFY)


def test_the_api_refuses_a_session_without_the_second_factor(client, psychologist):
    client.force_login(psychologist)
    response = client.get("/api/")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"


def test_the_code_page_without_an_authenticator_leads_to_set_up(client, psychologist):
    client.force_login(psychologist)
    response = client.get(VERIFY + "?next=/accounts/me/")
    assert response["Location"] == SETUP + "?next=%2Faccounts%2Fme%2F"


def test_a_verified_session_opens_pages_and_skips_the_code_page(client, psychologist):
    login_verified(client, psychologist)
    assert client.get(HOME).status_code == 200
    assert client.get(VERIFY)["Location"] == HOME


def test_the_menu_is_hidden_until_the_code_is_given(client, psychologist):
    TOTPDeviceFactory(user=psychologist)
    client.force_login(psychologist)
    html = client.get(VERIFY).content.decode()
    assert 'aria-label="Main"' not in html
    assert reverse("accounts:logout") in html  # but one can still log out


def test_the_analystistrator_may_set_up_the_app_voluntarily(client, analyst):
    client.force_login(analyst)
    assert client.get(HOME).status_code == 200
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=analyst)
    response = client.post(SETUP, {"token": totp_code(device)})
    assert response["Location"] == HOME


@pytest.mark.parametrize("url", [SETUP, VERIFY])
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_demo_mode_does_not_ask_for_the_code(client, psychologist, settings):
    settings.REQUIRE_OTP = False
    client.force_login(psychologist)
    assert client.get(HOME).status_code == 200


def test_once_set_up_voluntarily_the_code_is_asked_at_every_login(client, log_in,
                                                                   analyst):
    TOTPDeviceFactory(user=analyst)
    response = log_in(analyst.username)
    assert response["Location"].startswith(VERIFY)
    assert client.get(HOME)["Location"].startswith(VERIFY)


def test_the_session_gets_a_new_key_when_the_code_is_accepted(client, psychologist):
    device = TOTPDeviceFactory(user=psychologist)
    client.force_login(psychologist)
    before = client.session.session_key
    client.post(VERIFY, {"token": totp_code(device)})
    assert client.session.session_key != before
    assert client.get(HOME).status_code == 200
