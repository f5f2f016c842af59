"""Reading one cell: dates, sex, grade and letter, IIN and names as schools write them. Pure
functions: no database, no files; each raises ``ValueError`` for what it cannot read."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from openpyxl.utils.datetime import from_excel

from safechildhood.people.models import Pupil, Sex
from safechildhood.people.names import clean_name

NAME_MAX = Pupil._meta.get_field("last_name").max_length
LETTER_MAX = Pupil._meta.get_field("class_letter").max_length


_LATIN_TO_CYRILLIC = str.maketrans("ABCEHKMOPTXaceopx", "АВСЕНКМОРТХасеорх")
_NAME_PUNCTUATION = frozenset(" -'’ʼ`.")
_SPACES = re.compile(r"\s+")


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing ".0", NFC, single spaces, trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y")
    text = unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


_DMY = re.compile(r"(\d{1,2})\s?[./\-]\s?(\d{1,2})\s?[./\-]\s?(\d{4})")
_YMD = re.compile(r"(\d{4})[./\-](\d{1,2})[./\-](\d{1,2})")
_TIME = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_YEAR_SUFFIX = re.compile(r"\s*(?:г|ж|жыл)\.?$", re.IGNORECASE)


def parse_date(value: Any) -> dt.date:
    """A date of birth as schools write it: 14.03.2011, 14/03/2011, 2011-03-14, an Excel date
    cell or an Excel serial day number. Raises ``ValueError``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError("not a date")
    if isinstance(value, int | float):
        return _excel_day(value)
    text = _YEAR_SUFFIX.sub("", cell_text(value))
    if text.isdigit() and len(text) == 5:  # a serial day number: 10000 is 1927, 99999 is 2173
        return _excel_day(int(text))
    for pattern, order in ((_DMY, (2, 1, 0)), (_YMD, (0, 1, 2))):
        found = re.fullmatch(pattern.pattern + _TIME.pattern, text)
        if found:
            parts = [int(found.group(i + 1)) for i in range(3)]
            return dt.date(parts[order[0]], parts[order[1]], parts[order[2]])
    raise ValueError("not a date")


def _excel_day(serial: float) -> dt.date:
    if not 1 <= serial < 2_958_466:  # Excel's calendar ends on 31.12.9999
        raise ValueError("not an Excel date")
    return from_excel(int(serial)).date()


_SEX_WORDS = {
    Sex.MALE: ("м", "m", "муж", "мужской", "мужчина", "мальчик", "ер", "е", "ер бала", "ұл",
               "ул", "ұл бала", "male", "man", "boy"),
    Sex.FEMALE: ("ж", "f", "жен", "женский", "женщина", "девочка", "әйел", "ә", "әйел бала",
                 "қыз", "кыз", "қыз бала", "female", "woman", "girl"),
}
_SEX = {word: sex.value for sex, words in _SEX_WORDS.items() for word in words}


def parse_sex(value: Any) -> str:
    """"M" or "F" from the ways the three languages write it (М/Ж, Ер/Әйел, Ұл/Қыз, M/F,
    male/female...). Raises ``ValueError``."""
    text = cell_text(value).casefold().replace(".", " ")
    text = _SPACES.sub(" ", text).strip()
    try:
        return _SEX[text]
    except KeyError:
        raise ValueError("not a sex") from None


_GRADE_WORDS = re.compile(r"(сынып|класс|кл|сын|grade|class|form)\.?", re.IGNORECASE)
_GRADE = re.compile(r"(\d{1,2})([^\W\d_]{0,3})")
_LETTER_NOISE = re.compile(r"[\s\"'«»“”„()\-–.]")


def normalise_letter(value: Any) -> str:
    """A class letter as stored: upper case, Latin look-alikes read as Cyrillic (7A typed on an
    English keyboard is the same class as 7А). Raises ``ValueError``."""
    text = _LETTER_NOISE.sub("", cell_text(value)).upper().translate(_LATIN_TO_CYRILLIC)
    if len(text) > LETTER_MAX or not all(ch.isalpha() for ch in text):
        raise ValueError("not a class letter")
    return text


def parse_grade(value: Any) -> tuple[int, str]:
    """The grade and, if written with it, the class letter: 7, "7", "7А", "7 «А» класс".
    Raises ``ValueError`` when unreadable; the range (0–12) is checked by the caller."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer():
            return int(value), ""
        raise ValueError("not a grade")
    text = _GRADE_WORDS.sub("", cell_text(value)).strip()
    if re.fullmatch(r"\d{1,2}[.,]0+", text):  # 7.0 from a program that wrote a float
        return int(re.split(r"[.,]", text)[0]), ""
    if re.search(r"\d[.,]\d", text):
        raise ValueError("not a grade")
    text = _LETTER_NOISE.sub("", text)
    found = _GRADE.fullmatch(text)
    if not found:
        raise ValueError("not a grade")
    return int(found.group(1)), normalise_letter(found.group(2))


def clean_iin(value: Any) -> str:
    """The IIN as digits. Excel drops the leading zero of IINs of children born in 2000–2009
    when the column is numeric; an 11-digit number gets it back (the check digit then decides)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[\s\-]", "", cell_text(value)).lstrip("'")
    if len(text) == 11 and text.isdigit():
        text = "0" + text
    return text


def clean_person_name(value: Any) -> str:
    """A name as stored. Names typed in capitals (ӘБДІРОВ) are written as names (Әбдіров)."""
    text = clean_name(cell_text(value))
    if len(text) > 1 and text.isupper():
        text = text.title()
    return text


def name_is_valid(text: str) -> bool:
    return all(unicodedata.category(ch)[0] in "LM" or ch in _NAME_PUNCTUATION for ch in text)
