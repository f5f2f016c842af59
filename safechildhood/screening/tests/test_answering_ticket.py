"""The pupil's ticket (the signed cookie that replaces the session on /q/) and what one answer
page costs: a pupil reaches only the questionnaire of the code entered, a tampered or old ticket
opens nothing, forms still need their CSRF token, and a page is a handful of queries."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from safechildhood.accounts.models import Role
from safechildhood.directory.tests.factories import SupportCentreFactory
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import Assignment, Response
from safechildhood.screening.services.codes import code_hash, code_new
from safechildhood.screening.tests.factories import make_assignment, make_campaign
from safechildhood.screening.tests.test_answering import answer_page, current_page, enter
from safechildhood.screening.views.answering import TICKET_COOKIE

pytestmark = pytest.mark.django_db


def calm(item):
    codes = [o.code for o in item.option_set.options]
    return "0" if "0" in codes else "no"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def two_pupils(make_actor):
    first = PupilFactory()
    second = PupilFactory(school=first.school)
    region = first.school.district.region
    head = make_actor(Role.CENTRE_HEAD, centre=SupportCentreFactory(region=region))
    campaign = make_campaign(region=region, centre=head.membership.centre,
                             created_by=head.user, instruments=("phq-a", "asq"))
    return [make_assignment(campaign, pupil) for pupil in (first, second)]


def test_no_session_is_stored_for_a_pupil(client, two_pupils):
    from django.contrib.sessions.models import Session

    (_assignment, code), _other = two_pupils
    enter(client, code)
    answer_page(client, current_page(client), lambda item: "0")
    assert Session.objects.count() == 0
    ticket = client.cookies[TICKET_COOKIE]
    assert ticket["path"] == "/q/" and ticket["httponly"] and ticket["samesite"] == "Lax"
    assert not ticket["max-age"]  # ends with the browser


def test_a_tampered_ticket_opens_nothing(client, two_pupils):
    (_mine, code), (other, _other_code) = two_pupils
    enter(client, code)
    value = client.cookies[TICKET_COOKIE].value
    assignment_id = value.split(":", 1)[0]
    client.cookies[TICKET_COOKIE] = value.replace(assignment_id, str(other.pk), 1)
    assert client.get(reverse("answer:page"))["Location"] == reverse("answer:code")
    client.cookies[TICKET_COOKIE] = "garbage"
    assert client.get(reverse("answer:page"))["Location"] == reverse("answer:code")


def test_a_new_code_voids_the_old_ticket(client, two_pupils):
    (assignment, code), _other = two_pupils
    enter(client, code)
    answer_page(client, current_page(client), lambda item: "1")
    Assignment.objects.filter(pk=assignment.pk).update(code_hash=code_hash(code_new()))
    assert client.get(reverse("answer:page"))["Location"] == reverse("answer:code")
    data = {"instrument": "phq-a", "position": "5", "q_phq_a_6": "3"}
    assert client.post(reverse("answer:page"), data)["Location"] == reverse("answer:code")
    assert Response.objects.get(assignment=assignment).position == 5


def test_an_idle_ticket_lapses(client, two_pupils, settings):
    (_assignment, code), _other = two_pupils
    enter(client, code)
    settings.SESSION_COOKIE_AGE = -1  # every ticket is older than the allowance
    assert client.get(reverse("answer:page"))["Location"] == reverse("answer:code")


def test_answer_forms_need_their_csrf_token(two_pupils):
    (assignment, code), _other = two_pupils
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(reverse("answer:code"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    assert browser.post(reverse("answer:code"), {"code": code, "language": "en"}).status_code \
        == 403
    assert browser.post(reverse("answer:code"), {"code": code, "language": "en",
                                                 "csrfmiddlewaretoken": token}).status_code == 302
    html = browser.get(reverse("answer:page")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    answers = {f"q_phq_a_{n}": "0" for n in range(1, 6)}
    forged = browser.post(reverse("answer:page"), {"instrument": "phq-a", "position": "0",
                                                   **answers})
    assert forged.status_code == 403
    assert not Response.objects.filter(assignment=assignment).exists()
    sent = browser.post(reverse("answer:page"), {"instrument": "phq-a", "position": "0",
                                                 "csrfmiddlewaretoken": token, **answers})
    assert sent.status_code == 302
    assert Response.objects.get(assignment=assignment).position == 5


def test_switching_the_language_keeps_the_place(client, two_pupils):
    (_assignment, code), _other = two_pupils
    enter(client, code, language="en")
    answer_page(client, current_page(client), lambda item: "0")
    assert client.post(reverse("answer:page"), {"language": "kk"}).status_code == 302
    page = current_page(client)
    assert page["Content-Language"] == "kk" and page.context["form"].current.position == 5


def test_a_page_costs_a_handful_of_queries(client, two_pupils, django_assert_max_num_queries):
    (_assignment, code), _other = two_pupils
    enter(client, code)
    answer_page(client, current_page(client), lambda item: "0")  # the first page starts it
    with django_assert_max_num_queries(2):  # the assignment, its responses
        page = current_page(client)
    with django_assert_max_num_queries(5):  # transaction, lock, responses, update
        assert answer_page(client, page, calm).status_code == 302


def test_the_last_page_goes_straight_to_the_closing_page(client, two_pupils):
    (assignment, code), _other = two_pupils
    enter(client, code)
    for _ in range(20):
        page = current_page(client)
        sent = answer_page(client, page, calm)
        if sent["Location"] == reverse("answer:done"):
            break
    assert Assignment.objects.get(pk=assignment.pk).status == Assignment.Status.COMPLETED
    done = client.get(reverse("answer:done"))
    assert done.status_code == 200 and "111" in done.content.decode()
    assert client.cookies[TICKET_COOKIE].value == ""  # the ticket is dropped
