"""Reading a file of official figures: one row per period and district (or the region as a
whole), one column per indicator. Pure reading and checking; nothing is written here.

The columns may be named in Kazakh, Russian or English whatever the uploader's language, as in
the roster import. Every problem is a code with parameters, translated when shown; a file with
any problem is not imported at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from safechildhood.geography.models import District, Region
from safechildhood.people.imports.cells import cell_text
from safechildhood.people.imports.problems import FileError, problem
from safechildhood.people.imports.table import _csv_rows, _xlsx_rows, detect_format
from safechildhood.periods import PeriodKind
from safechildhood.statistics.models import Indicator

MAX_ROWS = 5000
MAX_ERRORS = 200
INDICATORS = [choice.value for choice in Indicator]
PERIOD_COLUMNS = ("year", "quarter", "month")
REQUIRED = ("year", "district")

COLUMN_LABELS: dict[str, Any] = {
    "year": _("Year"),
    "quarter": _("Quarter"),
    "month": _("Month"),
    "district": _("District or city"),
    **{choice.value: choice.label for choice in Indicator},
}

# What the columns may be called, beside their labels in the three languages. Data, not
# interface text: every language's names are read whatever the uploader's language.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "year": ("year", "год", "жыл", "жылы"),
    "quarter": ("quarter", "квартал", "тоқсан", "кв"),
    "month": ("month", "месяц", "ай"),
    "district": ("district", "district or city", "район", "район город", "город район",
                 "аудан", "аудан қала", "қала аудан", "ауданы", "район области"),
    "crimes_by_minors": (
        "crimes committed by minors", "crimes by minors",
        "преступления совершенные несовершеннолетними",
        "преступления несовершеннолетних", "преступность несовершеннолетних",
        "кәмелетке толмағандар жасаған қылмыстар",
        "кәмелетке толмағандардың қылмыстары"),
    "crimes_against_minors": (
        "crimes against minors", "преступления против несовершеннолетних",
        "преступления в отношении несовершеннолетних",
        "кәмелетке толмағандарға қатысты қылмыстар",
        "кәмелетке толмағандарға қарсы қылмыстар"),
    "suicides": (
        "suicides of minors", "suicides", "суициды несовершеннолетних",
        "самоубийства несовершеннолетних", "суициды",
        "кәмелетке толмағандардың суицидтері", "суицидтер",
        "кәмелетке толмағандардың өз өзіне қол жұмсауы"),
    "suicide_attempts": (
        "suicide attempts of minors", "suicide attempts",
        "попытки суицида несовершеннолетних", "суицидальные попытки несовершеннолетних",
        "попытки суицида", "суицидальные попытки",
        "кәмелетке толмағандардың суицидке әрекеттері",
        "кәмелетке толмағандардың суицидтік әрекеттері", "суицидке әрекеттер",
        "суицидтік әрекеттер"),
}

# How the row of the region as a whole may be named in the district column (beside the region's
# own names).
REGION_TOTAL_NAMES = ("total", "region", "region total", "whole region", "итого", "всего",
                      "по области", "итого по области", "всего по области", "область",
                      "барлығы", "жиыны", "облыс", "облыс бойынша", "облыс бойынша барлығы")

MESSAGES: dict[str, Any] = {
    # the file as a whole
    "file_empty": _("The file is empty."),
    "file_too_large": _("The file is larger than %(limit)s."),
    "file_format": _("This is not an Excel (.xlsx) or CSV file. Save the figures as .xlsx and "
                     "upload the file again."),
    "xls_old": _("The old Excel format (.xls) cannot be read. In Excel choose “Save as” → "
                 "“Excel workbook (.xlsx)” and upload that file."),
    "xlsx_broken": _("The Excel file is damaged and cannot be read. Open it in Excel, save it "
                     "again and upload it."),
    "encoding": _("The text of the file cannot be read. Save the figures as .xlsx and upload "
                  "the file again."),
    "csv_broken": _("The CSV file cannot be read at row %(row)s. Save the figures as .xlsx."),
    "no_header": _("No column names were recognised in the first rows. The first row must name "
                   "the columns as in the template: year, quarter, month, district, then the "
                   "indicators."),
    "missing_columns": _("Required columns are missing: %(columns)s."),
    "no_indicator_columns": _("No indicator column was recognised. Name the columns as in the "
                              "template."),
    "duplicate_column": _("The column “%(column)s” appears more than once."),
    "unknown_column": _("“%(header)s” is not a column of the template. Use the column names of "
                        "the template, or delete the column."),
    "no_rows": _("The file names the columns but has no figures under them."),
    "too_many_rows": _("The file has more than %(max)s rows."),
    "too_many_errors": _("Checking stopped after %(shown)s problems. Fix these and upload the "
                         "file again."),
    # one row
    "required": _("This cell must be filled in."),
    "year_invalid": _("“%(value)s” is not a year from %(min)s to %(max)s."),
    "quarter_invalid": _("“%(value)s” is not a quarter: write 1, 2, 3 or 4, or leave the cell "
                         "empty."),
    "month_invalid": _("“%(value)s” is not a month: write a number from 1 to 12, or leave the "
                       "cell empty."),
    "quarter_and_month": _("Fill in the quarter or the month, not both. Leave both empty for a "
                           "whole year."),
    "district_unknown": _("“%(value)s” is not a district or city of %(region)s. Write the name "
                          "as in the template, or “%(total)s” for the region as a whole."),
    "not_a_count": _("“%(value)s” is not a count: write a whole number, 0 or more, or leave the "
                     "cell empty."),
    "no_values": _("No figure is filled in. Delete the row, or fill in the figures."),
    "duplicate_row": _("The same period and district as in row %(other_row)s."),
}
UNKNOWN_PROBLEM = _("This row could not be read.")
TOTAL_WORD = _("Total for the region")


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
    if "total" in params or error.get("code") == "district_unknown":
        params["total"] = str(TOTAL_WORD)
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def problems_for_display(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"row": e.get("row"), "column": column_label(e.get("column")),
             "message": problem_message(e)} for e in errors]


# --- the header ---------------------------------------------------------------------------------


def header_key(value: Any) -> str:
    """A column or district name reduced for comparison: case, ё, brackets and punctuation
    dropped."""
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", cell_text(value)).casefold().replace("ё", "е")
    text = re.sub(r"[^\w]+", " ", text).replace("_", " ")
    return " ".join(text.split())


def _header_keys() -> dict[str, str]:
    keys = {header_key(alias): name for name, aliases in HEADER_ALIASES.items()
            for alias in aliases}
    keys |= {header_key(name): name for name in COLUMN_LABELS}  # the codes themselves
    for language in ("kk", "ru", "en"):  # the template's headers in every language
        with translation.override(language):
            keys |= {header_key(str(label)): name for name, label in COLUMN_LABELS.items()}
    return keys


@dataclass(frozen=True)
class Layout:
    header_row: int
    columns: dict[str, int]  # column name -> position


def find_layout(rows: Iterator[tuple[int, Sequence[Any]]]) -> tuple[Layout, list[dict]]:
    """The header is the first of the first ten non-empty rows naming at least two known
    columns (a title line above it is skipped). Unknown column names are problems of the
    header row; raises ``FileError`` for the file as a whole."""
    keys = _header_keys()
    looked = 0
    for number, values in rows:
        if not any(cell_text(v) for v in values):
            continue
        found = [keys.get(header_key(v)) for v in values]
        if sum(1 for name in found if name) < 2:
            looked += 1
            if looked >= 10:
                break
            continue
        columns: dict[str, int] = {}
        errors = []
        for position, (value, name) in enumerate(zip(values, found, strict=True)):
            if name is None:
                if cell_text(value):
                    errors.append(problem(number, None, "unknown_column",
                                          header=cell_text(value)[:60]))
                continue
            if name in columns:
                raise FileError("duplicate_column", column=name)
            columns[name] = position
        missing = [name for name in REQUIRED if name not in columns]
        if missing:
            raise FileError("missing_columns", columns=missing)
        if not any(name in columns for name in INDICATORS):
            raise FileError("no_indicator_columns")
        return Layout(number, columns), errors
    raise FileError("no_header")


# --- one cell -----------------------------------------------------------------------------------


def parse_count(value: Any) -> int:
    """A non-negative whole number as spreadsheets hold it: 12, 12.0, "12", "1 234". Raises
    ``ValueError``."""
    if isinstance(value, bool):
        raise ValueError("not a count")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError("not a whole number")
        number = int(value)
    else:
        text = cell_text(value).replace(" ", "").replace("\u202f", "").replace(",", ".")
        try:
            decimal = Decimal(text)
        except InvalidOperation:
            raise ValueError("not a number") from None
        if not decimal.is_finite() or decimal != decimal.to_integral_value():
            raise ValueError("not a whole number")
        number = int(decimal)
    if number < 0 or number > 10_000_000:
        raise ValueError("out of range")
    return number


def _small_number(value: Any, low: int, high: int) -> int:
    number = parse_count(value)
    if not low <= number <= high:
        raise ValueError("out of range")
    return number


# --- the rows -----------------------------------------------------------------------------------


@dataclass
class Checked:
    """What a file holds: figures ready to write, or the problems that stop it."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def district_names(region: Region) -> dict[str, int | None]:
    """Every name a row may give a district of ``region`` (kk, ru, en, KATO code), and the names
    of the region as a whole (-> None)."""
    names: dict[str, int | None] = {}
    for alias in (*REGION_TOTAL_NAMES, region.name_kk, region.name_ru, region.name_en):
        if alias:
            names[header_key(alias)] = None
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            names[header_key(str(TOTAL_WORD))] = None
    for district in District.objects.filter(region=region):
        for alias in (district.name_kk, district.name_ru, district.name_en, district.kato):
            if alias:
                names[header_key(alias)] = district.pk
    return names


def figures_check(content: bytes, file_name: str, *, region: Region) -> Checked:
    """Read and check a whole file. ``FileError`` problems of the file as a whole are returned
    as the only problem."""
    checked = Checked()
    try:
        content = bytes(content)
        if detect_format(content, file_name) == "xlsx":
            rows, _estimate = _xlsx_rows(content)
        else:
            rows, _estimate = _csv_rows(content)
        layout, header_errors = find_layout(rows)
        checked.errors.extend(header_errors)
        _check_rows(rows, layout, region, checked)
    except FileError as error:
        return Checked(errors=[error.as_dict()])
    if not checked.rows and not checked.errors:
        checked.errors.append(problem(None, None, "no_rows"))
    if checked.errors:
        checked.rows = []
    return checked


def _check_rows(rows: Iterator[tuple[int, Sequence[Any]]], layout: Layout, region: Region,
                checked: Checked) -> None:
    names = district_names(region)
    region_label = region.name
    seen: dict[tuple, int] = {}
    this_year = timezone.localdate().year
    count = 0
    for number, values in rows:
        cells = {name: values[position] if position < len(values) else None
                 for name, position in layout.columns.items()}
        if not any(cell_text(v) for v in cells.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            raise FileError("too_many_rows", max=MAX_ROWS)
        errors: list[dict] = []

        def fail(column: str | None, code: str, _errors=errors, _number=number, **params):
            _errors.append(problem(_number, column, code, **params))

        year = _read(cells, "year", fail, lambda v: _small_number(v, 2000, this_year + 1),
                     "year_invalid", min=2000, max=this_year + 1)
        quarter = _read(cells, "quarter", fail, lambda v: _small_number(v, 1, 4),
                        "quarter_invalid", optional=True)
        month = _read(cells, "month", fail, lambda v: _small_number(v, 1, 12),
                      "month_invalid", optional=True)
        if quarter and month:
            fail("month", "quarter_and_month")
        district_text = cell_text(cells.get("district"))
        district_id: int | None = None
        if not district_text:
            fail("district", "required")
        elif header_key(district_text) not in names:
            fail("district", "district_unknown", value=district_text[:60], region=region_label)
        else:
            district_id = names[header_key(district_text)]
        values_found: dict[str, int] = {}
        for indicator in INDICATORS:
            raw = cells.get(indicator)
            if indicator not in cells or not cell_text(raw):
                continue
            try:
                values_found[indicator] = parse_count(raw)
            except ValueError:
                fail(indicator, "not_a_count", value=cell_text(raw)[:30])
        if not values_found and not any(e["column"] in INDICATORS for e in errors):
            fail(None, "no_values")
        kind, period_number = (
            (PeriodKind.QUARTER.value, quarter) if quarter else
            (PeriodKind.MONTH.value, month) if month else (PeriodKind.YEAR.value, 0))
        if not errors:
            key = (year, kind, period_number, district_id)
            if key in seen:
                fail(None, "duplicate_row", other_row=seen[key])
            else:
                seen[key] = number
        if errors:
            checked.errors.extend(errors)
            if len(checked.errors) >= MAX_ERRORS:
                checked.errors.append(problem(None, None, "too_many_errors",
                                              shown=len(checked.errors)))
                return
            continue
        for indicator, value in values_found.items():
            checked.rows.append({"row": number, "district_id": district_id, "year": year,
                                 "period_kind": kind, "period_number": period_number,
                                 "indicator": indicator, "value": value})


def _read(cells: dict[str, Any], column: str, fail, parse, code: str, *,
          optional: bool = False, **params) -> int | None:
    if column not in cells or not cell_text(cells[column]):
        if not optional:
            fail(column, "required")
        return None
    try:
        return parse(cells[column])
    except ValueError:
        fail(column, code, value=cell_text(cells[column])[:30], **params)
        return None


def period_label(kind: str, number: int, year: int) -> str:
    """"2025", "Q1 2025", "03.2025": a period as the tables show it."""
    if kind == PeriodKind.QUARTER:
        return str(_("Q%(quarter)s %(year)s") % {"quarter": number, "year": year})
    if kind == PeriodKind.MONTH:
        return dt.date(year, number, 1).strftime("%m.%Y")
    return str(year)
