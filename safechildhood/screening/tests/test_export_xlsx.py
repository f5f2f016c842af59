"""The streaming XLSX writer of the results export: what it writes opens in a spreadsheet
program (read back here with openpyxl, as a user's tools would) with every value as given, and
nothing in it is ever a formula."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from safechildhood.screening.services.export_xlsx import MAX_TEXT, XlsxStream, column_letter


def write(path, sheets: dict[str, list[list]]) -> None:
    with XlsxStream(path) as book:
        for name, rows in sheets.items():
            with book.sheet(name) as sheet:
                for row in rows:
                    sheet.append(row)


def cells(path, name):
    book = openpyxl.load_workbook(path)  # the full reader: types, formats, formulas
    return book, [list(r) for r in book[name].iter_rows()]


def test_values_come_back_as_written(tmp_path):
    when = dt.datetime(2026, 12, 2, 9, 30, 15)
    path = tmp_path / "a.xlsx"
    write(path, {"data": [["id", "name", "when", "total", "ratio", "ok", "on"],
                          [1, "Әлиева <Дана> & Co", when, 27, 0.5, True, dt.date(2026, 1, 31)],
                          [2, "  spaced  ", None, None, Decimal("1.25"), False, None]]})
    book, rows = cells(path, "data")
    assert book.sheetnames == ["data"]
    values = [[c.value for c in r] for r in rows]
    assert values[0] == ["id", "name", "when", "total", "ratio", "ok", "on"]
    assert values[1][:6] == [1, "Әлиева <Дана> & Co", when, 27, 0.5, True]
    assert values[1][6] == dt.datetime(2026, 1, 31)  # a date cell reads back as midnight
    assert rows[1][2].is_date and rows[1][2].number_format == "yyyy-mm-dd hh:mm:ss"
    assert values[2][:2] == [2, "  spaced  "]  # leading and trailing spaces kept
    assert values[2][2:4] == [None, None] and values[2][4] == 1.25 and values[2][5] is False


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    path = tmp_path / "f.xlsx"
    write(path, {"s": [["=1+1", "+7 701", "-2", "@SUM(A1)", "=HYPERLINK(\"http://x\")"]]})
    _book, rows = cells(path, "s")
    assert [c.data_type for c in rows[0]] == ["s"] * 5
    assert [c.value for c in rows[0]] == ["=1+1", "+7 701", "-2", "@SUM(A1)",
                                          "=HYPERLINK(\"http://x\")"]
    with zipfile.ZipFile(path) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_empty_cells_are_left_out_and_wide_rows_reach_far_columns(tmp_path):
    path = tmp_path / "w.xlsx"
    row = [None] * 80
    row[0], row[27], row[79] = "first", "AB", "last"
    write(path, {"w": [row, ["", "x"]]})
    _book, rows = cells(path, "w")
    assert rows[0][0].value == "first"
    assert rows[0][27].coordinate == "AB1" and rows[0][27].value == "AB"
    assert rows[0][79].coordinate == f"{column_letter(79)}1" == "CB1"
    assert rows[0][79].value == "last"
    assert [c.value for c in rows[1][:2]] == [None, "x"]


def test_characters_xml_cannot_carry_are_dropped_and_long_text_is_cut(tmp_path):
    path = tmp_path / "c.xlsx"
    write(path, {"c": [["a\x00b\x1fc\td", "x" * (MAX_TEXT + 10)]]})
    _book, rows = cells(path, "c")
    assert rows[0][0].value == "abc\td"
    assert len(rows[0][1].value) == MAX_TEXT


def test_several_sheets_in_order(tmp_path):
    path = tmp_path / "s.xlsx"
    write(path, {"responses": [["a"], ["b"]], "codebook": [["variable"], ["phq_a_9"]]})
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["responses", "codebook"]
    assert [r for r in book["codebook"].iter_rows(values_only=True)] == [("variable",),
                                                                         ("phq_a_9",)]


def test_bad_input_is_refused(tmp_path):
    with XlsxStream(tmp_path / "b.xlsx") as book:
        with pytest.raises(ValueError):
            book.sheet("a/b")
        with book.sheet("ok") as sheet, pytest.raises(ValueError, match="time zone"):
            sheet.append([dt.datetime(2026, 1, 1, tzinfo=dt.UTC)])
