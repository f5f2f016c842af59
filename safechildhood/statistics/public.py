"""The public statistics page: the programme's headline figures for anyone, without login.

What it shows is computed for the public viewer (``viewer=None``): small counts suppressed,
nothing about any child. The page depends only on its address (``?lang=`` and ``?region=``),
so it is rendered once per region and language and kept in the cache for ``PUBLIC_SECONDS``
(or until new official figures are imported), and browsers and proxies may keep it as long.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import http_date
from django.utils.translation import gettext

from safechildhood.geography.models import Region
from safechildhood.periods import ReportPeriod
from safechildhood.statistics import charts
from safechildhood.statistics.indicators import (
    SMALL_COUNT,
    figure_years,
    official_figures,
    official_trend,
    screening_years,
)
from safechildhood.statistics.indicators_cases import coverage_table
from safechildhood.statistics.models import CrimeFigure, Indicator

PUBLIC_SECONDS = 300
TREND_YEARS = 5
CACHE_PREFIX = "statistics:public:v1"


def public_context(region: Region) -> dict[str, Any]:
    """Everything the page shows for ``region``, in the active language, suppressed for the
    public."""
    context: dict[str, Any] = {"region": region, "figures": None, "coverage": None}
    years = figure_years(region.pk)
    if years:
        year = years[0]
        table = official_figures(region_id=region.pk, viewer=None, year=year)
        trend_years = list(range(year - TREND_YEARS + 1, year + 1))
        trends = []
        for code, label in Indicator.choices:
            points = official_trend(region_id=region.pk, viewer=None, indicator=code,
                                    years=trend_years)
            trends.append({
                "code": code, "label": str(label), "points": points,
                "chart": charts.bar_chart(
                    gettext("%(indicator)s, %(first)s–%(last)s") % {
                        "indicator": label, "first": trend_years[0], "last": year},
                    [(str(y), v) for y, v in points], chart_id=f"trend-{code}"),
            })
        context.update(figures=table, trends=trends, trend_years=trend_years,
                       headline=[(code, str(label), table.total.cells[code])
                                 for code, label in Indicator.choices])
    screening = screening_years(region.pk)
    if screening:
        coverage = coverage_table(region_id=region.pk, viewer=None,
                                  period=ReportPeriod(screening[0]))
        context.update(
            coverage=coverage, coverage_year=screening[0],
            coverage_chart=charts.hbar_chart(
                gettext("Pupils screened, percent of those to be screened, %(year)s")
                % {"year": screening[0]},
                coverage.column("coverage"), unit="%", top=100,
                chart_id="coverage"))
    return context


def _stamp(region: Region) -> str:
    """Changes when official figures of the region are imported or replaced."""
    found = CrimeFigure.objects.filter(region=region).aggregate(n=Count("pk"),
                                                                at=Max("updated_at"))
    at = found["at"].timestamp() if found["at"] else 0
    return f"{found['n']}-{at:.6f}"


def public_page(region: Region | None, regions: list[Region], language: str) -> dict[str, Any]:
    """The rendered page for a region (or the list of regions when none is chosen) in
    ``language``: ``{"body", "etag", "modified"}``, from the cache when fresh."""
    stamp = _stamp(region) if region is not None else "choose"
    key = f"{CACHE_PREFIX}:{region.pk if region else 0}:{language}:{stamp}"
    page = cache.get(key)
    if page is not None:
        return page
    with translation.override(language):
        context = public_context(region) if region is not None else {}
        body = render_to_string("statistics/public.html", {
            **context, "language": language, "regions": regions,
            "chosen": region, "languages": settings.LANGUAGES, "small_count": SMALL_COUNT})
    page = {"body": body, "etag": '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"',
            "modified": http_date(time.time())}
    cache.set(key, page, PUBLIC_SECONDS)
    return page
