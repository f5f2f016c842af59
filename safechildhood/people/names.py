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
