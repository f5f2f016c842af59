"""The account page, switching roles, changing the password and logging out."""

import pytest
from django.contrib.auth import SESSION_KEY

from safechildhood.accounts.middleware import SESSION_MEMBERSHIP
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import (
    PASSWORD,
    MembershipFactory,
    TOTPDeviceFactory,
    login_verified,
)
from safechildhood.audit.models import AuditEvent
from safechildhood.geography.tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/me/"
PASSWORD_CHANGE = "/accounts/me/password/"
SWITCH = "/accounts/me/role/"
LOGOUT = "/accounts/logout/"
NEW_PASSWORD = "a-new-long-passphrase-42"


# --- logout ------------------------------------------------------------------------------------


def test_logout_by_get_only_asks_to_confirm(client, analyst):
    client.force_login(analyst)
    response = client.get(LOGOUT)
    assert response.status_code == 200
    assert "Log out?" in response.content.decode()
    assert SESSION_KEY in client.session


def test_logout_by_post_ends_the_session(client, analyst):
    client.force_login(analyst)
    response = client.post(LOGOUT)
    assert response["Location"] == "/accounts/login/"
    assert SESSION_KEY not in client.session
    assert client.get("/")["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action="accounts.logout.succeeded").exists()


def test_an_unverified_session_can_still_log_out(client, psychologist):
    client.force_login(psychologist)
    client.post(LOGOUT)
    assert SESSION_KEY not in client.session


# --- the account page --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PROFILE, PASSWORD_CHANGE, LOGOUT])
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_account_page_lists_every_role_with_its_scope(client, psychologist):
    first = psychologist.memberships.get()
    district = DistrictFactory()
    specialist = MembershipFactory(user=psychologist, role=Role.CENTRE_SPECIALIST,
                                   districts=[district])
    ended = MembershipFactory(user=psychologist, role=Role.SCHOOL_ADMIN, is_active=False)
    login_verified(client, psychologist)
    response = client.get(PROFILE)
    assert response.status_code == 200
    html = response.content.decode()
    for membership in (first, specialist, ended):
        assert membership.scope_label in html
    assert "school psychologist" in html
    assert "centre specialist" in html
    assert district.name in html
    assert "ended" in html
    assert PASSWORD_CHANGE in html
    assert 'id="profile-language"' in html


def test_the_account_page_shows_the_second_factor_status(client, psychologist, analyst):
    login_verified(client, psychologist)
    assert "Authenticator app set up" in client.get(PROFILE).content.decode()
    client.force_login(analyst)
    html = client.get(PROFILE).content.decode()
    assert "Set up the authenticator app" in html
    assert "do not need it" in html


def test_the_account_page_does_not_grow_queries_with_roles(client, psychologist,
                                                           django_assert_max_num_queries):
    for _ in range(6):
        MembershipFactory(user=psychologist, role=Role.CENTRE_SPECIALIST,
                          districts=[DistrictFactory(), DistrictFactory()])
    login_verified(client, psychologist)
    with django_assert_max_num_queries(14):
        assert client.get(PROFILE).status_code == 200


# --- switching the active role ------------------------------------------------------------------


def test_the_switch_is_offered_only_with_several_roles(client, psychologist):
    login_verified(client, psychologist)
    assert SWITCH not in client.get(PROFILE).content.decode()
    MembershipFactory(user=psychologist, role=Role.SCHOOL_ADMIN)
    assert SWITCH in client.get(PROFILE).content.decode()


def test_switching_to_another_own_role_sets_it_for_the_session(client, psychologist):
    other = MembershipFactory(user=psychologist, role=Role.SCHOOL_ADMIN)
    login_verified(client, psychologist)
    response = client.post(SWITCH, {"membership": other.pk})
    assert response.status_code == 302
    assert client.session[SESSION_MEMBERSHIP] == other.pk
    event = AuditEvent.objects.get(action="accounts.membership.switched")
    assert event.membership_id == other.pk
    assert event.data["to"] == other.pk
    assert "school administrator" in client.get(PROFILE).content.decode()


def test_switching_to_another_users_membership_is_not_found(client, psychologist):
    stranger = MembershipFactory(role=Role.CENTRE_HEAD)
    login_verified(client, psychologist)
    response = client.post(SWITCH, {"membership": stranger.pk})
    assert response.status_code == 404
    assert SESSION_MEMBERSHIP not in client.session
    assert not AuditEvent.objects.filter(action="accounts.membership.switched").exists()


def test_switching_to_an_ended_own_role_is_not_found(client, psychologist):
    ended = MembershipFactory(user=psychologist, role=Role.SCHOOL_ADMIN, is_active=False)
    login_verified(client, psychologist)
    assert client.post(SWITCH, {"membership": ended.pk}).status_code == 404


def test_switching_without_a_choice_says_so(client, psychologist):
    login_verified(client, psychologist)
    response = client.post(SWITCH, {}, follow=True)
    assert "Choose one of your roles." in response.content.decode()


def test_switching_needs_a_post(client, psychologist):
    login_verified(client, psychologist)
    assert client.get(SWITCH).status_code == 405


# --- password ------------------------------------------------------------------------------------


def test_changing_the_password_keeps_the_session_and_is_audited(client, psychologist):
    login_verified(client, psychologist)
    response = client.post(PASSWORD_CHANGE, {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })
    assert response["Location"] == PROFILE
    psychologist.refresh_from_db()
    assert psychologist.check_password(NEW_PASSWORD)
    assert client.get(PROFILE).status_code == 200  # still signed in, still verified
    assert AuditEvent.objects.filter(action="accounts.password.changed").exists()


def test_the_password_form_has_labels_and_autocomplete(client, psychologist):
    login_verified(client, psychologist)
    html = client.get(PASSWORD_CHANGE).content.decode()
    assert '<label for="id_old_password">' in html
    assert 'autocomplete="new-password"' in html


def test_a_wrong_old_password_is_refused(client, psychologist):
    login_verified(client, psychologist)
    response = client.post(PASSWORD_CHANGE, {
        "old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })
    assert response.status_code == 200
    assert 'id="id_old_password_error"' in response.content.decode()
    psychologist.refresh_from_db()
    assert psychologist.check_password(PASSWORD)


@pytest.mark.parametrize("weak", ["short1", "1234567890123", "password1234"])
def test_a_weak_new_password_is_refused_by_the_validators(client, psychologist, weak):
    login_verified(client, psychologist)
    response = client.post(PASSWORD_CHANGE, {
        "old_password": PASSWORD, "new_password1": weak, "new_password2": weak,
    })
    assert response.status_code == 200
    assert 'id="id_new_password2_error"' in response.content.decode()
    psychologist.refresh_from_db()
    assert psychologist.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="accounts.password.changed").exists()


def test_the_second_factor_device_survives_a_password_change(client, psychologist):
    device = TOTPDeviceFactory(user=psychologist)
    login_verified(client, psychologist)
    client.post(PASSWORD_CHANGE, {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })
    device.refresh_from_db()
    assert device.confirmed
