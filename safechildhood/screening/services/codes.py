"""One-time access codes for pupils: short, unambiguous when read aloud or copied from paper,
stored only as a keyed hash (to find the assignment) and encrypted (to print the class sheet)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

# No 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B: what a child could misread on a printed sheet.
ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
LENGTH = 8


def code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_normalise(typed: str) -> str:
    """Accept what a pupil types: lower case, spaces and dashes are forgiven."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def code_display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def code_hash(code: str) -> str:
    key = hashlib.sha256(("assignment-code:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, code_normalise(code).encode(), hashlib.sha256).hexdigest()


def code_tag(hashed: str) -> str:
    """A short keyed tag of an assignment's code hash, carried in the pupil's ticket cookie so
    that issuing a new code voids the tickets of the old one (the hash itself stays inside)."""
    return salted_hmac("assignment-code-tag", hashed).hexdigest()[:16]


def code_looks_valid(code: str) -> bool:
    code = code_normalise(code)
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)
