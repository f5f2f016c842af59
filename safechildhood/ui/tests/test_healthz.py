"""/healthz: for load balancers and monitoring. No login, nothing personal, 503 naming what is
down."""

import pytest
from django.urls import reverse

from safechildhood.ui import views

pytestmark = pytest.mark.django_db


class _BrokenStorage:
    def queue_size(self):
        raise ConnectionError("queue storage unreachable")


class _BrokenConnection:
    def cursor(self):
        raise ConnectionError("database unreachable")


def test_healthy_service_answers_200_with_each_check(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "task_queue": "ok"}}


def test_needs_no_login_and_is_never_cached(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_task_queue_answers_503_naming_it(client, monkeypatch):
    monkeypatch.setattr(views.HUEY, "storage", _BrokenStorage())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["down"] == ["task_queue"]
    assert body["checks"] == {"database": "ok", "task_queue": "down"}
    assert "unreachable" not in response.content.decode()  # the reason is for the logs


def test_unreachable_database_answers_503_naming_it(client, monkeypatch):
    monkeypatch.setattr(views, "connection", _BrokenConnection())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]


def test_only_answers_get(client):
    assert client.post(reverse("healthz")).status_code == 405


def test_the_reason_goes_to_the_log_by_type_only(client, monkeypatch, caplog):
    monkeypatch.setattr(views.HUEY, "storage", _BrokenStorage())
    with caplog.at_level("WARNING", logger="safechildhood.ui.views"):
        client.get(reverse("healthz"))
    assert "task queue down (ConnectionError)" in caplog.text
    assert "unreachable" not in caplog.text
