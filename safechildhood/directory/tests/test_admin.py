"""The Django admin as the regional administrator sees it: their region's schools and
organisations only, no pupils, every change audited, entry decided by the policy."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory, UserFactory
from safechildhood.audit.models import AuditEvent
from safechildhood.directory.models import School
from safechildhood.directory.tests.factories import PoliceUnitFactory, SchoolFactory
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)
from safechildhood.people.tests.factories import PupilFactory


@pytest.fixture(autouse=True)
def _plain_login(settings):
    settings.REQUIRE_OTP = False  # the second factor has its own tests
    settings.AXES_ENABLED = False


@pytest.fixture
def world(db):
    region, other_region = RegionFactory(), RegionFactory()
    village = SettlementFactory(district=DistrictFactory(region=region), name_en="Sarykemer")
    far_village = SettlementFactory(district=DistrictFactory(region=other_region),
                                    name_en="Faraway")
    admin_user = MembershipFactory(role=Role.REGIONAL_ADMIN, region_scope=region).user
    admin_user.is_staff = True
    admin_user.save()
    return {
        "region": region,
        "village": village,
        "far_village": far_village,
        "school": SchoolFactory(settlement=village, name_en="Our school"),
        "far_school": SchoolFactory(settlement=far_village, name_en="Their school"),
        "admin": admin_user,
    }


@pytest.fixture
def admin_client(client, world):
    client.force_login(world["admin"])
    return client


def _school_data(settlement, **extra):
    return {"settlement": settlement.pk, "name_kk": "Жаңа мектеп", "name_ru": "Новая школа",
            "name_en": "New school", "language": "kk", "bin": "", "is_active": "on", **extra}


# --- entry ---------------------------------------------------------------------------------------


def test_regional_admin_enters_and_sees_only_the_programmes_models(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    models = {m["object_name"] for app in response.context["app_list"] for m in app["models"]}
    assert models == {"Region", "District", "Settlement", "School", "SupportCentre",
                      "PoliceUnit", "ProsecutorOffice", "ServiceProvider", "User"}


@pytest.mark.parametrize("role", [Role.SCHOOL_PSYCHOLOGIST, Role.CENTRE_HEAD,
                                  Role.PROSECUTOR_ANALYST])
def test_other_roles_are_refused_even_as_django_staff(role, client, db):
    user = MembershipFactory(role=role).user
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    assert client.get(reverse("admin:directory_school_changelist"), follow=True
                      ).status_code == 403


def test_anonymous_visitor_goes_through_the_programmes_login(client, db):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "next=/admin/" in response.redirect_chain[-1][0]


def test_operator_sees_every_region(client, world):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("admin:directory_school_changelist"))
    assert set(response.context["cl"].queryset) == {world["school"], world["far_school"]}


def test_pupils_are_not_in_the_admin_at_all(admin_client, client):
    assert admin_client.get("/admin/people/pupil/").status_code == 404
    assert admin_client.get("/admin/people/").status_code == 404


# --- scope ---------------------------------------------------------------------------------------


def test_school_list_holds_only_the_admins_region(admin_client, world):
    response = admin_client.get(reverse("admin:directory_school_changelist"))
    assert list(response.context["cl"].queryset) == [world["school"]]
    assert "Their school" not in response.content.decode()


def test_another_regions_school_cannot_be_opened(admin_client, world):
    url = reverse("admin:directory_school_change", args=[world["far_school"].pk])
    response = admin_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert "doesn’t exist" in str(next(iter(get_messages(response.wsgi_request))))
    posted = admin_client.post(url, _school_data(world["far_village"], name_en="Taken"))
    assert posted.status_code == 302
    world["far_school"].refresh_from_db()
    assert world["far_school"].name_en == "Their school"


def test_settlement_choices_are_the_admins_region_with_their_district(admin_client, world):
    response = admin_client.get(reverse("admin:directory_school_add"))
    field = response.context["adminform"].form.fields["settlement"]
    assert list(field.queryset) == [world["village"]]
    assert f"Sarykemer ({world['village'].district.name})" in response.content.decode()


def test_a_school_cannot_be_put_in_another_regions_village(admin_client, world):
    response = admin_client.post(reverse("admin:directory_school_add"),
                                 _school_data(world["far_village"]))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["settlement"]
    assert not School.objects.filter(name_en="New school").exists()


def test_police_unit_district_filter_lists_only_own_districts(admin_client, world):
    PoliceUnitFactory(district=world["village"].district)
    PoliceUnitFactory(district=world["far_village"].district)
    response = admin_client.get(reverse("admin:directory_policeunit_changelist"))
    assert response.context["cl"].result_count == 1
    html = response.content.decode()
    assert world["village"].district.name_en in html
    assert world["far_village"].district.name_en not in html


# --- audit ---------------------------------------------------------------------------------------


def test_adding_a_school_is_audited_with_identifiers_only(admin_client, world):
    response = admin_client.post(reverse("admin:directory_school_add"),
                                 _school_data(world["village"]))
    assert response.status_code == 302
    school = School.objects.get(name_en="New school")
    event = AuditEvent.objects.get(action="admin.school.created")
    assert (event.target_type, event.target_id) == ("directory.school", str(school.pk))
    assert event.actor_id == world["admin"].pk
    assert event.region_id == world["region"].pk
    assert event.data["id"] == school.pk
    assert "Новая школа" not in str(event.data)


def test_changing_a_school_names_the_changed_fields(admin_client, world):
    school = world["school"]
    url = reverse("admin:directory_school_change", args=[school.pk])
    admin_client.post(url, _school_data(world["village"], name_en="Renamed school"))
    event = AuditEvent.objects.get(action="admin.school.changed")
    assert event.target_id == str(school.pk)
    assert "name_en" in event.data["fields"]
    assert "Renamed school" not in str(event.data)


def test_deleting_a_school_is_audited(admin_client, world):
    school = world["school"]
    response = admin_client.post(reverse("admin:directory_school_delete", args=[school.pk]),
                                 {"post": "yes"})
    assert response.status_code == 302
    assert not School.objects.filter(pk=school.pk).exists()
    event = AuditEvent.objects.get(action="admin.school.deleted")
    assert event.target_id == str(school.pk) and event.region_id == world["region"].pk


def test_deleting_from_the_list_is_audited_per_school(admin_client, world):
    second = SchoolFactory(settlement=world["village"])
    admin_client.post(reverse("admin:directory_school_changelist"), {
        "action": "delete_selected", "_selected_action": [world["school"].pk, second.pk],
        "post": "yes",
    })
    assert set(AuditEvent.objects.filter(action="admin.school.deleted")
               .values_list("target_id", flat=True)) == {str(world["school"].pk), str(second.pk)}


def test_a_school_with_pupils_cannot_be_deleted_and_no_pupil_is_named(admin_client, world):
    school = world["school"]
    PupilFactory(school=school, last_name="Тайныбаев")
    PupilFactory(school=school, last_name="Тайныбаева")
    url = reverse("admin:directory_school_delete", args=[school.pk])
    page = admin_client.get(url)
    html = page.content.decode()
    assert "Pupils: 2" in html
    assert "Тайныбаев" not in html
    admin_client.post(url, {"post": "yes"})
    assert School.objects.filter(pk=school.pk).exists()
    assert not AuditEvent.objects.filter(action="admin.school.deleted").exists()


def test_an_audit_failure_rolls_the_change_back(admin_client, world, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("safechildhood.ui.admin.audit_record", broken)
    admin_client.raise_request_exception = False
    response = admin_client.post(reverse("admin:directory_school_add"),
                                 _school_data(world["village"]))
    assert response.status_code == 500
    assert not School.objects.filter(name_en="New school").exists()


# --- the programme's own account pages ---------------------------------------------------------


def test_admin_password_page_is_the_programmes_own(admin_client):
    response = admin_client.get(reverse("admin:password_change"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-change")


def test_logging_out_from_the_admin_is_the_audited_logout(admin_client, world):
    response = admin_client.post(reverse("admin:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert AuditEvent.objects.filter(action="accounts.logout.succeeded",
                                     actor_id=world["admin"].pk).exists()
    assert admin_client.get(reverse("admin:index")).status_code == 302
