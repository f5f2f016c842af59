"""Spreadsheets statistics writes: the template of official figures and the list of figures.

No cell of a file written here can carry a formula: text starting with = + - @ (or a tab or a
carriage return, which some programs skip before reading a formula) is written with a leading
apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import openpyxl
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from openpyxl.styles import Font

from safechildhood.geography.models import District, Region
from safechildhood.statistics.imports import COLUMN_LABELS, INDICATORS, TOTAL_WORD, period_label
from safechildhood.statistics.models import CrimeFigure, Indicator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEMPLATE_COLUMNS = ("year", "quarter", "month", "district", *INDICATORS)


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula starts with an apostrophe instead."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _append(sheet, values: Iterable[Any]) -> None:
    sheet.append([safe_cell(v) for v in values])


def _save(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def figures_template_xlsx(*, region: Region) -> bytes:
    """An .xlsx whose first sheet names the columns in the active language, with a row for each
    district of ``region`` and one for the region as a whole, and a second sheet saying how to
    fill it in. Column names in any of the three languages are read back."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = gettext("Figures")[:31]
    _append(sheet, [capfirst(str(COLUMN_LABELS[c])) for c in TEMPLATE_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for district in District.objects.filter(region=region).order_by("kind", "name_ru"):
        _append(sheet, ["", "", "", district.name])
    _append(sheet, ["", "", "", str(TOTAL_WORD)])
    for letter, width in zip("ABCDEFGH", (8, 9, 8, 28, 22, 22, 18, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "E2"
    notes = book.create_sheet(gettext("How to fill in")[:31])
    for line in template_instructions():
        _append(notes, [line])
    notes.column_dimensions["A"].width = 110
    return _save(book)


def template_instructions() -> list[str]:
    return [
        gettext("One row per period and district; the first row names the columns. Column "
                "names may be in Kazakh, Russian or English."),
        gettext("Year: the year of the figures. Quarter (1 to 4) or month (1 to 12): fill in "
                "one of them for a quarter's or a month's figures, leave both empty for a "
                "whole year."),
        gettext("District or city: as in the template. The row “%(total)s” holds the figures "
                "of the region as a whole.") % {"total": TOTAL_WORD},
        gettext("Indicators: whole numbers, 0 or more. Leave a cell empty when the document "
                "gives no figure."),
        gettext("Before anything is saved you see what will be added and what will change. A "
                "figure already imported for the same period and district is replaced, and the "
                "change is recorded."),
        gettext("If any row has a problem, nothing is imported: you get the list of rows to "
                "fix."),
    ]


def figures_xlsx(figures: Iterable[CrimeFigure]) -> bytes:
    """The listed figures with their sources, in the active language."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = gettext("Official figures")[:31]
    _append(sheet, [gettext("Period"), gettext("District or city"), gettext("Indicator"),
                    gettext("Value"), gettext("Document"), gettext("Document number"),
                    gettext("Document date"), gettext("Imported by"), gettext("Imported")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    labels = dict(Indicator.choices)
    for f in figures:
        _append(sheet, [
            period_label(f.period_kind, f.period_number, f.year),
            f.district.name if f.district_id else str(TOTAL_WORD),
            capfirst(str(labels.get(f.indicator, f.indicator))), f.value, f.source.document_name,
            f.source.document_number, f.source.document_date.strftime("%d.%m.%Y"),
            f.source.uploaded_by.get_username(),
            timezone.localtime(f.source.committed_at).strftime("%d.%m.%Y %H:%M")
            if f.source.committed_at else "",
        ])
    return _save(book)
