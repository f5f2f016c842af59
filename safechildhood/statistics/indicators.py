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

import statistics as pystats
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from safechildhood.access.policy import Actor
from safechildhood.access.rules_statistics import figures_entitled, records_entitled
from safechildhood.directory.models import School
from safechildhood.geography.models import District
from safechildhood.periods import PeriodKind
from safechildhood.screening.models import Assignment, Campaign, CrisisAlert
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


# --- screening coverage -------------------------------------------------------------------------

COVERAGE_STATUSES = {
    "completed": Q(status=Assignment.Status.COMPLETED),
    "refused": Q(status=Assignment.Status.REFUSED),
    "no_consent": Q(status=Assignment.Status.NO_CONSENT),
    "absent": Q(status=Assignment.Status.ABSENT),
    "pending": Q(status__in=(Assignment.Status.PENDING, Assignment.Status.IN_PROGRESS)),
}
COVERAGE_COUNTS = ("assigned", *COVERAGE_STATUSES)


@dataclass(frozen=True)
class CoverageRow:
    """One district or school (``key`` its id; None for the total)."""

    key: int | None
    name: str
    assigned: Shown
    completed: Shown
    refused: Shown
    no_consent: Shown
    absent: Shown
    pending: Shown
    coverage: int | Hidden | None  # completed of assigned, in percent


@dataclass(frozen=True)
class Coverage:
    rows: list[CoverageRow]
    total: CoverageRow
    suppressed: bool  # some count is hidden


def screening_coverage(*, region_id: int, viewer: Actor | None, year: int | None = None,
                       campaign_id: int | None = None, district_id: int | None = None
                       ) -> Coverage:
    """Pupils assigned to screening and what became of it (completed, pupil refused, no
    consent, absent, not yet done), by district of the region, or by school of one district
    when ``district_id`` is given. The period is a calendar year (campaigns starting in it) or
    one campaign. One grouped query."""
    qs = Assignment.objects.filter(campaign__region_id=region_id)
    if year is not None:
        qs = qs.filter(campaign__starts_on__year=year)
    if campaign_id is not None:
        qs = qs.filter(campaign_id=campaign_id)
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
        group, units = "school_id", list(
            School.objects.filter(district_id=district_id).order_by("name_ru"))
    else:
        group, units = "district_id", list(
            District.objects.filter(region_id=region_id).order_by("kind", "name_ru"))
    counted = {
        row[group]: row
        for row in qs.values(group).annotate(
            assigned=Count("pk"),
            **{name: Count("pk", filter=condition)
               for name, condition in COVERAGE_STATUSES.items()}).order_by()
    }
    rows, raw_rows = [], []
    for unit in units:
        raw = counted.get(unit.pk) or dict.fromkeys(COVERAGE_COUNTS, 0)
        if group == "school_id":
            entitled = records_entitled(viewer, region_id=region_id, district_id=district_id,
                                        school_id=unit.pk)
        else:
            entitled = records_entitled(viewer, region_id=region_id, district_id=unit.pk)
        rows.append(_coverage_row(unit.pk, unit.name, raw, entitled))
        raw_rows.append(raw)
    entitled_all = records_entitled(viewer, region_id=region_id, district_id=district_id)
    totals: dict[str, Shown] = {
        name: suppress_total(sum(r[name] for r in raw_rows),
                             [getattr(row, name) for row in rows], entitled_all)
        for name in COVERAGE_COUNTS
    }
    total = CoverageRow(key=None, name="", **totals,
                        coverage=percent(totals["completed"], totals["assigned"]))
    suppressed = any(getattr(row, name) is HIDDEN for row in [*rows, total]
                     for name in COVERAGE_COUNTS)
    return Coverage(rows=rows, total=total, suppressed=suppressed)


def _coverage_row(key: int, name: str, raw: dict[str, int], entitled: bool) -> CoverageRow:
    shown = {n: suppress(raw[n], entitled) for n in COVERAGE_COUNTS}
    return CoverageRow(key=key, name=name, **shown,
                       coverage=percent(shown["completed"], shown["assigned"]))


# --- crisis alerts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertRow:
    district_id: int | None  # None for the region
    name: str
    raised: Shown
    acknowledged: Shown
    median_minutes: int | Hidden | None  # from raising to acknowledgement


def alert_acknowledgement(*, region_id: int, viewer: Actor | None, year: int | None = None
                          ) -> tuple[list[AlertRow], AlertRow]:
    """Crisis alerts raised in the period and the median time from raising to acknowledgement
    (of those acknowledged), by district and for the region. The median of 1 to 4 times is
    hidden with their count."""
    qs = CrisisAlert.objects.filter(district__region_id=region_id)
    if year is not None:
        qs = qs.filter(raised_at__year=year)
    raised: dict[int, int] = {}
    minutes: dict[int, list[float]] = {}
    for district_id, raised_at, acknowledged_at in qs.values_list(
            "district_id", "raised_at", "acknowledged_at").iterator(chunk_size=2000):
        raised[district_id] = raised.get(district_id, 0) + 1
        if acknowledged_at is not None:
            minutes.setdefault(district_id, []).append(
                (acknowledged_at - raised_at).total_seconds() / 60)
    rows = []
    for district in District.objects.filter(region_id=region_id).order_by("kind", "name_ru"):
        entitled = records_entitled(viewer, region_id=region_id, district_id=district.pk)
        rows.append(_alert_row(district.pk, district.name, raised.get(district.pk, 0),
                               minutes.get(district.pk, []), entitled))
    entitled_all = records_entitled(viewer, region_id=region_id)
    everything = [m for times in minutes.values() for m in times]
    total = _alert_row(None, "", sum(raised.values()), everything, entitled_all)
    total = AlertRow(
        district_id=None, name="",
        raised=suppress_total(sum(raised.values()), [r.raised for r in rows], entitled_all),
        acknowledged=suppress_total(len(everything), [r.acknowledged for r in rows],
                                    entitled_all),
        median_minutes=total.median_minutes)
    return rows, total


def _alert_row(district_id: int | None, name: str, raised: int, minutes: list[float],
               entitled: bool) -> AlertRow:
    acknowledged = suppress(len(minutes), entitled)
    if acknowledged is HIDDEN:
        median: int | Hidden | None = HIDDEN
    else:
        median = round(pystats.median(minutes)) if minutes else None
    return AlertRow(district_id=district_id, name=name, raised=suppress(raised, entitled),
                    acknowledged=acknowledged, median_minutes=median)


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
