"""Results import: a school's paper questionnaires for one open campaign, from one Excel (.xlsx)
or CSV file, all or nothing.

The file has a header row, then one row per questionnaire: ``code`` (the pupil's one-time code
from the class sheet) or ``iin`` says who, ``instrument`` says which questionnaire, and one
column per item id holds the answer code (blank: not answered). Files are read with the roster
import's reader (Excel, CSV in UTF-8, Windows-1251, KZ-1048 or UTF-16, any delimiter), twice,
streaming:

1. the check looks at every row: who it is, that the pupil is in this campaign at this school,
   that the questionnaire is assigned and not yet submitted, no row twice, every answer code;
   it stores its progress as it goes;
2. only if no row has a problem, the apply reads the file again and, in one transaction, checks
   each batch again and writes it with the same ``scored_fields`` and ``_follow_up`` as a paper
   form typed in one at a time, so scores, triage proposals and crisis alerts cannot differ.
   Anything that changed in between (a pupil finished online meanwhile) rejects the whole file.

Problems are stored as codes with parameters and translated when shown. Nothing personal (codes,
IINs, names) goes into the problems, the audit log or the logs.

Modules, in reading order: ``problems`` (codes and their messages), ``table`` (the file, its
header and rows), ``check`` (rows against the campaign), ``apply`` (writing checked rows),
``service`` (upload, the background job, reads), ``template`` (the .xlsx to fill in).
"""

from safechildhood.screening.imports.apply import responses_bulk_submit
from safechildhood.screening.imports.check import ChangedMeanwhile, Checked, results_check
from safechildhood.screening.imports.problems import problem_message, problems_for_display
from safechildhood.screening.imports.service import (
    results_import_get,
    results_import_list,
    results_import_process,
    results_import_start,
)
from safechildhood.screening.imports.template import results_template_xlsx, template_instructions

__all__ = [
    "ChangedMeanwhile",
    "Checked",
    "problem_message",
    "problems_for_display",
    "responses_bulk_submit",
    "results_check",
    "results_import_get",
    "results_import_list",
    "results_import_process",
    "results_import_start",
    "results_template_xlsx",
    "template_instructions",
]
