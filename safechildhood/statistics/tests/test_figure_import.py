"""Importing official figures: reading and checking a file, the preview, the commit in one
transaction, replacing a period with its audit event, and the template read back."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from safechildhood.audit.models import AuditEvent
from safechildhood.errors import DomainError
from safechildhood.statistics import services
from safechildhood.statistics.imports import figures_check, parse_count, problem_message
from safechildhood.statistics.models import CrimeFigure, FigureImport
from safechildhood.statistics.spreadsheets import figures_template_xlsx, figures_xlsx, safe_cell
from safechildhood.statistics.tests.conftest import (
    HEADER_EN,
    HEADER_KK,
    HEADER_RU,
    upload,
    xlsx,
)

pytestmark = pytest.mark.django_db

GOOD = [
    HEADER_EN,
    [2024, None, None, "Taraz", 40, 12, 1, 3],
    [2024, None, None, "Байзакский район", 10, 5, 0, 2],
    [2024, None, None, "Korday district", 7, None, 0, 0],
    [2024, None, None, "Total for the region", 57, 17, 1, 5],
    [2025, 1, None, "Тараз", 9, 2, 0, 1],
]


def _check(region, rows, name="figures.xlsx"):
    return figures_check(xlsx(rows), name, region=region.region)


def _codes(checked):
    return [e["code"] for e in checked.errors]


def _import(region, rows, actor=None, **kwargs):
    return services.figures_import_check(
        actor=actor or region.analyst, uploaded_file=upload(rows),
        document_name=kwargs.get("document_name", "Legal statistics, form 1-M"),
        document_number=kwargs.get("document_number", "12/345"),
        document_date=kwargs.get("document_date", dt.date(2025, 4, 10)))


# --- reading ------------------------------------------------------------------------------------


def test_good_file_gives_one_row_per_figure(region):
    checked = _check(region, GOOD)
    assert checked.errors == []
    assert len(checked.rows) == 4 + 4 + 3 + 4 + 4  # empty cells give no figure
    taraz = [r for r in checked.rows if r["district_id"] == region.taraz.pk and r["year"] == 2024]
    assert {r["indicator"]: r["value"] for r in taraz} == {
        "crimes_by_minors": 40, "crimes_against_minors": 12, "suicides": 1,
        "suicide_attempts": 3}
    total = [r for r in checked.rows if r["district_id"] is None]
    assert {r["value"] for r in total} == {57, 17, 1, 5}
    quarter = [r for r in checked.rows if r["year"] == 2025]
    assert {(r["period_kind"], r["period_number"]) for r in quarter} == {("quarter", 1)}


@pytest.mark.parametrize("header", [HEADER_RU, HEADER_KK])
def test_headers_in_russian_and_kazakh_are_read(region, header):
    checked = _check(region, [header, [2024, "", "", "Қордай ауданы", 3, 4, 0, 1]])
    assert checked.errors == []
    assert {r["indicator"] for r in checked.rows} == {
        "crimes_by_minors", "crimes_against_minors", "suicides", "suicide_attempts"}
    assert {r["district_id"] for r in checked.rows} == {region.korday.pk}


def test_wrong_headers_are_refused(region):
    checked = _check(region, [["Name", "Surname", "Score"], [1, 2, 3]])
    assert _codes(checked) == ["no_header"]
    checked = _check(region, [["Year", "Crimes committed by minors"], [2024, 3]])
    assert _codes(checked) == ["missing_columns"]
    assert "District or city" in problem_message(checked.errors[0])
    checked = _check(region, [["Year", "District", "Colour"], [2024, "Taraz", 3]])
    assert _codes(checked) == ["no_indicator_columns"]
    checked = _check(region, [[*HEADER_EN, "Remarks"], [2024, "", "", "Taraz", 1, 1, 1, 1, ""]])
    assert _codes(checked) == ["unknown_column"]
    assert checked.rows == []


def test_bad_numbers_unknown_district_and_duplicates_are_row_problems(region):
    checked = _check(region, [
        HEADER_EN,
        [2024, None, None, "Taraz", "many", -1, 2.5, "12a"],
        [1990, 5, None, "Taraz", 1, 1, 1, 1],
        [2024, 1, 2, "Taraz", 1, 1, 1, 1],
        [2024, None, None, "Atlantis", 1, 1, 1, 1],
        [2024, None, None, "Korday district", 3, 3, 3, 3],
        [2024, None, None, "KORDAY  district", 3, 3, 3, 3],
        [2024, None, None, "Taraz", None, None, None, None],
        [None, None, None, "", 1, 1, 1, 1],
    ])
    by_row = {}
    for e in checked.errors:
        by_row.setdefault(e["row"], []).append((e["column"], e["code"]))
    assert by_row[2] == [("crimes_by_minors", "not_a_count"),
                         ("crimes_against_minors", "not_a_count"),
                         ("suicides", "not_a_count"), ("suicide_attempts", "not_a_count")]
    assert by_row[3] == [("year", "year_invalid"), ("quarter", "quarter_invalid")]
    assert by_row[4] == [("month", "quarter_and_month")]
    assert by_row[5] == [("district", "district_unknown")]
    assert by_row[7] == [(None, "duplicate_row")]
    assert by_row[8] == [(None, "no_values")]
    assert by_row[9] == [("year", "required"), ("district", "required")]
    assert 6 not in by_row
    assert checked.rows == []  # nothing of a file with problems is kept
    unknown = next(e for e in checked.errors if e["code"] == "district_unknown")
    assert "Atlantis" in problem_message(unknown)
    duplicate = next(e for e in checked.errors if e["code"] == "duplicate_row")
    assert "row 6" in problem_message(duplicate)


@pytest.mark.parametrize(("value", "expected"), [
    (0, 0), (12, 12), (12.0, 12), ("12", 12), (" 1 234 ", 1234), ("7,0", 7)])
def test_counts_as_spreadsheets_hold_them(value, expected):
    assert parse_count(value) == expected


@pytest.mark.parametrize("value", [-1, 2.5, "2,5", "abc", "", True, "1e400", "NaN"])
def test_what_is_not_a_count(value):
    with pytest.raises(ValueError):
        parse_count(value)


def test_old_excel_and_empty_files_are_refused(region):
    assert _codes(figures_check(b"", "f.xlsx", region=region.region)) == ["file_empty"]
    old = b"\xd0\xcf\x11\xe0" + b"\0" * 100
    assert _codes(figures_check(old, "f.xls", region=region.region)) == ["xls_old"]
    assert _codes(figures_check(b"PK\x03\x04broken", "f.xlsx",
                                region=region.region)) == ["xlsx_broken"]
    assert _codes(_check(region, [HEADER_EN])) == ["no_rows"]


# --- preview and commit -------------------------------------------------------------------------


def test_preview_writes_nothing_then_commit_writes_everything(region):
    figure_import = _import(region, GOOD)
    assert figure_import.status == FigureImport.Status.CHECKED
    assert CrimeFigure.objects.count() == 0
    changes = services.figures_import_changes(figure_import)
    assert {c["action"] for c in changes} == {"create"}
    counts = services.figures_import_commit(actor=region.analyst, figure_import=figure_import)
    assert counts == {"create": 19, "change": 0, "same": 0}
    assert CrimeFigure.objects.filter(region=region.region).count() == 19
    figure = CrimeFigure.objects.get(district=region.taraz, indicator="crimes_by_minors",
                                     year=2024, period_kind="year")
    assert figure.value == 40
    assert figure.source.document_number == "12/345"
    assert figure.source.uploaded_by == region.analyst.user
    figure_import.refresh_from_db()
    assert figure_import.status == FigureImport.Status.COMMITTED
    event = AuditEvent.objects.get(action="statistics.figures.imported")
    assert event.data["created"] == 19
    assert event.region_id == region.region.pk
    with pytest.raises(DomainError):  # twice is refused
        services.figures_import_commit(actor=region.analyst, figure_import=figure_import)


def test_a_file_with_problems_cannot_be_committed(region):
    figure_import = _import(region, [HEADER_EN, [2024, None, None, "Atlantis", 1, 1, 1, 1],
                                     [2024, None, None, "Taraz", 1, 1, 1, 1]])
    assert figure_import.status == FigureImport.Status.REJECTED
    assert figure_import.rows == []
    with pytest.raises(DomainError):
        services.figures_import_commit(actor=region.analyst, figure_import=figure_import)
    assert CrimeFigure.objects.count() == 0


def test_reimporting_a_period_replaces_it_and_audits_old_and_new(region):
    first = _import(region, GOOD)
    services.figures_import_commit(actor=region.analyst, figure_import=first)
    second = _import(region, [HEADER_EN, [2024, None, None, "Taraz", 28, 12, 1, 3]],
                     actor=region.head, document_number="12/400")
    changes = {c["indicator"]: (c["action"], c["old"], c["value"])
               for c in services.figures_import_changes(second)}
    assert changes["crimes_by_minors"] == ("change", 40, 28)
    assert changes["crimes_against_minors"] == ("same", 12, 12)
    counts = services.figures_import_commit(actor=region.head, figure_import=second)
    assert counts == {"create": 0, "change": 1, "same": 3}
    figure = CrimeFigure.objects.get(district=region.taraz, indicator="crimes_by_minors",
                                     year=2024, period_kind="year")
    assert (figure.value, figure.source_id) == (28, second.pk)
    assert CrimeFigure.objects.count() == 19  # replaced, not added
    event = AuditEvent.objects.filter(action="statistics.figures.imported").latest("id")
    assert event.data["replaced"] == [{
        "district_id": region.taraz.pk, "indicator": "crimes_by_minors", "year": 2024,
        "period_kind": "year", "period_number": 0, "old": 40, "new": 28,
        "old_source_id": first.pk}]


def test_commit_rolls_back_entirely_when_a_write_fails(region, monkeypatch):
    figure_import = _import(region, GOOD)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CrimeFigure.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        services.figures_import_commit(actor=region.analyst, figure_import=figure_import)
    figure_import.refresh_from_db()
    assert figure_import.status == FigureImport.Status.CHECKED
    assert CrimeFigure.objects.count() == 0
    assert not AuditEvent.objects.filter(action="statistics.figures.imported").exists()


def test_discard_writes_nothing(region):
    figure_import = _import(region, GOOD)
    services.figures_import_discard(actor=region.analyst, figure_import=figure_import)
    figure_import.refresh_from_db()
    assert figure_import.status == FigureImport.Status.DISCARDED
    assert CrimeFigure.objects.count() == 0


def test_only_the_statistics_roles_import(region):
    for actor in (region.specialist, region.psychologist, region.admin):
        with pytest.raises(DomainError):
            _import(region, GOOD, actor=actor)
    figure_import = _import(region, GOOD)
    with pytest.raises(DomainError):  # another region's analyst does not even see it
        services.figures_import_commit(actor=region.other_analyst, figure_import=figure_import)
    assert CrimeFigure.objects.count() == 0


# --- spreadsheets written -----------------------------------------------------------------------


def test_template_lists_the_districts_and_reads_back(region):
    book = openpyxl.load_workbook(io.BytesIO(figures_template_xlsx(region=region.region)))
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[0] == HEADER_EN
    assert [r[3] for r in rows[1:]] == ["Taraz", "Baizak district", "Korday district",
                                        "Total for the region"]
    for row in rows[1:]:
        row[0], row[4], row[5], row[6], row[7] = 2024, 5, 6, 0, 1
    checked = _check(region, rows)
    assert checked.errors == []
    assert len(checked.rows) == 16


def test_no_cell_written_can_hold_a_formula(region):
    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert [safe_cell(v) for v in ("+1", "-1", "@a", "ok", 5)] == ["'+1", "'-1", "'@a", "ok", 5]
    figure_import = _import(region, GOOD, document_name="=cmd|' /C calc'!A0",
                            document_number="@SUM(1)")
    services.figures_import_commit(actor=region.analyst, figure_import=figure_import)
    data = figures_xlsx(CrimeFigure.objects.select_related("district", "source",
                                                           "source__uploaded_by"))
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
    assert not any(isinstance(c, str) and c[:1] in "=+-@" for c in cells)
    assert "'=cmd|' /C calc'!A0" in cells
