"""Normalising names for duplicate detection: case-insensitive, Cyrillic ё read as е, spaces and
hyphens collapsed. Kazakh letters (ә ғ қ ң ө ұ ү һ і) are kept as they are: they distinguish
names."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_SPACES = re.compile(r"[\s\-‐–—]+")


def normalise_name(value: str) -> str:
    value = unicodedata.normalize("NFC", value or "").casefold().replace("ё", "е")
    return _SPACES.sub(" ", value).strip()


def clean_name(value: str) -> str:
    """A name as it is stored: NFC, single spaces, no surrounding blanks."""
    value = unicodedata.normalize("NFC", value or "")
    return re.sub(r"\s+", " ", value).strip()


def match_key(last_name: str, first_name: str, birth_date: dt.date) -> str:
    return f"{normalise_name(last_name)}|{normalise_name(first_name)}|{birth_date.isoformat()}"


_LATIN_TO_CYRILLIC = str.maketrans("ABCEHKMOPTXaceopx", "АВСЕНКМОРТХасеорх")
_LETTER_NOISE = re.compile(r"[\s\"'«»“”„()\-–.]")


def normalise_class_letter(value: str) -> str:
    """A class letter as stored: upper case, quotes and spaces dropped, Latin look-alikes read
    as Cyrillic (7A typed on an English keyboard is the same class as 7А). The roster import
    reads letters the same way."""
    return _LETTER_NOISE.sub("", unicodedata.normalize("NFC", value or "")).upper().translate(
        _LATIN_TO_CYRILLIC)
