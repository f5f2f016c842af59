"""Fixtures for the login, second-factor and account tests."""

import pytest
from django.urls import reverse

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import PASSWORD, MembershipFactory


@pytest.fixture
def psychologist(db):
    """A school psychologist: sees identified children, so logs in with a second factor."""
    return MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST).user


@pytest.fixture
def analyst(db):
    """A prosecutor's analyst: sees no identified children and grants no access, so needs no
    second factor."""
    return MembershipFactory(role=Role.PROSECUTOR_ANALYST).user


@pytest.fixture
def log_in(client):
    """``log_in(username, password=PASSWORD, **extra)`` posts the login form."""

    def post(username, password=PASSWORD, next_url=None, **extra):
        data = {"username": username, "password": password}
        if next_url is not None:
            data["next"] = next_url
        return client.post(reverse("accounts:login"), data, **extra)

    return post
