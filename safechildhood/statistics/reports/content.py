"""What an official report holds, gathered in the active language (the caller overrides it):
a title section (region, period, when and by whom it was asked for), the official figures of
the period with the same period a year before and the change, then every indicator table of
``indicators_cases.TABLES`` and ``indicators_work.TABLES`` by district with the region's total.

Nothing is computed here: the tables come from the indicator modules as they are.

Small counts: a report leaves the system (it is printed, sent by letter, filed at the local
government), so it is built for a reader entitled to no record (``viewer=None``, as the public
page): counts of 1 to 4 show as "<5" and what could reveal them is withheld, whoever asked for
it. So two people of the region asking for the same period get the same report, and every
report of the region may be listed to both statistics roles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext

from safechildhood.periods import ReportPeriod
from safechildhood.statistics.indicators import (
    SMALL_COUNT,
    FiguresTable,
    Hidden,
    official_figures,
)
from safechildhood.statistics.models import Report
from safechildhood.statistics.tables import PERCENT, AreaTable, Measure

REPORT_VIEWER = None  # see the module's docstring: every report is suppressed as for the public
Cell = int | str | None  # a value as written: a number, "<5", or nothing (None)


@dataclass(frozen=True)
class ReportContent:
    region: str
    period: ReportPeriod
    title: str  # "Monthly report" / "Quarterly report"
    period_label: str
    year_before_label: str
    facts: list[tuple[str, str]]  # the title section: (label, value)
    notes: list[str]  # how to read the report
    figures: FiguresTable
    figure_sources: list[str]  # the official documents the figures come from
    tables: list[AreaTable] = field(default_factory=list)


def report_tables() -> list[tuple[str, Callable[..., AreaTable]]]:
    """Every indicator table of a report, in display order: the cases' then the work's."""
    from safechildhood.statistics import indicators_cases, indicators_work

    return [*indicators_cases.TABLES, *indicators_work.TABLES]


def section_count() -> int:
    """The sections a report is gathered in: the official figures and each table."""
    return 1 + len(report_tables())


def report_content(report: Report, *, generated_at: dt.datetime | None = None,
                   on_section: Callable[[], None] | None = None) -> ReportContent:
    """The content of ``report`` in the active language; ``on_section`` is called after each
    section is gathered (for the progress shown while the report is written)."""
    period = ReportPeriod.parse(report.period)
    if period is None:
        raise ValueError(f"report {report.pk} has no valid period")
    step = on_section or (lambda: None)
    figures = official_figures(region_id=report.region_id, viewer=REPORT_VIEWER,
                               year=period.year, period_kind=period.kind,
                               period_number=period.number)
    step()
    tables = []
    for _code, function in report_tables():
        tables.append(function(region_id=report.region_id, viewer=REPORT_VIEWER,
                               period=period))
        step()
    generated_at = timezone.localtime(generated_at or timezone.now())
    requester = report.requested_by
    title = (gettext("Monthly report") if report.kind == Report.Kind.MONTHLY
             else gettext("Quarterly report"))
    facts = [
        (pgettext("report title page", "Region"), report.region.name),
        (gettext("Period"), f"{period.label} ({_days(period)})"),
        (gettext("Compared with"), period.year_before().label),
        (gettext("Prepared"), generated_at.strftime("%d.%m.%Y %H:%M")),
        (gettext("Asked for by"), requester.get_full_name() or requester.get_username()),
        (gettext("Report number"), str(report.pk)),
    ]
    notes = [
        gettext("Counts from 1 to %(limit)s are shown as “<%(limit_next)s”, and a total, a "
                "percentage or a median that would reveal one is withheld: the report leaves "
                "the system, and a small count in a village can point to a child.")
        % {"limit": SMALL_COUNT - 1, "limit_next": SMALL_COUNT},
        gettext("An empty cell or “—”: nothing to show (no figure for the period, nothing "
                "to divide, or the change of a hidden count)."),
        gettext("Official figures are the prosecutor's office's legal statistics as imported; "
                "the other tables are counted from the programme's records."),
    ]
    if figures.total.computed:
        notes.append(gettext("No official total for the region was imported: the region's "
                             "row of the official figures is the sum of its districts."))
    sources = [
        gettext("%(document)s No. %(number)s of %(date)s") % {
            "document": s.document_name, "number": s.document_number or "—",
            "date": s.document_date.strftime("%d.%m.%Y")}
        for s in figures.sources]
    return ReportContent(
        region=report.region.name, period=period, title=title, period_label=period.label,
        year_before_label=period.year_before().label, facts=facts, notes=notes,
        figures=figures, figure_sources=sources, tables=tables)


def _days(period: ReportPeriod) -> str:
    return f"{period.start:%d.%m.%Y} – {period.end:%d.%m.%Y}"


# --- the cells both writers show -------------------------------------------------------------


def cell(value: object) -> Cell:
    """A value as written in a report: a number, "<5" for a hidden one, None for nothing."""
    if isinstance(value, Hidden):
        return str(value)
    if value is None or isinstance(value, int):
        return value
    return str(value)


def change_cell(value: object) -> int | None:
    """A year-on-year change in percent; nothing where there is none or it is hidden (as the
    pages show it: a hidden change would read like a count)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def measure_label(measure: Measure) -> str:
    """A column's heading: its label (which names the unit of a median), capitalised, with
    "%" for a percentage that does not say it."""
    label = capfirst(str(measure.label))
    if measure.kind == PERCENT and "%" not in label:
        return f"{label}, %"
    return label


def total_label() -> str:
    return gettext("Total for the region")


def area_heading(table: AreaTable) -> str:
    return gettext("School") if table.level == "school" else gettext("District or city")


def figure_headings(content: ReportContent) -> list[str]:
    """The official figures' columns after the area: per indicator, the period, the same
    period a year before and the change."""
    headings = []
    for _code, label in content.figures.indicators:
        label = capfirst(label)
        headings += [f"{label}: {content.period_label}",
                     f"{label}: {content.year_before_label}",
                     gettext("%(indicator)s: change, %%") % {"indicator": label}]
    return headings


def figure_rows(content: ReportContent) -> list[tuple[str, list[Cell]]]:
    """(area, cells) of the official figures, the districts then the region's total."""
    rows = []
    for row in [*content.figures.rows, content.figures.total]:
        cells: list[Cell] = []
        for code, _label in content.figures.indicators:
            figure = row.cells[code]
            cells += [cell(figure.value), cell(figure.previous), change_cell(figure.change)]
        rows.append((row.name or total_label(), cells))
    return rows


def table_rows(table: AreaTable) -> list[tuple[str, list[Cell]]]:
    """(area, cells) of an indicator table, the areas then the total."""
    return [(row.name or total_label(), [cell(row.values.get(m.code)) for m in table.measures])
            for row in [*table.rows, table.total]]
