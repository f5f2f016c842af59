"""Checking one row on its own: required cells, formats, the IIN against the date of birth and
sex. No database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from safechildhood.people.iin import IINError, check_iin_matches, parse_iin
from safechildhood.people.imports.cells import (
    NAME_MAX,
    cell_text,
    clean_iin,
    clean_person_name,
    name_is_valid,
    normalise_letter,
    parse_date,
    parse_grade,
    parse_sex,
)
from safechildhood.people.imports.problems import problem
from safechildhood.people.names import match_key

Cell = Callable[[str], Any]  # a row's cell by field name
Add = Callable[..., None]  # records a problem: add(column, code, **params)
MIN_AGE, MAX_AGE = 3, 25  # plausible ages of a pupil, in years, on the day of the import


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One valid row of a roster."""

    row: int
    last_name: str
    first_name: str
    middle_name: str
    birth_date: dt.date
    sex: str
    grade: int
    class_letter: str
    iin: str | None

    @property
    def key(self) -> str:
        return match_key(self.last_name, self.first_name, self.birth_date)


def parse_row(number: int, values: Sequence[Any], columns: dict[str, int], *,
              today: dt.date) -> tuple[RosterRow | None, list[dict[str, Any]]]:
    """Check one row on its own (no database). Returns the row, or ``None`` and its problems."""

    def cell(name: str) -> Any:
        position = columns.get(name)
        if position is None or position >= len(values):
            return None
        return values[position]

    errors: list[dict[str, Any]] = []

    def add(column: str | None, code: str, **params: Any) -> None:
        errors.append(problem(number, column, code, **params))

    names = _read_names(cell, columns, add)
    birth_date = _read_birth_date(cell("birth_date"), add)
    sex = _read_sex(cell("sex"), add)
    grade, letter = _read_class(cell("grade"), cell("class_letter"), add)
    iin = clean_iin(cell("iin")) or None
    if iin is not None:
        try:
            parsed = parse_iin(iin)
            # A blank date of birth or sex is taken from the IIN, which encodes both.
            birth_date = birth_date or (parsed.birth_date if cell_text(cell("birth_date")) == ""
                                        else None)
            sex = sex or (parsed.sex if cell_text(cell("sex")) == "" else None)
            check_iin_matches(iin, birth_date=birth_date, sex=sex)
        except IINError as error:
            add("iin", error.code)
    _require_blank_fields(cell, birth_date, sex, iin, add)
    if birth_date is not None and not _plausible_birth(birth_date, today):
        add("birth_date", "date_range", value=birth_date.strftime("%d.%m.%Y"), min_age=MIN_AGE,
            max_age=MAX_AGE)
    if errors:
        return None, errors
    return RosterRow(row=number, last_name=names[0], first_name=names[1], middle_name=names[2],
                     birth_date=birth_date, sex=sex, grade=grade, class_letter=letter,
                     iin=iin), []


def _read_names(cell: Cell, columns: dict[str, int], add: Add) -> tuple[str, str, str]:
    last, first, middle = (clean_person_name(cell(n)) for n in
                           ("last_name", "first_name", "middle_name"))
    if "full_name" in columns and not (last or first):
        parts = clean_person_name(cell("full_name")).split(" ")
        if len(parts) >= 2:
            last, first = parts[0], parts[1]
            middle = middle or " ".join(parts[2:])
        elif parts[0]:
            add("full_name", "full_name_parts")
            return "", "", ""
        else:
            add("full_name", "required")
            return "", "", ""
    for name, value, required in (("last_name", last, True), ("first_name", first, True),
                                  ("middle_name", middle, False)):
        if not value:
            if required:
                add(name, "required")
        elif len(value) > NAME_MAX:
            add(name, "name_too_long", max=NAME_MAX)
        elif not name_is_valid(value):
            add(name, "name_invalid")
    return last, first, middle


def _short(value: Any) -> str:
    """A short cell quoted back in a message: a date, grade, letter or sex as typed."""
    text = cell_text(value)
    return text if len(text) <= 20 else text[:19] + "…"


def _read_birth_date(value: Any, add: Add) -> dt.date | None:
    if cell_text(value) == "":
        return None  # required unless the IIN gives it: see _require_blank_fields
    try:
        return parse_date(value)
    except ValueError:
        add("birth_date", "date_format", value=_short(value))
        return None


def _read_sex(value: Any, add: Add) -> str | None:
    if cell_text(value) == "":
        return None
    try:
        return parse_sex(value)
    except ValueError:
        add("sex", "sex_unknown", value=_short(value))
        return None


def _read_class(grade_value: Any, letter_value: Any, add: Add) -> tuple[int, str]:
    grade, grade_letter, letter = 0, "", ""
    if cell_text(grade_value) == "":
        add("grade", "required")
    else:
        try:
            grade, grade_letter = parse_grade(grade_value)
        except ValueError:
            add("grade", "grade_format", value=_short(grade_value))
        else:
            if not 0 <= grade <= 12:
                add("grade", "grade_range")
    if cell_text(letter_value):
        try:
            letter = normalise_letter(letter_value)
        except ValueError:
            add("class_letter", "letter_format", value=_short(letter_value))
    if grade_letter and letter and grade_letter != letter:
        add("class_letter", "letter_conflict", grade_letter=grade_letter, letter=letter)
    return grade, letter or grade_letter


def _require_blank_fields(cell: Cell, birth_date: dt.date | None, sex: str | None,
                          iin: str | None, add: Add) -> None:
    """A blank date of birth or sex is a problem only if the IIN could not fill it in."""
    if cell_text(cell("birth_date")) == "" and birth_date is None and iin is None:
        add("birth_date", "required")
    if cell_text(cell("sex")) == "" and sex is None and iin is None:
        add("sex", "required")


def _plausible_birth(birth_date: dt.date, today: dt.date) -> bool:
    youngest = _years_before(today, MIN_AGE)
    oldest = _years_before(today, MAX_AGE + 1)
    return oldest < birth_date <= youngest


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
