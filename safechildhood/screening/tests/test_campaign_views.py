"""Campaign pages: who gets in, the head's plan form, opening and closing, live coverage within
each viewer's scope, and the psychologist's class lists and statuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.audit.models import AuditEvent
from safechildhood.directory.tests.factories import SchoolFactory, SupportCentreFactory
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening import selectors
from safechildhood.screening.models import Assignment, Campaign, JobStatus
from safechildhood.screening.tests.factories import make_assignment, make_campaign

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


def school_in(district, **kwargs):
    return SchoolFactory(settlement=SettlementFactory(district=district), **kwargs)


def member(role, **scope):
    return actor_for(MembershipFactory(role=role, **scope).user)


@pytest.fixture
def w(db):
    """A region with two districts and a school in each, a school of another region; the
    centre head, a specialist of the home district, both schools' psychologists; an open
    campaign over the region with pupils of three classes."""
    region = RegionFactory()
    home = DistrictFactory(region=region, name_en="Merke", name_ru="Мерке")
    near = DistrictFactory(region=region, name_en="Shu", name_ru="Шу")
    school = school_in(home, name_en="School 5", name_ru="Школа 5")
    near_school = school_in(near, name_en="School 9", name_ru="Школа 9")
    centre = SupportCentreFactory(region=region)
    head = member(Role.CENTRE_HEAD, centre=centre)
    campaign = make_campaign(region=region, centre=centre, created_by=head.user,
                             instruments=("phq-a", "asq"))
    pupils = {}
    for name, grade, letter, status in [
        ("Әлиев", 8, "А", Assignment.Status.COMPLETED),
        ("Бекова", 8, "А", Assignment.Status.PENDING),
        ("Ғалиев", 8, "А", Assignment.Status.NO_CONSENT),
        ("Жанова", 8, "Б", Assignment.Status.ABSENT),
        ("Ильин", 9, "", Assignment.Status.IN_PROGRESS),
    ]:
        pupil = PupilFactory(school=school, last_name=name, grade=grade, class_letter=letter)
        pupils[name] = make_assignment(campaign, pupil, status=status)[0]
    for name in ("Қасымов", "Нұрова"):
        pupil = PupilFactory(school=near_school, last_name=name)
        pupils[name] = make_assignment(campaign, pupil)[0]
    return {
        "region": region, "home": home, "near": near, "school": school,
        "near_school": near_school, "centre": centre, "head": head, "campaign": campaign,
        "a": pupils,
        "specialist": member(Role.CENTRE_SPECIALIST, centre=centre, districts=[home]),
        "psy": member(Role.SCHOOL_PSYCHOLOGIST, school=school),
        "near_psy": member(Role.SCHOOL_PSYCHOLOGIST, school=near_school),
        "far_school": school_in(DistrictFactory(region=RegionFactory())),
    }


def signed_in(client, actor):
    client.force_login(actor.user)
    return client


def url(name, obj, **query) -> str:
    from urllib.parse import urlencode

    return reverse(name, args=[obj.pk]) + (f"?{urlencode(query)}" if query else "")


def plan_form(**overrides) -> dict:
    return {"name": "Spring screening", "instruments": ["phq-a"], "grades": ["7", "8"],
            "starts_on": (TODAY + dt.timedelta(days=7)).isoformat(),
            "ends_on": (TODAY + dt.timedelta(days=21)).isoformat(),
            "consent_rule": "opt_out"} | overrides


def other_region_campaign():
    region = RegionFactory()
    centre = SupportCentreFactory(region=region)
    head = MembershipFactory(role=Role.CENTRE_HEAD, centre=centre).user
    return make_campaign(region=region, centre=centre, created_by=head)


# --- who gets in -------------------------------------------------------------------------------

CAMPAIGN_ROUTES = ["screening:campaign-detail", "screening:campaign-edit",
                   "screening:assignment-list", "screening:class-sheet"]
POST_CAMPAIGN_ROUTES = ["screening:campaign-open", "screening:campaign-close"]
ASSIGNMENT_ROUTES = ["screening:paper-entry"]


@pytest.mark.parametrize("name", ["screening:campaign-list", "screening:campaign-create"])
def test_anonymous_visitors_are_sent_to_login_from_lists(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", CAMPAIGN_ROUTES + POST_CAMPAIGN_ROUTES)
def test_anonymous_visitors_are_sent_to_login_from_a_campaign(client, w, name):
    response = client.post(url(name, w["campaign"])) if name in POST_CAMPAIGN_ROUTES else \
        client.get(url(name, w["campaign"]))
    assert response["Location"].startswith(reverse("accounts:login"))
    assert Campaign.objects.get(pk=w["campaign"].pk).status == Campaign.Status.OPEN


@pytest.mark.parametrize("name", ["screening:assignment-status", "screening:paper-entry"])
def test_anonymous_visitors_are_sent_to_login_from_an_assignment(client, w, name):
    response = client.post(url(name, w["a"]["Бекова"]), {"status": "absent"})
    assert response["Location"].startswith(reverse("accounts:login"))
    assert Assignment.objects.get(pk=w["a"]["Бекова"].pk).status == "pending"


@pytest.mark.parametrize("name", CAMPAIGN_ROUTES)
def test_another_regions_campaign_is_not_found(client, w, name):
    other = other_region_campaign()
    for actor in (w["head"], w["psy"]):
        assert signed_in(client, actor).get(url(name, other)).status_code == 404


def test_a_psychologist_does_not_see_a_campaign_that_skips_their_school(client, w):
    elsewhere = make_campaign(region=w["region"], centre=w["centre"],
                              created_by=w["head"].user)
    elsewhere.districts.set([w["near"]])
    signed_in(client, w["psy"])
    assert client.get(url("screening:campaign-detail", elsewhere)).status_code == 404
    listed = client.get(reverse("screening:campaign-list")).context["page"].object_list
    assert elsewhere not in listed and w["campaign"] in listed


def test_a_draft_is_the_centres_until_it_opens(client, w):
    draft = make_campaign(region=w["region"], centre=w["centre"], created_by=w["head"].user,
                          status=Campaign.Status.DRAFT)
    assert signed_in(client, w["psy"]).get(
        url("screening:campaign-detail", draft)).status_code == 404
    assert signed_in(client, w["specialist"]).get(
        url("screening:campaign-detail", draft)).status_code == 200


@pytest.mark.parametrize("role", ["psy", "specialist"])
def test_only_the_head_plans_opens_and_closes(client, w, role):
    signed_in(client, w[role])
    assert client.get(reverse("screening:campaign-create")).status_code == 403
    assert client.post(reverse("screening:campaign-create"), plan_form()).status_code == 403
    assert client.post(url("screening:campaign-close", w["campaign"]),
                       {"confirm": "on"}).status_code == 403
    assert Campaign.objects.get(pk=w["campaign"].pk).status == Campaign.Status.OPEN


def test_school_administrators_and_inspectors_do_not_see_campaigns(client, w):
    for actor in (member(Role.SCHOOL_ADMIN, school=w["school"]),
                  member(Role.POLICE_INSPECTOR)):
        signed_in(client, actor)
        assert client.get(reverse("screening:campaign-list")).status_code == 403
        assert client.get(url("screening:campaign-detail", w["campaign"])).status_code in (
            403, 404)


# --- the list ----------------------------------------------------------------------------------


def test_the_head_sees_every_campaign_of_the_region_with_completion(client, w):
    draft = make_campaign(region=w["region"], centre=w["centre"], created_by=w["head"].user,
                          status=Campaign.Status.DRAFT)
    other_region_campaign()
    response = signed_in(client, w["head"]).get(reverse("screening:campaign-list"))
    assert set(response.context["page"].object_list) == {w["campaign"], draft}
    body = response.content.decode()
    assert "1 of 7" in body  # one completed of seven assigned
    assert reverse("screening:campaign-create") in body


def test_the_specialist_sees_completion_of_their_districts_only(client, w):
    response = signed_in(client, w["specialist"]).get(reverse("screening:campaign-list"))
    assert "1 of 5" in response.content.decode()


def test_the_list_costs_the_same_number_of_queries_for_many_campaigns(
        client, w, django_assert_max_num_queries):
    signed_in(client, w["head"])
    client.get(reverse("screening:campaign-list"))
    for _n in range(10):
        make_campaign(region=w["region"], centre=w["centre"], created_by=w["head"].user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("screening:campaign-list"))
    assert len(response.context["rows"]) == 11


# --- the plan form -----------------------------------------------------------------------------


def test_the_form_lists_every_instrument_and_disables_those_without_texts(client, w):
    body = signed_in(client, w["head"]).get(reverse("screening:campaign-create")) \
        .content.decode()
    assert 'value="phq-a"' in body and "(ages 11–17)" in body
    cats = body[body.index('value="cats"') - 200:body.index('value="cats"') + 400]
    assert "disabled" in cats and "question texts have not been supplied" in cats
    assert "disabled" not in body[body.index('value="phq-a"') - 200:body.index('value="phq-a"')]
    assert "School 9" in body and "Merke" in body


def test_the_head_plans_a_campaign(client, w):
    response = signed_in(client, w["head"]).post(
        reverse("screening:campaign-create"),
        plan_form(districts=[str(w["home"].pk)], schools=[str(w["near_school"].pk)]))
    campaign = Campaign.objects.get(name="Spring screening")
    assert response.status_code == 302
    assert response["Location"] == url("screening:campaign-detail", campaign)
    assert campaign.status == Campaign.Status.DRAFT and campaign.grades == [7, 8]
    assert list(campaign.districts.all()) == [w["home"]]
    assert list(campaign.schools.all()) == [w["near_school"]]
    assert AuditEvent.objects.filter(action="screening.campaign.created").count() == 1


@pytest.mark.parametrize("overrides", [
    {"instruments": []},
    {"instruments": ["cats"]},
    {"grades": []},
    {"grades": ["12"]},
    {"name": ""},
    {"ends_on": (TODAY - dt.timedelta(days=30)).isoformat()},
    {"schools": ["999999"]},
])
def test_an_invalid_plan_shows_errors_and_saves_nothing(client, w, overrides):
    response = signed_in(client, w["head"]).post(reverse("screening:campaign-create"),
                                                 plan_form(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert not Campaign.objects.filter(name="Spring screening").exists()


def test_a_school_of_another_region_cannot_be_chosen(client, w):
    response = signed_in(client, w["head"]).post(
        reverse("screening:campaign-create"), plan_form(schools=[str(w["far_school"].pk)]))
    assert "schools" in response.context["form"].errors


def test_the_head_changes_a_draft(client, w):
    draft = make_campaign(region=w["region"], centre=w["centre"], created_by=w["head"].user,
                          status=Campaign.Status.DRAFT)
    signed_in(client, w["head"])
    form = client.get(url("screening:campaign-edit", draft)).context["form"]
    assert form.initial["instruments"] == ["phq-a"]
    response = client.post(url("screening:campaign-edit", draft),
                           plan_form(name="Renamed", instruments=["gad-7", "asq"]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "Renamed" and draft.instrument_codes == ["gad-7", "asq"]


def test_an_open_campaign_cannot_be_edited(client, w):
    signed_in(client, w["head"])
    response = client.post(url("screening:campaign-edit", w["campaign"]),
                           plan_form(name="Renamed"), follow=True)
    assert "Only a draft campaign can be changed." in response.content.decode()
    assert Campaign.objects.get(pk=w["campaign"].pk).name == "Autumn screening"


# --- opening and closing -----------------------------------------------------------------------


def test_opening_creates_the_codes_and_the_page_shows_it(client, w,
                                                         django_capture_on_commit_callbacks):
    draft = make_campaign(region=w["region"], centre=w["centre"], created_by=w["head"].user,
                          status=Campaign.Status.DRAFT)
    draft.schools.set([w["near_school"]])
    pupil = PupilFactory(school=w["near_school"], birth_date=TODAY.replace(year=TODAY.year - 13))
    signed_in(client, w["head"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("screening:campaign-open", draft), follow=True)
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.OPEN and draft.assign_status == JobStatus.DONE
    assert Assignment.objects.filter(campaign=draft, pupil=pupil).exists()
    assert "The campaign is open." in response.content.decode()


def test_opening_an_open_campaign_says_why_not(client, w):
    response = signed_in(client, w["head"]).post(url("screening:campaign-open", w["campaign"]),
                                                 follow=True)
    assert "already open or closed" in response.content.decode()
    assert not AuditEvent.objects.filter(action="screening.campaign.opened").exists()


def test_closing_needs_the_confirmation_tick(client, w):
    signed_in(client, w["head"])
    response = client.post(url("screening:campaign-close", w["campaign"]), follow=True)
    assert "Tick the box" in response.content.decode()
    assert Campaign.objects.get(pk=w["campaign"].pk).status == Campaign.Status.OPEN
    client.post(url("screening:campaign-close", w["campaign"]), {"confirm": "on"})
    assert Campaign.objects.get(pk=w["campaign"].pk).status == Campaign.Status.CLOSED
    assert AuditEvent.objects.filter(action="screening.campaign.closed").count() == 1


def test_open_and_close_need_post(client, w):
    signed_in(client, w["head"])
    assert client.get(url("screening:campaign-open", w["campaign"])).status_code == 405
    assert client.get(url("screening:campaign-close", w["campaign"])).status_code == 405


# --- coverage ----------------------------------------------------------------------------------


def coverage_of(response) -> dict:
    return {row.label: (row.total, row.counts) for row in response.context["coverage"].rows}


def test_the_head_sees_coverage_by_district_and_drills_into_a_district(client, w):
    signed_in(client, w["head"])
    response = client.get(url("screening:campaign-detail", w["campaign"]))
    by_district = coverage_of(response)
    assert set(by_district) == {"Merke", "Shu"}
    assert by_district["Merke"][0] == 5 and by_district["Merke"][1]["completed"] == 1
    assert by_district["Shu"][1]["pending"] == 2
    assert response.context["coverage"].total.total == 7
    body = response.content.decode()
    assert f'?district={w["home"].pk}' in body
    assert 'hx-trigger="every 10s"' in body
    schools = client.get(url("screening:campaign-detail", w["campaign"],
                             district=w["home"].pk))
    assert coverage_of(schools) == {"School 5": (5, {
        "completed": 1, "in_progress": 1, "pending": 1, "absent": 1, "refused": 0,
        "no_consent": 1})}
    assert "Coverage in Merke, by school" in schools.content.decode()


def test_the_specialist_sees_coverage_of_their_districts_only(client, w):
    response = signed_in(client, w["specialist"]).get(
        url("screening:campaign-detail", w["campaign"]))
    assert set(coverage_of(response)) == {"Merke"}
    other = signed_in(client, w["specialist"]).get(
        url("screening:campaign-detail", w["campaign"], district=w["near"].pk))
    assert coverage_of(other) == {}


def test_the_psychologist_sees_their_school_by_class_with_sheets(client, w):
    response = signed_in(client, w["psy"]).get(url("screening:campaign-detail",
                                                   w["campaign"]))
    assert coverage_of(response) == {
        "8А": (3, {"completed": 1, "in_progress": 0, "pending": 1, "absent": 0, "refused": 0,
                   "no_consent": 1}),
        "8Б": (1, {"completed": 0, "in_progress": 0, "pending": 0, "absent": 1, "refused": 0,
                   "no_consent": 0}),
        "9": (1, {"completed": 0, "in_progress": 1, "pending": 0, "absent": 0, "refused": 0,
                  "no_consent": 0}),
    }
    body = response.content.decode()
    assert reverse("screening:class-sheet", args=[w["campaign"].pk]) in body
    assert reverse("screening:assignment-list", args=[w["campaign"].pk]) in body
    assert "Қасымов" not in body


def test_the_percentage_leaves_out_no_consent_and_refusals(w):
    row = selectors.CoverageRow(key=1, label="x", total=10, counts={
        "completed": 4, "no_consent": 1, "refused": 1})
    assert row.percent == 50


def test_coverage_is_one_aggregate_query(w, django_assert_num_queries):
    with django_assert_num_queries(1):
        coverage = selectors.campaign_coverage(actor=w["head"], campaign=w["campaign"])
    assert coverage.total.total == 7


def test_htmx_polling_gets_only_the_coverage_part(client, w):
    response = signed_in(client, w["head"]).get(
        url("screening:campaign-detail", w["campaign"]),
        headers={"HX-Request": "true", "HX-Target": "campaign-coverage"})
    body = response.content.decode()
    assert body.lstrip().startswith("<section") or "<html" not in body
    assert 'id="campaign-coverage"' in body and "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_a_closed_campaign_stops_polling(client, w):
    Campaign.objects.filter(pk=w["campaign"].pk).update(status=Campaign.Status.CLOSED,
                                                        assign_status=JobStatus.DONE)
    body = signed_in(client, w["head"]).get(
        url("screening:campaign-detail", w["campaign"])).content.decode()
    assert "hx-trigger" not in body
    assert "Close the campaign" not in body


def test_while_codes_are_created_a_progress_bar_shows(client, w):
    Campaign.objects.filter(pk=w["campaign"].pk).update(assign_status=JobStatus.RUNNING,
                                                        assign_total=200, assign_done=50)
    body = signed_in(client, w["head"]).get(
        url("screening:campaign-detail", w["campaign"])).content.decode()
    assert 'role="progressbar"' in body and 'aria-valuenow="25"' in body
    assert 'hx-trigger="every 2s"' in body
    assert "50 of 200 pupils considered." in body


# --- the class list ----------------------------------------------------------------------------


def test_the_class_list_shows_the_first_class_by_default(client, w):
    response = signed_in(client, w["psy"]).get(url("screening:assignment-list",
                                                   w["campaign"]))
    assert response.context["chosen"] == (8, "А")
    body = response.content.decode()
    assert "Әлиев" in body and "Бекова" in body and "Жанова" not in body
    assert "Қасымов" not in body
    assert "Enter the paper form" in body
    bekova = w["a"]["Бекова"]
    assert reverse("screening:assignment-status", args=[bekova.pk]) in body


def test_the_class_list_of_another_class(client, w):
    response = signed_in(client, w["psy"]).get(
        url("screening:assignment-list", w["campaign"], grade=9, letter=""))
    assert [r["assignment"].pupil.last_name for r in response.context["rows"]] == ["Ильин"]


def test_an_invalid_class_shows_an_error(client, w):
    response = signed_in(client, w["psy"]).get(
        url("screening:assignment-list", w["campaign"], grade="x"))
    assert response.status_code == 200 and response.context["rows"] == []
    assert "There is no such class." in response.content.decode()


def test_centre_staff_do_not_open_class_lists(client, w):
    for actor in (w["head"], w["specialist"]):
        assert signed_in(client, actor).get(
            url("screening:assignment-list", w["campaign"])).status_code == 403


def test_the_class_list_costs_the_same_for_a_bigger_class(client, w):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in(client, w["psy"])
    client.get(url("screening:assignment-list", w["campaign"]))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("screening:assignment-list", w["campaign"]))
        return len([q for q in captured.captured_queries if "django_session" not in q["sql"]
                    and "SAVEPOINT" not in q["sql"]]), len(response.context["rows"])

    small = queries()
    for _n in range(15):
        make_assignment(w["campaign"], PupilFactory(school=w["school"], grade=8,
                                                    class_letter="А"))
    big = queries()
    assert big == (small[0], 18)


# --- statuses ----------------------------------------------------------------------------------


def test_the_psychologist_marks_a_pupil_absent(client, w):
    bekova = w["a"]["Бекова"]
    response = signed_in(client, w["psy"]).post(url("screening:assignment-status", bekova),
                                                {"status": "absent"})
    assert response.status_code == 302
    assert response["Location"] == url("screening:assignment-list", w["campaign"], grade=8,
                                       letter="А")
    assert Assignment.objects.get(pk=bekova.pk).status == "absent"
    assert AuditEvent.objects.filter(action="screening.assignment.status_changed").count() == 1


def test_an_invalid_status_changes_nothing(client, w):
    bekova = w["a"]["Бекова"]
    response = signed_in(client, w["psy"]).post(url("screening:assignment-status", bekova),
                                                {"status": "completed"}, follow=True)
    assert "Choose absent, refused or back to not started." in response.content.decode()
    assert Assignment.objects.get(pk=bekova.pk).status == "pending"


def test_a_refused_change_says_why(client, w):
    galiev = w["a"]["Ғалиев"]  # no consent
    response = signed_in(client, w["psy"]).post(url("screening:assignment-status", galiev),
                                                {"status": "absent"}, follow=True)
    assert "This change of status is not possible." in response.content.decode()
    assert Assignment.objects.get(pk=galiev.pk).status == "no_consent"


def test_another_schools_assignment_is_not_found(client, w):
    other = w["a"]["Қасымов"]
    signed_in(client, w["psy"])
    assert client.post(url("screening:assignment-status", other),
                       {"status": "absent"}).status_code == 404
    assert client.get(url("screening:paper-entry", other)).status_code == 404
    assert Assignment.objects.get(pk=other.pk).status == "pending"


def test_status_needs_post(client, w):
    assert signed_in(client, w["psy"]).get(
        url("screening:assignment-status", w["a"]["Бекова"])).status_code == 405


# --- in a real browser, on a phone -------------------------------------------------------------


def _login(page, user) -> None:
    from safechildhood.accounts.tests.factories import PASSWORD

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda address: address.endswith("/"))


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_head_plans_and_follows_a_campaign_on_a_phone(page, axe, w):
    _login(page, w["head"].user)
    page.goto(reverse("screening:campaign-create"))
    _no_sideways_scroll(page)
    axe(page, "campaign-form")
    page.get_by_label("Name").fill("Spring screening")
    page.get_by_label("PHQ-A", exact=False).first.check()
    page.get_by_label("8", exact=True).check()
    page.get_by_label("First day").fill((TODAY + dt.timedelta(days=3)).isoformat())
    page.get_by_label("Last day").fill((TODAY + dt.timedelta(days=17)).isoformat())
    page.get_by_role("button", name="Save as a draft").click()
    page.wait_for_url("**/campaigns/*/")
    assert page.get_by_role("button", name="Open the campaign").is_visible()
    page.goto(reverse("screening:campaign-detail", args=[w["campaign"].pk]))
    _no_sideways_scroll(page)
    axe(page, "campaign-detail")
    # htmx swaps the coverage in place on its own
    Assignment.objects.filter(pk=w["a"]["Бекова"].pk).update(status="completed")
    page.wait_for_function(
        "document.querySelector('#campaign-coverage tfoot').textContent.includes('2')",
        timeout=15000)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_psychologist_runs_a_class_on_a_phone(page, axe, w):
    _login(page, w["psy"].user)
    page.goto(reverse("screening:assignment-list", args=[w["campaign"].pk]))
    _no_sideways_scroll(page)
    axe(page, "assignment-list")
    page.get_by_role("button", name="Absent").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("status").get_by_text("absent").is_visible()
    page.get_by_role("link", name="Enter the paper form: PHQ-A").first.click()
    page.wait_for_url("**/paper/?instrument=phq-a")
    _no_sideways_scroll(page)
    axe(page, "paper-entry")
    page.get_by_role("button", name="Save the answers").click()  # nothing filled in
    assert page.get_by_text("Nothing is filled in.").is_visible()
    page.get_by_label("Not at all").first.check()
    page.get_by_role("button", name="Save the answers").click()
    page.wait_for_load_state()
    axe(page, "paper-result")
    assert page.get_by_role("heading", name="Saved: ", exact=False).is_visible()
