"""The field trip's itinerary as a PDF: what a specialist carries to villages with no connection.

Per settlement and school, each child with class, risk categories and level, why the visit is
due, the guardians' phones, the last contact and the next step written then, and the planned
actions due; with room to write by hand (visited, notes). Drawn with reportlab in DejaVu Sans
(vendored in ``ui/fonts``, as the screening class sheet) so that Kazakh letters (ә ғ қ ң ө ұ ү
һ і) print on any machine. The document carries children's data: the view sends it with
``no-store`` and the read is audited by the selector.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from pathlib import Path

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from safechildhood.cases.selectors_work import Itinerary, Stop

FONTS = Path(__file__).resolve().parent.parent / "ui" / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
PAGE_W, PAGE_H = A4
MARGIN = 14 * mm
INK = HexColor("#1b2430")
MUTED = HexColor("#4f5b67")
RULE = HexColor("#b8c0c8")
SHADE = HexColor("#eef2f6")


@cache
def _fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, bulletFontName=REGULAR, fontSize=9,
                          leading=11.5, textColor=INK)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=15, leading=19,
                                spaceAfter=2),
        "meta": ParagraphStyle("meta", parent=body, textColor=MUTED, fontSize=8.5, leading=11),
        "settlement": ParagraphStyle("settlement", parent=body, fontName=BOLD, fontSize=12.5,
                                     leading=16, spaceBefore=8, spaceAfter=2),
        "school": ParagraphStyle("school", parent=body, fontName=BOLD, fontSize=10.5,
                                 leading=13, spaceBefore=4, spaceAfter=3, textColor=MUTED),
        "name": ParagraphStyle("name", parent=body, fontName=BOLD, fontSize=10.5, leading=13),
        "label": ParagraphStyle("label", parent=body, textColor=MUTED, fontSize=8, leading=10),
        "body": body,
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _lines(text: str) -> str:
    return "<br/>".join(_escape(line) for line in text.splitlines()) or "—"


def _day(day: dt.date | None) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else "—"


def _stop_block(stop: Stop, st: dict[str, ParagraphStyle], width: float) -> KeepTogether:
    """One child: a framed two-column table (label, value) under the child's name."""
    heading = Paragraph(
        f"☐ {_escape(stop.name)} · {_escape(stop.class_name)}", st["name"])
    guardians = "<br/>".join(
        _escape(f"{g['relation']}: {g['name']}, {g['phone'] or '—'}") for g in stop.guardians
    ) or _escape(gettext("no guardian on file"))
    actions = "<br/>".join(
        _escape(f"{_day(a['due_on'])}: {a['description']}") for a in stop.actions_due) or "—"
    rows = [
        (gettext("Why now"), _escape("; ".join(stop.reasons)) or "—"),
        (gettext("Risk"), _escape(", ".join(stop.categories) or "—")
         + (f" · {_escape(stop.level)}" if stop.level else "")),
        (gettext("Guardians"), guardians),
        (gettext("Last contact"), _escape(_day(stop.last_contact))),
        (gettext("Next step agreed"), _lines(stop.next_step)),
        (gettext("Planned actions due"), actions),
        (gettext("Notes on the visit"), "<br/><br/><br/>"),
    ]
    label_w = 34 * mm
    table = Table([[heading, ""]] + [[Paragraph(_escape(label), st["label"]),
                                      Paragraph(value, st["body"])] for label, value in rows],
                  colWidths=[label_w, width - label_w])
    table.setStyle(TableStyle([
        ("SPAN", (0, 0), (1, 0)),
        ("BACKGROUND", (0, 0), (1, 0), SHADE),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("LINEBELOW", (0, 0), (-1, -2), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return KeepTogether([table, Spacer(1, 4 * mm)])


def itinerary_pdf(itinerary: Itinerary, *, printed_at: dt.datetime, printed_by: str,
                  compress: bool = True) -> bytes:
    """The itinerary as PDF bytes (A4, in the active language). ``compress=False`` leaves the
    page streams readable for tests."""
    _fonts()
    st = _styles()
    trip = itinerary.trip
    title = gettext("Field trip itinerary: %(district)s, %(start)s – %(end)s") % {
        "district": trip.district.name, "start": _day(trip.starts_on), "end": _day(trip.ends_on)}
    footer = gettext("Printed %(when)s by %(who)s. Confidential: children's data. Keep it on "
                     "you and destroy it after the trip.") % {
        "when": date_format(printed_at, "SHORT_DATETIME_FORMAT"), "who": printed_by}

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 8 * mm, footer[:160])
        canvas.drawRightString(PAGE_W - MARGIN, 8 * mm, str(doc.page))
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=16 * mm, title=title,
                            author=printed_by, creator="Safe Childhood", invariant=1,
                            pageCompression=1 if compress else 0)
    width = PAGE_W - 2 * MARGIN
    story = [Paragraph(_escape(title), st["title"]),
             Paragraph(_escape(ngettext("%(count)s child on the itinerary.",
                                        "%(count)s children on the itinerary.",
                                        itinerary.count) % {"count": itinerary.count}
                               + " " + gettext("Specialist: %(name)s.")
                               % {"name": str(trip.specialist)}), st["meta"]),
             Spacer(1, 3 * mm)]
    if not itinerary.settlements:
        story.append(Paragraph(_escape(gettext("Nobody is on the itinerary.")), st["body"]))
    for group in itinerary.settlements:
        story.append(Paragraph(_escape(group.name), st["settlement"]))
        for school in group.schools:
            story.append(Paragraph(_escape(school.name), st["school"]))
            story.extend(_stop_block(stop, st, width) for stop in school.stops)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
