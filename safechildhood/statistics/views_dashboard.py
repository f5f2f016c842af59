"""The dashboard page: the region's indicators for a period, drilled down region → district →
school (``?district=``, ``?school=``), with headline tiles, a tile map of the districts, bar
charts beside the tables, and each count linking to the records it counts where the viewer may
open them. A plain GET form; htmx swaps only the page's body when it is there."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from safechildhood.access.policy import Action, require
from safechildhood.statistics import indicators
from safechildhood.statistics.dashboard import dashboard_get
from safechildhood.statistics.forms_dashboard import DashboardFilterForm


@login_required
@require_GET
def dashboard(request):
    actor = request.actor
    require(actor, Action.DASHBOARD_VIEW)
    region_id = actor.membership.region_id
    years = indicators.figure_years(region_id) + indicators.screening_years(region_id)
    form = DashboardFilterForm(request.GET or None, first_year=min(years, default=None))
    period = form.chosen_period()
    district_id, school_id = form.area()
    board = dashboard_get(actor=actor, period=period, district_id=district_id,
                          school_id=school_id, map_code=request.GET.get("map", ""))
    form.fields["map"].widget.choices = board.map_choices
    form.prepare(period, board.map_code)
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, "statistics/_dashboard_body.html" if partial
                      else "statistics/dashboard.html",
                      {"board": board, "form": form, "small_count": indicators.SMALL_COUNT})
    patch_vary_headers(response, ("HX-Request",))
    return response
