"""Reply codes of the trust box: twelve characters from the unambiguous alphabet of the pupils'
one-time codes (23^12 ≈ 2·10^16 codes), shown once to the child and stored only as a keyed hash.

Guessing is hopeless by size alone, and the reading page pauses after a few wrong codes from one
address (counted in the cache under a keyed hash of the address, never in the database)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

from safechildhood.screening.services.codes import ALPHABET, code_normalise

LENGTH = 12
GROUP = 4


def reply_code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def reply_code_display(code: str) -> str:
    """``ACDE-FHJK-MNPQ``: easier to copy onto paper and to read back."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def reply_code_looks_valid(typed: str) -> bool:
    code = code_normalise(typed)
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def reply_code_hash(typed: str) -> str:
    key = hashlib.sha256(("trust-reply-code:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, code_normalise(typed).encode(), hashlib.sha256).hexdigest()
