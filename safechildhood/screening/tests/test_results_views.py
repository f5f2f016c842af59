"""Results pages: counts by band (per class for a school, per district and school for the
centre), the follow-up list, one pupil's screening and one response question by question.
Who gets in, what each sees, audit of every read, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safechildhood.audit.models import AuditEvent
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import Campaign, Response
from safechildhood.screening.tests import alerts_fixtures
from safechildhood.screening.tests.alerts_fixtures import (
    PHQ_A_CALM,
    PHQ_A_MODERATE,
    alert_in,
    response_in,
)
from safechildhood.screening.tests.factories import make_campaign

pytestmark = pytest.mark.django_db

# the region, its staff and the second factor switched off (see alerts_fixtures)
world = alerts_fixtures.world
_no_second_factor = alerts_fixtures._no_second_factor

INDEX = reverse("screening:results-list")
ITEM1 = "Feeling down, depressed, irritable, or hopeless"
PHQ_A_MILD = {**PHQ_A_CALM, **{f"phq_a_{n}": "1" for n in range(1, 6)}}  # 5: no proposal


def campaign_page(campaign):
    return reverse("screening:results-campaign", args=[campaign.pk])


def pupil_page(pupil):
    return reverse("screening:pupil-screening", args=[pupil.pk])


def response_page(response):
    return reverse("screening:response-detail", args=[response.pk])


def as_(client, actor):
    client.force_login(actor.user)
    return client


# --- who gets in -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client, world):
    response = response_in(world)
    for path in (INDEX, campaign_page(world.campaign), pupil_page(response.pupil),
                 response_page(response)):
        assert client.get(path)["Location"].startswith(reverse("accounts:login"))


def test_a_school_administrator_sees_no_answers(client, world):
    response = response_in(world)
    as_(client, world.admin_a)
    assert client.get(INDEX).status_code == 403
    assert client.get(campaign_page(world.campaign)).status_code in (403, 404)
    assert client.get(pupil_page(response.pupil)).status_code == 403
    assert client.get(response_page(response)).status_code == 404
    assert not AuditEvent.objects.filter(action="screening.response.viewed").exists()


@pytest.mark.parametrize("who", ["inspector", "analyst", "regional_admin"])
def test_inspectors_analysts_and_administrators_see_nothing(client, world, who):
    alert = alert_in(world)
    as_(client, getattr(world, who))
    assert client.get(INDEX).status_code == 403
    assert client.get(campaign_page(world.campaign)).status_code in (403, 404)
    assert client.get(pupil_page(alert.pupil)).status_code in (403, 404)
    assert client.get(response_page(alert.response)).status_code in (403, 404)


@pytest.mark.parametrize("who", ["spec_b", "psy_b", "far_head", "far_psy"])
def test_a_child_outside_ones_scope_is_not_found(client, world, who):
    alert = alert_in(world)
    as_(client, getattr(world, who))
    assert client.get(pupil_page(alert.pupil)).status_code == 404
    assert client.get(response_page(alert.response)).status_code == 404
    assert not AuditEvent.objects.filter(action="screening.response.viewed").exists()


def test_centre_staff_see_only_the_children_of_alerts_and_proposals(client, world):
    calm = response_in(world, PHQ_A_CALM)
    as_(client, world.spec_a)
    assert client.get(pupil_page(calm.pupil)).status_code == 404
    assert client.get(response_page(calm)).status_code == 404
    alert = alert_in(world)
    assert client.get(pupil_page(alert.pupil)).status_code == 200


def test_a_campaign_of_another_region_is_not_found(client, world):
    as_(client, world.head)
    assert client.get(campaign_page(world.far_campaign)).status_code == 404


# --- counts by band ----------------------------------------------------------------------------


def test_a_school_psychologist_counts_their_school_by_class(client, world):
    response_in(world, PHQ_A_CALM, grade=7, class_letter="А")
    response_in(world, PHQ_A_CALM, grade=7, class_letter="А")
    response_in(world, PHQ_A_MODERATE, grade=8, class_letter="Б")
    alert_in(world, grade=8, class_letter="Б")
    response_in(world, PHQ_A_CALM, school=world.school_b)  # another school: not counted
    as_(client, world.psy_a)
    page = client.get(campaign_page(world.campaign), {"instrument": "phq-a"})
    distribution = page.context["distribution"]
    assert distribution.level == "class"
    codes = [code for code, _label in distribution.bands]
    assert codes[:3] == ["minimal", "mild", "moderate"]
    by_class = {row.label: row for row in distribution.rows}
    assert set(by_class) == {"7А", "8Б"}
    assert by_class["7А"].bands[codes.index("minimal")] == 2
    assert by_class["8Б"].bands[codes.index("moderate")] == 1
    assert by_class["8Б"].critical == 1
    assert distribution.total.total == 4
    html = page.content.decode()
    assert "None or minimal" in html and "Moderate" in html


def test_a_questionnaire_without_bands_is_counted_by_level(client, world):
    calm = {"asq_1": "no", "asq_2": "no", "asq_3": "no", "asq_4": "no"}
    positive = {**calm, "asq_1": "yes", "asq_5": "no"}
    response_in(world, calm, instrument="asq")
    response_in(world, positive, instrument="asq")
    as_(client, world.psy_a)
    page = client.get(campaign_page(world.campaign), {"instrument": "asq"})
    distribution = page.context["distribution"]
    assert distribution.by == "level"
    counts = dict(zip([code for code, _label in distribution.bands], distribution.total.bands,
                      strict=True))
    assert counts[""] == 1 and sum(counts.values()) == 2
    assert "counted by the level of their findings" in page.content.decode()


def test_the_centre_head_counts_by_district_then_by_school(client, world):
    response_in(world, PHQ_A_CALM)
    response_in(world, PHQ_A_MODERATE, school=world.school_b)
    response_in(world, PHQ_A_CALM, school=world.school_b)
    as_(client, world.head)
    page = client.get(campaign_page(world.campaign))
    rows = {row.label: row.total for row in page.context["distribution"].rows}
    assert rows == {"Baizak": 1, "Merke": 2}
    drill = client.get(campaign_page(world.campaign), {"district": world.merke.pk})
    distribution = drill.context["distribution"]
    assert distribution.level == "school"
    assert [(row.label, row.total) for row in distribution.rows] == [(world.school_b.name_en, 2)]


def test_counts_name_no_child_to_the_centre(client, world):
    mild = response_in(world, PHQ_A_MILD, last_name="Тоқтарова")
    as_(client, world.head)
    page = client.get(campaign_page(world.campaign))
    assert page.context["distribution"].total.total == 1
    html = page.content.decode()
    assert "Тоқтарова" not in html
    assert mild.pupil.full_name not in html


def test_a_specialist_counts_only_their_districts(client, world):
    response_in(world, PHQ_A_CALM)
    response_in(world, PHQ_A_CALM, school=world.school_b)
    as_(client, world.spec_a)
    page = client.get(campaign_page(world.campaign))
    assert [row.label for row in page.context["distribution"].rows] == ["Baizak"]
    other = client.get(campaign_page(world.campaign), {"district": world.merke.pk})
    assert other.context["distribution"].level == "district"  # not a choice: ignored
    assert [row.label for row in other.context["distribution"].rows] == ["Baizak"]


def test_an_unknown_instrument_falls_back_to_the_first(client, world):
    response_in(world, PHQ_A_CALM)
    as_(client, world.psy_a)
    page = client.get(campaign_page(world.campaign), {"instrument": "no-such"})
    assert page.status_code == 200
    assert page.context["code"] == "phq-a"


def test_the_index_lists_opened_campaigns_with_their_counts(client, world):
    response_in(world, PHQ_A_CALM)
    draft = make_campaign(region=world.region, centre=world.centre, created_by=world.head.user,
                          status=Campaign.Status.DRAFT)
    as_(client, world.head)
    page = client.get(INDEX)
    rows = {row["campaign"].pk: row for row in page.context["rows"]}
    assert draft.pk not in rows
    assert rows[world.campaign.pk]["submitted"] == 1
    assert f"{campaign_page(world.campaign)}?instrument=asq" in page.content.decode()


def test_results_pages_are_a_fixed_number_of_queries(client, world,
                                                     django_assert_max_num_queries):
    alert_in(world)
    as_(client, world.psy_a)
    with django_assert_max_num_queries(25) as few:
        client.get(campaign_page(world.campaign))
    for grade in (5, 6, 7):
        alert_in(world, grade=grade)
        response_in(world, PHQ_A_MODERATE, grade=grade)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(campaign_page(world.campaign))
    assert len(page.context["follow_up_rows"]) == 7


# --- needs follow-up ---------------------------------------------------------------------------


def test_the_follow_up_list_holds_critical_incomplete_and_medium_results(client, world):
    critical = alert_in(world).response
    moderate = response_in(world, PHQ_A_MODERATE)
    incomplete = response_in(world, {k: v for k, v in PHQ_A_CALM.items() if k != "phq_a_9"})
    response_in(world, PHQ_A_CALM)
    as_(client, world.psy_a)
    page = client.get(campaign_page(world.campaign))
    listed = [row["response"].pk for row in page.context["follow_up_rows"]]
    assert listed[0] == critical.pk
    assert set(listed) == {critical.pk, moderate.pk, incomplete.pk}
    assert pupil_page(critical.pupil) in page.content.decode()


def test_the_centre_sees_by_name_only_the_children_in_its_scope(client, world):
    alert = alert_in(world)
    moderate = response_in(world, PHQ_A_MODERATE)  # a medium proposal: in the centre's scope
    incomplete = response_in(world, {k: v for k, v in PHQ_A_CALM.items() if k != "phq_a_9"})
    as_(client, world.spec_a)
    listed = {row["response"].pk
              for row in client.get(campaign_page(world.campaign)).context["follow_up_rows"]}
    assert listed == {alert.response_id, moderate.pk}
    assert incomplete.pk not in listed


# --- one pupil ---------------------------------------------------------------------------------


def test_the_pupils_screening_lists_every_response_and_proposal(client, world):
    alert = alert_in(world)
    pupil = alert.pupil
    later = make_campaign(region=world.region, centre=world.centre, created_by=world.head.user)
    from safechildhood.screening.services.responses import response_enter_paper
    from safechildhood.screening.tests.factories import make_assignment

    assignment, _ = make_assignment(later, pupil, instruments=["phq-a"])
    response_enter_paper(actor=world.psy_a, assignment=assignment, instrument_code="phq-a",
                         answers=PHQ_A_MODERATE)
    as_(client, world.psy_a)
    page = client.get(pupil_page(pupil))
    assert page.status_code == 200
    assert len(page.context["rows"]) == 2
    html = page.content.decode()
    assert "Suicide risk: thoughts of death or self-harm" in html
    assert "Moderate" in html
    proposals = {(p.category, p.level) for p in page.context["proposals"].object_list}
    assert ("suicide_risk", "critical") in proposals
    assert ("depression", "medium") in proposals
    assert "awaiting decision" in html
    event = AuditEvent.objects.get(action="screening.response.viewed")
    assert event.data == {"pupil_id": pupil.pk}
    assert event.school_id == world.school_a.pk


def test_a_pupil_without_answers_is_shown_so(client, world):
    pupil = PupilFactory(school=world.school_a)
    as_(client, world.psy_a)
    page = client.get(pupil_page(pupil))
    assert "has not submitted any questionnaire" in page.content.decode()


def test_the_school_the_pupil_left_no_longer_reads_their_answers(client, world):
    alert = alert_in(world)
    pupil = alert.pupil
    pupil.school = world.school_b
    pupil.save()
    as_(client, world.psy_a)
    assert client.get(pupil_page(pupil)).status_code == 404
    as_(client, world.psy_b)
    assert client.get(pupil_page(pupil)).status_code == 200


def test_the_response_page_shows_each_question_and_the_chosen_answer(client, world):
    response = response_in(world, PHQ_A_MODERATE)
    as_(client, world.psy_a)
    page = client.get(response_page(response))
    answers = {row.item.id: row for row in page.context["answers"]}
    assert answers["phq_a_1"].answer == "Nearly every day"
    assert answers["phq_a_past_year"].answer == "No"
    assert answers["phq_a_difficulty"].answer is None
    html = page.content.decode()
    assert ITEM1 in html and "Nearly every day" in html
    event = AuditEvent.objects.get(action="screening.response.viewed")
    assert event.data == {"response_id": response.pk, "pupil_id": response.pupil_id}
    assert event.target_id == str(response.pk)


def test_the_response_page_speaks_the_readers_language(client, world):
    response = response_in(world, PHQ_A_MODERATE)
    as_(client, world.psy_a)
    client.cookies["django_language"] = "kk"
    page = client.get(response_page(response))
    answers = {row.item.id: row for row in page.context["answers"]}
    assert answers["phq_a_1"].answer == "Күн сайын дерлік"
    assert answers["phq_a_past_year"].answer == "Жоқ"


def test_the_response_of_an_alert_links_to_it(client, world):
    alert = alert_in(world)
    as_(client, world.spec_a)
    page = client.get(response_page(alert.response))
    assert reverse("screening:alert-detail", args=[alert.pk]) in page.content.decode()
    triggered = [row.item.id for row in page.context["answers"] if row.triggered]
    assert triggered == ["phq_a_9"]


def test_a_draft_response_is_not_shown(client, world):
    response = response_in(world, PHQ_A_CALM)
    Response.objects.filter(pk=response.pk).update(status=Response.Status.DRAFT)
    as_(client, world.psy_a)
    assert client.get(response_page(response)).status_code == 404


def test_a_link_from_the_pupils_record_for_the_school_psychologist(client, world):
    pupil = PupilFactory(school=world.school_a)
    as_(client, world.psy_a)
    html = client.get(reverse("people:pupil-detail", args=[pupil.pk])).content.decode()
    assert pupil_page(pupil) in html
    as_(client, world.admin_a)
    html = client.get(reverse("people:pupil-detail", args=[pupil.pk])).content.decode()
    assert pupil_page(pupil) not in html


# --- in a real browser, on a phone -------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_school_psychologist_follows_up_on_a_phone(page, axe, world):
    from safechildhood.screening.tests.test_alert_views import _log_in_on_a_phone

    alert_in(world, last_name="Сейтқали")
    response_in(world, PHQ_A_MODERATE)
    phone = _log_in_on_a_phone(page, world.psy_a.user)
    phone.get_by_role("link", name="Screening results").click()
    axe(phone, "results-list")
    phone.get_by_role("link", name="Autumn screening").click()
    phone.get_by_role("heading", name="Needs follow-up").wait_for()
    axe(phone, "results-campaign")
    phone.get_by_role("link", name="Сейтқали", exact=False).first.click()
    phone.get_by_role("heading", name="Questionnaires answered").wait_for()
    axe(phone, "pupil-screening")
    phone.locator("main table a").first.click()
    phone.get_by_role("heading", name="Answers").wait_for()
    axe(phone, "response-detail")
