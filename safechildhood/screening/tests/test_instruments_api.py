"""The instruments API: every instrument described in full, and scoring without storing,
through the same core as every other path."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.audit.models import AuditEvent
from safechildhood.screening.models import CrisisAlert, Response, TriageProposal
from safechildhood.screening.scoring import score
from safechildhood.screening.serializers import score_data
from safechildhood.screening.services.instruments import instrument_get, instrument_list

pytestmark = pytest.mark.django_db

LIST = reverse("api:instrument-list")


def score_url(code: str) -> str:
    return reverse("api:instrument-score", kwargs={"code": code})


@pytest.fixture
def api():
    user = MembershipFactory(role=Role.CENTRE_SPECIALIST).user
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_anonymous_callers_are_refused():
    assert APIClient().get(LIST).status_code == 401


def test_every_instrument_is_described_with_its_items_answers_and_scoring(api):
    body = api.get(LIST).json()
    assert body["count"] == len(instrument_list())
    found = {i["code"]: i for i in body["results"]}
    phq = found["phq-a"]
    assert phq["version"] == "1.0" and (phq["age_min"], phq["age_max"]) == (11, 17)
    assert phq["citation"] and phq["licence"] and set(phq["translation"]) == {"kk", "ru", "en"}
    assert phq["has_texts"] is True and phq["missing_texts"] == []
    assert phq["texts"] == "included" and phq["local"] is False
    item9 = next(i for i in phq["items"] if i["id"] == "phq_a_9")
    assert item9["critical"] is True and item9["kind"] == "choice"
    assert [o["code"] for o in item9["options"]] == ["0", "1", "2", "3"]
    assert all(item9["text"][lang] for lang in ("kk", "ru", "en"))
    assert all(o["label"]["ru"] for o in item9["options"])
    assert (item9["min"], item9["max"], item9["show_if"]) == (None, None, None)
    total = next(s for s in phq["scales"] if s["id"] == "total")
    assert total["method"] == "sum" and total["bands"][0]["code"]
    suicide = next(f for f in phq["flags"] if f["id"] == "suicide_risk")
    assert suicide["critical"] is True and "any" in suicide["when"]
    assert phq["triage"] and phq["triage"][0]["category"]
    asq5 = next(i for i in found["asq"]["items"] if i["id"] == "asq_5")
    assert asq5["show_if"]["any"][0]["item"] == "asq_1"


def test_an_instrument_without_its_texts_says_which_are_missing(api):
    crafft = next(i for i in api.get(LIST).json()["results"] if i["code"] == "crafft")
    assert crafft["texts"] == "operator" and crafft["has_texts"] is False
    assert "crafft_b_car" in crafft["missing_texts"]
    a1 = next(i for i in crafft["items"] if i["id"] == "crafft_a1")
    assert a1["kind"] == "number" and a1["options"] == [] and (a1["min"], a1["max"]) == (0, 365)
    assert a1["text"] == {"kk": None, "ru": None, "en": None} and a1["topic"]


def test_scoring_returns_totals_bands_flags_triage_and_completeness_and_stores_nothing(api):
    answers = {**{f"phq_a_{n}": "2" for n in range(1, 10)}, "phq_a_past_year": "yes",
               "phq_a_difficulty": "2", "phq_a_sa1": "no", "phq_a_sa2": "no"}
    events = AuditEvent.objects.count()
    response = api.post(score_url("phq-a"), {"answers": answers}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["instrument"], body["version"], body["total"]) == ("phq-a", "1.0", 18)
    assert body["band"] == next(s for s in body["scales"] if s["id"] == "total")["band"]
    flags = {f["id"]: f for f in body["flags"]}
    assert flags["suicide_risk"]["state"] is True and body["critical"] is True
    assert body["level"] and body["triage"]
    assert body["completeness"] == {"status": "complete", "answered": 13, "expected": 13,
                                    "missing": [], "follow_up": [], "ignored": []}
    assert body == score_data(instrument_get("phq-a"), score(instrument_get("phq-a"), answers))
    assert not Response.objects.exists() and not CrisisAlert.objects.exists()
    assert not TriageProposal.objects.exists() and AuditEvent.objects.count() == events


def test_blank_or_missing_answers_are_unknown_never_a_pass(api):
    answers = {"asq_1": "yes", "asq_2": "no", "asq_3": "", "asq_4": None}
    body = api.post(score_url("asq"), {"answers": answers}, format="json").json()
    flags = {f["id"]: f["state"] for f in body["flags"]}
    assert flags == {"positive": True, "acute": None}
    assert body["completeness"]["status"] == "incomplete_follow_up"
    assert set(body["completeness"]["missing"]) == {"asq_3", "asq_4", "asq_5"}
    assert "asq_5" in body["completeness"]["follow_up"]


def test_number_answers_may_be_sent_as_numbers(api):
    body = api.post(score_url("crafft"), {"answers": {"crafft_a1": 0, "crafft_a2": 0,
                                                      "crafft_a3": 0, "crafft_b_car": "no"}},
                    format="json").json()
    assert body["completeness"]["status"] == "complete"
    assert {f["id"]: f["state"] for f in body["flags"]}["car_risk"] is False


def test_wrong_answers_are_named_item_by_item_in_the_callers_language(api):
    response = api.post(score_url("crafft"), {"answers": {
        "nonsense": "1", "crafft_b_car": "maybe", "crafft_a1": "many", "crafft_a2": "400",
        "crafft_a3": "3"}}, format="json", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Часть данных недопустима."
    codes = {name: errors[0]["code"] for name, errors in body["fields"].items()}
    assert codes == {"answers.nonsense": "unknown_item", "answers.crafft_b_car": "unknown_code",
                     "answers.crafft_a1": "not_a_number", "answers.crafft_a2": "out_of_range"}
    assert all(errors[0]["message"] for errors in body["fields"].values())


def test_the_messages_are_those_of_the_paper_form(api):
    body = api.post(score_url("gad-7"), {"answers": {"gad7_1": "9"}}, format="json",
                    HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["fields"]["answers.gad7_1"][0]["message"] == \
        "9 is not a possible answer to gad7_1."


@pytest.mark.parametrize("payload", [{}, {"answers": "phq_a_1=2"}, {"answers": [1, 2]}])
def test_a_body_without_an_answers_object_is_refused(api, payload):
    response = api.post(score_url("phq-a"), payload, format="json")
    assert response.status_code == 400 and "answers" in response.json()["fields"]


def test_an_unknown_instrument_is_not_found(api):
    response = api.post(score_url("no-such"), {"answers": {}}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "unknown_instrument"


def test_the_schema_describes_both_operations(api):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    schema = api.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    assert "/api/instruments/" in schema["paths"]
    score_op = schema["paths"]["/api/instruments/{code}/score/"]["post"]
    assert score_op["operationId"] == "instruments_score"
    assert set(score_op["responses"]) >= {"200", "400", "401", "403", "404"}
