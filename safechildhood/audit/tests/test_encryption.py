"""Narrative fields are unreadable in the database, readable in the application, and survive a
key rotation."""

import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from safechildhood.accounts.tests.factories import UserFactory
from safechildhood.fields import _cipher
from safechildhood.people.models import Consent
from safechildhood.people.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

NOTE = "Мама сказала: отец бьёт ребёнка. Әкесі ұрады."


def _raw_note(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM people_consent WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _consent() -> Consent:
    return Consent.objects.create(pupil=PupilFactory(), decision=Consent.Decision.GIVEN,
                                  decided_on=dt.date(2026, 9, 1), note=NOTE,
                                  recorded_by=UserFactory())


def test_note_is_ciphertext_in_the_database_and_plain_in_the_model():
    consent = _consent()
    raw = _raw_note(consent.pk)
    assert "отец" not in raw and "Әкесі" not in raw
    assert raw.startswith("fernet:")
    assert Consent.objects.get(pk=consent.pk).note == NOTE


def test_rotation_keeps_old_notes_readable_and_moves_them_to_the_new_key(settings):
    consent = _consent()
    before = _raw_note(consent.pk)
    new_key = Fernet.generate_key().decode()
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *old_keys]
    _cipher.cache_clear()
    assert Consent.objects.get(pk=consent.pk).note == NOTE  # old key still listed

    call_command("rotate_encryption_keys", verbosity=0)
    after = _raw_note(consent.pk)
    assert after != before

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    _cipher.cache_clear()
    assert Consent.objects.get(pk=consent.pk).note == NOTE
    _cipher.cache_clear()
