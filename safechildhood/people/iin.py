"""Kazakhstan's individual identification number (IIN / ЖСН / ИИН).

Structure (Law of the Republic of Kazakhstan "On national registers of identification numbers",
and the Government's rules for forming the IIN): digits 1–6 are the birth date YYMMDD; digit 7
gives the century and sex (1/2: 1800s male/female, 3/4: 1900s, 5/6: 2000s); digits 8–11 are a
serial number; digit 12 is a check digit: the sum of the first eleven digits weighted 1..11,
modulo 11; if that is 10, weights 3..11,1,2 are used instead; if it is 10 again the number is
never issued.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WEIGHTS_1 = tuple(range(1, 12))
WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


class IINError(ValueError):
    """Why an IIN is invalid; ``code`` names the reason for a translated message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class IIN:
    value: str
    birth_date: dt.date
    sex: str  # "M" or "F"


def check_digit(first_eleven: str) -> int | None:
    """The check digit for 11 digits, or None if no valid IIN can start with them."""
    digits = [int(c) for c in first_eleven]
    total = sum(d * w for d, w in zip(digits, WEIGHTS_1, strict=True)) % 11
    if total == 10:
        total = sum(d * w for d, w in zip(digits, WEIGHTS_2, strict=True)) % 11
        if total == 10:
            return None
    return total


def parse_iin(value: str) -> IIN:
    """Validate an IIN and read the birth date and sex it encodes. Raises ``IINError``."""
    value = (value or "").strip()
    if len(value) != 12 or not value.isdigit():
        raise IINError("iin_format")
    if check_digit(value[:11]) != int(value[11]):
        raise IINError("iin_checksum")
    century_digit = int(value[6])
    if century_digit not in _CENTURY:
        raise IINError("iin_century")
    try:
        birth = dt.date(_CENTURY[century_digit] + int(value[0:2]), int(value[2:4]),
                        int(value[4:6]))
    except ValueError:
        raise IINError("iin_date") from None
    return IIN(value=value, birth_date=birth, sex="M" if century_digit % 2 else "F")


def check_iin_matches(value: str, *, birth_date: dt.date | None, sex: str | None) -> IIN:
    """Validate an IIN and that it agrees with the record's birth date and sex."""
    iin = parse_iin(value)
    if birth_date is not None and iin.birth_date != birth_date:
        raise IINError("iin_birth_mismatch")
    if sex and iin.sex != sex:
        raise IINError("iin_sex_mismatch")
    return iin


def make_iin(birth_date: dt.date, sex: str, serial: int) -> str | None:
    """Build a valid IIN (for demo data and tests); None if this serial cannot be issued."""
    century = (birth_date.year // 100) * 100
    base = {1800: 1, 1900: 3, 2000: 5}[century] + (0 if sex == "M" else 1)
    first = f"{birth_date:%y%m%d}{base}{serial % 10000:04d}"
    digit = check_digit(first)
    return None if digit is None else f"{first}{digit}"
