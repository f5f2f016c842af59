"""The one shape every indicator of the dashboards and the reports comes in: a table of areas.

An ``AreaTable`` has one row per area of the level below the one looked at (the districts of a
region, the schools of a district, or the one school), a total row, and columns (``Measure``)
of counts, percentages or median durations. Values are already suppressed for the viewer by
the rule of ``statistics/indicators.py`` (1 to 4 shown as "<5" where the viewer is not entitled
to the records; what is derived from a hidden count hidden too; a total withheld when exactly
one of its rows is hidden). Each value may carry the address of the records it counts, set only
where the viewer may open them (the list applies the viewer's scope again).

``area_table`` builds one from raw counts and samples, so that every indicator applies the rule
the same way.
"""

from __future__ import annotations

import statistics as pystats
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from safechildhood.statistics.indicators import (
    HIDDEN,
    SMALL_COUNT,
    Hidden,
    Shown,
    percent,
    suppress,
    suppress_total,
)

COUNT, PERCENT, MEDIAN = "count", "percent", "median"
Value = int | Hidden | None  # None: nothing to show (no denominator, no sample)


@dataclass(frozen=True)
class Measure:
    """A column. ``kind`` is ``count``; ``percent`` of two count columns (``of`` = (numerator,
    denominator)); or ``median`` of a sample of durations in ``unit`` ("minutes", "hours",
    "days"), hidden when the sample has 1 to 4 members and the viewer is not entitled."""

    code: str
    label: str
    kind: str = COUNT
    of: tuple[str, str] | None = None
    unit: str = ""
    help: str = ""


@dataclass(frozen=True)
class AreaRow:
    key: int | None  # the district's or school's id; None for the total
    name: str
    values: dict[str, Value]
    links: dict[str, str] = field(default_factory=dict)  # measure code -> records' address

    def __getitem__(self, code: str) -> Value:
        # KeyError for anything not a measure, so that templates reading ``row.name`` get the
        # attribute, not a missing measure
        return self.values[code]


@dataclass(frozen=True)
class AreaTable:
    code: str  # e.g. "risk_group"
    title: str
    level: str  # what the rows are: "district" or "school"
    measures: list[Measure]
    rows: list[AreaRow]
    total: AreaRow
    suppressed: bool  # some value is hidden

    def column(self, code: str) -> list[tuple[str, Value]]:
        """(area name, value) of one measure, row by row: what a chart draws."""
        return [(row.name, row.values.get(code)) for row in self.rows]


@dataclass(frozen=True)
class Area:
    """A row to be: its id, name, and whether the viewer may see its small counts."""

    key: int
    name: str
    entitled: bool


def area_table(*, code: str, title: str, level: str, measures: Sequence[Measure],
               areas: Sequence[Area], entitled_total: bool,
               counts: Mapping[int, Mapping[str, int]],
               samples: Mapping[int, Mapping[str, Sequence[float]]] | None = None,
               total_counts: Mapping[str, int] | None = None,
               link: Callable[[int | None, str], str | None] | None = None) -> AreaTable:
    """A table from raw figures: ``counts[area id][measure]`` for count measures (missing is 0),
    ``samples[area id][measure]`` for median measures (durations), and ``link(area id or None,
    measure code)`` for the records' address (None where there is none or the viewer may not
    open it). ``total_counts`` gives the total's counts where they are not the sum of the rows
    (distinct people counted once across areas); they are withheld like sums."""
    samples = samples or {}
    count_codes = [m.code for m in measures if m.kind == COUNT]
    rows = []
    for area in areas:
        raw = counts.get(area.key, {})
        shown: dict[str, Value] = {c: suppress(int(raw.get(c, 0)), area.entitled)
                                   for c in count_codes}
        _derive(measures, shown, samples.get(area.key, {}), area.entitled)
        rows.append(AreaRow(key=area.key, name=area.name, values=shown,
                            links=_links(link, area.key, measures, shown)))
    total_values: dict[str, Value] = {}
    for c in count_codes:
        raw_total = (total_counts or {}).get(c)
        if raw_total is None:
            raw_total = sum(int(counts.get(a.key, {}).get(c, 0)) for a in areas)
        total_values[c] = suppress_total(int(raw_total), [r.values[c] for r in rows],
                                         entitled_total)
    pooled = {m.code: [x for a in areas for x in samples.get(a.key, {}).get(m.code, ())]
              for m in measures if m.kind == MEDIAN}
    _derive(measures, total_values, pooled, entitled_total)
    total = AreaRow(key=None, name="", values=total_values,
                    links=_links(link, None, measures, total_values))
    suppressed = any(v is HIDDEN for row in [*rows, total] for v in row.values.values())
    return AreaTable(code=code, title=title, level=level, measures=list(measures), rows=rows,
                     total=total, suppressed=suppressed)


def median_shown(sample: Sequence[float], entitled: bool) -> Value:
    """The median of a sample of durations, rounded; hidden for 1 to 4 members."""
    if not sample:
        return None
    if not entitled and len(sample) < SMALL_COUNT:
        return HIDDEN
    return round(pystats.median(sample))


def _derive(measures: Sequence[Measure], shown: dict[str, Value],
            sample: Mapping[str, Sequence[float]], entitled: bool) -> None:
    for m in measures:
        if m.kind == PERCENT:
            numerator, denominator = m.of or ("", "")
            shown[m.code] = percent(shown.get(numerator), shown.get(denominator))
        elif m.kind == MEDIAN:
            shown[m.code] = median_shown(sample.get(m.code, ()), entitled)


def _links(link: Callable[[int | None, str], str | None] | None, key: int | None,
           measures: Sequence[Measure], shown: Mapping[str, Value]) -> dict[str, str]:
    if link is None:
        return {}
    links = {}
    for m in measures:
        value = shown.get(m.code)
        if m.kind != COUNT or not value or value is HIDDEN:
            continue  # nothing to list, or the viewer may not see who is counted
        address = link(key, m.code)
        if address:
            links[m.code] = address
    return links


def shown_sum(values: Sequence[Shown]) -> Shown:
    """The sum of shown values: hidden if any is (for totals across measures)."""
    if any(v is HIDDEN for v in values):
        return HIDDEN
    return sum(v for v in values if isinstance(v, int))
