"""Kazakhstan phone numbers: +7 and ten digits, the national number starting with 7 (mobile
70x/747/75x/77x, landlines 71x/72x). Written as people write them (8 701 ..., +7(701)...,
701...) and stored as "+7 701 234 56 78"."""

from __future__ import annotations

import re

_NOISE = re.compile(r"[\s()\-‐–—.]")


class PhoneError(ValueError):
    pass


def normalise_kz_phone(value: str) -> str:
    """The number in the stored form, or ``PhoneError`` if it is not a Kazakhstan number."""
    raw = _NOISE.sub("", value or "")
    if raw.startswith("+7"):
        digits = raw[2:]
    elif raw[:1] in ("7", "8") and len(raw) == 11:
        digits = raw[1:]
    else:
        digits = raw
    if len(digits) != 10 or not digits.isdigit() or not digits.startswith("7"):
        raise PhoneError(value)
    return f"+7 {digits[0:3]} {digits[3:6]} {digits[6:8]} {digits[8:10]}"
