"""The pupil's pages: code, pages saved as the pupil goes, resume, double submit, finish."""

from __future__ import annotations

import gzip

import pytest
from django.urls import reverse

from safechildhood.accounts.models import Role
from safechildhood.audit.models import AuditEvent
from safechildhood.directory.tests.factories import SupportCentreFactory
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import Assignment, Campaign, CrisisAlert, Response
from safechildhood.screening.services.codes import code_display
from safechildhood.screening.tests.factories import make_assignment, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def setup(make_actor):
    pupil = PupilFactory(first_name="Айгерім", last_name="Сейтқали")
    region = pupil.school.district.region
    head = make_actor(Role.CENTRE_HEAD, centre=SupportCentreFactory(region=region))
    campaign = make_campaign(region=region, centre=head.membership.centre,
                             created_by=head.user, instruments=("phq-a", "asq"))
    assignment, code = make_assignment(campaign, pupil)
    return {"pupil": pupil, "campaign": campaign, "assignment": assignment, "code": code}


def enter(client, code, language="en"):
    return client.post(reverse("answer:code"), {"code": code, "language": language})


def current_page(client):
    response = client.get(reverse("answer:page"))
    assert response.status_code == 200
    return response


def answer_page(client, response, pick):
    form = response.context["form"]
    data = {"instrument": form.current.instrument.code, "position": form.current.position}
    for item in form.current.items:
        value = pick(item)
        if value is not None:
            data[f"q_{item.id}"] = value
    return client.post(reverse("answer:page"), data)


def phq_item9(item):
    if item.id == "phq_a_9":
        return "1"
    if item.option_set is None:
        return "0"
    codes = [o.code for o in item.option_set.options]
    return "0" if "0" in codes else "no"


def test_code_opens_the_questionnaire_in_the_chosen_language(client, setup):
    response = enter(client, code_display(setup["code"]).lower(), language="kk")
    assert response.status_code == 302
    page = current_page(client)
    assert page["Content-Language"] == "kk"
    assert "Күндердің жартысынан көбі" in page.content.decode()


def test_wrong_code_is_refused_in_the_pupils_language_and_reveals_nothing(client, setup):
    response = enter(client, "ACDE-FHJK", language="ru")
    assert response.status_code == 400
    body = response.content.decode()
    assert response["Content-Language"] == "ru"
    assert 'role="alert"' in body and "школьного психолога" in body
    assert "Сейтқали" not in body


def test_the_page_never_shows_the_pupils_name(client, setup):
    enter(client, setup["code"])
    body = current_page(client).content.decode()
    assert "Сейтқали" not in body and "Айгерім" not in body


def test_pupil_answers_everything_and_an_item_9_answer_raises_one_alert(client, setup):
    enter(client, setup["code"])
    for _ in range(20):
        page = client.get(reverse("answer:page"))
        if page.status_code == 302:
            break
        answer_page(client, page, phq_item9)
    assert page["Location"] == reverse("answer:done")
    done = client.get(reverse("answer:done"))
    assert "111" in done.content.decode()
    assignment = Assignment.objects.get(pk=setup["assignment"].pk)
    assert assignment.status == Assignment.Status.COMPLETED
    phq = Response.objects.get(assignment=assignment, instrument="phq-a")
    assert phq.status == Response.Status.SUBMITTED and phq.critical and phq.total == 1
    assert CrisisAlert.objects.filter(pupil=setup["pupil"]).count() == 1
    assert "score" not in done.content.decode().lower()


def test_a_double_submit_of_a_page_counts_once(client, setup):
    enter(client, setup["code"])
    page = current_page(client)
    first = answer_page(client, page, lambda item: "2")
    again = answer_page(client, page, lambda item: "3")  # the same page sent again
    assert first.status_code == again.status_code == 302
    response = Response.objects.get(assignment=setup["assignment"], instrument="phq-a")
    assert response.position == 5
    assert set(response.answers.values()) == {"2"}


def test_a_closed_tab_resumes_where_it_stopped(client, setup, django_user_model):
    from django.test import Client

    enter(client, setup["code"])
    answer_page(client, current_page(client), lambda item: "1")
    other = Client()  # a new browser: nothing in its session
    assert other.get(reverse("answer:page"))["Location"] == reverse("answer:code")
    enter(other, setup["code"])
    page = current_page(other)
    assert page.context["form"].current.position == 5
    assert "6." in page.content.decode()


def test_a_finished_code_cannot_be_used_again(client, setup):
    setup["assignment"].status = Assignment.Status.COMPLETED
    setup["assignment"].save()
    response = enter(client, setup["code"])
    assert response.status_code == 400
    assert "already been used" in response.content.decode()


def test_a_closed_campaign_does_not_open(client, setup):
    Campaign.objects.filter(pk=setup["campaign"].pk).update(status=Campaign.Status.CLOSED)
    response = enter(client, setup["code"])
    assert response.status_code == 400
    assert "not open now" in response.content.decode()


def test_a_pupil_without_consent_cannot_answer(client, setup):
    Assignment.objects.filter(pk=setup["assignment"].pk).update(
        status=Assignment.Status.NO_CONSENT)
    assert enter(client, setup["code"]).status_code == 400


def test_guessing_codes_is_paused_after_the_allowance(client, setup, settings):
    settings.ANSWER_CODE_ATTEMPTS = 3
    for _ in range(3):
        assert enter(client, "ACDE-FHJK").status_code == 400
    response = enter(client, setup["code"])  # even the right code waits now
    assert response.status_code == 429


def test_a_number_out_of_range_is_shown_and_nothing_moves(client, make_actor):
    pupil = PupilFactory()
    region = pupil.school.district.region
    head = make_actor(Role.CENTRE_HEAD, centre=SupportCentreFactory(region=region))
    # CRAFFT has number questions but no texts; a local test instrument is simpler: use PHQ-A
    # with a tampered radio value instead.
    campaign = make_campaign(region=region, centre=head.membership.centre, created_by=head.user)
    assignment, code = make_assignment(campaign, pupil)
    enter(client, code)
    page = current_page(client)
    bad = answer_page(client, page, lambda item: "9")
    assert bad.status_code == 400
    assert not Response.objects.filter(assignment=assignment).exclude(answers={}).exists()


def test_the_first_page_is_light(client, setup):
    for name in ("answer:code", "answer:page"):
        if name == "answer:page":
            enter(client, setup["code"])
        body = client.get(reverse(name)).content
        assert len(gzip.compress(body)) < 50_000
        assert b"<script" not in body


def test_starting_and_submitting_are_audited_without_names(client, setup):
    enter(client, setup["code"])
    answer_page(client, current_page(client), lambda item: "0")
    event = AuditEvent.objects.get(action="screening.assignment.started")
    assert "Сейтқали" not in str(event.data)
