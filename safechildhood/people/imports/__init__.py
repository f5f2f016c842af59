"""Roster import: a school's pupils from an Excel (.xlsx) or CSV file, all or nothing.

The file is read twice, streaming both times. The check pass looks at every row (and stores its
progress every ``PROGRESS_EVERY`` rows, in a short transaction of its own, so the import page can
show it). Only if no row has a problem does the apply pass read the file again and write
everything in one transaction: a failure there rolls back every row, and the import is rejected
with a file-level error. Problems are stored as codes with parameters, never as text, and are
translated when shown, so each reader sees them in their own language. Nothing personal (names,
IINs) goes into the stored problems, the audit log or the logs.

A row is the same pupil as one already on this school's roster when it has that pupil's IIN, or
else the same last name, first name and date of birth (``people.names.match_key``); that pupil is
updated, everyone else is added. Pupils missing from the file are left as they are: removing a
pupil is a decision for a person, not for a spreadsheet.

Modules, in reading order: ``columns`` (what the columns are called), ``problems`` (codes and
their messages), ``cells`` (one cell), ``table`` (the file), ``rows`` (one row), ``roster`` (the
check and apply passes against the school's pupils), ``service`` (upload, the background job,
reads), ``template`` (the .xlsx template).
"""

from safechildhood.people.imports.cells import parse_date, parse_grade, parse_sex
from safechildhood.people.imports.problems import (
    FileError,
    problem_message,
    problems_for_display,
)
from safechildhood.people.imports.service import (
    roster_import_get,
    roster_import_list,
    roster_import_process,
    roster_import_start,
)
from safechildhood.people.imports.table import open_table
from safechildhood.people.imports.template import roster_template_xlsx, template_instructions

__all__ = [
    "FileError",
    "open_table",
    "parse_date",
    "parse_grade",
    "parse_sex",
    "problem_message",
    "problems_for_display",
    "roster_import_get",
    "roster_import_list",
    "roster_import_process",
    "roster_import_start",
    "roster_template_xlsx",
    "template_instructions",
]
