"""The class sheet: one cut-out slip per pupil with the pupil's name, one-time code and the short
address where to answer, with a few words of instruction in the school's language.

Drawn with reportlab in DejaVu Sans (vendored in ``ui/fonts``) so that Kazakh letters (ә ғ қ ң ө
ұ ү һ і) print on any machine. The slips carry codes, not answers; the page carries no other
personal data than the pupils' names.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import segno
from django.utils import translation
from django.utils.translation import gettext
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from safechildhood.screening.services.codes import code_display

FONTS = Path(__file__).resolve().parent.parent / "ui" / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"

PAGE_W, PAGE_H = A4
MARGIN = 10 * mm
HEADER = 14 * mm
COLUMNS, ROWS = 2, 5
SLIP_W = (PAGE_W - 2 * MARGIN) / COLUMNS
SLIP_H = (PAGE_H - 2 * MARGIN - HEADER) / ROWS
PAD = 4 * mm
QR_SIZE = 18 * mm
INK = HexColor("#1b2430")
MUTED = HexColor("#4f5b67")


@dataclass(frozen=True)
class Slip:
    name: str
    code: str  # the plain one-time code, as stored sealed on the assignment


@cache
def _fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))


def sheet_languages(school_language: str) -> list[str]:
    """The languages of the pupil's instructions: the school's language of instruction; both
    Kazakh and Russian for a mixed school (or one teaching in another language)."""
    return [school_language] if school_language in ("kk", "ru") else ["kk", "ru"]


def _pupil_texts(language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "code": gettext("Your code"),
            "address": gettext("Where to answer"),
            "how": gettext("Open the address on a phone or a computer, type your code and "
                           "answer the questions. The code is yours alone: do not show it to "
                           "anyone."),
            "help": gettext("Want to talk to someone? Call 111, free, day and night."),
        }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _paragraph(canvas: Canvas, text: str, style: ParagraphStyle, x: float, top: float,
               width: float) -> float:
    """Draw wrapped text with its top at ``top``; return the y below it."""
    para = Paragraph(_escape(text), style)
    _w, height = para.wrap(width, SLIP_H)
    para.drawOn(canvas, x, top - height)
    return top - height


def _qr(canvas: Canvas, address: str, x: float, y: float) -> None:
    """A QR code of the address (``QR_SIZE`` square, lower left corner at x, y): a phone's
    camera opens the page without typing it."""
    matrix = segno.make(address, error="m", micro=False).matrix
    module = QR_SIZE / len(matrix)
    path = canvas.beginPath()
    for row, bits in enumerate(matrix):
        for column, bit in enumerate(bits):
            if bit:
                path.rect(x + column * module, y + QR_SIZE - (row + 1) * module, module, module)
    canvas.setFillColor(INK)
    canvas.drawPath(path, stroke=0, fill=1)


def _fitted(texts: list[dict[str, str]], width: float, height: float) -> list[Paragraph]:
    """The instructions (and the helpline) as paragraphs in the largest size that fits the
    space left on the slip: translations differ in length, and a mixed school prints two."""
    for size in (7.5, 7, 6.5, 6, 5.5, 5):
        body = ParagraphStyle("how", fontName=REGULAR, bulletFontName=REGULAR, fontSize=size,
                              leading=size * 1.2, textColor=INK, spaceAfter=1)
        note = ParagraphStyle("help", parent=body, textColor=MUTED, fontSize=size - 0.5,
                              leading=(size - 0.5) * 1.2)
        paragraphs = [Paragraph(_escape(t["how"]), body) for t in texts]
        paragraphs.append(Paragraph(_escape("  ".join(t["help"] for t in texts)), note))
        used = sum(p.wrap(width, height)[1] + 1 for p in paragraphs)
        if used <= height:
            break
    return paragraphs


def _slip(canvas: Canvas, slip: Slip, x: float, y: float, *, class_name: str, address: str,
          texts: list[dict[str, str]]) -> None:
    """One slip with its lower left corner at (x, y), framed by a dashed cutting line."""
    canvas.setDash(3, 3)
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.5)
    canvas.rect(x, y, SLIP_W, SLIP_H)
    canvas.setDash()
    inner = SLIP_W - 2 * PAD
    top = y + SLIP_H - PAD
    name_style = ParagraphStyle("name", fontName=BOLD, bulletFontName=BOLD, fontSize=11,
                                leading=13, textColor=INK)
    top = _paragraph(canvas, f"{slip.name} · {class_name}", name_style, x + PAD, top, inner)
    first = texts[0]
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 7.5)
    canvas.drawString(x + PAD, top - 10, first["code"])
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 18)
    canvas.drawString(x + PAD, top - 28, code_display(slip.code))
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 7.5)
    canvas.drawString(x + PAD, top - 40, first["address"])
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 10)
    canvas.drawString(x + PAD, top - 52, address)
    _qr(canvas, address, x + SLIP_W - PAD - QR_SIZE, top - 4 - QR_SIZE)
    text_top = top - 58
    for paragraph in _fitted(texts, inner, text_top - (y + PAD / 2)):
        _w, height = paragraph.wrap(inner, SLIP_H)
        paragraph.drawOn(canvas, x + PAD, text_top - height)
        text_top -= height + 1


def _header(canvas: Canvas, *, title: str, note: str, page: int, pages: int) -> None:
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 10)
    canvas.drawString(MARGIN, PAGE_H - MARGIN - 4 * mm, title)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 8)
    canvas.drawString(MARGIN, PAGE_H - MARGIN - 9 * mm, note)
    canvas.drawRightString(PAGE_W - MARGIN, PAGE_H - MARGIN - 4 * mm, f"{page}/{pages}")


def class_sheet_pdf(*, slips: list[Slip], campaign_name: str, school_name: str, class_name: str,
                    address: str, school_language: str, compress: bool = True) -> bytes:
    """The class sheet as PDF bytes: ten slips to an A4 page, two columns. The header is in
    the language of the person printing (the active language); the slips in the school's.
    ``compress=False`` leaves the page streams readable (the tests look for the codes)."""
    _fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1 if compress else 0, invariant=1,
                    initialFontName=REGULAR, initialFontSize=10)
    title = gettext("Class sheet: %(school)s, class %(class_name)s") % {
        "school": school_name, "class_name": class_name}
    canvas.setTitle(title)
    canvas.setSubject(campaign_name)
    canvas.setCreator("Safe Childhood")
    note = gettext("%(campaign)s. Cut along the dashed lines and give each pupil their own "
                   "slip; keep the slips of absent pupils for later.") % {
        "campaign": campaign_name[:80]}
    texts = [_pupil_texts(language) for language in sheet_languages(school_language)]
    per_page = COLUMNS * ROWS
    pages = max(1, -(-len(slips) // per_page))
    for page in range(pages):
        _header(canvas, title=title, note=note, page=page + 1, pages=pages)
        for index, slip in enumerate(slips[page * per_page:(page + 1) * per_page]):
            column, row = index % COLUMNS, index // COLUMNS
            x = MARGIN + column * SLIP_W
            y = PAGE_H - MARGIN - HEADER - (row + 1) * SLIP_H
            _slip(canvas, slip, x, y, class_name=class_name, address=address, texts=texts)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
