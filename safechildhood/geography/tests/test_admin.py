"""Regions, districts and settlements in the admin: the regional administrator's own only."""

import pytest
from django.urls import reverse

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.audit.models import AuditEvent
from safechildhood.geography.models import District, Region
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)


@pytest.fixture(autouse=True)
def _plain_login(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


@pytest.fixture
def world(db):
    region = RegionFactory(name_en="Zhambyl region")
    other_region = RegionFactory(name_en="Turkistan region")
    return {
        "region": region,
        "other_region": other_region,
        "district": DistrictFactory(region=region, name_en="Talas"),
        "far_district": DistrictFactory(region=other_region, name_en="Sairam"),
        "admin": MembershipFactory(role=Role.REGIONAL_ADMIN, region_scope=region).user,
    }


@pytest.fixture
def admin_client(client, world):
    client.force_login(world["admin"])
    return client


def test_region_list_is_the_admins_own_region(admin_client, world):
    response = admin_client.get(reverse("admin:geography_region_changelist"))
    assert list(response.context["cl"].queryset) == [world["region"]]


def test_another_regions_district_cannot_be_opened(admin_client, world):
    url = reverse("admin:geography_district_change", args=[world["far_district"].pk])
    assert admin_client.get(url).status_code == 302


def test_a_district_can_only_be_added_to_the_admins_region(admin_client, world):
    page = admin_client.get(reverse("admin:geography_district_add"))
    assert list(page.context["adminform"].form.fields["region"].queryset) == [world["region"]]
    data = {"region": world["other_region"].pk, "kind": "district", "name_kk": "Жаңа",
            "name_ru": "Новый", "name_en": "New", "kato": ""}
    refused = admin_client.post(reverse("admin:geography_district_add"), data)
    assert refused.status_code == 200
    assert not District.objects.filter(name_en="New").exists()
    data["region"] = world["region"].pk
    accepted = admin_client.post(reverse("admin:geography_district_add"), data)
    assert accepted.status_code == 302
    event = AuditEvent.objects.get(action="admin.district.created")
    assert event.region_id == world["region"].pk
    assert event.target_id == str(District.objects.get(name_en="New").pk)


def test_settlement_list_filters_by_own_districts_only(admin_client, world):
    SettlementFactory(district=world["district"])
    SettlementFactory(district=world["far_district"])
    response = admin_client.get(reverse("admin:geography_settlement_changelist"))
    assert response.context["cl"].result_count == 1
    html = response.content.decode()
    assert "Talas" in html and "Sairam" not in html


def test_a_regional_admin_cannot_add_or_delete_regions(admin_client, world):
    assert admin_client.get(reverse("admin:geography_region_add")).status_code == 403
    url = reverse("admin:geography_region_delete", args=[world["region"].pk])
    assert admin_client.get(url).status_code == 403
    assert Region.objects.filter(pk=world["region"].pk).exists()
