"""The trust box poster of one school: an A4 page in Kazakh and Russian with a large QR code
that opens the trust box with the school already chosen, the short address for typing, and the
111 help line.

Children in Kazakhstan reach the 111 line mostly through QR codes put up in schools, so the
poster is the main way into the box. Drawn with the class sheet's fonts and QR drawing
(``screening/pdf.py``) so that Kazakh letters print everywhere."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from safechildhood.screening import pdf as sheet_pdf
from safechildhood.screening.pdf import BOLD, INK, MUTED, REGULAR, _escape, _fonts

PAGE_W, PAGE_H = A4
MARGIN = 16 * mm
QR = 72 * mm
QUIET = 11 * mm
ACCENT = HexColor("#1f5fa8")
LANGUAGES = ("kk", "ru")


def _texts(language: str, school_name: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "title": gettext("Trust box"),
            "lead": gettext("Something troubles you? Write to us. You do not have to give your "
                            "name."),
            "how": gettext("Point your phone's camera at the code, write your message and keep "
                           "the reply code: with it you read the answer of the psychologists of "
                           "the regional psychological support centre. Your school does not see "
                           "what you write."),
            "school": gettext("School: %(school)s") % {"school": school_name},
            "help": gettext("In danger or feeling very bad? Call 111: free, day and night."),
        }


def _block(canvas: Canvas, texts: dict[str, str], top: float, *, size: float) -> float:
    """One language's texts from ``top`` down; returns the y below them."""
    width = PAGE_W - 2 * MARGIN
    styles = [
        ("title", ParagraphStyle("t", fontName=BOLD, fontSize=size * 2.1,
                                 leading=size * 2.4, textColor=ACCENT)),
        ("lead", ParagraphStyle("l", fontName=BOLD, fontSize=size * 1.2, leading=size * 1.5,
                                textColor=INK, spaceBefore=2)),
        ("how", ParagraphStyle("h", fontName=REGULAR, fontSize=size, leading=size * 1.3,
                               textColor=INK)),
    ]
    for key, style in styles:
        para = Paragraph(_escape(texts[key]), style)
        _w, height = para.wrap(width, PAGE_H)
        para.drawOn(canvas, MARGIN, top - height)
        top -= height + 2.5 * mm
    return top


def poster_pdf(*, school_names: dict[str, str], address: str, short_address: str,
               compress: bool = True) -> bytes:
    """The poster as PDF bytes. ``address`` goes into the QR code (the trust box with the school
    chosen); ``short_address`` is printed for typing by hand; ``school_names`` holds the
    school's name per language (kk, ru)."""
    _fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1 if compress else 0, invariant=1,
                    initialFontName=REGULAR, initialFontSize=10)
    kk, ru = (_texts(language, school_names[language]) for language in LANGUAGES)
    canvas.setTitle(f"{kk['title']} / {ru['title']}: {school_names['ru']}")
    canvas.setCreator("Safe Childhood")
    # a coloured band on top
    canvas.setFillColor(ACCENT)
    canvas.rect(0, PAGE_H - 8 * mm, PAGE_W, 8 * mm, stroke=0, fill=1)
    top = _block(canvas, kk, PAGE_H - 16 * mm, size=12)
    # the QR code in the middle, framed
    qr_y = top - QR - QUIET - 2 * mm
    qr_x = (PAGE_W - QR) / 2
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(2)
    # the frame leaves the quiet zone of four modules around the code
    canvas.roundRect(qr_x - QUIET, qr_y - QUIET, QR + 2 * QUIET, QR + 2 * QUIET, 4 * mm)
    _qr(canvas, address, qr_x, qr_y)
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 13)
    canvas.drawCentredString(PAGE_W / 2, qr_y - QUIET - 8 * mm, short_address)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 10)
    school_line = f"{kk['school']}  ·  {ru['school']}"
    if canvas.stringWidth(school_line, REGULAR, 10) > PAGE_W - 2 * MARGIN:
        school_line = kk["school"]
    canvas.drawCentredString(PAGE_W / 2, qr_y - QUIET - 14 * mm, school_line)
    top = _block(canvas, ru, qr_y - QUIET - 22 * mm, size=12)
    # the help line across the bottom, in both languages
    canvas.setFillColor(HexColor("#fff3cd"))
    canvas.rect(MARGIN, MARGIN, PAGE_W - 2 * MARGIN, 24 * mm, stroke=0, fill=1)
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 40)
    canvas.drawString(MARGIN + 5 * mm, MARGIN + 7 * mm, "111")
    help_style = ParagraphStyle("help", fontName=BOLD, fontSize=10.5, leading=13,
                                textColor=INK)
    para = Paragraph(_escape(kk["help"]) + "<br/>" + _escape(ru["help"]), help_style)
    width = PAGE_W - 2 * MARGIN - 45 * mm
    _w, height = para.wrap(width, 24 * mm)
    para.drawOn(canvas, MARGIN + 40 * mm, MARGIN + (24 * mm - height) / 2)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _qr(canvas: Canvas, address: str, x: float, y: float) -> None:
    """The class sheet's QR drawing, scaled up to poster size."""
    factor = QR / sheet_pdf.QR_SIZE
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(factor, factor)
    sheet_pdf._qr(canvas, address, 0, 0)
    canvas.restoreState()
