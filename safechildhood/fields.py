"""Encrypted narrative fields (case notes, disclosures, trust messages, consent notes).

Values are encrypted with ``MultiFernet`` over ``settings.FIELD_ENCRYPTION_KEYS`` (newest first):
new values use the first key, old values stay readable while their key is listed, and
``manage.py rotate_encryption_keys`` re-encrypts every stored value with the first key.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a key that is not Fernet.") from exc


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return PREFIX + cipher().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ImproperlyConfigured("An encrypted column holds a value that is not encrypted.")
    try:
        return cipher().decrypt(stored[len(PREFIX):].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted value cannot be read with FIELD_ENCRYPTION_KEYS: is an old key missing?"
        ) from exc


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; Python code sees plain text. Not searchable by design."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
