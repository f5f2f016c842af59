"""The roster template: an .xlsx with the header row in the reader's language and an example."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.utils.translation import gettext
from openpyxl.styles import Font

from safechildhood.people.imports.columns import (
    EXAMPLE_BIRTH,
    EXAMPLE_IIN,
    EXAMPLE_NAMES,
    FIELDS,
    TEMPLATE_HEADERS,
)


def example_row(language: str) -> list[Any]:
    """The example pupil in the template: an invented child with a valid IIN. Left in the file,
    the row is skipped on import."""
    names = EXAMPLE_NAMES[language]
    return [names[0], names[1], names[2], EXAMPLE_BIRTH.strftime("%d.%m.%Y"), names[3], "7",
            "А", EXAMPLE_IIN]


def roster_template_xlsx(language: str) -> bytes:
    """An .xlsx with the header row in ``language`` and one example row, and a second sheet of
    instructions in the active language."""
    language = language if language in TEMPLATE_HEADERS else "ru"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = gettext("Pupils")[:31]
    headers = TEMPLATE_HEADERS[language]
    sheet.append([headers[name] for name in FIELDS])
    sheet.append(example_row(language))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = {"A": 18, "B": 16, "C": 18, "D": 14, "E": 9, "F": 8, "G": 12, "H": 15}
    for column, width in widths.items():
        # Text columns: Excel keeps the IIN's leading zero and does not turn 7А into a date.
        sheet.column_dimensions[column].width = width
        sheet.column_dimensions[column].number_format = "@"
        for cell in sheet[column][1:]:
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(gettext("How to fill in")[:31])
    for line in template_instructions():
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_instructions() -> list[str]:
    return [
        gettext("One row per pupil; the first row names the columns. Columns may be in any "
                "order; column names may be in Kazakh, Russian or English."),
        gettext("Required: last name, first name, date of birth, sex, grade. The patronymic, "
                "class letter and IIN may be left empty."),
        gettext("Date of birth: 14.03.2011. Sex: М or Ж (Ер or Әйел, M or F). Grade: a number "
                "from 0 to 12; the letter in its own column or with the grade (7А)."),
        gettext("The IIN is checked: its check digit, and that it matches the date of birth "
                "and the sex."),
        gettext("Pupils already on the school's roster are found by IIN, or by name and date "
                "of birth, and updated; the others are added. Pupils missing from the file are "
                "not removed."),
        gettext("If any row has a problem, nothing is imported: you get the list of rows to "
                "fix. The example row is skipped; you may delete it."),
    ]
