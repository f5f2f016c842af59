"""The crisis alert pages and the duty roster pages: who gets in, what each sees, the happy
paths, invalid forms, htmx refresh and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safechildhood.audit.models import AuditEvent
from safechildhood.screening.models import CrisisAlert, DutyShift
from safechildhood.screening.tests import alerts_fixtures
from safechildhood.screening.tests.alerts_fixtures import alert_in, shift

pytestmark = pytest.mark.django_db

# the region, its staff and the second factor switched off (see alerts_fixtures)
world = alerts_fixtures.world
_no_second_factor = alerts_fixtures._no_second_factor

LIST = reverse("screening:alert-list")
ROSTER = reverse("screening:duty-roster")
SUICIDE_FLAG = "Suicide risk: thoughts of death or self-harm"
ITEM9 = "Thoughts that you would be better off dead, or of hurting yourself in some way"


def detail(alert):
    return reverse("screening:alert-detail", args=[alert.pk])


def acknowledge(alert):
    return reverse("screening:alert-acknowledge", args=[alert.pk])


def district_page(district):
    return reverse("screening:duty-district", args=[district.pk])


def remove(district):
    return reverse("screening:duty-remove", args=[district.pk])


def as_(client, actor):
    client.force_login(actor.user)
    return client


# --- who gets in -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client, world):
    alert = alert_in(world)
    for path in (LIST, detail(alert), ROSTER, district_page(world.baizak)):
        assert client.get(path)["Location"].startswith(reverse("accounts:login"))
    for path in (acknowledge(alert), remove(world.baizak)):
        assert client.post(path)["Location"].startswith(reverse("accounts:login"))
    assert CrisisAlert.objects.get().status == CrisisAlert.Status.OPEN


@pytest.mark.parametrize("who", ["admin_a", "inspector", "analyst", "regional_admin"])
def test_staff_outside_the_care_of_children_see_no_alert(client, world, who):
    alert = alert_in(world)
    as_(client, getattr(world, who))
    assert client.get(LIST).status_code == 403
    assert client.get(detail(alert)).status_code in (403, 404)
    assert client.post(acknowledge(alert)).status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="screening.alert.viewed").exists()


@pytest.mark.parametrize("who", ["spec_b", "psy_b", "far_head", "far_psy"])
def test_an_alert_outside_ones_area_is_not_found(client, world, who):
    alert = alert_in(world)
    as_(client, getattr(world, who))
    assert client.get(detail(alert)).status_code == 404
    assert client.post(acknowledge(alert)).status_code == 404
    assert alert.pk not in [row["alert"].pk for row in client.get(LIST).context["rows"]]
    assert CrisisAlert.objects.get().status == CrisisAlert.Status.OPEN


def test_a_school_psychologist_reads_the_alert_but_cannot_acknowledge_it(client, world):
    alert = alert_in(world)
    as_(client, world.psy_a)
    page = client.get(detail(alert))
    assert page.status_code == 200
    assert reverse("screening:alert-acknowledge", args=[alert.pk]) not in page.content.decode()
    assert client.post(acknowledge(alert)).status_code == 403
    assert CrisisAlert.objects.get().status == CrisisAlert.Status.OPEN


# --- the list ----------------------------------------------------------------------------------


def test_the_list_shows_deadline_school_class_findings_and_who_is_on_duty(client, world):
    shift(world, world.spec_a, world.baizak)
    alert = alert_in(world, grade=7, class_letter="Б")
    as_(client, world.spec_a)
    html = client.get(LIST).content.decode()
    assert world.school_a.name_en in html
    assert "7Б" in html
    assert SUICIDE_FLAG in html
    assert "PHQ-A" in html
    assert str(world.spec_a.user) in html
    assert "left" in html
    assert alert.pupil.last_name not in html  # names are on the (audited) alert page only
    assert 'hx-trigger="every 30s"' in html


def test_an_overdue_alert_says_so_and_an_acute_one_is_marked(client, world):
    alert = alert_in(world)
    CrisisAlert.objects.filter(pk=alert.pk).update(
        deadline=timezone.now() - dt.timedelta(hours=3), acute=True,
        escalated_at=timezone.now())
    as_(client, world.head)
    html = client.get(LIST).content.decode()
    assert "overdue by 3" in html
    assert "acute" in html
    assert "escalated to the centre head" in html


def test_open_alerts_come_first_by_deadline_then_the_acknowledged(client, world):
    late, early, done = alert_in(world), alert_in(world), alert_in(world)
    now = timezone.now()
    CrisisAlert.objects.filter(pk=late.pk).update(deadline=now + dt.timedelta(hours=5))
    CrisisAlert.objects.filter(pk=early.pk).update(deadline=now + dt.timedelta(hours=1))
    CrisisAlert.objects.filter(pk=done.pk).update(
        status=CrisisAlert.Status.ACKNOWLEDGED, deadline=now - dt.timedelta(hours=9),
        acknowledged_by=world.spec_a.user, acknowledged_at=now)
    as_(client, world.head)
    rows = client.get(LIST).context["rows"]
    assert [r["alert"].pk for r in rows] == [early.pk, late.pk, done.pk]
    only_open = client.get(LIST, {"status": "open"}).context["rows"]
    assert [r["alert"].pk for r in only_open] == [early.pk, late.pk]


def test_a_specialist_sees_the_alerts_they_are_on_duty_for_first(client, world):
    other_specialist = world.spec_b
    other_specialist.membership.districts.add(world.baizak)
    theirs, mine = alert_in(world), alert_in(world)
    now = timezone.now()
    CrisisAlert.objects.filter(pk=theirs.pk).update(on_duty=other_specialist.user,
                                                    deadline=now + dt.timedelta(hours=1))
    CrisisAlert.objects.filter(pk=mine.pk).update(on_duty=world.spec_a.user,
                                                  deadline=now + dt.timedelta(hours=4))
    as_(client, world.spec_a)
    assert [r["alert"].pk for r in client.get(LIST).context["rows"]] == [mine.pk, theirs.pk]


def test_each_sees_the_alerts_of_their_own_area(client, world):
    in_baizak, in_merke = alert_in(world), alert_in(world, world.school_b)
    alert_in(world, world.school_far)
    seen = {}
    for who in ("spec_a", "spec_b", "head", "psy_a", "psy_b"):
        as_(client, getattr(world, who))
        seen[who] = {r["alert"].pk for r in client.get(LIST).context["rows"]}
    assert seen == {"spec_a": {in_baizak.pk}, "spec_b": {in_merke.pk},
                    "head": {in_baizak.pk, in_merke.pk}, "psy_a": {in_baizak.pk},
                    "psy_b": {in_merke.pk}}


def test_an_unknown_filter_shows_every_alert(client, world):
    alert_in(world)
    as_(client, world.head)
    response = client.get(LIST, {"status": "nonsense"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 1


def test_the_list_is_paginated(client, world):
    for _ in range(26):
        alert_in(world)
    as_(client, world.head)
    first = client.get(LIST)
    assert len(first.context["rows"]) == 25
    assert len(client.get(LIST, {"page": 2}).context["rows"]) == 1


def test_htmx_refresh_gets_only_the_table(client, world):
    alert_in(world)
    as_(client, world.head)
    response = client.get(LIST, headers={"HX-Request": "true", "HX-Target": "alert-results"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="alert-results"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_the_list_is_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    alert_in(world)
    as_(client, world.head)
    with django_assert_max_num_queries(20) as few:
        client.get(LIST)
    for _ in range(6):
        alert_in(world, world.school_b)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)


# --- one alert ---------------------------------------------------------------------------------


def test_the_alert_page_shows_the_pupil_and_the_answers_that_raised_it(client, world):
    alert = alert_in(world, last_name="Сейтқали", first_name="Айгерім")
    as_(client, world.spec_a)
    response = client.get(detail(alert))
    html = response.content.decode()
    assert "Сейтқали Айгерім" in html
    assert world.school_a.name_en in html
    assert ITEM9 in html
    triggers = {row.item.id: row for row in response.context["triggers"]}
    assert triggers["phq_a_9"].answer == "Several days" and triggers["phq_a_9"].triggered
    assert triggers["phq_a_sa1"].answer == "No" and not triggers["phq_a_sa1"].triggered
    assert "raised the alert" in html
    assert reverse("screening:response-detail", args=[alert.response_id]) in html


def test_the_alert_page_speaks_the_readers_language(client, world):
    alert = alert_in(world)
    as_(client, world.spec_a)
    client.cookies["django_language"] = "ru"
    response = client.get(detail(alert))
    triggers = {row.item.id: row for row in response.context["triggers"]}
    assert triggers["phq_a_9"].answer == "Несколько дней"


def test_reading_an_alert_is_audited(client, world):
    alert = alert_in(world)
    as_(client, world.psy_a)
    client.get(detail(alert))
    event = AuditEvent.objects.get(action="screening.alert.viewed")
    assert event.actor_id == world.psy_a.user.pk
    assert event.target_id == str(alert.pk)
    assert event.data["alert_id"] == alert.pk
    assert event.school_id == world.school_a.pk


def test_acknowledging_an_alert(client, world):
    alert = alert_in(world)
    as_(client, world.spec_a)
    response = client.post(acknowledge(alert))
    assert response.status_code == 302 and response["Location"] == detail(alert)
    alert.refresh_from_db()
    assert alert.status == CrisisAlert.Status.ACKNOWLEDGED
    assert alert.acknowledged_by == world.spec_a.user
    assert AuditEvent.objects.filter(action="screening.alert.acknowledged").count() == 1


def test_pressing_acknowledge_twice_is_harmless(client, world):
    alert = alert_in(world)
    as_(client, world.spec_a)
    client.post(acknowledge(alert))
    acknowledged_at = CrisisAlert.objects.get().acknowledged_at
    second = client.post(acknowledge(alert), follow=True)
    assert second.status_code == 200
    assert "already been acknowledged" in second.content.decode()
    assert CrisisAlert.objects.get().acknowledged_at == acknowledged_at
    assert AuditEvent.objects.filter(action="screening.alert.acknowledged").count() == 1


def test_the_head_acknowledges_and_the_button_goes(client, world):
    alert = alert_in(world)
    as_(client, world.head)
    client.post(acknowledge(alert))
    html = client.get(detail(alert)).content.decode()
    assert acknowledge(alert) not in html
    assert str(world.head.user) in html


def test_acknowledge_is_a_post(client, world):
    alert = alert_in(world)
    as_(client, world.spec_a)
    assert client.get(acknowledge(alert)).status_code == 405


# --- the duty roster ---------------------------------------------------------------------------


def test_the_roster_is_the_centre_heads(client, world):
    for who in ("spec_a", "psy_a", "admin_a", "analyst"):
        as_(client, getattr(world, who))
        assert client.get(ROSTER).status_code == 403
        assert client.get(district_page(world.baizak)).status_code == 403


def test_a_district_of_another_region_is_not_found(client, world):
    as_(client, world.head)
    assert client.get(district_page(world.far_district)).status_code == 404
    assert client.post(remove(world.far_district), {}).status_code == 404


def test_the_roster_shows_who_is_on_duty_today_and_next(client, world):
    shift(world, world.spec_a, world.baizak, days=(-1, 1))
    shift(world, world.spec_a, world.baizak, days=(3, 4))
    as_(client, world.head)
    response = client.get(ROSTER)
    rows = {row.district.pk: row for row in response.context["rows"]}
    assert rows[world.baizak.pk].today.specialist == world.spec_a.user
    assert rows[world.baizak.pk].next.starts_on == timezone.localdate() + dt.timedelta(days=3)
    assert rows[world.merke.pk].today is None
    assert "nobody on duty" in response.content.decode()


def test_the_roster_is_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    as_(client, world.head)
    with django_assert_max_num_queries(15) as few:
        client.get(ROSTER)
    for _ in range(3):
        shift(world, world.spec_a, world.baizak)
        shift(world, world.spec_b, world.merke)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(ROSTER)


def test_adding_a_shift(client, world):
    as_(client, world.head)
    today = timezone.localdate()
    response = client.post(district_page(world.baizak), {
        "specialist": world.spec_a.user.pk, "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=6)).isoformat()})
    assert response.status_code == 302
    added = DutyShift.objects.get()
    assert (added.district, added.specialist, added.created_by) == (
        world.baizak, world.spec_a.user, world.head.user)
    assert AuditEvent.objects.filter(action="screening.duty.set").count() == 1
    assert str(world.spec_a.user) in client.get(district_page(world.baizak)).content.decode()


def test_a_shift_with_its_dates_reversed_is_refused(client, world):
    as_(client, world.head)
    today = timezone.localdate()
    response = client.post(district_page(world.baizak), {
        "specialist": world.spec_a.user.pk, "starts_on": (today + dt.timedelta(days=2)).isoformat(),
        "ends_on": today.isoformat()})
    assert response.status_code == 200
    assert "comes before its first day" in response.content.decode()
    assert not DutyShift.objects.exists()


def test_only_the_districts_specialists_can_be_chosen(client, world):
    as_(client, world.head)
    today = timezone.localdate().isoformat()
    response = client.post(district_page(world.baizak), {
        "specialist": world.spec_b.user.pk, "starts_on": today, "ends_on": today})
    assert response.status_code == 200
    assert response.context["form"].errors["specialist"]
    assert not DutyShift.objects.exists()
    choices = list(response.context["form"].fields["specialist"].queryset)
    assert choices == [world.spec_a.user]


def test_an_empty_shift_form_is_refused(client, world):
    as_(client, world.head)
    response = client.post(district_page(world.baizak), {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"specialist", "starts_on", "ends_on"}


def test_a_shift_in_the_past_is_refused(client, world):
    as_(client, world.head)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(district_page(world.baizak), {
        "specialist": world.spec_a.user.pk, "starts_on": yesterday, "ends_on": yesterday})
    assert "would be over already" in response.content.decode()
    assert not DutyShift.objects.exists()


def test_removing_a_shift(client, world):
    planned = shift(world, world.spec_a, world.baizak, days=(2, 3))
    as_(client, world.head)
    response = client.post(remove(world.baizak), {"shift": planned.pk}, follow=True)
    assert "taken off the roster" in response.content.decode()
    assert not DutyShift.objects.exists()
    assert AuditEvent.objects.get(action="screening.duty.set").data["change"] == "removed"


def test_removing_twice_or_another_districts_shift_changes_nothing(client, world):
    other = shift(world, world.spec_b, world.merke, days=(2, 3))
    as_(client, world.head)
    response = client.post(remove(world.baizak), {"shift": other.pk}, follow=True)
    assert "no longer on the roster" in response.content.decode()
    assert DutyShift.objects.count() == 1
    response = client.post(remove(world.baizak), {}, follow=True)
    assert "Choose the shift to remove" in response.content.decode()
    assert not AuditEvent.objects.filter(action="screening.duty.set").exists()


def test_a_shift_that_is_over_stays(client, world):
    old = shift(world, world.spec_a, world.baizak, days=(-5, -3))
    as_(client, world.head)
    response = client.post(remove(world.baizak), {"shift": old.pk}, follow=True)
    assert "stays on the roster as a record" in response.content.decode()
    assert DutyShift.objects.filter(pk=old.pk).exists()
    page = client.get(district_page(world.baizak), {"past": "1"})
    assert [s.pk for s in page.context["page"].object_list] == [old.pk]
    assert list(client.get(district_page(world.baizak)).context["page"].object_list) == []


# --- home panels -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["spec_a", "head", "psy_a"])
def test_home_shows_the_open_alerts(client, world, who):
    alert_in(world)
    as_(client, getattr(world, who))
    response = client.get(reverse("ui:home"))
    assert response.context["alerts"]["open"] == 1
    assert LIST in response.content.decode()


def test_home_of_a_school_administrator_has_no_alerts(client, world):
    alert_in(world)
    as_(client, world.admin_a)
    response = client.get(reverse("ui:home"))
    assert response.context.get("alerts") is None
    assert LIST not in response.content.decode()


# --- in a real browser, on a phone -------------------------------------------------------------


def _log_in_on_a_phone(page, user):
    from safechildhood.accounts.tests.factories import PASSWORD

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_specialist_acknowledges_an_alert_on_a_phone(page, axe, world):
    shift(world, world.spec_a, world.baizak)
    alert_in(world)
    phone = _log_in_on_a_phone(page, world.spec_a.user)
    axe(phone, "home-specialist-alert")
    phone.get_by_role("link", name="open crisis alert").click()
    phone.wait_for_url(f"**{LIST}")
    axe(phone, "alert-list")
    phone.locator("#alert-results tbody a").first.click()
    phone.get_by_role("heading", name="Answers that raised the alert").wait_for()
    axe(phone, "alert-detail")
    phone.get_by_role("button", name="Acknowledge: the centre is acting on it").click()
    phone.get_by_text("The alert is acknowledged").wait_for()
    axe(phone, "alert-acknowledged")
    assert CrisisAlert.objects.get().status == CrisisAlert.Status.ACKNOWLEDGED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_alert_list_refreshes_itself(page, world, settings):
    from safechildhood.screening.views import alerts as alert_views

    settings.DEBUG = False
    phone = _log_in_on_a_phone(page, world.head.user)
    original = alert_views.REFRESH_SECONDS
    alert_views.REFRESH_SECONDS = 1
    try:
        phone.goto(LIST)
        phone.get_by_text("No crisis alert.").wait_for()
        alert_in(world)
        phone.locator("#alert-results tbody tr").first.wait_for(timeout=10000)
    finally:
        alert_views.REFRESH_SECONDS = original


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_head_adds_a_shift_on_a_phone(page, axe, world):
    phone = _log_in_on_a_phone(page, world.head.user)
    phone.get_by_role("link", name="Duty roster").click()
    phone.wait_for_url(f"**{ROSTER}")
    axe(phone, "duty-roster")
    phone.get_by_role("link", name="Baizak").click()
    phone.get_by_label("Specialist on duty").select_option(str(world.spec_a.user.pk))
    today = timezone.localdate()
    phone.get_by_label("From").fill(today.isoformat())
    phone.get_by_label("Until (inclusive)").fill((today + dt.timedelta(days=6)).isoformat())
    phone.get_by_role("button", name="Add the shift").click()
    phone.get_by_text("The shift is on the roster.").wait_for()
    axe(phone, "duty-district")
    assert DutyShift.objects.get().specialist == world.spec_a.user
