"""Results import: a school's paper questionnaires for one open campaign, from one Excel (.xlsx)
or CSV file, all or nothing.

The file has a header row, then one row per questionnaire: ``code`` (the pupil's one-time code
from the class sheet) or ``iin`` says who, ``instrument`` says which questionnaire, and one
column per item id holds the answer code (blank: not answered). Files are read with the roster
import's reader (Excel, CSV in UTF-8, Windows-1251, KZ-1048 or UTF-16, any delimiter), once,
streaming:

1. the check looks at every row: who it is, that the pupil is in this campaign at this school,
   that the questionnaire is assigned and not yet submitted, no row twice, every answer code;
   its progress goes where the pages read it as it goes. While no row has a problem, the rows
   that fit are scored with the same ``scored_fields`` and follow-up rules as a paper form
   typed in one at a time (``stage``);
2. the scored rows are written a batch at a time in a few statements (COPY on PostgreSQL), with
   the triage proposals, crisis alerts and completed assignments a paper form would give, so
   these cannot differ, by a second thread on the same connection while the next batch is
   checked. Check and writes share one transaction: a problem in any row, or anything that
   changed meanwhile (a pupil finished online), rolls back the whole file.

Problems are stored as codes with parameters and translated when shown. Nothing personal (codes,
IINs, names) goes into the problems, the audit log or the logs.

Modules, in reading order: ``problems`` (codes and their messages), ``table`` (the file, its
header and rows), ``check`` (rows against the campaign), ``stage`` (scored rows ready to
be written), ``apply`` and ``write`` (writing them), ``service`` (upload, the background job,
reads), ``template`` (the .xlsx to fill in).
"""

from safechildhood.screening.imports.apply import BulkWriter
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
    "BulkWriter",
    "ChangedMeanwhile",
    "Checked",
    "problem_message",
    "problems_for_display",
    "results_check",
    "results_import_get",
    "results_import_list",
    "results_import_process",
    "results_import_start",
    "results_template_xlsx",
    "template_instructions",
]
