"""GET /api/me/: the caller, the role the request acts through, and every active role."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from safechildhood.accounts.middleware import SESSION_MEMBERSHIP
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory, UserFactory, login_verified
from safechildhood.directory.tests.factories import SchoolFactory
from safechildhood.geography.tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

URL = "/api/me/"


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def two_roles():
    """A psychologist who also works for a second school."""
    first = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST)
    second = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, user=first.user,
                               school=SchoolFactory())
    return first, second


def test_the_route_is_named():
    assert reverse("api:me") == URL


def test_anonymous_gets_401():
    assert APIClient().get(URL).status_code == 401


def test_me_describes_the_account_and_its_active_role():
    membership = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST)
    user = membership.user

    response = token_client(user).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == user.pk
    assert body["username"] == user.username
    assert body["full_name"] == "Айгүл Сәрсенова"
    assert body["is_operator"] is False
    active = body["active_membership"]
    assert active["id"] == membership.pk
    assert active["role"] == "school_psychologist"
    assert active["role_label"] == "school psychologist"
    assert active["organisation"] == {"type": "school", "id": membership.school_id,
                                      "name": membership.school.name_en}
    assert active["region"] == {"id": membership.region_id, "name": membership.region.name_en}
    assert active["districts"] == []
    assert [m["id"] for m in body["memberships"]] == [membership.pk]


def test_a_centre_specialist_sees_the_districts_assigned():
    district = DistrictFactory()
    membership = MembershipFactory(role=Role.CENTRE_SPECIALIST, districts=[district])

    body = token_client(membership.user).get(URL).json()

    assert body["active_membership"]["organisation"]["type"] == "centre"
    assert body["active_membership"]["districts"] == [{"id": district.pk,
                                                       "name": district.name_en}]


def test_a_regional_administrators_organisation_is_the_region():
    membership = MembershipFactory(role=Role.REGIONAL_ADMIN)

    body = token_client(membership.user).get(URL).json()

    assert body["active_membership"]["organisation"] == {
        "type": "region", "id": membership.region_scope_id,
        "name": membership.region_scope.name_en}


def test_x_membership_chooses_the_role(two_roles):
    first, second = two_roles
    client = token_client(first.user)

    default = client.get(URL).json()
    chosen = client.get(URL, HTTP_X_MEMBERSHIP=str(second.pk)).json()

    assert default["active_membership"]["id"] == first.pk
    assert chosen["active_membership"]["id"] == second.pk
    assert {m["id"] for m in chosen["memberships"]} == {first.pk, second.pk}


def test_someone_elses_membership_in_the_header_is_refused(two_roles):
    first, _ = two_roles
    stranger = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST)

    response = token_client(first.user).get(URL, HTTP_X_MEMBERSHIP=str(stranger.pk))

    assert response.status_code == 403
    assert response.json()["code"] == "membership_not_held"
    assert response.json()["field"] == "X-Membership"


def test_an_inactive_membership_in_the_header_is_refused(two_roles):
    first, second = two_roles
    second.is_active = False
    second.save()

    response = token_client(first.user).get(URL, HTTP_X_MEMBERSHIP=str(second.pk))

    assert response.status_code == 403
    assert response.json()["code"] == "membership_not_held"


def test_a_header_that_is_not_an_id_is_a_400(two_roles):
    response = token_client(two_roles[0].user).get(URL, HTTP_X_MEMBERSHIP="school")

    assert response.status_code == 400
    assert response.json()["code"] == "membership_header_invalid"


def test_a_browser_session_acts_through_the_role_picked_on_the_site(client, two_roles):
    first, second = two_roles
    login_verified(client, first.user)
    session = client.session
    session[SESSION_MEMBERSHIP] = second.pk
    session.save()

    body = client.get(URL).json()

    assert body["active_membership"]["id"] == second.pk


def test_a_browser_session_without_the_second_factor_gets_no_data(client, settings):
    settings.REQUIRE_OTP = True
    user = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST).user
    client.force_login(user)

    response = client.get(URL)

    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"


def test_the_operator_has_no_active_role():
    operator = UserFactory(is_superuser=True, is_staff=True)

    body = token_client(operator).get(URL).json()

    assert body["is_operator"] is True
    assert body["active_membership"] is None
    assert body["memberships"] == []


def test_a_deactivated_account_cannot_use_its_token():
    user = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST).user
    client = token_client(user)
    user.is_active = False
    user.save()

    response = client.get(URL)

    assert response.status_code == 401


def test_labels_follow_accept_language():
    membership = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST)

    body = token_client(membership.user).get(URL, HTTP_ACCEPT_LANGUAGE="ru").json()

    assert body["active_membership"]["organisation"]["name"] == membership.school.name_ru


def test_me_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    user = MembershipFactory(role=Role.CENTRE_SPECIALIST,
                             districts=[DistrictFactory(), DistrictFactory()]).user
    for _ in range(3):
        MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, user=user)
    client = token_client(user)

    with django_assert_max_num_queries(6):
        response = client.get(URL)

    assert len(response.json()["memberships"]) == 4
