"""The dashboard's official figures: the table of the period (or, where none were imported for
it, of the latest year that has them) by district with each figure's change from a year
before, and the region's trend; each figure links to the list of official figures for those
who may open it. The figures come from ``indicators.official_figures`` and ``official_trend``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from safechildhood.access.policy import Action, Actor, can
from safechildhood.directory.models import School
from safechildhood.geography.models import District, Region
from safechildhood.periods import ReportPeriod
from safechildhood.statistics import charts, indicators
from safechildhood.statistics.indicators import HIDDEN, FiguresTable
from safechildhood.statistics.models import Indicator
from safechildhood.statistics.templatetags.statistics_tags import change, change_kind

DASH = "—"
HEADLINE_INDICATOR = Indicator.CRIMES_BY_MINORS
TREND_YEARS = 5


@dataclass(frozen=True)
class FigureCell:
    text: str
    change: str
    change_kind: str
    link: str = ""
    hidden: bool = False


@dataclass(frozen=True)
class Figures:
    title: str
    indicators: list[tuple[str, str]]
    rows: list[tuple[str, str, list[FigureCell]]]  # (name, drill-down link, cells)
    total: tuple[str, list[FigureCell]] | None
    computed: bool
    suppressed: bool
    note: str = ""
    trend: SafeString | None = None
    trend_caption: str = ""



def official_get(actor: Actor, region_id: int, period: ReportPeriod
              ) -> tuple[FiguresTable, ReportPeriod]:
    """The official figures of the period; where none were imported for it (the year has not
    ended, the month was not reported), those of the latest year before it that has them."""
    table = indicators.official_figures(
        region_id=region_id, viewer=actor, year=period.year, period_kind=period.kind,
        period_number=period.number)
    if _any_figure(table):
        return table, period
    latest = next((y for y in indicators.figure_years(region_id)
                   if y < period.year or (y == period.year and period.kind != "year")), None)
    if latest is None:
        return table, period
    return (indicators.official_figures(region_id=region_id, viewer=actor, year=latest),
            ReportPeriod(latest))


def _any_figure(table: FiguresTable) -> bool:
    return any(c.value is not None for row in [*table.rows, table.total]
               for c in row.cells.values())



def _figure_cell(cell, link: str) -> FigureCell:
    if cell is None:
        return FigureCell(text=DASH, change=DASH, change_kind="flat")
    shown = DASH if cell.value is None else str(cell.value)
    return FigureCell(text=shown, change=change(cell.change), change_kind=change_kind(cell.change),
                      link=link if isinstance(cell.value, int) and cell.value is not HIDDEN
                      and cell.value else "",
                      hidden=cell.value is HIDDEN)


def figure_link(actor: Actor, period: ReportPeriod, district: str, indicator: str) -> str:
    """The official figures list filtered to one figure, for those who may open it."""
    if not can(actor, Action.STATISTICS_VIEW):
        return ""
    query = {"year": period.year, "period_kind": period.kind, "district": district,
             "indicator": indicator}
    if period.number:
        query["period_number"] = period.number
    return f"{reverse('statistics:figure-list')}?{urlencode(query)}"


def figures_view(table: FiguresTable, *, actor: Actor, region: Region, district: District | None,
             school: School | None, drill: Callable[[int | None], str], area_name: str,
             period: ReportPeriod, asked: ReportPeriod) -> Figures:
    codes = [code for code, _label in table.indicators]

    def cells(row, place: str) -> list[FigureCell]:
        return [_figure_cell(row.cells.get(code), figure_link(actor, period, place, code))
                for code in codes]

    if district is None:
        rows = [(r.name, drill(r.district_id), cells(r, str(r.district_id)))
                for r in table.rows]
        total = (area_name, cells(table.total, "region"))
    else:
        row = next((r for r in table.rows if r.district_id == district.pk), None)
        rows = [(district.name, "", cells(row, str(district.pk)))] if row else []
        total = None
    has_any = any(c.text != DASH for _n, _l, cs in rows for c in cs) or (
        total is not None and any(c.text != DASH for c in total[1]))
    notes = []
    if period != asked:
        notes.append(gettext("No official figures for %(asked)s have been imported: these are "
                             "the latest, of %(period)s.") % {"asked": asked.label,
                                                              "period": period.label})
    if school is not None:
        notes.append(gettext("Official figures are published for districts and cities, not "
                             "for schools: these are the district's."))
    trend, caption = None, gettext("%(indicator)s in the region, year by year") % {
        "indicator": str(Indicator(HEADLINE_INDICATOR).label).capitalize()}
    if district is None:
        years = range(period.year - TREND_YEARS + 1, period.year + 1)
        series = indicators.official_trend(region_id=region.pk, viewer=actor,
                                           indicator=HEADLINE_INDICATOR, years=years)
        shown = [i for i, (_year, value) in enumerate(series) if value is not None]
        series = series[shown[0]:shown[-1] + 1] if shown else []  # the years with figures
        if series:
            trend = charts.bar_chart(caption, [(str(year), value) for year, value in series],
                                     chart_id="chart-trend")
    return Figures(
        title=gettext("Official figures, %(period)s, and the change from a year before") % {
            "period": period.label},
        indicators=table.indicators, rows=rows if has_any else [],
        total=total if has_any else None, computed=table.total.computed and district is None,
        suppressed=table.suppressed, note=" ".join(notes), trend=trend,
        trend_caption=caption)
