"""Bar charts as inline SVG drawn on the server: no script, no library. Each chart has a title
for screen readers and the page gives the same figures as a table beside it.

A hidden value (``HIDDEN``, "<5") is drawn as an outlined stub labelled "<5", never as a bar of
its true height; a missing value as a dash.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from safechildhood.statistics.indicators import HIDDEN, Hidden

WIDTH = 400  # small enough that the text stays readable when a phone scales it down
BAR_AREA = 150  # height of the tallest bar
TOP = 22  # room for the value above the tallest bar
LABEL_ROOM = 46  # room for the labels under the bars
COLOUR = "#1f5fa8"


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(title: str, bars: Sequence[tuple[str, int | Hidden | None]], *,
              unit: str = "", chart_id: str = "chart") -> SafeString:
    """Vertical bars, one per (label, value). ``unit`` follows each value ("%")."""
    count = max(1, len(bars))
    slot = WIDTH / count
    bar_width = min(56.0, slot * 0.62)
    numbers = [v for _label, v in bars if isinstance(v, int) and not isinstance(v, bool)]
    top = max([*numbers, 1])
    height = TOP + BAR_AREA + LABEL_ROOM
    limit = max(4, int(slot / 7.2))
    parts = []
    for index, (label, value) in enumerate(bars):
        centre = slot * index + slot / 2
        x = centre - bar_width / 2
        base = TOP + BAR_AREA
        if value is HIDDEN:
            bar = format_html(
                '<rect x="{}" y="{}" width="{}" height="8" fill="none" stroke="{}" '
                'stroke-dasharray="3 2"/>', f"{x:.1f}", base - 8, f"{bar_width:.1f}", COLOUR)
            text, text_y = str(value), base - 12
        elif value is None:
            bar, text, text_y = SafeString(""), "—", base - 4
        else:
            bar_height = max(1.0, BAR_AREA * value / top) if value else 0.0
            bar = format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                              f"{x:.1f}", f"{base - bar_height:.1f}", f"{bar_width:.1f}",
                              f"{bar_height:.1f}", COLOUR)
            text, text_y = f"{value}{unit}", base - bar_height - 5
        parts.append(format_html(
            '<g>{}<text x="{}" y="{}" text-anchor="middle" class="v">{}</text>'
            '<text x="{}" y="{}" text-anchor="middle" class="l">{}</text></g>',
            bar, f"{centre:.1f}", f"{text_y:.1f}", text, f"{centre:.1f}", base + 18,
            _short(label, limit)))
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title" '
        'preserveAspectRatio="xMidYMid meet"><title id="{}-title">{}</title>'
        '<line x1="0" x2="{}" y1="{}" y2="{}" stroke="#9aa3ad"/>{}</svg>',
        WIDTH, height, chart_id, chart_id, title, WIDTH, TOP + BAR_AREA, TOP + BAR_AREA,
        format_html_join("", "{}", ((p,) for p in parts)))


ROW = 22  # height of one horizontal bar's row
HBAR_WIDTH = 320  # about a phone's width, so that its text is drawn near its real size
LABEL_WIDTH = 150


def hbar_chart(title: str, bars: Sequence[tuple[str, int | Hidden | None]], *,
               unit: str = "", chart_id: str = "chart", top: int | None = None) -> SafeString:
    """Horizontal bars, one row per (label, value): districts with their names readable on a
    phone. ``top`` fixes the scale (100 for percentages)."""
    numbers = [v for _label, v in bars if isinstance(v, int) and not isinstance(v, bool)]
    scale_top = top or max([*numbers, 1])
    room = HBAR_WIDTH - LABEL_WIDTH - 44
    parts = []
    for index, (label, value) in enumerate(bars):
        y = index * ROW + 4
        if value is HIDDEN:
            bar = format_html('<rect x="{}" y="{}" width="8" height="{}" fill="none" '
                              'stroke="{}" stroke-dasharray="3 2"/>',
                              LABEL_WIDTH, y + 3, ROW - 8, COLOUR)
            text, text_x = str(value), LABEL_WIDTH + 12
        elif value is None:
            bar, text, text_x = SafeString(""), "—", LABEL_WIDTH + 4
        else:
            length = max(1.0, room * value / scale_top) if value else 0.0
            bar = format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                              LABEL_WIDTH, y + 3, f"{length:.1f}", ROW - 8, COLOUR)
            text, text_x = f"{value}{unit}", LABEL_WIDTH + length + 4
        parts.append(format_html(
            '<g><text x="{}" y="{}" text-anchor="end" class="l">{}</text>{}'
            '<text x="{}" y="{}" class="v">{}</text></g>',
            LABEL_WIDTH - 6, y + ROW - 8, _short(label, 22), bar, f"{text_x:.1f}",
            y + ROW - 8, text))
    height = max(1, len(bars)) * ROW + 8
    return format_html(
        '<svg class="chart hbar" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title">'
        '<title id="{}-title">{}</title>'
        '<line x1="{}" x2="{}" y1="0" y2="{}" stroke="#9aa3ad"/>{}</svg>',
        HBAR_WIDTH, height, chart_id, chart_id, title, LABEL_WIDTH, LABEL_WIDTH, height,
        format_html_join("", "{}", ((p,) for p in parts)))
