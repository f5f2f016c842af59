"""The password step of the login: errors that say nothing, locks, where one lands after."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from safechildhood.accounts.middleware import SESSION_MEMBERSHIP
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import (
    MembershipFactory,
    TOTPDeviceFactory,
    UserFactory,
)
from safechildhood.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

HOME = "/"
LOGIN = "/accounts/login/"
GENERIC = "Wrong login or password."


def test_login_page_renders_for_anonymous_visitors_with_labels_and_autocomplete(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<label for="id_username">' in page
    assert '<label for="id_password">' in page
    assert 'autocomplete="username"' in page
    assert 'autocomplete="current-password"' in page
    assert 'class="card auth"' in page
    assert 'aria-label="Main"' not in page  # no navigation before login
    assert reverse("ui:set-language") in page  # the language switch is there


def test_login_with_the_right_password_goes_home_and_is_audited(log_in, analyst):
    response = log_in(analyst.username)
    assert response.status_code == 302
    assert response["Location"] == HOME
    event = AuditEvent.objects.get(action="accounts.login.succeeded")
    assert event.actor_id == analyst.pk
    assert event.data["user"] == analyst.pk


def test_the_home_page_opens_after_login(client, log_in, analyst):
    log_in(analyst.username)
    assert client.get(HOME).status_code == 200


def test_wrong_password_gives_a_generic_error(client, log_in, psychologist):
    response = log_in(psychologist.username, "not-the-password")
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action="accounts.login.succeeded").exists()


def test_unknown_login_gives_the_same_error_and_is_not_audited(log_in):
    response = log_in("nobody-here", "whatever-password")
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_an_inactive_account_gets_the_same_generic_error(log_in, analyst):
    analyst.is_active = False
    analyst.save()
    response = log_in(analyst.username)
    assert response.status_code == 200
    assert GENERIC in response.content.decode()


def test_five_failures_lock_the_login_even_with_the_right_password(client, log_in,
                                                                   analyst):
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(analyst.username, "wrong-password").status_code == 200
    assert log_in(analyst.username, "wrong-password").status_code == 429
    response = log_in(analyst.username)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Wait 15 minutes, then try again." in page
    assert analyst.username not in page  # nothing personal on the lockout page


def test_the_lock_is_per_login_so_colleagues_can_still_log_in(log_in, analyst):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        log_in(analyst.username, "wrong-password")
    colleague = MembershipFactory(role=Role.REGIONAL_ADMIN).user
    assert log_in(colleague.username).status_code == 302


def test_the_lockout_page_speaks_the_visitors_language(client, log_in, analyst):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "kk"
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        response = log_in(analyst.username, "wrong-password")
    assert response.status_code == 429
    assert '<html lang="kk">' in response.content.decode()


def test_a_safe_next_address_is_followed(log_in, analyst):
    response = log_in(analyst.username, next_url="/accounts/me/")
    assert response["Location"] == "/accounts/me/"


def test_a_next_address_on_another_site_is_ignored(log_in, analyst):
    response = log_in(analyst.username, next_url="https://evil.example/steal")
    assert response["Location"] == HOME


def test_the_session_gets_a_new_key_at_login(client, log_in, analyst):
    client.get(LOGIN)
    session = client.session
    session["before"] = "login"
    session.save()
    before = session.session_key
    log_in(analyst.username)
    assert client.session.session_key != before


def test_login_chooses_the_first_active_membership(client, log_in):
    ended = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, is_active=False)
    current = MembershipFactory(role=Role.REGIONAL_ADMIN, user=ended.user)
    log_in(ended.user.username)
    assert client.session[SESSION_MEMBERSHIP] == current.pk


def test_the_language_stored_on_the_account_is_applied_after_login(client, log_in,
                                                                     analyst):
    analyst.language = "kk"
    analyst.save()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = log_in(analyst.username)
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "kk"
    assert '<html lang="kk">' in client.get(HOME).content.decode()


def test_staff_who_see_children_are_sent_to_set_up_the_second_factor(client, log_in,
                                                                      psychologist):
    response = log_in(psychologist.username)
    assert response["Location"].startswith(reverse("accounts:otp-setup"))
    # the password alone opens nothing
    assert client.get(HOME)["Location"].startswith(reverse("accounts:otp-verify"))


def test_staff_with_an_authenticator_are_asked_for_a_code(log_in, psychologist):
    TOTPDeviceFactory(user=psychologist)
    response = log_in(psychologist.username, next_url="/accounts/me/")
    assert response["Location"] == reverse("accounts:otp-verify") + "?next=%2Faccounts%2Fme%2F"


def test_the_analystistrator_is_not_asked_for_a_second_factor(client, log_in,
                                                                      analyst):
    assert log_in(analyst.username)["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_an_operator_is_asked_for_a_second_factor(log_in):
    operator = UserFactory(is_superuser=True, is_staff=True)
    assert log_in(operator.username)["Location"].startswith(reverse("accounts:otp-setup"))


def test_demo_mode_asks_no_second_factor_and_says_so_on_every_page(client, log_in, psychologist,
                                                                    settings):
    settings.REQUIRE_OTP = False
    settings.DEMO_BANNER = True
    response = log_in(psychologist.username)
    assert response["Location"] == HOME
    page = client.get(HOME)
    assert page.status_code == 200
    assert "Demo mode: the second factor is switched off" in page.content.decode()


def test_no_demo_banner_when_the_second_factor_is_required(client):
    assert "Demo mode" not in client.get(LOGIN).content.decode()


def test_a_signed_in_person_opening_the_login_page_is_sent_on(client, analyst):
    client.force_login(analyst)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == HOME


def test_the_language_picked_before_login_is_kept_on_an_account_without_one(client, log_in,
                                                                              analyst):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "ru"
    log_in(analyst.username)
    analyst.refresh_from_db()
    assert analyst.language == "ru"
