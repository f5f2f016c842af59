"""The OpenAPI schema and its docs page: valid, warning-free, every operation described."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory

API_TAGS = {"directory", "instruments", "me", "police reports", "pupils", "rosters"}
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def client_with_token(db) -> APIClient:
    user = MembershipFactory(role=Role.REGIONAL_ADMIN).user
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def schema(client_with_token) -> dict:
    response = client_with_token.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_schema_validates_without_warnings(tmp_path, language):
    """What ``manage.py spectacular --validate --fail-on-warn`` checks, in every language."""
    GENERATOR_STATS.reset()
    out = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--lang", language,
                 "--file", str(out))

    assert out.read_text().startswith("openapi: 3.0.3")


def test_every_operation_is_tagged_summarised_and_secured(schema):
    problems = []
    for path, method, operation in operations(schema):
        name = f"{method.upper()} {path}"
        if not set(operation.get("tags", [])) & API_TAGS:
            problems.append(f"{name}: tags {operation.get('tags')}")
        if not operation.get("summary"):
            problems.append(f"{name}: no summary")
        if {"tokenAuth": []} not in operation.get("security", []):
            problems.append(f"{name}: token authentication not documented")
        if "401" not in operation["responses"]:
            problems.append(f"{name}: 401 not documented")
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        if "X-Membership" not in headers:
            problems.append(f"{name}: X-Membership not documented")
    assert not problems, "\n".join(problems)


def test_the_schema_covers_every_api_route(schema):
    tags = {tag for _, _, operation in operations(schema) for tag in operation["tags"]}

    assert tags == API_TAGS
    assert {"/api/me/", "/api/districts/", "/api/settlements/", "/api/schools/",
            "/api/pupils/", "/api/pupils/{id}/", "/api/pupils/{id}/transfer/",
            "/api/rosters/", "/api/rosters/{id}/", "/api/instruments/",
            "/api/instruments/{code}/score/"} <= set(schema["paths"])


def test_the_schema_needs_an_account():
    response = APIClient().get(reverse("api-schema"))

    assert response.status_code == 401


def test_the_docs_page_loads_swagger_from_our_own_static_files(client_with_token):
    response = client_with_token.get(reverse("api-docs"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css" in html
    assert "cdn.jsdelivr.net" not in html
    assert reverse("api-schema") in html


def test_the_docs_page_needs_an_account():
    response = APIClient().get(reverse("api-docs"))

    assert response.status_code in (401, 403)
