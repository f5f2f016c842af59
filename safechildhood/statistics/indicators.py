"""Indicators: what the region measures, computed from the records, as plain data.

Each selector returns dataclasses of numbers (no HTML, no querysets) for one region, already
suppressed for the viewer it is given (``viewer=None`` is the public).

The small-count rule (the same as the staff home pages', ui/home.py):

* A count of 1 to 4 children or events is shown as "<5" (``HIDDEN``) unless the viewer is
  entitled to the records it counts (access/rules_statistics.py: ``records_entitled`` for
  screening and alerts, ``figures_entitled`` for official figures). 0 reveals nobody and is
  shown; so is 5 and more.
* What is derived from a hidden count is hidden too: a percentage whose numerator or
  denominator is hidden, a median of 1 to 4 times, a year-on-year change of a hidden figure.
* A total is withheld when exactly one of the rows summed into it is hidden, because the total
  minus the shown rows would give that row away.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from safechildhood.access.policy import Actor
from safechildhood.access.rules_statistics import figures_entitled
from safechildhood.geography.models import District
from safechildhood.periods import PeriodKind
from safechildhood.screening.models import Campaign
from safechildhood.statistics.models import CrimeFigure, Indicator

SMALL_COUNT = 5  # counts below this (and above 0) are suppressed; ui/home.py uses the same


class Hidden:
    """A suppressed value: shown as "<5"."""

    _instance: Hidden | None = None

    def __new__(cls) -> Hidden:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __str__(self) -> str:
        return f"<{SMALL_COUNT}"

    def __repr__(self) -> str:
        return "HIDDEN"

    def __bool__(self) -> bool:
        return True


HIDDEN = Hidden()
Shown = int | Hidden  # a count as the viewer may see it


def suppress(value: int, entitled: bool) -> Shown:
    """``value`` as a viewer may see it: ``HIDDEN`` for 1 to 4 when not ``entitled``."""
    if not entitled and 0 < value < SMALL_COUNT:
        return HIDDEN
    return value


def suppress_total(total: int, parts: Sequence[Shown], entitled: bool) -> Shown:
    """A sum as a viewer may see it: suppressed itself, and withheld when exactly one of its
    ``parts`` is hidden (it could be worked out by subtraction)."""
    if not entitled and sum(1 for p in parts if p is HIDDEN) == 1:
        return HIDDEN
    return suppress(total, entitled)


def percent(numerator: Shown, denominator: Shown) -> int | Hidden | None:
    """A whole percentage; hidden when either side is; None when there is nothing to divide."""
    if numerator is HIDDEN or denominator is HIDDEN:
        return HIDDEN
    if not denominator:
        return None
    return round(100 * numerator / denominator)


def change_percent(current: Shown | None, previous: Shown | None) -> int | Hidden | None:
    """Year-on-year change in whole percent (−30 for a fall by 30 %); hidden when either value
    is hidden; None without a previous value or from 0."""
    if current is HIDDEN or previous is HIDDEN:
        return HIDDEN
    if current is None or not previous:
        return None
    return round(100 * (current - previous) / previous)


# --- official figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureCell:
    value: Shown | None  # None: no figure for the period
    previous: Shown | None  # the same period a year before
    change: int | Hidden | None  # in percent


@dataclass(frozen=True)
class FigureRow:
    district_id: int | None  # None for the region as a whole
    name: str
    cells: dict[str, FigureCell]  # indicator -> cell
    computed: bool = False  # a region row summed from the districts (no official total)


@dataclass(frozen=True)
class FiguresTable:
    year: int
    period_kind: str
    period_number: int
    indicators: list[tuple[str, str]]  # (code, label)
    rows: list[FigureRow]
    total: FigureRow
    suppressed: bool = False
    sources: list[Any] = field(default_factory=list)  # FigureImports the figures come from


def official_figures(*, region_id: int, viewer: Actor | None, year: int,
                     period_kind: str = PeriodKind.YEAR, period_number: int = 0
                     ) -> FiguresTable:
    """The official figures of a period by district and for the region, each with the same
    period a year before and the change in percent. The region's row is its official total
    where one was imported, otherwise the sum of the districts when every district has a
    figure (a sum of some districts would look like a fall that did not happen)."""
    entitled = figures_entitled(viewer, region_id=region_id)
    figures = (CrimeFigure.objects
               .filter(region_id=region_id, year__in=(year, year - 1), period_kind=period_kind,
                       period_number=period_number)
               .select_related("source").defer("source__rows", "source__errors"))
    values: dict[tuple[int | None, str, int], int] = {}
    sources = {}
    for figure in figures:
        values[(figure.district_id, figure.indicator, figure.year)] = figure.value
        if figure.year == year:
            sources[figure.source_id] = figure.source
    indicators = list(Indicator.choices)
    districts = list(District.objects.filter(region_id=region_id).order_by("kind", "name_ru"))
    rows = []
    for district in districts:
        cells = {}
        for code, _label in indicators:
            now, before = (values.get((district.pk, code, y)) for y in (year, year - 1))
            cells[code] = _cell(now, before, entitled)
        rows.append(FigureRow(district_id=district.pk, name=district.name, cells=cells))
    total_cells, computed = {}, False
    for code, _label in indicators:
        official = [values.get((None, code, y)) for y in (year, year - 1)]
        summed = []
        for y in (year, year - 1):
            parts = [values.get((d.pk, code, y)) for d in districts]
            complete = districts and all(p is not None for p in parts)
            summed.append(sum(parts) if complete else None)
        shown = []
        for index, y in enumerate((year, year - 1)):
            if official[index] is not None:
                shown.append(suppress(official[index], entitled))
            elif summed[index] is not None:
                computed = computed or y == year
                parts = [suppress(values[(d.pk, code, y)], entitled) for d in districts
                         if (d.pk, code, y) in values]
                shown.append(suppress_total(summed[index], parts, entitled))
            else:
                shown.append(None)
        total_cells[code] = FigureCell(value=shown[0], previous=shown[1],
                                       change=change_percent(shown[0], shown[1]))
    total = FigureRow(district_id=None, name="", cells=total_cells, computed=computed)
    suppressed = any(c.value is HIDDEN or c.previous is HIDDEN
                     for row in [*rows, total] for c in row.cells.values())
    return FiguresTable(year=year, period_kind=str(period_kind), period_number=period_number,
                        indicators=[(c, str(label)) for c, label in indicators], rows=rows,
                        total=total, suppressed=suppressed, sources=list(sources.values()))


def _cell(now: int | None, before: int | None, entitled: bool) -> FigureCell:
    shown_now = suppress(now, entitled) if now is not None else None
    shown_before = suppress(before, entitled) if before is not None else None
    return FigureCell(value=shown_now, previous=shown_before,
                      change=change_percent(shown_now, shown_before))


def official_trend(*, region_id: int, viewer: Actor | None, indicator: str,
                   years: Iterable[int]) -> list[tuple[int, Shown | None]]:
    """The region's yearly figure of one indicator, year by year: its official total, or the
    sum of its districts when every district has one (withheld when exactly one district is
    hidden)."""
    entitled = figures_entitled(viewer, region_id=region_id)
    years = list(years)
    official: dict[int, int] = {}
    districts: dict[int, list[int]] = {}
    for district_id, year, value in CrimeFigure.objects.filter(
            region_id=region_id, indicator=indicator, period_kind=PeriodKind.YEAR,
            year__in=years).values_list("district_id", "year", "value"):
        if district_id is None:
            official[year] = value
        else:
            districts.setdefault(year, []).append(value)
    district_count = District.objects.filter(region_id=region_id).count()
    trend: list[tuple[int, Shown | None]] = []
    for year in years:
        if year in official:
            trend.append((year, suppress(official[year], entitled)))
        elif len(districts.get(year, ())) == district_count:
            parts = [suppress(v, entitled) for v in districts[year]]
            trend.append((year, suppress_total(sum(districts[year]), parts, entitled)))
        else:
            trend.append((year, None))
    return trend


def figure_years(region_id: int) -> list[int]:
    """Years with yearly official figures for the region, newest first."""
    return list(CrimeFigure.objects.filter(region_id=region_id, period_kind=PeriodKind.YEAR)
                .values_list("year", flat=True).distinct().order_by("-year"))


def screening_years(region_id: int) -> list[int]:
    """Years in which the region's screening campaigns started, newest first."""
    return [d.year for d in Campaign.objects.filter(region_id=region_id)
            .exclude(status=Campaign.Status.DRAFT).dates("starts_on", "year", order="DESC")]
