"""Paper entry: the school psychologist types in a pupil's paper questionnaire; blanks are
allowed, a refusal of the rules saves nothing, and the result shows at once (a critical one
says an alert was raised)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.audit.models import AuditEvent
from safechildhood.directory.tests.factories import SchoolFactory, SupportCentreFactory
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.forms import PaperForm
from safechildhood.screening.models import Assignment, Campaign, CrisisAlert, Response
from safechildhood.screening.services.instruments import instrument_get
from safechildhood.screening.tests.factories import PHQ_A_ITEM9, make_assignment, make_campaign

pytestmark = pytest.mark.django_db

NOTHING = {**{f"phq_a_{n}": "0" for n in range(1, 10)}, "phq_a_past_year": "no",
           "phq_a_difficulty": "0", "phq_a_sa1": "no", "phq_a_sa2": "no"}


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


@pytest.fixture
def paper(db):
    school = SchoolFactory(language="ru")
    region = school.district.region
    centre = SupportCentreFactory(region=region)
    head = MembershipFactory(role=Role.CENTRE_HEAD, centre=centre).user
    campaign = make_campaign(region=region, centre=centre, created_by=head,
                             instruments=("phq-a", "asq"))
    pupil = PupilFactory(school=school, last_name="Сейтқали", first_name="Айгерім")
    assignment, _code = make_assignment(campaign, pupil)
    psy = actor_for(MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=school).user)
    return {"school": school, "campaign": campaign, "assignment": assignment, "psy": psy,
            "centre": centre, "head": head}


def entry_url(assignment, instrument="phq-a") -> str:
    return reverse("screening:paper-entry", args=[assignment.pk]) + f"?instrument={instrument}"


def posted(answers: dict, instrument="phq-a", language="ru") -> dict:
    return {"instrument": instrument, "language": language,
            **{f"q_{k}": v for k, v in answers.items()}}


@pytest.fixture
def signed_in(client, paper):
    client.force_login(paper["psy"].user)
    return client


# --- who gets in -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client, paper):
    for response in (client.get(entry_url(paper["assignment"])),
                     client.post(entry_url(paper["assignment"]), posted(NOTHING))):
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not Response.objects.exists()


def test_another_schools_pupil_is_not_found(client, paper):
    other = actor_for(MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST,
                                        school=SchoolFactory()).user)
    client.force_login(other.user)
    assert client.get(entry_url(paper["assignment"])).status_code == 404
    assert client.post(entry_url(paper["assignment"]), posted(NOTHING)).status_code == 404
    assert not Response.objects.exists()


def test_centre_staff_do_not_enter_paper_forms(client, paper):
    client.force_login(paper["head"])
    assert client.get(entry_url(paper["assignment"])).status_code == 403


@pytest.mark.parametrize("code", ["gad-7", "no-such"])
def test_a_questionnaire_not_assigned_is_not_found(signed_in, paper, code):
    assert signed_in.get(entry_url(paper["assignment"], code)).status_code == 404


# --- the form ----------------------------------------------------------------------------------


def test_the_form_shows_every_question_in_the_readers_language(signed_in, paper):
    response = signed_in.get(entry_url(paper["assignment"]), HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Көңіл-күйіңіз түсіп" in body and "Күн сайын дерлік" in body
    assert body.count('type="radio" name="q_') == sum(
        len(i.option_set.options) + 1 for i in instrument_get("phq-a").items)
    assert 'name="instrument" value="phq-a"' in body
    form = response.context["form"]
    assert form["language"].value() == "ru"  # the school teaches in Russian
    assert all(form[f"q_{i.id}"].value() == "" for i in instrument_get("phq-a").items)


def test_without_an_instrument_the_first_not_yet_entered_opens(signed_in, paper):
    response = signed_in.get(reverse("screening:paper-entry", args=[paper["assignment"].pk]))
    assert response.context["instrument"].code == "phq-a"


def test_number_questions_take_whole_numbers_in_range():
    crafft = instrument_get("crafft")
    number = next(i for i in crafft.items if i.option_set is None)
    form = PaperForm({"language": "ru", f"q_{number.id}": str(number.number_max + 1)},
                     instrument=crafft, language="ru")
    assert not form.is_valid() and f"q_{number.id}" in form.errors
    form = PaperForm({"language": "ru", f"q_{number.id}": "3"}, instrument=crafft,
                     language="ru")
    assert form.is_valid()
    assert form.answers() == {number.id: "3"}


# --- saving ------------------------------------------------------------------------------------


def test_a_paper_form_is_saved_scored_and_summarised(signed_in, paper):
    response = signed_in.post(entry_url(paper["assignment"]), posted(NOTHING, language="kk"))
    assert response.status_code == 200
    saved = Response.objects.get(assignment=paper["assignment"], instrument="phq-a")
    assert saved.status == Response.Status.SUBMITTED and saved.source == Response.Source.PAPER
    assert saved.entered_by == paper["psy"].user and saved.language == "kk"
    assert saved.total == 0 and saved.band == "minimal" and not saved.critical
    body = response.content.decode()
    assert "Saved: " in body and "None or minimal" in body
    assert "crisis alert" not in body
    assert reverse("screening:paper-entry", args=[paper["assignment"].pk]) + \
        "?instrument=asq" in body  # the next form of this pupil
    assert Assignment.objects.get(pk=paper["assignment"].pk).status == "pending"
    assert AuditEvent.objects.filter(action="screening.response.submitted").count() == 1


def test_the_last_form_completes_the_assignment(signed_in, paper):
    signed_in.post(entry_url(paper["assignment"]), posted(NOTHING))
    asq = {f"asq_{n}": "no" for n in range(1, 5)}
    response = signed_in.post(entry_url(paper["assignment"], "asq"), posted(asq, "asq"))
    assert response.status_code == 200
    assert Assignment.objects.get(pk=paper["assignment"].pk).status == "completed"


def test_a_critical_answer_says_an_alert_was_raised(signed_in, paper):
    response = signed_in.post(entry_url(paper["assignment"]), posted(PHQ_A_ITEM9))
    body = response.content.decode()
    assert "A crisis alert has been raised." in body and 'role="alert"' in body
    assert CrisisAlert.objects.filter(pupil=paper["assignment"].pupil).count() == 1


def test_blank_questions_are_allowed_and_a_blank_critical_one_is_followed_up(signed_in, paper):
    answers = {f"phq_a_{n}": "1" for n in range(1, 9)}  # item 9 and the rest left blank
    response = signed_in.post(entry_url(paper["assignment"]), posted(answers))
    saved = Response.objects.get(assignment=paper["assignment"], instrument="phq-a")
    assert saved.answers == answers and saved.total is None
    assert saved.completeness == "incomplete_follow_up"
    assert "A critical question was left blank" in response.content.decode()


# --- refusals: nothing is saved ----------------------------------------------------------------


def test_an_unknown_answer_is_an_error_on_the_form(signed_in, paper):
    response = signed_in.post(entry_url(paper["assignment"]),
                              posted(NOTHING | {"phq_a_1": "7"}))
    assert response.status_code == 200
    assert "q_phq_a_1" in response.context["form"].errors
    assert not Response.objects.exists()


def test_an_empty_form_is_refused_rather_than_spending_the_questionnaire(signed_in, paper):
    response = signed_in.post(entry_url(paper["assignment"]), posted({}))
    assert "Nothing is filled in." in response.content.decode()
    assert not Response.objects.exists()


def test_entering_the_same_form_twice_is_refused(signed_in, paper):
    signed_in.post(entry_url(paper["assignment"]), posted(NOTHING))
    again = signed_in.post(entry_url(paper["assignment"]), posted(PHQ_A_ITEM9))
    assert "already been submitted" in again.content.decode()
    assert Response.objects.filter(instrument="phq-a").count() == 1
    assert not CrisisAlert.objects.exists()
    page = signed_in.get(entry_url(paper["assignment"]))
    assert page.context["already"] and "<form method=\"post\" novalidate>" not in \
        page.content.decode()


def test_a_closed_campaign_takes_no_paper_forms(signed_in, paper):
    Campaign.objects.filter(pk=paper["campaign"].pk).update(status=Campaign.Status.CLOSED)
    response = signed_in.post(entry_url(paper["assignment"]), posted(NOTHING))
    assert "The campaign is closed." in response.content.decode()
    assert not Response.objects.exists() and not AuditEvent.objects.filter(
        action="screening.response.submitted").exists()
    assert "The campaign is not open" in signed_in.get(
        entry_url(paper["assignment"])).content.decode()


def test_a_pupil_without_consent_is_not_entered(signed_in, paper):
    Assignment.objects.filter(pk=paper["assignment"].pk).update(status="no_consent")
    page = signed_in.get(entry_url(paper["assignment"]))
    assert "not to be screened" in page.content.decode()
    response = signed_in.post(entry_url(paper["assignment"]), posted(NOTHING))
    assert "not to be screened" in response.content.decode()
    assert not Response.objects.exists()


def test_a_draft_response_left_online_is_completed_from_paper(signed_in, paper):
    """A pupil who began online and finished on paper: the paper answers are entered once."""
    Response.objects.create(assignment=paper["assignment"], pupil=paper["assignment"].pupil,
                            campaign=paper["campaign"], school=paper["school"],
                            instrument="phq-a", version="1.0", answers={"phq_a_1": "3"},
                            source=Response.Source.ONLINE)
    signed_in.post(entry_url(paper["assignment"]), posted(NOTHING))
    saved = Response.objects.get(assignment=paper["assignment"], instrument="phq-a")
    assert saved.source == Response.Source.PAPER and saved.answers["phq_a_1"] == "0"
