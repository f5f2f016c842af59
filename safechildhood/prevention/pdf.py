"""The certificate of a training: one landscape A4 page per participant who attended, in the
participant's language (Kazakh or Russian), with the certificate's number.

Drawn with reportlab in DejaVu Sans (vendored in ``ui/fonts``, registered by the class sheet's
module) so that Kazakh letters (ә ғ қ ң ө ұ ү һ і) print on any machine.
"""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from safechildhood.prevention.models import TrainingParticipant
from safechildhood.screening.pdf import BOLD, INK, MUTED, REGULAR, _escape, _fonts

PAGE_W, PAGE_H = landscape(A4)
MARGIN = 18 * mm
ACCENT = HexColor("#1f5fa8")
LANGUAGES = ("kk", "ru")


def certificate_language(participant: TrainingParticipant, wished: str | None = None) -> str:
    """Kazakh or Russian: the one asked for, else the participant's own language, else the
    school's language of instruction (Kazakh for a mixed school)."""
    for choice in (wished, participant.user.language, participant.school.language):
        if choice in LANGUAGES:
            return choice
    return "kk"


def _name(obj, language: str) -> str:
    return getattr(obj, f"name_{language}", "") or obj.name


def _texts(participant: TrainingParticipant, language: str) -> dict[str, str]:
    training = participant.training
    with translation.override(language):
        if training.starts_on == training.ends_on:
            dates = training.starts_on.strftime("%d.%m.%Y")
        else:
            dates = gettext("%(start)s – %(end)s") % {
                "start": training.starts_on.strftime("%d.%m.%Y"),
                "end": training.ends_on.strftime("%d.%m.%Y")}
        return {
            "title": gettext("Certificate"),
            "number": gettext("No. %(number)s") % {"number": participant.certificate_number},
            "lead": gettext("This certifies that"),
            "name": participant.user.get_full_name() or participant.user.username,
            "role": gettext("school psychologist, %(school)s") % {
                "school": _name(participant.school, language)},
            "body": gettext("completed the training “%(topic)s” of %(hours)s academic hours, "
                            "held by %(centre)s on %(dates)s.") % {
                "topic": training.topic, "hours": training.hours,
                "centre": _name(training.centre, language), "dates": dates},
            "trainer": gettext("Trainer: %(trainer)s") % {"trainer": training.trainer},
            "programme": gettext("Safe Childhood regional programme"),
            "issued": gettext("Date: %(date)s") % {
                "date": training.ends_on.strftime("%d.%m.%Y")},
        }


def _centred(canvas: Canvas, text: str, style: ParagraphStyle, top: float) -> float:
    para = Paragraph(_escape(text), style)
    width = PAGE_W - 2 * MARGIN - 20 * mm
    _w, height = para.wrap(width, PAGE_H)
    para.drawOn(canvas, MARGIN + 10 * mm, top - height)
    return top - height


def certificate_pdf(participant: TrainingParticipant, *, language: str,
                    compress: bool = True) -> bytes:
    """The certificate as PDF bytes. The participant must have attended (a number given)."""
    _fonts()
    texts = _texts(participant, language)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_W, PAGE_H), pageCompression=1 if compress else 0,
                    invariant=1, initialFontName=REGULAR, initialFontSize=10)
    canvas.setTitle(f"{texts['title']} {participant.certificate_number}")
    canvas.setCreator("Safe Childhood")
    # frame
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(3)
    canvas.rect(MARGIN / 2, MARGIN / 2, PAGE_W - MARGIN, PAGE_H - MARGIN)
    canvas.setLineWidth(0.8)
    canvas.rect(MARGIN / 2 + 4 * mm, MARGIN / 2 + 4 * mm, PAGE_W - MARGIN - 8 * mm,
                PAGE_H - MARGIN - 8 * mm)

    def style(name, font, size, color=INK, space=0):
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.3,
                              textColor=color, alignment=TA_CENTER, spaceBefore=space)

    top = PAGE_H - MARGIN - 6 * mm
    top = _centred(canvas, texts["programme"], style("p", REGULAR, 12, MUTED), top) - 10 * mm
    top = _centred(canvas, texts["title"].upper(), style("t", BOLD, 34, ACCENT), top) - 2 * mm
    top = _centred(canvas, texts["number"], style("n", REGULAR, 12, MUTED), top) - 10 * mm
    top = _centred(canvas, texts["lead"], style("l", REGULAR, 14), top) - 4 * mm
    top = _centred(canvas, texts["name"], style("nm", BOLD, 26), top) - 2 * mm
    top = _centred(canvas, texts["role"], style("r", REGULAR, 13, MUTED), top) - 6 * mm
    top = _centred(canvas, texts["body"], style("b", REGULAR, 15), top) - 8 * mm
    _centred(canvas, texts["trainer"], style("tr", REGULAR, 12), top)
    # signature line
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.6)
    y = MARGIN + 14 * mm
    canvas.line(PAGE_W - MARGIN - 80 * mm, y, PAGE_W - MARGIN - 10 * mm, y)
    canvas.setFont(REGULAR, 10)
    canvas.setFillColor(MUTED)
    canvas.drawCentredString(PAGE_W - MARGIN - 45 * mm, y - 5 * mm,
                             _name(participant.training.centre, language))
    canvas.setFont(REGULAR, 11)
    canvas.setFillColor(INK)
    canvas.drawString(MARGIN + 10 * mm, y, texts["issued"])
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
