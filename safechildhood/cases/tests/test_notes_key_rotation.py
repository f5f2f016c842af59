"""A contact's notes recorded under an old key stay readable on the case's contact page after the
key is rotated, and are then stored under the new key only (DESIGN: narratives encrypted at rest
with keys from the environment, MultiFernet for rotation)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from safechildhood.cases.tests import field_fixtures
from safechildhood.cases.tests.factories import ContactFactory
from safechildhood.cases.tests.field_fixtures import NOTES
from safechildhood.fields import _cipher

pytestmark = pytest.mark.django_db
field = field_fixtures.field


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


@pytest.fixture
def fresh_ciphers():
    _cipher.cache_clear()
    yield
    _cipher.cache_clear()


def _raw(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM cases_contact WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _contact_page(client, field) -> str:
    client.force_login(field.specialist)
    response = client.get(reverse("cases:contact-list", args=[field.case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_rotated_notes_stay_readable_on_the_page_and_leave_the_old_key(
        client, field, settings, fresh_ciphers):
    contact = ContactFactory(case=field.case, notes=NOTES, recorded_by=field.specialist)
    before = _raw(contact.pk)
    assert "ұрыс" not in before and "ссоры" not in before

    new_key = Fernet.generate_key().decode()
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *old_keys]
    _cipher.cache_clear()
    assert NOTES in _contact_page(client, field)  # the old key is still listed

    call_command("rotate_encryption_keys", verbosity=0)
    assert _raw(contact.pk) != before

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    _cipher.cache_clear()
    assert NOTES in _contact_page(client, field)


def test_without_the_key_the_notes_are_not_shown(client, field, settings, fresh_ciphers):
    contact = ContactFactory(case=field.case, notes=NOTES, recorded_by=field.specialist)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # a key that never wrote it
    _cipher.cache_clear()
    with pytest.raises(ImproperlyConfigured, match="old key missing"):
        type(contact).objects.get(pk=contact.pk)
