"""Reads of statistics for the staff pages: official figures and their imports, scoped by the
policy (access/rules_statistics.py)."""

from __future__ import annotations

from django.db.models import Case, QuerySet, Value, When

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.errors import NotFound
from safechildhood.geography.models import District
from safechildhood.statistics.models import CrimeFigure, FigureImport, Indicator


def figure_list(*, actor: Actor, year: int | None = None, period_kind: str | None = None,
                period_number: int | None = None, district: District | None = None,
                region_total: bool = False, indicator: str | None = None
                ) -> QuerySet[CrimeFigure]:
    """The official figures of the actor's region, newest period first, filtered."""
    require(actor, Action.STATISTICS_VIEW)
    qs = scope(actor, CrimeFigure.objects.all()).select_related(
        "district", "source", "source__uploaded_by")
    if year is not None:
        qs = qs.filter(year=year)
    if period_kind:
        qs = qs.filter(period_kind=period_kind)
    if period_number is not None:
        qs = qs.filter(period_number=period_number)
    if region_total:
        qs = qs.filter(district__isnull=True)
    elif district is not None:
        qs = qs.filter(district=district)
    if indicator:
        qs = qs.filter(indicator=indicator)
    # indicators in the programme's order (the order of ``Indicator``), not alphabetical
    order = Case(*[When(indicator=code, then=Value(i)) for i, code in enumerate(Indicator)],
                 default=Value(len(Indicator)))
    return qs.order_by("-year", "period_kind", "period_number", "district__kind",
                       "district__name_ru", order)


def figure_import_list(*, actor: Actor) -> QuerySet[FigureImport]:
    require(actor, Action.STATISTICS_VIEW)
    return (scope(actor, FigureImport.objects.all()).select_related("uploaded_by")
            .defer("rows", "errors").order_by("-uploaded_at", "-id"))


def figure_import_get(*, actor: Actor, pk: int) -> FigureImport:
    """An import of the actor's region; any other is not found."""
    require(actor, Action.CRIME_FIGURES_IMPORT)
    found = scope(actor, FigureImport.objects.filter(pk=pk)).select_related(
        "uploaded_by", "region").first()
    if found is None:
        raise NotFound("Not found.", code="not_found")
    return found
