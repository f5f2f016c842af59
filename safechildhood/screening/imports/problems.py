"""Problems found in a results file: stored as codes with parameters, translated when shown.
Answer codes are explained with the very messages of the paper form."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from safechildhood.screening.scoring import (
    AnswerError,
    AnswerProblem,
)
from safechildhood.screening.services.responses import answer_error

COLUMN_LABELS: dict[str, Any] = {
    "code": _("pupil's code"), "iin": _("IIN"), "instrument": _("questionnaire"),
}
ANSWER_PROBLEMS = ("unknown_code", "not_a_number", "out_of_range")

MESSAGES: dict[str, Any] = {
    # the file as a whole
    "file_empty": _("The file is empty."),
    "file_too_large": _("The file is larger than %(limit)s. Split it and upload the parts one "
                        "after another."),
    "file_format": _("This is not an Excel (.xlsx) or CSV file. Save the results as .xlsx or "
                     ".csv and upload the file again."),
    "xls_old": _("The old Excel format (.xls) cannot be read. In Excel choose “Save as” → "
                 "“Excel workbook (.xlsx)” and upload that file."),
    "xlsx_broken": _("The Excel file is damaged and cannot be read. Open it in Excel, save it "
                     "again and upload it."),
    "encoding": _("The text of the file cannot be read. In Excel choose “Save as” → “CSV UTF-8” "
                  "(or save the file as .xlsx) and upload it again."),
    "csv_broken": _("The CSV file cannot be read at row %(row)s. Check the quotation marks "
                    "there, or save the file as .xlsx."),
    "no_header": _("No column names were recognised in the first rows. The first row must name "
                   "the columns as in the template: code (or iin), instrument, then the "
                   "question ids."),
    "missing_columns": _("Required columns are missing: %(columns)s."),
    "duplicate_column": _("The column “%(column)s” appears more than once."),
    "unknown_column": _("“%(header)s” is not a question of this campaign's questionnaires. "
                        "Use the column names of the template."),
    "no_rows": _("The file names the columns but has no answers under them."),
    "too_many_rows": _("The file has more than %(max)s rows. Split it and upload the parts one "
                       "after another."),
    "too_many_errors": _("Checking stopped after %(shown)s problems. Fix these and upload the "
                         "file again."),
    "campaign_closed": _("The campaign is not open: results can no longer be added to it."),
    "changed_meanwhile": _("Some of these questionnaires changed while the file was being "
                           "checked (for example, a pupil finished online). Nothing was saved; "
                           "upload the file again to see which rows."),
    "apply_failed": _("The results could not be saved, so nothing was changed. Upload the file "
                      "again; if this happens again, tell the administrator the import number "
                      "%(import_id)s."),
    # one row
    "required": _("This cell must be filled in."),
    "pupil_required": _("Write the pupil's code from the class sheet, or the IIN."),
    "code_unknown": _("No pupil has this code. Check it against the class sheet."),
    "iin_format": _("The IIN must have 12 digits."),
    "iin_unknown": _("No pupil of your school has this IIN."),
    "code_iin_mismatch": _("The code and the IIN belong to different pupils."),
    "not_in_campaign": _("This pupil is not in this campaign at your school."),
    "not_screened": _("This pupil is not to be screened in this campaign (no consent, or the "
                      "pupil refused)."),
    "instrument_unknown": _("“%(value)s” is not a questionnaire of this campaign. Write one of: "
                            "%(codes)s."),
    "not_assigned": _("This questionnaire is not assigned to this pupil."),
    "item_not_in_instrument": _("This question is not part of %(instrument)s: leave the cell "
                                "empty."),
    "no_answers": _("No answer is filled in. If the pupil did not take this questionnaire, "
                    "delete the row (and mark the pupil absent in the class list)."),
    "duplicate_row": _("The same pupil and questionnaire as in row %(other_row)s."),
    "already_submitted": _("This questionnaire has already been submitted for this pupil."),
}
UNKNOWN_PROBLEM = _("This row could not be read.")


def column_label(column: str | None) -> str:
    return str(COLUMN_LABELS.get(column, column or ""))


def problem_message(error: dict[str, Any]) -> str:
    """One stored problem in the active language. Answer codes are explained with the very
    messages of the paper form."""
    code = error.get("code", "")
    params = dict(error.get("params") or {})
    if code in ANSWER_PROBLEMS:
        found = AnswerProblem(error.get("column") or "", code, str(params.get("answer", "")))
        return str(answer_error(AnswerError([found])).message)
    if "columns" in params:
        params["columns"] = ", ".join(column_label(c) for c in params["columns"])
    if "column" in params:
        params["column"] = column_label(params["column"])
    if "limit" in params:
        params["limit"] = filesizeformat(params["limit"])
    try:
        return str(MESSAGES.get(code, UNKNOWN_PROBLEM)) % params
    except (KeyError, TypeError, ValueError):
        return str(MESSAGES.get(code, UNKNOWN_PROBLEM))


def problems_for_display(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"row": e.get("row"), "column": column_label(e.get("column")),
             "code": e.get("code"), "message": problem_message(e)} for e in errors]
