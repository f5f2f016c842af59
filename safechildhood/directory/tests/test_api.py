"""The directory API: districts, settlements and schools of the caller's region."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory, UserFactory
from safechildhood.directory.tests.factories import SchoolFactory
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def region():
    return RegionFactory()


@pytest.fixture
def school(region):
    return SchoolFactory(settlement=SettlementFactory(district=DistrictFactory(region=region)))


@pytest.fixture
def other_region_school():
    return SchoolFactory()


@pytest.fixture
def psychologist(school):
    return MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=school).user


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_caller_is_asked_to_authenticate():
    response = APIClient().get(reverse("api:school-list"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_wrong_token_is_refused():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    response = client.get(reverse("api:district-list"))

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_an_account_without_a_role_may_not_use_the_api():
    response = token_client(UserFactory()).get(reverse("api:school-list"))

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_schools_are_those_of_the_callers_region(psychologist, school, other_region_school):
    neighbour = SchoolFactory(settlement=SettlementFactory(district=school.district))

    response = token_client(psychologist).get(reverse("api:school-list"))

    assert response.status_code == 200
    assert ids(response) == {school.pk, neighbour.pk}
    row = next(r for r in response.json()["results"] if r["id"] == school.pk)
    assert row["name"] == school.name_en
    assert row["name_kk"] == school.name_kk
    assert row["district"] == school.district_id
    assert row["settlement"] == school.settlement_id
    assert row["language_label"] == "Kazakh"


def test_schools_filter_by_district_and_settlement(psychologist, school, region):
    same_district = SchoolFactory(settlement=SettlementFactory(district=school.district))
    elsewhere = SchoolFactory(settlement=SettlementFactory(district=DistrictFactory(region=region)))
    client = token_client(psychologist)

    by_district = client.get(reverse("api:school-list"), {"district": school.district_id})
    by_settlement = client.get(reverse("api:school-list"), {"settlement": school.settlement_id})
    other_district = client.get(reverse("api:school-list"), {"district": elsewhere.district_id})

    assert ids(by_district) == {school.pk, same_district.pk}
    assert ids(by_settlement) == {school.pk}
    assert ids(other_district) == {elsewhere.pk}


def test_a_district_of_another_region_gives_no_schools(psychologist, other_region_school):
    response = token_client(psychologist).get(
        reverse("api:school-list"), {"district": other_region_school.district_id})

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_filter_that_is_not_a_number_is_a_400_naming_the_field(psychologist):
    response = token_client(psychologist).get(reverse("api:school-list"), {"district": "abc"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"]["district"][0]["code"] == "invalid"
    assert body["fields"]["district"][0]["message"] == "A valid integer is required."


def test_districts_are_those_of_the_callers_region(psychologist, school, other_region_school):
    second = DistrictFactory(region=school.district.region)

    response = token_client(psychologist).get(reverse("api:district-list"))

    assert response.status_code == 200
    assert ids(response) == {school.district_id, second.pk}
    row = next(r for r in response.json()["results"] if r["id"] == second.pk)
    assert row["region"] == school.district.region_id
    assert row["kind"] == "district"
    assert row["kind_label"] == "district"


def test_settlements_filter_by_district(psychologist, school, region, other_region_school):
    other_district = SettlementFactory(district=DistrictFactory(region=region))
    client = token_client(psychologist)

    everything = client.get(reverse("api:settlement-list"))
    one_district = client.get(reverse("api:settlement-list"), {"district": school.district_id})

    assert ids(everything) == {school.settlement_id, other_district.pk}
    assert ids(one_district) == {school.settlement_id}
    assert one_district.json()["results"][0]["district"] == school.district_id


def test_the_regional_administrator_sees_the_regions_directory(region, school):
    admin = MembershipFactory(role=Role.REGIONAL_ADMIN, region_scope=region).user

    response = token_client(admin).get(reverse("api:school-list"))

    assert ids(response) == {school.pk}


def test_the_operator_sees_every_region(school, other_region_school):
    operator = UserFactory(is_superuser=True, is_staff=True)

    response = token_client(operator).get(reverse("api:school-list"))

    assert ids(response) == {school.pk, other_region_school.pk}


def test_names_follow_accept_language(psychologist, school):
    client = token_client(psychologist)

    kazakh = client.get(reverse("api:school-list"), HTTP_ACCEPT_LANGUAGE="kk")
    russian = client.get(reverse("api:school-list"), HTTP_ACCEPT_LANGUAGE="ru")

    assert kazakh.json()["results"][0]["name"] == school.name_kk
    assert russian.json()["results"][0]["name"] == school.name_ru
    assert russian["Content-Language"] == "ru"


def test_without_accept_language_the_accounts_language_is_used(psychologist, school):
    psychologist.language = "kk"
    psychologist.save()

    response = token_client(psychologist).get(reverse("api:school-list"))

    assert response.json()["results"][0]["name"] == school.name_kk


def test_the_list_pages_and_a_slow_client_may_ask_for_smaller_pages(psychologist, school):
    for _ in range(4):
        SchoolFactory(settlement=school.settlement)
    client = token_client(psychologist)

    first = client.get(reverse("api:school-list"), {"page_size": 2})
    last = client.get(reverse("api:school-list"), {"page_size": 2, "page": 3})

    assert first.json()["count"] == 5
    assert len(first.json()["results"]) == 2
    assert first.json()["next"]
    assert len(last.json()["results"]) == 1
    assert last.json()["next"] is None


def test_the_school_list_does_not_query_per_row(psychologist, school,
                                               django_assert_max_num_queries):
    for _ in range(30):
        SchoolFactory(settlement=school.settlement)
    client = token_client(psychologist)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("api:school-list"))

    assert response.json()["count"] == 31
