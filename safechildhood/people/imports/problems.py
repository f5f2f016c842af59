"""Problems found in a roster: stored as codes with parameters, translated when shown."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from safechildhood.people.imports.columns import COLUMN_LABELS

MESSAGES: dict[str, Any] = {
    # the file as a whole
    "file_empty": _("The file is empty."),
    "file_too_large": _("The file is larger than %(limit)s. Upload one school's roster at a "
                        "time."),
    "file_format": _("This is not an Excel (.xlsx) or CSV file. Save the roster as .xlsx or .csv "
                     "and upload it again."),
    "xls_old": _("The old Excel format (.xls) cannot be read. In Excel choose “Save as” → "
                 "“Excel workbook (.xlsx)” and upload that file."),
    "xlsx_broken": _("The Excel file is damaged and cannot be read. Open it in Excel, save it "
                     "again and upload it."),
    "encoding": _("The text of the file cannot be read. In Excel choose “Save as” → “CSV UTF-8” "
                  "(or save the roster as .xlsx) and upload it again."),
    "csv_broken": _("The CSV file cannot be read at row %(row)s. Check the quotation marks "
                    "there, or save the roster as .xlsx."),
    "no_header": _("No column names were recognised in the first rows. The first row must name "
                   "the columns as in the template. If the names look garbled, save the file "
                   "as “CSV UTF-8” or .xlsx."),
    "missing_columns": _("Required columns are missing: %(columns)s."),
    "duplicate_column": _("The column “%(column)s” appears more than once."),
    "no_rows": _("The file names the columns but has no pupils under them."),
    "too_many_rows": _("The file has more than %(max)s rows. Upload one school's roster at a "
                       "time."),
    "too_many_errors": _("Checking stopped after %(shown)s problems. Fix these and upload the "
                         "file again."),
    "changed_meanwhile": _("The school's pupil records changed while the file was being "
                           "checked. Nothing was changed; upload the file again."),
    "apply_failed": _("The roster could not be saved, so nothing was changed. Upload the file "
                      "again; if this happens again, tell the administrator the import number "
                      "%(import_id)s."),
    # one row
    "required": _("This cell must be filled in."),
    "name_invalid": _("Use letters only (hyphens, apostrophes and spaces are allowed)."),
    "name_too_long": _("Too long: at most %(max)s characters."),
    "full_name_parts": _("Write the last name and the first name (and the patronymic) separated "
                         "by spaces."),
    "date_format": _("The date “%(value)s” is not recognised. Write it as 14.03.2011."),
    "date_range": _("The date of birth %(value)s does not fit a pupil (aged %(min_age)s to "
                    "%(max_age)s)."),
    "sex_unknown": _("“%(value)s” is not recognised as the sex. Write М or Ж (Ер or Әйел, M or "
                     "F)."),
    "grade_format": _("The grade “%(value)s” is not recognised. Write a number from 0 to 12, "
                      "with or without the letter: 7 or 7А."),
    "grade_range": _("The grade must be from 0 to 12."),
    "letter_format": _("The class letter “%(value)s” is not recognised: at most three letters."),
    "letter_conflict": _("The grade cell gives the letter %(grade_letter)s but the class letter "
                         "column gives %(letter)s."),
    "iin_format": _("The IIN must have 12 digits."),
    "iin_checksum": _("The IIN's check digit is wrong: look for a mistyped digit."),
    "iin_century": _("The 7th digit of the IIN must be from 1 to 6."),
    "iin_date": _("The first six digits of the IIN are not a date."),
    "iin_birth_mismatch": _("The IIN does not match the date of birth."),
    "iin_sex_mismatch": _("The IIN does not match the sex."),
    "iin_other_school": _("This IIN belongs to a pupil enrolled at another school. The pupil "
                          "has to be transferred to your school first: ask the previous school "
                          "to make the transfer."),
    "iin_differs": _("A pupil of your school with this name and date of birth has a different "
                     "IIN. Check the IIN; if the school's record is wrong, correct it on the "
                     "pupil's page first."),
    "ambiguous_match": _("Several pupils of your school have this name and date of birth. Add "
                         "the IIN so that the right one is updated, or resolve the possible "
                         "duplicates first."),
    "duplicate_iin": _("The same IIN as in row %(other_row)s."),
    "duplicate_person": _("The same name and date of birth as in row %(other_row)s."),
    "same_pupil": _("This row and row %(other_row)s are the same pupil of your school."),
}
UNKNOWN_PROBLEM = _("This row could not be read.")


class FileError(Exception):
    """The file as a whole cannot be used. ``code`` and ``params`` name the reason."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params

    def as_dict(self) -> dict[str, Any]:
        return {"row": None, "column": None, "code": self.code, "params": self.params}


def problem(row: int | None, column: str | None, code: str, **params: Any) -> dict[str, Any]:
    return {"row": row, "column": column, "code": code, "params": params}


def column_label(column: str | None) -> str:
    return str(COLUMN_LABELS.get(column, column or ""))


def problem_message(error: dict[str, Any]) -> str:
    """One stored problem in the active language."""
    template = MESSAGES.get(error.get("code", ""), UNKNOWN_PROBLEM)
    params = dict(error.get("params") or {})
    if "columns" in params:
        params["columns"] = ", ".join(column_label(c) for c in params["columns"])
    if "column" in params:
        params["column"] = column_label(params["column"])
    if "limit" in params:
        params["limit"] = filesizeformat(params["limit"])
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def problems_for_display(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored problems as the error table shows them: row, column label, message."""
    return [
        {"row": e.get("row"), "column": column_label(e.get("column")) if e.get("column") else "",
         "code": e.get("code"), "message": problem_message(e)}
        for e in errors
    ]
