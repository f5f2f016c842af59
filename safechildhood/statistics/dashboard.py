"""The dashboard: the region's indicators for one period, drilled down from the region to a
district and to one of its schools, as plain data for the page.

Nothing is computed here. Each table comes from an indicator function of
``indicators_cases.TABLES`` and ``indicators_work.TABLES`` (an ``AreaTable``, already suppressed
for the viewer, its counts carrying the addresses of their records where the viewer may open
them) and the official figures from ``indicators.official_figures``; this module turns them into
rows of text and links, picks the headline tiles and colours the tile map.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from safechildhood.access.policy import Action, Actor, require
from safechildhood.directory.models import School
from safechildhood.errors import NotFound
from safechildhood.geography.models import District, Region
from safechildhood.periods import ReportPeriod
from safechildhood.statistics import (
    areas,
    charts,
    dashboard_figures,
    indicators,
    indicators_cases,
    indicators_work,
    tilemap,
)
from safechildhood.statistics.indicators import HIDDEN, FiguresTable
from safechildhood.statistics.models import Indicator
from safechildhood.statistics.tables import COUNT, MEDIAN, PERCENT, AreaRow, AreaTable, Measure
from safechildhood.statistics.templatetags.statistics_tags import change, change_kind, minutes

DASH = "—"
OFFICIAL = "official"  # the map's measures of official figures: "official.<indicator>"
HEADLINE_INDICATOR = dashboard_figures.HEADLINE_INDICATOR
# Headline tiles from the tables: (table code, measure codes in order of preference).
HEADLINES = (
    ("risk_group", ("in_group",)),
    ("coverage", ("coverage",)),
    ("prevention", ("parents",)),
)
DEFAULT_MAP = ("coverage.coverage", f"{OFFICIAL}.{HEADLINE_INDICATOR}")

TableFunction = Callable[..., AreaTable]


def table_functions() -> list[tuple[str, TableFunction]]:
    """The indicator tables in display order: those of cases, then those of work."""
    return [*indicators_cases.TABLES, *indicators_work.TABLES]


# --- what the page shows ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    link: str = ""
    hidden: bool = False


@dataclass(frozen=True)
class Row:
    name: str
    link: str  # drills down into the area; empty at the bottom
    cells: list[Cell]


@dataclass(frozen=True)
class Table:
    code: str
    title: str
    measures: list[Measure]
    rows: list[Row]
    total: Row | None
    chart: SafeString | None
    suppressed: bool
    chart_caption: str = ""

    @property
    def helps(self) -> list[Measure]:
        """The columns that explain what they count."""
        return [m for m in self.measures if m.help]


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    note: str = ""
    link: str = ""
    kind: str = ""  # "down", "up", "flat" for a change
    hidden: bool = False


@dataclass(frozen=True)
class Crumb:
    name: str
    link: str  # empty for the area looked at


@dataclass(frozen=True)
class Dashboard:
    region: Region
    district: District | None
    school: School | None
    period: ReportPeriod
    level: str  # "region", "district" or "school": the area looked at
    crumbs: list[Crumb]
    headlines: list[Headline]
    tables: list[Table]
    figures: dashboard_figures.Figures | None
    tiles: tilemap.TileMap | None
    map_code: str
    map_choices: list[tuple[str, str]]
    map_label: str
    suppressed: bool
    query: dict[str, str] = field(default_factory=dict)


# --- building it --------------------------------------------------------------------------------


def dashboard_get(*, actor: Actor, period: ReportPeriod, district_id: int | None = None,
                  school_id: int | None = None, map_code: str = "") -> Dashboard:
    """The dashboard of the actor's region for ``period``: of the region, of one district, or of
    one school of that district. A district or school of another region is not found, nor a
    school outside the district given. The tables share one reading of the area's districts or
    schools (``areas.shared_places``)."""
    with areas.shared_places():
        return _dashboard(actor=actor, period=period, district_id=district_id,
                          school_id=school_id, map_code=map_code)


def _dashboard(*, actor: Actor, period: ReportPeriod, district_id: int | None,
               school_id: int | None, map_code: str) -> Dashboard:
    require(actor, Action.DASHBOARD_VIEW)
    region = actor.membership.region
    district, school = _area(actor, region, district_id, school_id)
    base = {"kind": period.kind, "period": period.code}
    if map_code:
        base["map"] = map_code

    def address(**area) -> str:
        return "?" + areas.query_string({**base, **{k: v for k, v in area.items() if v}})

    region_id = region.pk
    area_ids = {"district_id": district.pk if district else None,
                "school_id": school.pk if school else None}
    raw = [function(region_id=region_id, viewer=actor, period=period, **area_ids)
           for _code, function in table_functions()]
    figures, figures_period = dashboard_figures.official_get(actor, region_id, period)
    level = "school" if school else ("district" if district else "region")
    area_name = school.name if school else (district.name if district else region.name)

    def drill(key: int | None) -> str:
        if key is None or school is not None:
            return ""
        if district is not None:
            return address(district=district.pk, school=key)
        return address(district=key)

    tables = [_table(t, area_name, drill, single=school is not None) for t in raw]
    figures_view = dashboard_figures.figures_view(
        figures, actor=actor, region=region, district=district, school=school, drill=drill,
        area_name=area_name, period=figures_period, asked=period)
    choices = _map_choices(raw)
    chosen = map_code if map_code in dict(choices) else next(
        (c for c in DEFAULT_MAP if c in dict(choices)), choices[0][0] if choices else "")
    tiles = None
    if level == "region" and chosen:
        tiles = _tiles(chosen, raw, figures, region=region, drill=drill)
    crumbs = [Crumb(region.name, address() if district else "")]
    if district:
        crumbs.append(Crumb(district.name, address(district=district.pk) if school else ""))
    if school:
        crumbs.append(Crumb(school.name, ""))
    return Dashboard(
        region=region, district=district, school=school, period=period, level=level,
        crumbs=crumbs, headlines=_headlines(raw, figures, actor=actor, region=region,
                                            district=district, school=school,
                                            period=figures_period),
        tables=tables, figures=figures_view, tiles=tiles, map_code=chosen,
        map_choices=choices, map_label=dict(choices).get(chosen, ""),
        suppressed=any(t.suppressed for t in raw) or figures.suppressed,
        query={k: str(v) for k, v in (("district", area_ids["district_id"]),
                                      ("school", area_ids["school_id"])) if v})


def _area(actor: Actor, region: Region, district_id: int | None, school_id: int | None
          ) -> tuple[District | None, School | None]:
    school = None
    if school_id is not None:
        school = School.objects.select_related("district").filter(pk=school_id).first()
        if school is None or (district_id is not None and school.district_id != district_id):
            raise NotFound(gettext("Not found."), code="not_found")
        require(actor, Action.DASHBOARD_VIEW, school)
        district_id = school.district_id
    district = None
    if district_id is not None:
        district = District.objects.filter(pk=district_id).first()
        if district is None:
            raise NotFound(gettext("Not found."), code="not_found")
        require(actor, Action.DASHBOARD_VIEW, district)
    if district is not None and district.region_id != region.pk:
        raise NotFound(gettext("Not found."), code="not_found")
    return district, school


# --- values as text -----------------------------------------------------------------------------


def value_text(value, measure: Measure) -> str:
    """A count, "85 %", a median with its unit ("2 h 05 min", "18 h", "3 d"), "<5", "—"."""
    if value is None:
        return DASH
    if value is HIDDEN:
        return str(value)
    if measure.kind == PERCENT:
        return f"{value}\u00a0%"
    if measure.kind == MEDIAN:
        if measure.unit == "minutes":
            return minutes(value)
        if measure.unit == "hours":
            return gettext("%(hours)s h") % {"hours": value}
        if measure.unit == "days":
            return gettext("%(days)s d") % {"days": value}
    return str(value)


def _cells(row: AreaRow, measures: list[Measure]) -> list[Cell]:
    return [Cell(text=value_text(row.values.get(m.code), m), link=row.links.get(m.code, ""),
                 hidden=row.values.get(m.code) is HIDDEN) for m in measures]


def _table(table: AreaTable, area_name: str, drill: Callable[[int | None], str], *,
           single: bool) -> Table:
    rows = [Row(name=r.name, link=drill(r.key), cells=_cells(r, table.measures))
            for r in table.rows]
    total = None if single else Row(name=area_name, link="",
                                    cells=_cells(table.total, table.measures))
    measure = _chart_measure(table) if len(table.rows) > 1 else None
    return Table(code=table.code, title=table.title, measures=table.measures, rows=rows,
                 total=total, chart=_chart(table, measure) if measure else None,
                 suppressed=table.suppressed, chart_caption=measure.label if measure else "")


def _chart_measure(table: AreaTable) -> Measure | None:
    """What the chart beside a table draws: its first percentage, else its first count."""
    return next((m for m in table.measures if m.kind == PERCENT),
                next((m for m in table.measures if m.kind == COUNT), None))


def _chart(table: AreaTable, measure: Measure) -> SafeString:
    percent = measure.kind == PERCENT
    return charts.hbar_chart(f"{table.title}: {measure.label}", table.column(measure.code),
                             unit="%" if percent else "", top=100 if percent else None,
                             chart_id=f"chart-{table.code}")


# --- headline tiles -----------------------------------------------------------------------------


def _headlines(raw: list[AreaTable], figures: FiguresTable, *, actor: Actor, region: Region,
               district: District | None, school: School | None, period: ReportPeriod
               ) -> list[Headline]:
    """The official change of crimes by minors (the district's for a school), then the risk
    group, screening coverage and parents reached of the area looked at (its tables' totals)."""
    tiles = []
    if district is None:
        cell, place = figures.total.cells.get(HEADLINE_INDICATOR), "region"
    else:
        row = next((r for r in figures.rows if r.district_id == district.pk), None)
        cell, place = (row.cells.get(HEADLINE_INDICATOR) if row else None), str(district.pk)
    label = Indicator(HEADLINE_INDICATOR).label
    if cell is not None and cell.value is not None:
        note = gettext("%(value)s in %(period)s, %(previous)s a year before") % {
            "value": cell.value, "period": period.label,
            "previous": DASH if cell.previous is None else cell.previous}
        if school is not None and district is not None:  # published for districts only
            note = gettext("%(district)s: %(figures)s") % {"district": district.name,
                                                           "figures": note}
        tiles.append(Headline(
            label=gettext("%(indicator)s: change from a year before") % {
                "indicator": str(label).capitalize()},
            value=change(cell.change), note=note, kind=change_kind(cell.change),
            link=dashboard_figures.figure_link(actor, period, place, HEADLINE_INDICATOR),
            hidden=cell.change is HIDDEN))
    by_code = {t.code: t for t in raw}
    for table_code, measure_codes in HEADLINES:
        table = by_code.get(table_code)
        if table is None:
            continue
        measure = next((m for code in measure_codes for m in table.measures if m.code == code),
                       None)
        if measure is None:
            continue
        value = table.total.values.get(measure.code)
        tiles.append(Headline(label=measure.label, value=value_text(value, measure),
                              note=table.title, link=table.total.links.get(measure.code, ""),
                              hidden=value is HIDDEN))
    return tiles


# --- the tile map -------------------------------------------------------------------------------


def _map_choices(raw: list[AreaTable]) -> list[tuple[str, str]]:
    choices = [(f"{t.code}.{m.code}", f"{t.title}: {m.label}") for t in raw
               for m in t.measures if m.kind in (COUNT, PERCENT)]
    official = gettext("Official figures")
    choices += [(f"{OFFICIAL}.{code}", f"{official}: {label}")
                for code, label in Indicator.choices]
    return choices


def _tiles(chosen: str, raw: list[AreaTable], figures: FiguresTable, *, region: Region,
           drill: Callable[[int | None], str]) -> tilemap.TileMap:
    table_code, _dot, measure_code = chosen.partition(".")
    values: dict[int, object] = {}
    texts: dict[int, str] = {}
    percent = False
    if table_code == OFFICIAL:
        for row in figures.rows:
            cell = row.cells.get(measure_code)
            values[row.district_id] = cell.value if cell else None
            texts[row.district_id] = DASH if values[row.district_id] is None else str(
                values[row.district_id])
    else:
        table = next(t for t in raw if t.code == table_code)
        measure = next(m for m in table.measures if m.code == measure_code)
        percent = measure.kind == PERCENT
        for row in table.rows:
            values[row.key] = row.values.get(measure_code)
            texts[row.key] = value_text(values[row.key], measure)
    districts = areas.region_districts(region.pk)  # read once for the page's tables
    return tilemap.tile_map(
        region_names=[region.name_kk, region.name_ru, region.name_en],
        districts=[(d.pk, (d.name_kk, d.name_ru, d.name_en), d.name) for d in districts],
        values=values, texts=texts, links={d.pk: drill(d.pk) for d in districts},
        percent=percent, unit="\u00a0%" if percent else "",
        language=translation.get_language() or "ru",
        hidden_label=gettext("%(limit)s: a small count, not shown") % {
            "limit": f"<{indicators.SMALL_COUNT}"},
        missing_label=gettext("no data"))
