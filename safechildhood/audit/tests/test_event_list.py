"""The audit trail page: who may read it, what it shows, its filters and its pages."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory, UserFactory
from safechildhood.audit.models import AuditEvent
from safechildhood.audit.services import audit_record
from safechildhood.directory.tests.factories import SchoolFactory, SupportCentreFactory
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)
from safechildhood.people.tests.factories import PupilFactory

URL = reverse("audit:event-list")
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


@pytest.fixture(autouse=True)
def _plain_login(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


@pytest.fixture
def world(db, make_actor):
    """Two regions, a school psychologist in each, and a few events of both."""
    region, other_region = RegionFactory(), RegionFactory()
    school = SchoolFactory(settlement=SettlementFactory(district=DistrictFactory(region=region)))
    far_school = SchoolFactory(settlement=SettlementFactory(
        district=DistrictFactory(region=other_region)))
    psychologist = make_actor(Role.SCHOOL_PSYCHOLOGIST, school=school)
    far_psychologist = make_actor(Role.SCHOOL_PSYCHOLOGIST, school=far_school)
    pupil, far_pupil = PupilFactory(school=school), PupilFactory(school=far_school)
    events = {
        "viewed": audit_record(actor=psychologist, action="people.pupil.viewed", target=pupil,
                               data={"pupil_id": pupil.pk}),
        "updated": audit_record(actor=psychologist, action="people.pupil.updated",
                                target=pupil, data={"pupil_id": pupil.pk}),
        "far": audit_record(actor=far_psychologist, action="people.pupil.viewed",
                            target=far_pupil, data={"pupil_id": far_pupil.pk}),
    }
    head = MembershipFactory(role=Role.CENTRE_HEAD,
                             centre=SupportCentreFactory(region=region)).user
    return {"region": region, "school": school, "pupil": pupil, "psychologist": psychologist,
            "far_psychologist": far_psychologist, "events": events, "head": head}


def _ids(response):
    return [row.event.pk for row in response.context["rows"]]


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", [Role.SCHOOL_PSYCHOLOGIST, Role.SCHOOL_ADMIN,
                                  Role.CENTRE_SPECIALIST, Role.POLICE_INSPECTOR,
                                  Role.PROSECUTOR_ANALYST])
def test_roles_without_the_trail_are_refused(role, client, db):
    client.force_login(MembershipFactory(role=role).user)
    assert client.get(URL).status_code == 403


def test_centre_head_sees_own_regions_events_newest_first(client, world):
    client.force_login(world["head"])
    response = client.get(URL)
    assert response.status_code == 200
    events = world["events"]
    assert _ids(response) == [events["updated"].pk, events["viewed"].pk]
    html = response.content.decode()
    assert world["psychologist"].user.username in html
    assert world["far_psychologist"].user.username not in html


def test_rows_show_who_with_role_scope_translated_action_and_record(client, world):
    client.force_login(world["head"])
    html = client.get(URL).content.decode()
    assert "Changed a pupil&#x27;s record" in html
    assert "people.pupil.updated" in html
    assert "school psychologist" in html
    assert str(world["school"]) in html  # the scope: the psychologist's school
    assert f"Pupil №{world['pupil'].pk}" in html
    # No names of children: the events hold identifiers only.
    assert world["pupil"].last_name not in html


def test_an_unknown_action_code_is_shown_as_the_code(client, world):
    audit_record(actor=world["psychologist"], action="people.pupil.sung_to",
                 target=world["pupil"])
    client.force_login(world["head"])
    assert "people.pupil.sung_to" in client.get(URL).content.decode()


def test_times_are_shown_in_almaty(client, world):
    event = world["events"]["viewed"]
    AuditEvent.objects.filter(pk=event.pk).update(at=dt.datetime(2025, 3, 1, 19, 30, tzinfo=dt.UTC))
    client.force_login(world["head"])
    html = client.get(URL).content.decode()
    assert "00:30:00" in html  # 19:30 UTC is 00:30 the next day in Almaty (UTC+5)
    assert "2025-03-02T00:30:00+05:00" in html


def test_regional_admin_and_operator_read_the_trail(client, world):
    admin = MembershipFactory(role=Role.REGIONAL_ADMIN, region_scope=world["region"]).user
    client.force_login(admin)
    assert len(_ids(client.get(URL))) == 2
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert len(_ids(client.get(URL))) == 3


def test_reading_the_trail_is_not_itself_audited(client, world):
    client.force_login(world["head"])
    before = AuditEvent.objects.count()
    client.get(URL)
    client.get(URL, {"action": "people.pupil.viewed"})
    assert AuditEvent.objects.count() == before


# --- filters -------------------------------------------------------------------------------------


def test_filter_by_action(client, world):
    client.force_login(world["head"])
    response = client.get(URL, {"action": "people.pupil.viewed"})
    assert _ids(response) == [world["events"]["viewed"].pk]


def test_filter_by_staff_login_ignores_case(client, world):
    other = MembershipFactory(role=Role.SCHOOL_ADMIN, school=world["school"])
    from safechildhood.access.policy import actor_for

    audit_record(actor=actor_for(other.user), action="people.pupil.viewed",
                 target=world["pupil"])
    client.force_login(world["head"])
    response = client.get(URL, {"login": world["psychologist"].user.username.upper()})
    assert _ids(response) == [world["events"]["updated"].pk, world["events"]["viewed"].pk]


def test_filter_by_record(client, world):
    other_pupil = PupilFactory(school=world["school"])
    audit_record(actor=world["psychologist"], action="people.pupil.viewed", target=other_pupil)
    client.force_login(world["head"])
    response = client.get(URL, {"object_type": "people.pupil",
                                 "object_id": str(world["pupil"].pk)})
    assert _ids(response) == [world["events"]["updated"].pk, world["events"]["viewed"].pk]


def test_filter_by_local_dates_takes_whole_days(client, world):
    events = world["events"]
    # 23:30 in Almaty on 1 March, and 00:10 in Almaty on 2 March.
    AuditEvent.objects.filter(pk=events["viewed"].pk).update(
        at=dt.datetime(2025, 3, 1, 23, 30, tzinfo=ALMATY))
    AuditEvent.objects.filter(pk=events["updated"].pk).update(
        at=dt.datetime(2025, 3, 2, 0, 10, tzinfo=ALMATY))
    client.force_login(world["head"])
    first_day = client.get(URL, {"date_from": "2025-03-01", "date_to": "2025-03-01"})
    assert _ids(first_day) == [events["viewed"].pk]
    second_day = client.get(URL, {"date_from": "2025-03-02"})
    assert _ids(second_day) == [events["updated"].pk]


def test_end_date_before_start_date_is_a_form_error_and_shows_no_events(client, world):
    client.force_login(world["head"])
    response = client.get(URL, {"date_from": "2025-03-02", "date_to": "2025-03-01"})
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "The end date is before the start date." in response.content.decode()


def test_an_unknown_action_in_the_filter_is_a_form_error(client, world):
    client.force_login(world["head"])
    response = client.get(URL, {"action": "no.such.action"})
    assert response.context["form"].errors["action"]


def test_a_record_number_needs_its_type(client, world):
    client.force_login(world["head"])
    response = client.get(URL, {"object_id": "7"})
    assert response.context["form"].errors["object_type"]


def test_no_match_says_so(client, world):
    client.force_login(world["head"])
    response = client.get(URL, {"action": "accounts.login.succeeded"})
    assert "No events match these filters." in response.content.decode()


def test_htmx_request_gets_only_the_results(client, world):
    client.force_login(world["head"])
    response = client.get(URL, {"action": "people.pupil.viewed"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="event-results">')
    assert "<html" not in html


# --- pages ---------------------------------------------------------------------------------------


def test_pages_of_fifty_walk_older_and_back_newer(client, world):
    for _ in range(118):
        audit_record(actor=world["psychologist"], action="people.pupil.viewed",
                     target=world["pupil"])
    client.force_login(world["head"])
    newest = client.get(URL, {"login": world["psychologist"].user.username})
    first_ids = _ids(newest)
    assert len(first_ids) == 50 and first_ids == sorted(first_ids, reverse=True)
    assert newest.context["newer_url"] is None
    older_url = newest.context["older_url"]
    assert f"login={world['psychologist'].user.username}" in older_url

    second = client.get(URL + older_url)
    assert len(_ids(second)) == 50 and max(_ids(second)) < min(first_ids)
    third = client.get(URL + second.context["older_url"])
    assert len(_ids(third)) == 20  # 120 in all
    assert third.context["older_url"] is None

    back = client.get(URL + third.context["newer_url"])
    assert _ids(back) == _ids(second)
    assert client.get(URL + back.context["newer_url"]).context["newer_url"] is None


def test_a_page_is_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for _ in range(60):
        audit_record(actor=world["psychologist"], action="people.pupil.viewed",
                     target=world["pupil"])
    client.force_login(world["head"])
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert len(_ids(response)) == 50
