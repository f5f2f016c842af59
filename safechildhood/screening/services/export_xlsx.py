"""A streaming XLSX writer for the results export: each sheet's XML goes into the zip file as its
rows come, so a sheet of a few hundred thousand rows never sits in memory, and writing a cell is
one string format (openpyxl's write-only mode costs about 0.6 ms a row of 45 cells, XlsxWriter's
constant-memory mode about 0.3 ms; this about 0.04 ms).

It writes what the export needs and nothing more: text as inline strings, numbers, booleans,
dates and times (naive, local) with a date format; an empty or ``None`` cell is left out. Text is
written as it is: neutralising formula-like text is the caller's work (``safe_cell``); nothing
written here is ever a formula. Characters XML cannot carry (control characters) are dropped and
text longer than a cell holds (32,767 characters) is cut.

    with XlsxStream(path) as book:
        with book.sheet("responses") as sheet:
            sheet.append(["a", 1, None, dt.datetime(2026, 1, 1, 9, 30)])
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from math import isfinite
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

MAX_ROWS = 1_048_576  # a worksheet's limit
MAX_COLUMNS = 16_384
MAX_TEXT = 32_767  # characters in a cell
FLUSH_ROWS = 500  # rows rendered before they are handed to the compressor
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = dt.datetime(1899, 12, 30)
_DATETIME_STYLE = 1
_DATE_STYLE = 2

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="3">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>")


def column_letter(index: int) -> str:
    """The letters of the column at ``index`` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _inline(value: str) -> str:
    """The rest of an inline-string cell after its reference."""
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    # XML drops leading and trailing spaces unless told to keep them
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'" t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'


def _serial(value: dt.datetime | dt.date) -> str:
    """Excel's serial number of a naive date or time (days since 1899-12-30)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise ValueError("XLSX cells take local times without a time zone")
        delta = value - _EPOCH
        return repr(delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400)
    return str((value - _EPOCH.date()).days)


class Sheet:
    """One worksheet being written: ``append`` a row at a time."""

    def __init__(self, stream):
        self._stream = stream
        self._rows = 0
        self._buffer: list[str] = []
        self._letters = [column_letter(n) for n in range(64)]
        self._texts: dict[str, str] = {}  # rendered short texts (answer codes, bands...)

    def append(self, values: Sequence[Any]) -> None:
        """Write one row: ``values`` from the first column on."""
        self._rows += 1
        if self._rows > MAX_ROWS:
            raise ValueError(f"a worksheet holds at most {MAX_ROWS:,} rows")
        if not isinstance(values, list | tuple):
            values = list(values)
        letters = self._letters
        if len(values) > len(letters):
            if len(values) > MAX_COLUMNS:
                raise ValueError(f"a worksheet holds at most {MAX_COLUMNS:,} columns")
            letters.extend(column_letter(n) for n in range(len(letters), len(values)))
        texts = self._texts
        number = str(self._rows)
        cells = [f'<row r="{number}">']
        add = cells.append
        for letter, value in zip(letters, values):  # noqa: B905 (letters run longer)
            if value is None:
                continue
            kind = value.__class__
            if kind is str:
                rest = texts.get(value)
                if rest is None:
                    if not value:
                        continue
                    rest = _inline(value)
                    if len(value) <= 16 and len(texts) < 10_000:
                        texts[value] = rest
            elif kind is int or (kind is float and isfinite(value)) or \
                    (kind is Decimal and value.is_finite()):
                rest = f'"><v>{value}</v></c>'
            elif kind is bool:
                rest = f'" t="b"><v>{int(value)}</v></c>'
            elif kind is dt.datetime:
                rest = f'" s="{_DATETIME_STYLE}"><v>{_serial(value)}</v></c>'
            elif kind is dt.date:
                rest = f'" s="{_DATE_STYLE}"><v>{_serial(value)}</v></c>'
            else:  # anything else (a subclass, an infinite float) as its text
                if value == "":
                    continue
                rest = _inline(str(value))
            add(f'<c r="{letter}{number}{rest}')
        add("</row>")
        self._buffer.append("".join(cells))
        if len(self._buffer) >= FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        self._stream.write("".join(self._buffer).encode())
        self._buffer.clear()

    def close(self) -> None:
        self._flush()
        self._stream.write(b"</sheetData></worksheet>")
        self._stream.close()

    def __enter__(self) -> Sheet:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.close()
        else:
            self._stream.close()


class XlsxStream:
    """A workbook written sheet after sheet into ``path`` (one sheet open at a time)."""

    def __init__(self, path: Path, *, compresslevel: int = 1):
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED,
                                    compresslevel=compresslevel)
        self._names: list[str] = []

    def sheet(self, name: str) -> Sheet:
        if len(name) > 31 or any(c in name for c in "[]:*?/\\") or name in self._names:
            raise ValueError(f"not a sheet name: {name!r}")
        self._names.append(name)
        stream = self._zip.open(f"xl/worksheets/sheet{len(self._names)}.xml", "w",
                                force_zip64=True)
        stream.write(f'{_HEAD}<worksheet xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheetData>'.encode())
        return Sheet(stream)

    def close(self) -> None:
        """Write the workbook's other parts and close the file."""
        count = range(1, len(self._names) + 1)
        sheets = "".join(f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
                         for n, name in zip(count, self._names, strict=True))
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for n in count)
        sheet_rels = "".join(
            f'<Relationship Id="rId{n}" Type="{_REL_NS}/worksheet" '
            f'Target="worksheets/sheet{n}.xml"/>' for n in count)
        styles_id = len(self._names) + 1
        parts = {
            "xl/workbook.xml": f'{_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}">'
                               f"<sheets>{sheets}</sheets></workbook>",
            "xl/_rels/workbook.xml.rels": f'{_HEAD}<Relationships xmlns="{_PKG_REL_NS}">'
                                          f'{sheet_rels}<Relationship Id="rId{styles_id}" '
                                          f'Type="{_REL_NS}/styles" Target="styles.xml"/>'
                                          "</Relationships>",
            "xl/styles.xml": _STYLES,
            "_rels/.rels": f'{_HEAD}<Relationships xmlns="{_PKG_REL_NS}"><Relationship '
                           f'Id="rId1" Type="{_REL_NS}/officeDocument" '
                           'Target="xl/workbook.xml"/></Relationships>',
            "[Content_Types].xml": (
                f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                'content-types"><Default Extension="rels" ContentType="application/'
                'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                f'sheet.main+xml"/>{overrides}<Override PartName="/xl/styles.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                'styles+xml"/></Types>'),
        }
        for name, text in parts.items():
            self._zip.writestr(name, text)
        self._zip.close()

    def __enter__(self) -> XlsxStream:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.close()
        else:
            self._zip.close()
