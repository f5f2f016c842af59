"""A child's score trajectory as a small SVG drawn on the server: no script, no library.

One chart per instrument (totals of different instruments do not share a scale): the totals over
time as a line of points, over the instrument's bands shaded from the lightest (lowest) to the
darkest. The SVG is an image with a title and a description; the page shows the same numbers in a
table beside it, for screen readers and for print.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 196, 12, 34  # room for the axes and the band labels
# Light to dark, green to red: a higher band is a heavier one on every instrument we use.
SHADES = ("#e3f1e4", "#f4f1c9", "#fbe2bd", "#f8cdb4", "#f2b8b5")
LINE = "#1d4f91"


@dataclass(frozen=True)
class Zone:
    """A band of the scale: totals from ``low`` to ``high`` (inclusive)."""

    code: str
    label: str
    low: int
    high: int


@dataclass(frozen=True)
class Point:
    on: dt.date
    total: int
    band: str  # the band's label in the reader's language
    label: str  # the date as shown to the reader


def zones_from_bands(bands: Sequence, label_of) -> list[Zone]:
    """Zones from an instrument scale's bands (each with ``code``, ``max``, ``label``), lowest
    first; ``label_of(band)`` gives the label in the reader's language."""
    zones, low = [], 0
    for band in sorted(bands, key=lambda b: b.max):
        zones.append(Zone(code=band.code, label=label_of(band), low=low, high=band.max))
        low = band.max + 1
    return zones


def _n(value: float) -> str:
    """A coordinate with one decimal (``format_html`` turns its arguments into strings first,
    so numbers are formatted here)."""
    return f"{value:.1f}"


def _shade(index: int, count: int) -> str:
    if count <= 1:
        return SHADES[0]
    return SHADES[round(index * (len(SHADES) - 1) / (count - 1))]


def _x_of(points: Sequence[Point]):
    inner = WIDTH - LEFT - RIGHT
    first, last = min(p.on for p in points), max(p.on for p in points)
    span = (last - first).days
    if span == 0:
        return lambda on: LEFT + inner / 2
    return lambda on: LEFT + inner * (on - first).days / span


def trajectory_svg(*, chart_id: str, title: str, description: str, points: Sequence[Point],
                   zones: Sequence[Zone], y_max: int | None = None) -> SafeString:
    """The chart as inline SVG markup. ``points`` in time order; ``zones`` lowest first."""
    top_value = max([y_max or 0, *(z.high for z in zones), *(p.total for p in points), 1])
    inner_h = HEIGHT - TOP - BOTTOM

    def y_of(value: float) -> float:
        return TOP + inner_h * (1 - value / top_value)

    parts: list[str] = []
    # band zones, with their labels at the right
    for index, zone in enumerate(zones):
        # a band covers its whole totals: half a point either side, so a total on a band's
        # lowest value sits inside the band, not on the line below it
        upper = y_of(min(zone.high + 0.5, top_value) if index < len(zones) - 1 else top_value)
        lower = y_of(max(zone.low - 0.5, 0))
        parts.append(format_html(
            '<g class="zone" data-band="{}"><rect x="{}" y="{}" width="{}" height="{}" '
            'fill="{}"/><text x="{}" y="{}" font-size="11" fill="#333">{} ({}–{})</text>'
            '</g>',
            zone.code, LEFT, _n(upper), WIDTH - LEFT - RIGHT, _n(max(lower - upper, 0)),
            _shade(index, len(zones)), WIDTH - RIGHT + 6, _n((upper + lower) / 2 + 4),
            zone.label, zone.low, zone.high))
    # the value axis: ticks at the band boundaries
    ticks = sorted({0, *(z.high for z in zones)} | ({top_value} if not zones else set()))
    parts.append(format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#555"/>', LEFT, TOP, LEFT,
        _n(y_of(0))))
    parts.append(format_html_join("", (
        '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#333">{}</text>'),
        ((LEFT - 6, _n(y_of(t) + 4), t) for t in ticks)))
    parts.append(format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#555"/>', LEFT, _n(y_of(0)),
        WIDTH - RIGHT, _n(y_of(0))))
    if points:
        x_of = _x_of(points)
        coords = [(x_of(p.on), y_of(p.total)) for p in points]
        if len(coords) > 1:
            parts.append(format_html(
                '<polyline class="line" points="{}" fill="none" stroke="{}" stroke-width="2"/>',
                " ".join(f"{x:.1f},{y:.1f}" for x, y in coords), LINE))
        for point, (x, y) in zip(points, coords, strict=True):
            parts.append(format_html(
                '<circle class="point" cx="{}" cy="{}" r="5" fill="{}" stroke="#fff" '
                'stroke-width="1.5" data-total="{}"><title>{}: {} ({})</title></circle>',
                _n(x), _n(y), LINE, point.total, point.label, point.total, point.band))
        # dates under the first and the last point (the table has every one)
        shown = [points[0]] if len(points) == 1 else [points[0], points[-1]]
        for point in shown:
            anchor = "start" if point is points[0] and len(points) > 1 else (
                "end" if len(points) > 1 else "middle")
            parts.append(format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="{}" fill="#333">{}</text>',
                _n(x_of(point.on)), HEIGHT - BOTTOM + 16, anchor, point.label))
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    return format_html(
        '<svg class="trajectory" id="{}" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="{} {}" xmlns="http://www.w3.org/2000/svg" '
        'preserveAspectRatio="xMidYMid meet"><title id="{}">{}</title><desc id="{}">{}</desc>'
        '{}</svg>',
        chart_id, WIDTH, HEIGHT, title_id, desc_id, title_id, title, desc_id, description,
        mark_safe("".join(parts)))  # noqa: S308 - every part is built by format_html

