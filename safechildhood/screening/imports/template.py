"""The results template: an .xlsx with one questionnaire's columns and its answer codes."""

from __future__ import annotations

import io

import openpyxl
from django.utils.translation import gettext
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from safechildhood.screening.scoring import (
    Instrument,
)


def results_template_xlsx(*, instrument: Instrument, language: str) -> bytes:
    """An .xlsx whose first sheet has the columns for ``instrument`` (code, iin, instrument and
    one column per question), and a second sheet listing each question with its answer codes,
    in ``language``."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = gettext("Results")[:31]
    sheet.append(["code", "iin", "instrument", *instrument.item_ids])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in range(1, len(instrument.items) + 4):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = 12 if column > 3 else 14
        sheet.column_dimensions[letter].number_format = "@"  # codes as typed: 0 stays "0"
    sheet.freeze_panes = "D2"
    codes = book.create_sheet(gettext("Answer codes")[:31])
    codes.append([gettext("Column"), gettext("Question"), gettext("Answer codes")])
    for cell in codes[1]:
        cell.font = Font(bold=True)
    for item in instrument.items:
        if item.option_set is not None:
            answers = "; ".join(f"{o.code} = {instrument.localized(o.label, language)}"
                                if o.label else o.code for o in item.option_set.options)
        else:
            answers = gettext("a whole number from %(min)s to %(max)s") % {
                "min": item.number_min, "max": item.number_max}
        text = instrument.localized(item.text, language) if item.text else item.topic
        codes.append([item.id, text, answers])
    codes.column_dimensions["A"].width = 16
    codes.column_dimensions["B"].width = 80
    codes.column_dimensions["C"].width = 60
    notes = book.create_sheet(gettext("How to fill in")[:31])
    for line in template_instructions(instrument.code):
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_instructions(instrument_code: str) -> list[str]:
    return [
        gettext("One row per pupil's questionnaire; the first row names the columns. Keep the "
                "column names as they are."),
        gettext("code: the pupil's code from the class sheet (or leave it empty and write the "
                "pupil's IIN in the iin column)."),
        gettext("instrument: %(code)s. Rows of other questionnaires of the campaign may be in "
                "the same file, with their own question columns.") % {"code": instrument_code},
        gettext("One column per question: write the answer code from the sheet “Answer "
                "codes”. Leave the cell empty when the pupil did not answer: nothing is "
                "guessed, and an unanswered critical question is flagged for follow-up."),
        gettext("If any row has a problem, nothing is imported: you get the list of rows to "
                "fix. Crisis alerts for critical answers are raised when the file is "
                "imported."),
    ]
