"""The instruments pages: what each instrument is, and plainly which ones lack texts."""

import pytest
from django.urls import reverse

from safechildhood.accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, make_actor, settings):
    settings.REQUIRE_OTP = False
    actor = make_actor(Role.REGIONAL_ADMIN)
    client.force_login(actor.user)
    return client


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("screening:instrument-list"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_list_says_which_instruments_lack_texts(staff_client):
    body = staff_client.get(reverse("screening:instrument-list")).content.decode()
    for code in ("phq-a", "asq", "gad-7", "y-psc-17", "crafft", "cats"):
        assert code in body
    assert body.count("not supplied") == 2  # CRAFFT and CATS


def test_the_detail_shows_questions_in_the_readers_language(staff_client):
    response = staff_client.get(reverse("screening:instrument-detail", args=["phq-a"]),
                                HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 200
    assert "Күн сайын дерлік" in response.content.decode()


def test_an_operator_text_instrument_shows_topics_and_the_missing_texts(staff_client):
    body = staff_client.get(reverse("screening:instrument-detail", args=["crafft"])).content
    assert b"not supplied yet" in body


def test_an_unknown_instrument_is_not_found(staff_client):
    response = staff_client.get(reverse("screening:instrument-detail", args=["no-such"]))
    assert response.status_code == 404
