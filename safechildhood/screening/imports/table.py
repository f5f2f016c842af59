"""Reading a results file with the roster import's reader: the header (who, which
questionnaire, which questions) and the data rows, streamed."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from safechildhood.people.imports.cells import cell_text, clean_iin
from safechildhood.people.imports.problems import FileError, problem
from safechildhood.people.imports.table import _csv_rows, _xlsx_rows, detect_format
from safechildhood.screening.services.codes import code_normalise

# What the identifying columns may be called. Data, not interface text: every language's
# names are read whatever the uploader's language (as in the roster's columns).
ID_COLUMNS = ("code", "iin", "instrument")
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "code": ("code", "pupil code", "код", "код ученика", "код доступа", "коды", "кіру коды",
             "оқушы коды"),
    "iin": ("iin", "иин", "жсн"),
    "instrument": ("instrument", "questionnaire", "инструмент", "методика", "опросник",
                   "сауалнама", "әдістеме"),
}


@dataclass(frozen=True)
class Layout:
    header_row: int
    ids: dict[str, int]  # "code", "iin", "instrument" -> position
    items: dict[str, int]  # item id -> position


@dataclass
class Row:
    number: int
    code: str
    iin: str
    instrument: str
    answers: dict[str, str]  # item id -> the cell as written; blanks left out


def _key(value: Any) -> str:
    return " ".join(cell_text(value).casefold().replace("ё", "е").split())


_ID_KEYS = {_key(alias): name for name, aliases in HEADER_NAMES.items() for alias in aliases}


def find_layout(rows: Iterator[tuple[int, Sequence[Any]]],
                item_ids: Iterable[str]) -> tuple[Layout, list[dict[str, Any]]]:
    """The header is the first of the first ten non-empty rows naming a known column. Unknown
    column names are problems of the header row; raises ``FileError`` for the file as a
    whole."""
    items = {item_id.casefold(): item_id for item_id in item_ids}
    looked = 0
    for number, values in rows:
        keys = [_key(v) for v in values]
        if not any(keys):
            continue
        if not any(k in _ID_KEYS or k in items for k in keys):
            looked += 1
            if looked >= 10:
                break
            continue
        ids: dict[str, int] = {}
        found: dict[str, int] = {}
        errors = []
        for position, key in enumerate(keys):
            name = _ID_KEYS.get(key) or items.get(key)
            if not key:
                continue
            if name is None:
                errors.append(problem(number, None, "unknown_column",
                                      header=cell_text(values[position])[:60]))
                continue
            target = ids if name in ID_COLUMNS else found
            if name in target:
                raise FileError("duplicate_column", column=name)
            target[name] = position
        missing = [n for n in ("code", "instrument") if n not in ids
                   and not (n == "code" and "iin" in ids)]
        if missing:
            raise FileError("missing_columns", columns=missing)
        return Layout(number, ids, found), errors
    raise FileError("no_header")


def read_table(content: bytes, file_name: str) -> tuple[Iterator[tuple[int, Sequence[Any]]],
                                                     int | None]:
    content = bytes(content)
    if detect_format(content, file_name) == "xlsx":
        return _xlsx_rows(content)
    return _csv_rows(content)


# Codes typed on a Russian or Kazakh keyboard: Cyrillic letters that look like the Latin ones
# of the code alphabet are read as those.
_LOOKALIKES = str.maketrans("АВСЕНКМОРТХУ", "ABCEHKMOPTXY")


def pupil_code(text: str) -> str:
    return code_normalise(text.upper().translate(_LOOKALIKES))


def _cell(values: Sequence[Any], position: int) -> str:
    if position >= len(values):
        return ""
    value = values[position]
    if value.__class__ is str and value.isascii() and value.isalnum():
        return value  # what cell_text would make of it, without its cost
    return cell_text(value)


def data_rows(rows: Iterator[tuple[int, Sequence[Any]]], layout: Layout) -> Iterator[Row]:
    code_at, iin_at = layout.ids.get("code"), layout.ids.get("iin")
    instrument_at = layout.ids["instrument"]
    items = list(layout.items.items())
    for number, values in rows:
        size = len(values)
        answers = {}
        for item_id, position in items:
            if position < size:
                value = values[position]
                # most cells: an answer code as typed (letters and digits), or empty
                if value.__class__ is str:
                    if not value:
                        continue
                    if not (value.isascii() and value.isalnum()):
                        value = cell_text(value)
                else:
                    value = cell_text(value)
                if value:
                    answers[item_id] = value
        row = Row(number=number,
                  code=pupil_code(_cell(values, code_at)) if code_at is not None else "",
                  iin=clean_iin(_cell(values, iin_at)) if iin_at is not None else "",
                  instrument=_cell(values, instrument_at).casefold(),
                  answers=answers)
        if row.code or row.iin or row.instrument or row.answers:
            yield row


def batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
