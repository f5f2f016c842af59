"""An official report as an Excel workbook: a sheet for the title section, one for the
official figures, one per indicator table; each with a header row, frozen panes and column
widths. Numbers are numbers; a hidden count is the text "<5"; nothing to show is an empty cell.

Every text goes through ``spreadsheets.safe_cell``: no cell can carry a formula, whatever a
district's or a document's name holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import openpyxl
from django.utils.translation import gettext
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from safechildhood.statistics.reports.content import (
    Cell,
    ReportContent,
    area_heading,
    figure_headings,
    figure_rows,
    measure_label,
    table_rows,
)
from safechildhood.statistics.spreadsheets import _save, safe_cell

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\']")
AREA_WIDTH, VALUE_WIDTH = 32, 16


def report_xlsx(content: ReportContent) -> bytes:
    book = openpyxl.Workbook()
    names: set[str] = set()
    title_sheet = book.active
    title_sheet.title = _sheet_name(content.title, names)
    _title_section(title_sheet, content)
    figures = book.create_sheet(_sheet_name(gettext("Official figures"), names))
    _grid(figures, [area_heading_for_figures(), *figure_headings(content)],
          figure_rows(content))
    for table in content.tables:
        sheet = book.create_sheet(_sheet_name(str(table.title), names))
        _grid(sheet, [area_heading(table), *[measure_label(m) for m in table.measures]],
              table_rows(table))
    return _save(book)


def area_heading_for_figures() -> str:
    return gettext("District or city")


def _append(sheet: Worksheet, values: Iterable[Any]) -> None:
    sheet.append([safe_cell(v) for v in values])


def _title_section(sheet: Worksheet, content: ReportContent) -> None:
    _append(sheet, [gettext("Safe Childhood regional programme")])
    _append(sheet, [f"{content.title}: {content.period_label}"])
    sheet["A2"].font = Font(bold=True, size=14)
    _append(sheet, [])
    for label, value in content.facts:
        _append(sheet, [label, value])
    _append(sheet, [])
    _append(sheet, [gettext("Contents")])
    _append(sheet, [gettext("Official figures")])
    for table in content.tables:
        _append(sheet, [str(table.title)])
    _append(sheet, [])
    for note in content.notes:
        _append(sheet, [note])
    if content.figure_sources:
        _append(sheet, [])
        _append(sheet, [gettext("Sources of the official figures")])
        for source in content.figure_sources:
            _append(sheet, [source])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60


def _grid(sheet: Worksheet, header: Sequence[str], rows: Sequence[tuple[str, list[Cell]]]
          ) -> None:
    _append(sheet, header)
    for heading in sheet[1]:
        heading.font = BOLD
        heading.alignment = WRAP
    for name, cells in rows:
        _append(sheet, [name, *cells])
    for heading in sheet[sheet.max_row]:  # the total
        heading.font = BOLD
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = AREA_WIDTH
    for index in range(2, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = VALUE_WIDTH
    sheet.row_dimensions[1].height = 15 * min(6, 1 + max(len(h) for h in header) // 14)


def _sheet_name(title: str, taken: set[str]) -> str:
    """A sheet's name from a title: no characters Excel refuses, 31 characters at most, not
    starting with a formula character, and unique in the book."""
    base = NOT_IN_SHEET_NAMES.sub(" ", title).strip().lstrip("=+-@") or "Sheet"
    name = base[:31]
    number = 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name = base[:31 - len(suffix)] + suffix
        number += 1
    taken.add(name.lower())
    return name
