"""Pages of statistics: the public page (no login) and, for the centre head and the
prosecutor's analyst, the official figures: their list, the template, the upload with its
preview, and the confirmation."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from safechildhood.access.policy import Action, require
from safechildhood.errors import DomainError
from safechildhood.geography.models import Region
from safechildhood.statistics import selectors, services, spreadsheets
from safechildhood.statistics.forms import (
    FigureFilterForm,
    FigureUploadForm,
    YearForm,
    district_choices,
)
from safechildhood.statistics.imports import TOTAL_WORD, period_label, problems_for_display
from safechildhood.statistics.models import FigureImport, Indicator
from safechildhood.statistics.public import PUBLIC_SECONDS, public_page

FIGURES_PER_PAGE = 50
PROBLEMS_SHOWN = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the public page ----------------------------------------------------------------------------


@require_safe
def public(request):
    """The programme's headline figures for anyone. The language and the region are in the
    address, so that one rendering per address can be cached by the server, proxies and
    browsers; without ``?lang=`` the visitor is sent to their language's address."""
    language = request.GET.get("lang", "")
    regions = list(Region.objects.order_by("name_ru"))
    region = None
    if request.GET.get("region"):
        region = next((r for r in regions if str(r.pk) == request.GET["region"]), None)
        if region is None:
            raise Http404
    elif len(regions) == 1:
        region = regions[0]
    if language not in dict(settings.LANGUAGES):
        chosen = translation.get_language_from_request(request) or settings.LANGUAGE_CODE
        query = {"lang": chosen, **({"region": region.pk} if request.GET.get("region") else {})}
        response = redirect(f"{request.path}?{urlencode(query)}")
        response["Cache-Control"] = "private, no-cache"
        return response
    page = public_page(region, regions, language)
    conditional = get_conditional_response(request, etag=page["etag"],
                                           last_modified=None)
    response = conditional or HttpResponse(page["body"])
    response["ETag"] = page["etag"]
    response["Last-Modified"] = page["modified"]
    response["Cache-Control"] = f"public, max-age={PUBLIC_SECONDS}"
    response["Content-Language"] = language
    return response


# --- indicators (staff) -------------------------------------------------------------------------


@login_required
@require_GET
def overview(request):
    """The statistics pages start at the dashboard (the region's indicators for a period, with
    the official figures, screening and the rest); ``?year=`` of older links becomes its period."""
    require(request.actor, Action.DASHBOARD_VIEW)
    form = YearForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    address = reverse("statistics:dashboard")
    return redirect(f"{address}?{urlencode({'period': year})}" if year else address)


# --- official figures (staff) -------------------------------------------------------------------


@login_required
@require_GET
def figure_list(request):
    actor = request.actor
    require(actor, Action.STATISTICS_VIEW)
    districts = list(district_choices(actor.membership.region_id))
    form = FigureFilterForm(request.GET or None, districts=districts)
    figures = selectors.figure_list(actor=actor, **form.filters(districts))
    page = Paginator(figures, FIGURES_PER_PAGE).get_page(request.GET.get("page"))
    labels = dict(Indicator.choices)
    rows = [{"figure": f, "period": period_label(f.period_kind, f.period_number, f.year),
             "place": f.district.name if f.district_id else str(TOTAL_WORD),
             "indicator": labels.get(f.indicator, f.indicator)} for f in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "statistics/figure_list.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(),
        "imports": selectors.figure_import_list(actor=actor)[:5]})


@login_required
@require_GET
def figure_export(request):
    """The filtered figures as .xlsx, with their sources."""
    actor = request.actor
    require(actor, Action.STATISTICS_VIEW)
    districts = list(district_choices(actor.membership.region_id))
    form = FigureFilterForm(request.GET or None, districts=districts)
    figures = selectors.figure_list(actor=actor, **form.filters(districts))
    response = HttpResponse(spreadsheets.figures_xlsx(figures.iterator(chunk_size=1000)),
                            content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="official-figures.xlsx"'
    return response


@login_required
@require_GET
def figure_template(request):
    actor = request.actor
    require(actor, Action.CRIME_FIGURES_IMPORT)
    response = HttpResponse(spreadsheets.figures_template_xlsx(region=actor.membership.region),
                            content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="official-figures-template.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def figure_import_create(request):
    actor = request.actor
    require(actor, Action.CRIME_FIGURES_IMPORT)
    posted = request.method == "POST"
    form = FigureUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            figure_import = services.figures_import_check(
                actor=actor, uploaded_file=form.cleaned_data["file"],
                document_name=form.cleaned_data["document_name"],
                document_number=form.cleaned_data["document_number"],
                document_date=form.cleaned_data["document_date"])
        except DomainError as error:
            error.add_to(form)
        else:
            return redirect("statistics:figure-import-detail", pk=figure_import.pk)
    return render(request, "statistics/figure_import_create.html", {"form": form},
                  status=400 if posted else 200)


@login_required
@require_GET
def figure_import_detail(request, pk: int):
    """The preview of a checked file (what will be added, changed, left as it is) with the
    confirmation, or its problems, or what an import did."""
    figure_import = selectors.figure_import_get(actor=request.actor, pk=pk)
    changes = services.figures_import_changes(figure_import) \
        if figure_import.status == FigureImport.Status.CHECKED else []
    labels = dict(Indicator.choices)
    names = {d.pk: d.name for d in district_choices(figure_import.region_id)}
    for change in changes:
        change["period"] = period_label(change["period_kind"], change["period_number"],
                                        change["year"])
        change["place"] = names.get(change["district_id"], str(TOTAL_WORD)) \
            if change["district_id"] else str(TOTAL_WORD)
        change["indicator_label"] = labels.get(change["indicator"], change["indicator"])
    counts = {action: sum(1 for c in changes if c["action"] == action)
              for action in ("create", "change", "same")}
    return render(request, "statistics/figure_import_detail.html", {
        "figure_import": figure_import, "changes": changes, "counts": counts,
        "problems": problems_for_display(figure_import.errors[:PROBLEMS_SHOWN]),
        "problem_count": len(figure_import.errors)})


@login_required
@require_POST
def figure_import_commit(request, pk: int):
    figure_import = selectors.figure_import_get(actor=request.actor, pk=pk)
    try:
        counts = services.figures_import_commit(actor=request.actor, figure_import=figure_import)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("statistics:figure-import-detail", pk=pk)
    messages.success(request, gettext(
        "Figures imported: %(created)s added, %(changed)s replaced, %(same)s unchanged.")
        % {"created": counts["create"], "changed": counts["change"], "same": counts["same"]})
    return redirect("statistics:figure-list")


@login_required
@require_POST
def figure_import_discard(request, pk: int):
    figure_import = selectors.figure_import_get(actor=request.actor, pk=pk)
    try:
        services.figures_import_discard(actor=request.actor, figure_import=figure_import)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("statistics:figure-import-detail", pk=pk)
    messages.success(request, gettext("The file was discarded; nothing was imported."))
    return redirect("statistics:figure-import-create")
