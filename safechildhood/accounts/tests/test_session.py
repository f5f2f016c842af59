"""Sessions end after 30 idle minutes and when the browser closes."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

pytestmark = pytest.mark.django_db

HOME = "/"


def _idle(client, seconds: int) -> None:
    """Pretend the person did nothing for ``seconds`` since their last request."""
    session = Session.objects.get(session_key=client.session.session_key)
    Session.objects.filter(pk=session.pk).update(
        expire_date=session.expire_date - timedelta(seconds=seconds))


def test_an_idle_session_older_than_the_limit_is_logged_out(client, log_in, analyst):
    log_in(analyst.username)
    assert client.get(HOME).status_code == 200
    _idle(client, django_settings.SESSION_COOKIE_AGE + 1)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_session_idle_for_less_than_the_limit_stays(client, log_in, analyst):
    log_in(analyst.username)
    _idle(client, django_settings.SESSION_COOKIE_AGE - 60)
    assert client.get(HOME).status_code == 200


def test_each_request_pushes_the_idle_limit_forward(client, log_in, analyst):
    log_in(analyst.username)
    _idle(client, django_settings.SESSION_COOKIE_AGE - 60)
    client.get(HOME)
    expiry = Session.objects.get(session_key=client.session.session_key).expire_date
    assert expiry > timezone.now() + timedelta(seconds=django_settings.SESSION_COOKIE_AGE - 5)


def test_an_idle_limit_of_thirty_minutes(client, log_in, analyst):
    log_in(analyst.username)
    _idle(client, 31 * 60)
    assert SESSION_KEY not in client.session


def test_the_session_cookie_dies_with_the_browser(client, log_in, analyst):
    response = log_in(analyst.username)
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert cookie["httponly"]
