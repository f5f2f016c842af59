"""The demo's official juvenile crime figures: three years of the region's legal statistics by
district, yearly and by quarter, and the quarters of this year that have ended. Crimes committed
by minors fall by about 30 % in the programme's year (last year) against the year before, as
the programme reported; crimes against minors fall less; suicides and attempts stay small
counts (hidden from those not entitled to them).

Imported the way the prosecutor's analyst imports them: one spreadsheet per year, checked,
then committed through the statistics services, so that each figure keeps its source and the
audit trail holds the imports. Seeded, so the same every time.
"""

from __future__ import annotations

import datetime as dt
import io
import random

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import User
from safechildhood.demo.data.zhambyl import DISTRICTS
from safechildhood.statistics import services

HEADER = ["Year", "Quarter", "Month", "District or city", "Crimes committed by minors",
          "Crimes against minors", "Suicides of minors", "Suicide attempts of minors"]
YEARS = 3  # the three years before this one
# How each year compares with the first: the programme's year (the last) is ~30 % below the one
# before it for crimes by minors.
CRIMES_BY_MINORS = (1.04, 1.0, 0.70)
CRIMES_AGAINST_MINORS = (1.0, 0.97, 0.88)
THIS_YEAR = 0.66  # the quarters of the current year, against the year before the programme
QUARTER_SHARES = (0.22, 0.26, 0.24, 0.28)  # more in the autumn, when school is back


def _split(total: int, rng: random.Random) -> list[int]:
    """A yearly figure split into four quarters that add up to it."""
    parts = [int(total * share * rng.uniform(0.9, 1.1)) for share in QUARTER_SHARES[:3]]
    parts = [min(p, total) for p in parts]
    while sum(parts) > total:
        parts[parts.index(max(parts))] -= 1
    return [*parts, total - sum(parts)]


def _year_rows(rng: random.Random, years: list[int], this_year: int, quarters_done: int
               ) -> dict[int, list[list]]:
    """Spreadsheet rows per year: each district's year and quarters, then the region's total
    (the sum of its districts, as the legal statistics give it)."""
    rows: dict[int, list[list]] = {year: [] for year in [*years, this_year]}
    totals: dict[tuple[int, int | None], list[int]] = {}
    for spec in DISTRICTS:
        base_by = max(2.0, spec.weight * 3.1)
        base_against = max(1.0, spec.weight * 1.6)
        for index, year in enumerate([*years, this_year]):
            if year == this_year:
                by = base_by * THIS_YEAR * 3 / 4
                against = base_against * CRIMES_AGAINST_MINORS[-1] * 3 / 4
            else:
                by = base_by * CRIMES_BY_MINORS[index]
                against = base_against * CRIMES_AGAINST_MINORS[index]
            yearly = [round(by * rng.uniform(0.95, 1.05)),
                      round(against * rng.uniform(0.9, 1.1)),
                      rng.choice((0, 0, 0, 1)) if spec.weight > 5 else 0,
                      rng.choice((0, 1, 1, 2, 3)) if spec.weight > 5 else rng.choice((0, 0, 1))]
            quarters = list(zip(*[_split(v, rng) for v in yearly], strict=True))
            name = spec.names.ru
            if year != this_year:
                rows[year].append([year, None, None, name, *yearly])
                totals.setdefault((year, None), [0, 0, 0, 0])
                totals[(year, None)] = [a + b for a, b in zip(totals[(year, None)], yearly,
                                                                strict=True)]
            for number, values in enumerate(quarters, start=1):
                if year == this_year and number > quarters_done:
                    break
                rows[year].append([year, number, None, name, *values])
                key = (year, number)
                totals[key] = [a + b for a, b in zip(totals.get(key, [0, 0, 0, 0]), values,
                                                     strict=True)]
    for (year, number), values in sorted(totals.items(), key=lambda item: (item[0][0],
                                                                          item[0][1] or 0)):
        rows[year].append([year, number, None, "Total", *values])
    return {year: found for year, found in rows.items() if found}


def _xlsx(rows: list[list]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("legal-statistics.xlsx", buffer.getvalue())


def demo_statistics(*, seed: int, analyst: User, today: dt.date | None = None) -> int:
    """Import the demo's official figures as the prosecutor's analyst of the demo region (the
    districts are named in the files as in a real one); returns how many figures were
    written."""
    rng = random.Random(seed + 7)  # noqa: S311 - seeded demo data, not a secret
    today = today or timezone.localdate()
    actor = actor_for(analyst)
    years = [today.year - YEARS + i for i in range(YEARS)]
    quarters_done = (today.month - 1) // 3
    written = 0
    for year, rows in _year_rows(rng, years, today.year, quarters_done).items():
        figure_import = services.figures_import_check(
            actor=actor, uploaded_file=_xlsx(rows),
            document_name="Форма 1-М: сведения о преступности несовершеннолетних",
            document_number=f"1-М/{year}",
            document_date=min(today, dt.date(year + 1, 1, 20)))
        counts = services.figures_import_commit(actor=actor, figure_import=figure_import)
        written += counts["create"] + counts["change"]
    return written
