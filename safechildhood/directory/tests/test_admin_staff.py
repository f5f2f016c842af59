"""Staff accounts in the admin: the regional administrator manages the accounts and roles of
their region only, sets passwords through Django's forms, cannot raise anyone to superuser, and
every change is audited."""

import pytest
from django.urls import reverse

from safechildhood.accounts.models import Membership, Role, User
from safechildhood.accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from safechildhood.audit.models import AuditEvent
from safechildhood.directory.tests.factories import SchoolFactory
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)

NEW_PASSWORD = "steppe-wind-over-taraz-42"


@pytest.fixture(autouse=True)
def _plain_login(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


@pytest.fixture
def world(db):
    region, other_region = RegionFactory(), RegionFactory()
    school = SchoolFactory(settlement=SettlementFactory(district=DistrictFactory(region=region)))
    far_school = SchoolFactory(settlement=SettlementFactory(
        district=DistrictFactory(region=other_region)))
    admin_user = MembershipFactory(role=Role.REGIONAL_ADMIN, region_scope=region).user
    return {
        "region": region,
        "school": school,
        "far_school": far_school,
        "admin": admin_user,
        "ours": MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=school).user,
        "theirs": MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=far_school).user,
    }


@pytest.fixture
def admin_client(client, world):
    client.force_login(world["admin"])
    return client


def _as_post(forms) -> dict:
    """What a browser would send back for these (unbound) forms, unchanged."""
    data = {}
    for form in forms:
        for name, field in form.fields.items():
            if field.disabled:
                continue
            value, key = form[name].value(), form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif value is not None:
                data[key] = str(value)
    return data


def _change_form_data(client, user) -> dict:
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    return _as_post(forms)


def _new_account(school, **extra) -> dict:
    return {
        "username": "new.psychologist", "usable_password": "true",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
        "first_name": "Әсел", "last_name": "Омарова", "email": "", "phone": "", "language": "kk",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "1", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-role": Role.SCHOOL_PSYCHOLOGIST, "memberships-0-school": str(school.pk),
        "memberships-0-is_active": "on",
        **extra,
    }


# --- scope ---------------------------------------------------------------------------------------


def test_staff_list_holds_the_region_only(admin_client, world):
    response = admin_client.get(reverse("admin:accounts_user_changelist"))
    assert set(response.context["cl"].queryset) == {world["admin"], world["ours"]}


def test_another_regions_account_cannot_be_opened_or_given_a_password(admin_client, world):
    theirs = world["theirs"]
    change = admin_client.get(reverse("admin:accounts_user_change", args=[theirs.pk]))
    assert change.status_code == 302 and change["Location"] == reverse("admin:index")
    password = admin_client.post(
        reverse("admin:auth_user_password_change", args=[theirs.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert password.status_code == 404
    theirs.refresh_from_db()
    assert theirs.check_password(PASSWORD)


def test_a_superuser_is_out_of_the_regional_admins_reach(admin_client, world):
    operator = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=world["school"],
                                 user=UserFactory(is_superuser=True, is_staff=True)).user
    response = admin_client.get(reverse("admin:accounts_user_changelist"))
    assert operator not in set(response.context["cl"].queryset)
    assert admin_client.get(reverse("admin:accounts_user_change", args=[operator.pk])
                            ).status_code == 302


def test_roles_in_other_regions_stay_hidden_and_untouched(admin_client, world):
    ours = world["ours"]
    elsewhere = MembershipFactory(role=Role.SCHOOL_ADMIN, school=world["far_school"], user=ours)
    page = admin_client.get(reverse("admin:accounts_user_change", args=[ours.pk]))
    shown = list(page.context["inline_admin_formsets"][0].formset.queryset)
    assert shown == list(ours.memberships.exclude(pk=elsewhere.pk))
    assert str(world["far_school"]) not in page.content.decode()
    changelist = admin_client.get(reverse("admin:accounts_user_changelist"))
    assert str(world["far_school"]) not in changelist.content.decode()


def test_organisation_choices_are_the_region_only(admin_client, world):
    page = admin_client.get(reverse("admin:accounts_user_add"))
    inline_form = page.context["inline_admin_formsets"][0].formset.forms[0]
    assert list(inline_form.fields["school"].queryset) == [world["school"]]
    assert list(inline_form.fields["region_scope"].queryset) == [world["region"]]


# --- changes -------------------------------------------------------------------------------------


def test_adding_an_account_with_a_role_is_audited(admin_client, world):
    response = admin_client.post(reverse("admin:accounts_user_add"), _new_account(world["school"]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="new.psychologist")
    assert user.check_password(NEW_PASSWORD)
    membership = user.memberships.get()
    assert (membership.role, membership.school, membership.region) == (
        Role.SCHOOL_PSYCHOLOGIST, world["school"], world["region"])
    # The account stays in sight: the next page is its change page.
    assert response["Location"] == reverse("admin:accounts_user_change", args=[user.pk])
    created = AuditEvent.objects.get(action="admin.user.created")
    assert created.target_id == str(user.pk) and created.actor_id == world["admin"].pk
    assert "password1" in created.data["fields"]
    assert NEW_PASSWORD not in str(created.data) and "Омарова" not in str(created.data)
    role = AuditEvent.objects.get(action="admin.membership.created")
    assert role.target_id == str(membership.pk) and role.region_id == world["region"].pk


def test_an_account_needs_a_role_when_a_regional_admin_adds_it(admin_client, world):
    data = _new_account(world["school"], **{"memberships-TOTAL_FORMS": "0"})
    response = admin_client.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200
    assert not User.objects.filter(username="new.psychologist").exists()
    assert not AuditEvent.objects.filter(action__startswith="admin.").exists()


def test_a_role_in_another_regions_school_is_refused(admin_client, world):
    data = _new_account(world["far_school"])
    response = admin_client.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200
    assert not User.objects.filter(username="new.psychologist").exists()


def test_regional_admin_cannot_make_anyone_superuser(admin_client, world):
    ours = world["ours"]
    data = _change_form_data(admin_client, ours)
    assert "is_superuser" not in data and "is_staff" not in data
    data.update({"is_superuser": "on", "is_staff": "on", "first_name": "Жанар"})
    response = admin_client.post(reverse("admin:accounts_user_change", args=[ours.pk]), data)
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.first_name == "Жанар"
    assert not ours.is_superuser and not ours.is_staff
    event = AuditEvent.objects.get(action="admin.user.changed")
    assert event.data["fields"] == ["first_name"]


def test_ending_a_role_is_audited(admin_client, world):
    ours = world["ours"]
    membership = ours.memberships.get()
    data = _change_form_data(admin_client, ours)
    data["memberships-0-is_active"] = ""
    del data["memberships-0-is_active"]
    response = admin_client.post(reverse("admin:accounts_user_change", args=[ours.pk]), data)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    event = AuditEvent.objects.get(action="admin.membership.changed")
    assert event.target_id == str(membership.pk) and event.data["fields"] == ["is_active"]


def test_removing_a_role_is_audited_before_it_goes(admin_client, world):
    ours = world["ours"]
    membership = ours.memberships.get()
    data = _change_form_data(admin_client, ours)
    data["memberships-0-DELETE"] = "on"
    admin_client.post(reverse("admin:accounts_user_change", args=[ours.pk]), data)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="admin.membership.deleted")
    assert event.target_id == str(membership.pk) and event.region_id == world["region"].pk


def test_setting_a_password_uses_djangos_form_and_is_audited(admin_client, world):
    ours = world["ours"]
    url = reverse("admin:auth_user_password_change", args=[ours.pk])
    weak = admin_client.post(url, {"password1": "123", "password2": "123",
                                   "usable_password": "true"})
    assert weak.status_code == 200 and weak.context["form"].errors
    response = admin_client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                       "usable_password": "true"})
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="admin.user.password_changed")
    assert event.target_id == str(ours.pk) and NEW_PASSWORD not in str(event.data)


def test_operator_sees_the_superuser_flags(client, world):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:accounts_user_change", args=[world["ours"].pk]))
    assert "is_superuser" in page.context["adminform"].form.fields


def test_the_staff_list_is_a_fixed_number_of_queries(admin_client, world,
                                                     django_assert_max_num_queries):
    url = reverse("admin:accounts_user_changelist")
    with django_assert_max_num_queries(16) as few:
        admin_client.get(url)
    for _ in range(8):
        MembershipFactory(role=Role.SCHOOL_ADMIN, school=world["school"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(url)
