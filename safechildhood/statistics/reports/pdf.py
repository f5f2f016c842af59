"""An official report as a PDF (A4): the title section on a portrait page, then a section per
table, each on its own page: landscape where the table is wide (the official figures, and any
table of more than ``PORTRAIT_COLUMNS`` values; one of more than ``LANDSCAPE_COLUMNS`` is
cut into parts), with the districts as rows and the region's
total last (repeated headers when a table runs over a page).

Drawn with reportlab in DejaVu Sans (vendored in ``ui/fonts``, registered by the class sheet's
module) so that Kazakh letters (ә ғ қ ң ө ұ ү һ і) print on any machine.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.text import capfirst
from django.utils.translation import gettext
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from safechildhood.screening.pdf import BOLD, INK, MUTED, REGULAR, _escape, _fonts
from safechildhood.statistics.reports.content import (
    Cell,
    ReportContent,
    area_heading,
    cell,
    change_cell,
    measure_label,
    table_rows,
    total_label,
)
from safechildhood.statistics.tables import AreaTable

MARGIN = 14 * mm
RULE = HexColor("#b8c0c8")
SHADE = HexColor("#eef2f6")
ACCENT = HexColor("#1f5fa8")
PORTRAIT_COLUMNS = 6
LANDSCAPE_COLUMNS = 9
AREA_WIDTH = 48 * mm


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=11.5, textColor=INK)
    return {
        "body": body,
        "programme": ParagraphStyle("programme", parent=body, textColor=MUTED, fontSize=11,
                                    leading=14, spaceAfter=10),
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=22, leading=27,
                                textColor=ACCENT, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontName=BOLD, fontSize=14,
                                   leading=18, spaceAfter=14),
        "h2": ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=13, leading=17,
                             spaceAfter=6),
        "h3": ParagraphStyle("h3", parent=body, fontName=BOLD, fontSize=10.5, leading=14,
                             spaceBefore=8, spaceAfter=3),
        "note": ParagraphStyle("note", parent=body, textColor=MUTED, fontSize=8, leading=10,
                               spaceBefore=3),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=7.5, leading=9),
        "head_num": ParagraphStyle("head_num", parent=body, fontName=BOLD, fontSize=7,
                                   leading=8.5, alignment=TA_RIGHT),
        "area": ParagraphStyle("area", parent=body, fontSize=8.5, leading=10.5),
        "area_total": ParagraphStyle("area_total", parent=body, fontName=BOLD, fontSize=8.5,
                                     leading=10.5),
    }


def report_pdf(content: ReportContent, *, compress: bool = True) -> bytes:
    """The report as PDF bytes, in the active language. ``compress=False`` leaves the page
    streams readable for tests."""
    _fonts()
    st = _styles()
    footer = f"{gettext('Safe Childhood')} · {content.region} · {content.title}: " \
             f"{content.period_label}"

    def decorate(canvas, doc) -> None:
        width, _height = canvas._pagesize
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 8 * mm, footer[:150])
        canvas.drawRightString(width - MARGIN, 8 * mm, str(doc.page))
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                          topMargin=MARGIN, bottomMargin=16 * mm,
                          title=f"{content.title}: {content.period_label}",
                          author=gettext("Safe Childhood"), creator="Safe Childhood",
                          pageCompression=1 if compress else 0, invariant=1)
    doc.addPageTemplates([_template("portrait", A4, decorate),
                          _template("landscape", landscape(A4), decorate)])
    story: list = _title_section(content, st)
    sources = [gettext("Source: %(document)s") % {"document": source}
               for source in content.figure_sources]
    story += _section(gettext("Official figures"), [_figures_table(content, st)], "landscape",
                      st, notes=sources)
    for table in content.tables:
        wide = len(table.measures) > PORTRAIT_COLUMNS
        story += _section(str(table.title), _area_tables(table, st, wide),
                          "landscape" if wide else "portrait", st, notes=_help_notes(table))
    doc.build(story)
    return buffer.getvalue()


def _template(name: str, size: tuple[float, float], decorate) -> PageTemplate:
    width, height = size
    frame = Frame(MARGIN, 16 * mm, width - 2 * MARGIN, height - MARGIN - 16 * mm, id=name,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    return PageTemplate(id=name, frames=[frame], pagesize=size, onPage=decorate)


def _title_section(content: ReportContent, st: dict[str, ParagraphStyle]) -> list:
    story: list = [
        Paragraph(_escape(gettext("Safe Childhood regional programme")), st["programme"]),
        Paragraph(_escape(content.title), st["title"]),
        Paragraph(_escape(f"{content.region} · {content.period_label}"), st["subtitle"]),
    ]
    facts = Table([[Paragraph(_escape(label), st["head"]), Paragraph(_escape(value), st["body"])]
                   for label, value in content.facts], colWidths=[45 * mm, 125 * mm],
                  hAlign="LEFT")
    facts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                               ("TOPPADDING", (0, 0), (-1, -1), 3),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    story += [facts, Paragraph(_escape(gettext("Contents")), st["h3"])]
    titles = [gettext("Official figures"), *[str(t.title) for t in content.tables]]
    story += [Paragraph(f"{index}. {_escape(title)}", st["body"])
              for index, title in enumerate(titles, start=1)]
    story.append(Paragraph(_escape(gettext("How to read it")), st["h3"]))
    story += [Paragraph(_escape(note), st["note"]) for note in content.notes]
    return story


def _section(title: str, tables: Sequence[Table], orientation: str,
             st: dict[str, ParagraphStyle], notes: Sequence[str] = ()) -> list:
    parts: list = [NextPageTemplate(orientation), PageBreak(), Paragraph(_escape(title), st["h2"])]
    for table in tables:
        parts += [table, Spacer(1, 4 * mm)]
    return parts + [Paragraph(_escape(note), st["note"]) for note in notes]


def _help_notes(table: AreaTable) -> list[str]:
    """What the columns count, once per explanation: "column, column: explanation"."""
    labels: dict[str, list[str]] = {}
    for measure in table.measures:
        if measure.help:
            labels.setdefault(str(measure.help), []).append(measure_label(measure))
    return [f"{', '.join(names)}: {text}" for text, names in labels.items()]


def _text(value: Cell) -> str:
    return "—" if value is None or value == "" else str(value)


def _frame_width(wide: bool) -> float:
    width = landscape(A4)[0] if wide else A4[0]
    return width - 2 * MARGIN


def _grid(header_rows: list[list], rows: Sequence[tuple[str, list[Cell]]],
          st: dict[str, ParagraphStyle], wide: bool, extra_style: Sequence = ()) -> Table:
    columns = len(header_rows[-1]) - 1
    value_width = (_frame_width(wide) - AREA_WIDTH) / max(columns, 1)
    body = [[Paragraph(_escape(name), st["area_total" if index == len(rows) - 1 else "area"]),
             *[_text(v) for v in cells]] for index, (name, cells) in enumerate(rows)]
    table = Table([*header_rows, *body], colWidths=[AREA_WIDTH, *[value_width] * columns],
                  repeatRows=len(header_rows), hAlign="LEFT")
    heads = len(header_rows)
    table.setStyle(TableStyle([
        ("FONTNAME", (1, heads), (-1, -1), REGULAR),
        ("FONTNAME", (1, -1), (-1, -1), BOLD),
        ("FONTSIZE", (1, heads), (-1, -1), 8.5),
        ("ALIGN", (1, heads), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, heads - 1), SHADE),
        ("BACKGROUND", (0, -1), (-1, -1), SHADE),
        ("LINEBELOW", (0, heads - 1), (-1, heads - 1), 0.8, INK),
        ("LINEBELOW", (0, heads), (-1, -2), 0.25, RULE),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        *extra_style,
    ]))
    return table


def _area_tables(table: AreaTable, st: dict[str, ParagraphStyle], wide: bool) -> list[Table]:
    """The table, cut into parts of at most ``LANDSCAPE_COLUMNS`` values (as even as may be),
    each with the areas: a heading squeezed into a narrow column would break inside words."""
    parts = -(-len(table.measures) // LANDSCAPE_COLUMNS)
    size = -(-len(table.measures) // parts) if table.measures else 0
    rows = table_rows(table)
    tables = []
    for first in range(0, max(len(table.measures), 1), max(size, 1)):
        measures = table.measures[first:first + size]
        header = [Paragraph(_escape(area_heading(table)), st["head"]),
                  *[Paragraph(_escape(measure_label(m)), st["head_num"]) for m in measures]]
        part = [(name, cells[first:first + size]) for name, cells in rows]
        tables.append(_grid([header], part, st, wide))
    return tables


def _figures_table(content: ReportContent, st: dict[str, ParagraphStyle]) -> Table:
    """Two header rows: the indicator over its three columns (the period, a year before, the
    change in percent)."""
    figures = content.figures
    top: list = [Paragraph("", st["head"])]
    below: list = [Paragraph(_escape(gettext("District or city")), st["head"])]
    spans = []
    for index, (_code, label) in enumerate(figures.indicators):
        top += [Paragraph(_escape(capfirst(label)), st["head"]), "", ""]
        below += [Paragraph(_escape(content.period_label), st["head_num"]),
                  Paragraph(_escape(content.year_before_label), st["head_num"]),
                  Paragraph(_escape(gettext("change, %")), st["head_num"])]
        first = 1 + 3 * index
        spans += [("SPAN", (first, 0), (first + 2, 0)),
                  ("LINEBEFORE", (first, 0), (first, -1), 0.5, RULE)]
    rows = []
    for row in [*figures.rows, figures.total]:
        cells: list[Cell] = []
        for code, _label in figures.indicators:
            figure = row.cells[code]
            change = change_cell(figure.change)
            cells += [cell(figure.value), cell(figure.previous),
                      None if change is None else f"{change:+d}".replace("-", "\u2212")]
        rows.append((row.name or total_label(), cells))
    return _grid([top, below], rows, st, wide=True, extra_style=spans)
