"""Pages of official reports, for the centre head and the prosecutor's analyst: the region's
reports with the form asking for one, a report's page (its progress while it is written,
refreshed by htmx; its files when done) and the downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from safechildhood.access.policy import Action, require
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.statistics.models import Report
from safechildhood.statistics.reports import selectors, services
from safechildhood.statistics.reports.forms import ReportRequestForm

REPORTS_PER_PAGE = 20
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _list_page(request, form: ReportRequestForm, status: int = 200):
    reports = selectors.report_list(actor=request.actor)
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "statistics/report_list.html", {"form": form, "page": page},
                  status=status)


@login_required
@require_GET
def report_list(request):
    require(request.actor, Action.REPORT_GENERATE)
    language = getattr(request.user, "language", "") or get_language() or ""
    form = ReportRequestForm(initial={
        "language": language if language in Report.Language.values else Report.Language.RUSSIAN,
        "format": Report.Format.BOTH})
    return _list_page(request, form)


@login_required
@require_POST
def report_create(request):
    require(request.actor, Action.REPORT_GENERATE)
    form = ReportRequestForm(request.POST)
    if form.is_valid():
        try:
            report = services.report_request(
                actor=request.actor, period=form.cleaned_data["period"],
                language=form.cleaned_data["language"], file_format=form.cleaned_data["format"])
        except DomainError as error:
            error.add_to(form)
        else:
            return redirect("statistics:report-detail", pk=report.pk)
    return _list_page(request, form, status=400)


@login_required
@require_GET
def report_detail(request, pk: int):
    """The report's facts and state; htmx asks for the state part again until it is done."""
    report = selectors.report_get(actor=request.actor, pk=pk)
    context = {"report": report, "may_retry": services.may_retry(report)}
    template = ("statistics/_report_progress.html" if request.htmx
                else "statistics/report_detail.html")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_POST
def report_retry(request, pk: int):
    report = selectors.report_get(actor=request.actor, pk=pk)
    try:
        services.report_retry(actor=request.actor, report=report)
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        messages.info(request, error.message)
    return redirect("statistics:report-detail", pk=report.pk)


@never_cache
@login_required
@require_GET
def report_download(request, pk: int, file_format: str):
    report = selectors.report_get(actor=request.actor, pk=pk)
    try:
        content = services.report_file(actor=request.actor, report=report,
                                       file_format=file_format)
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        messages.info(request, error.message)
        return redirect("statistics:report-detail", pk=report.pk)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    name = services.report_file_name(report, file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
