"""Shared fixtures: actors for every role, inside and outside a scope."""

import pytest

from safechildhood.access.policy import Actor, actor_for


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def make_actor(db):
    """``make_actor(role, **scope)`` returns an ``Actor`` with a fresh membership."""
    from safechildhood.accounts.tests.factories import MembershipFactory

    def make(role, **kwargs) -> Actor:
        membership = MembershipFactory(role=role, **kwargs)
        return actor_for(membership.user)

    return make
