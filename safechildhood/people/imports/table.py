"""Reading a roster file: its format, encoding and delimiter, the header row and the data rows,
streamed. Every reason a file cannot be used is a ``FileError``."""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import openpyxl
from django.conf import settings

from safechildhood.people.imports.cells import cell_text, clean_iin, clean_person_name
from safechildhood.people.imports.columns import (
    EXAMPLE_IIN,
    EXAMPLE_LAST_NAMES,
    HEADER_ALIASES,
    REQUIRED,
    TEMPLATE_HEADERS,
)
from safechildhood.people.imports.problems import FileError

# openpyxl warns about harmless things in files made by other programs (no default style, data
# validation it does not read); the person uploading can do nothing about them.
warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\..*)?")

XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
CSV_EXTENSIONS = {".csv", ".txt", ".tsv", ""}
ACCEPTED_EXTENSIONS = XLSX_EXTENSIONS | CSV_EXTENSIONS
_SPACES = re.compile(r"\s+")


# Windows-1251 has no Kazakh letters; KZ-1048, the Kazakh Windows code page, puts them where
# Windows-1251 has Serbian, Macedonian and Ukrainian letters. Seeing those letters in a
# Kazakhstan school's roster means the file is really KZ-1048.
_KZ1048_SIGNS = frozenset("ЌЋќћЎўЈҐЄЇґєјЅѕї")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


@dataclass
class Table:
    """The rows of a roster: the header's place and columns, then data rows with their row
    numbers as the spreadsheet shows them."""

    header_row: int
    columns: dict[str, int]
    estimated_rows: int | None
    rows: Iterator[tuple[int, Sequence[Any]]]


def detect_format(content: bytes, file_name: str) -> str:
    """ "xlsx" or "csv". Raises ``FileError`` for an empty, oversized or unknown file."""
    if not content:
        raise FileError("file_empty")
    if len(content) > settings.ROSTER_MAX_BYTES:
        raise FileError("file_too_large", limit=settings.ROSTER_MAX_BYTES)
    extension = PurePath(file_name or "").suffix.lower()
    if extension == ".xls" or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError("xls_old")
    if extension not in ACCEPTED_EXTENSIONS:
        raise FileError("file_format")
    if content.startswith(b"PK\x03\x04"):
        if b"opendocument" in content[:200]:
            raise FileError("file_format")
        return "xlsx"
    if extension in XLSX_EXTENSIONS:
        raise FileError("xlsx_broken")
    return "csv"


def open_table(content: bytes, file_name: str) -> Table:
    """Find the header and the columns; rows are read as the caller iterates. Raises
    ``FileError``, also while iterating (a sheet damaged further down)."""
    content = bytes(content)
    if detect_format(content, file_name) == "xlsx":
        rows, estimate = _xlsx_rows(content)
    else:
        rows, estimate = _csv_rows(content)
    header_row, columns = _find_header(rows)
    if estimate is not None:
        estimate = max(0, estimate - header_row)
    wanted = list(columns.values())
    data = (
        (number, values) for number, values in rows
        if any(cell_text(values[i]) for i in wanted if i < len(values))
        and not _is_example(values, columns)
    )
    return Table(header_row=header_row, columns=columns, estimated_rows=estimate, rows=data)


def _xlsx_rows(content: bytes) -> tuple[Iterator[tuple[int, Sequence[Any]]], int | None]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        estimate = sheet.max_row
        # Some programs write a wrong size into the file; read to the real end instead.
        sheet.reset_dimensions()
    except Exception as exc:  # a damaged zip or XML fails in many ways, all meaning "broken"
        raise FileError("xlsx_broken") from exc

    def rows() -> Iterator[tuple[int, Sequence[Any]]]:
        try:
            yield from enumerate(sheet.iter_rows(values_only=True), start=1)
        except FileError:
            raise
        except Exception as exc:
            raise FileError("xlsx_broken") from exc
        finally:
            book.close()

    return rows(), estimate


def decode_text(content: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1251 or
    KZ-1048. Raises ``FileError("encoding")`` for bytes that are not text."""
    if content.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "cp1251"]
    text = None
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "cp1251" and not _KZ1048_SIGNS.isdisjoint(text):
            text = content.decode("kz1048", errors="replace")
        break
    if text is None:
        raise FileError("encoding")
    # Random bytes decode as Windows-1251 too, but are full of control characters.
    if len(_CONTROL.findall(text)) > max(2, len(text) // 200):
        raise FileError("encoding")
    return text


def sniff_delimiter(text: str) -> str:
    """";", "," or tab: csv.Sniffer's guess, checked against the first line that has any of
    them (Excel in a Russian or Kazakh locale writes ";")."""
    sample = text[:16_384]
    line = next((ln for ln in sample.splitlines() if any(c in ln for c in ";,\t")), "")
    counts = {c: line.count(c) for c in (";", "\t", ",")}
    try:
        guess = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        guess = ""
    if counts.get(guess, 0):
        return guess
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _csv_rows(content: bytes) -> tuple[Iterator[tuple[int, Sequence[Any]]], int | None]:
    text = decode_text(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    estimate = text.count("\n") + 1

    def rows() -> Iterator[tuple[int, Sequence[Any]]]:
        number = 0
        try:
            for number, values in enumerate(reader, start=1):
                yield number, values
        except csv.Error as exc:
            raise FileError("csv_broken", row=number + 1) from exc

    return rows(), estimate


def _header_key(text: Any) -> str:
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", cell_text(text)).casefold().replace("ё", "е")
    text = re.sub(r"[^\w]+", " ", text).replace("_", " ")
    return _SPACES.sub(" ", text).strip()


HEADER_KEYS: dict[str, str] = {
    _header_key(alias): name
    for name, aliases in HEADER_ALIASES.items()
    for alias in aliases
} | {
    _header_key(title): name
    for headers in TEMPLATE_HEADERS.values()
    for name, title in headers.items()
}


def map_header(values: Sequence[Any]) -> dict[str, int]:
    """Column positions of the fields a header row names. Raises ``FileError`` when a field is
    named twice."""
    columns: dict[str, int] = {}
    for position, value in enumerate(values):
        name = HEADER_KEYS.get(_header_key(value))
        if name is None:
            continue
        if name in columns:
            raise FileError("duplicate_column", column=name)
        columns[name] = position
    return columns


def _find_header(rows: Iterator[tuple[int, Sequence[Any]]]) -> tuple[int, dict[str, int]]:
    """The header is the first of the first ten non-empty rows naming at least two fields (a
    title line above it, as many school lists have, is skipped)."""
    looked = 0
    for number, values in rows:
        if not any(cell_text(v) for v in values):
            continue
        columns = map_header(values)
        if len(columns) >= 2:
            missing = [
                name for name in REQUIRED
                if name not in columns
                and not (name in ("last_name", "first_name") and "full_name" in columns)
            ]
            if missing:
                raise FileError("missing_columns", columns=missing)
            return number, columns
        looked += 1
        if looked >= 10:
            break
    raise FileError("no_header")


def _is_example(values: Sequence[Any], columns: dict[str, int]) -> bool:
    """The template's example row, left in by mistake, is not a pupil."""
    iin_at, name_at = columns.get("iin"), columns.get("last_name")
    if iin_at is None or name_at is None or max(iin_at, name_at) >= len(values):
        return False
    return (clean_iin(values[iin_at]) == EXAMPLE_IIN
            and clean_person_name(values[name_at]) in EXAMPLE_LAST_NAMES)
