"""Pages of disclosures, police reports and the prosecutor's oversight.

* A concern is recorded from the pupil's page (``concern-create`` takes the pupil's id); a
  category the law requires to be reported puts a police report on the reporter's list.
* The report list is everyone's in their scope: the school and the centre see their reports to
  send (deadline, escalation) and the status of those sent; the inspector the reports sent to
  their unit; the prosecutor's analyst every report of the region, without names.
* The report page holds the steps: send (school, centre), acknowledge and move the status on
  (inspector), oversight notes (prosecutor) and their answers (inspector or school).

Each view parses with a form, asks the policy through a selector or a service, and renders;
the rules live in the services."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safechildhood.access.policy import Action, can, require
from safechildhood.disclosures import selectors, services
from safechildhood.disclosures.forms import (
    AcknowledgeForm,
    ConcernFilterForm,
    ConcernForm,
    ConfirmForm,
    OversightNoteForm,
    ReportFilterForm,
    ResponseForm,
    StatusForm,
)
from safechildhood.disclosures.models import Concern, PoliceReport
from safechildhood.errors import DomainError, Forbidden, NotFound

PER_PAGE = 25


# --- concerns ----------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def concern_create(request, pk: int):
    actor = request.actor
    pupil = selectors.concern_pupil(actor=actor, pk=pk)
    form = ConcernForm(request.POST or None,
                       initial={"disclosed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.concern_create(actor=actor, pupil=pupil, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            report = selectors.concern_report(concern)
            if report is not None:
                messages.success(request, gettext(
                    "The concern is recorded and the centre is asked to take the child on. "
                    "A police report is on your list: send it before the deadline."))
                return redirect("disclosures:report-detail", pk=report.pk)
            messages.success(request, gettext(
                "The concern is recorded and the centre is asked to take the child on."))
            return redirect("disclosures:concern-detail", pk=concern.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "disclosures/concern_form.html", {
        "pupil": pupil, "form": form,
        "deadline_hours": round(settings.REPORT_DEADLINE_HOURS),
    }, status=status)


@never_cache
@login_required
@require_GET
def concern_list(request):
    actor = request.actor
    search = ConcernFilterForm(request.GET or None, region_id=_region_id(actor))
    page = Paginator(selectors.concern_list(actor=actor, filters=search.filters()),
                     PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "disclosures/concern_list.html", {
        "search": search, "page": page, "active": search.active()})


def _region_id(actor) -> int | None:
    return actor.membership.region_id if actor.membership is not None else None


@never_cache
@login_required
@require_GET
def concern_detail(request, pk: int):
    actor = request.actor
    concern, narrative = selectors.concern_get(actor=actor, pk=pk)
    report = selectors.concern_report(concern)
    return render(request, "disclosures/concern_detail.html", {
        "concern": concern,
        "pupil": concern.pupil,
        "show_narrative": narrative,
        "report": report,
        "now": timezone.now(),
        "may_prepare": report is None and can(actor, Action.REPORT_SEND, concern),
        "form": ConfirmForm(),
    })


@login_required
@require_POST
def concern_report_create(request, pk: int):
    """An optional report for a concern whose category does not require one."""
    actor = request.actor
    concern = selectors.concern_find(actor=actor, pk=pk)
    require(actor, Action.REPORT_SEND)
    try:
        report = services.report_prepare(actor=actor, concern=concern)
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        messages.info(request, error.message)
        return redirect("disclosures:concern-detail", pk=concern.pk)
    messages.success(request, gettext("The police report is on your list: send it when ready."))
    return redirect("disclosures:report-detail", pk=report.pk)


# --- police reports ----------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def report_list(request):
    actor = request.actor
    search = ReportFilterForm(request.GET or None, region_id=_region_id(actor))
    page = Paginator(selectors.report_list(actor=actor, show=search.show_value(),
                                           filters=search.filters()),
                     PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "disclosures/report_list.html", {
        "search": search,
        "page": page,
        "active": search.active(),
        "now": timezone.now(),
        "names": selectors.sees_names(actor),
        "is_inspector": can(actor, Action.REPORT_ACKNOWLEDGE),
        "may_oversee": can(actor, Action.OVERSIGHT_VIEW),
    })


@never_cache
@login_required
@require_GET
def report_export(request):
    """The actor's report list as CSV, within their scope (the export is audited)."""
    actor = request.actor
    search = ReportFilterForm(request.GET or None, region_id=_region_id(actor))

    class _Line:
        def write(self, text: str) -> str:
            return text

    writer = csv.writer(_Line())
    rows = selectors.report_export(actor=actor, show=search.show_value(),
                                   filters=search.filters())
    lines = ("\ufeff" + writer.writerow(row) if i == 0 else writer.writerow(row)
             for i, row in enumerate(rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = content_disposition_header(
        True, f"police-reports-{stamp}.csv")
    response["Cache-Control"] = "no-store"
    return response


def _report_context(request, report: PoliceReport, **forms) -> dict:
    actor = request.actor
    concern = report.concern
    police = selectors.sees_police_material(actor, report)
    notes = selectors.report_notes(actor=actor, report=report)
    return {
        "report": report,
        "pupil": report.pupil if selectors.sees_names(actor) else None,
        "concern": concern if can(actor, Action.CONCERN_VIEW, concern) else None,
        "show_narrative": can(actor, Action.CONCERN_NARRATIVE_VIEW, concern),
        "steps": selectors.report_steps(actor=actor, report=report),
        "police_material": police,
        "notes": [(note, can(actor, Action.OVERSIGHT_RESPOND, note)) for note in notes],
        "now": timezone.now(),
        "ack_deadline": selectors.ack_deadline(report),
        "unit_for_school": services.unit_for_school(report.school) if report.unit is None
        else report.unit,
        "may_send": can(actor, Action.REPORT_SEND, report),
        "may_acknowledge": can(actor, Action.REPORT_ACKNOWLEDGE, report),
        "may_update": can(actor, Action.REPORT_STATUS_UPDATE, report),
        "may_note": can(actor, Action.OVERSIGHT_NOTE, report),
        "send_form": forms.get("send_form") or ConfirmForm(),
        "ack_form": forms.get("ack_form") or AcknowledgeForm(),
        "status_form": forms.get("status_form") or StatusForm(report=report),
        "note_form": forms.get("note_form") or OversightNoteForm(),
        "response_form": forms.get("response_form") or ResponseForm(),
        "response_note": forms.get("response_note"),
    }


@never_cache
@login_required
@require_GET
def report_detail(request, pk: int):
    report = selectors.report_get(actor=request.actor, pk=pk)
    return render(request, "disclosures/report_detail.html", _report_context(request, report))


def _render_invalid(request, report: PoliceReport, **forms):
    report = selectors.report_get(actor=request.actor, pk=report.pk)
    return render(request, "disclosures/report_detail.html",
                  _report_context(request, report, **forms), status=400)


@login_required
@require_POST
def report_send(request, pk: int):
    actor = request.actor
    require(actor, Action.REPORT_SEND)
    report = selectors.report_find(actor=actor, pk=pk)
    try:
        report = services.report_send(actor=actor, report=report)
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("The report is sent to %(unit)s.") % {
            "unit": report.unit.name})
    return redirect("disclosures:report-detail", pk=report.pk)


@login_required
@require_POST
def report_acknowledge(request, pk: int):
    actor = request.actor
    require(actor, Action.REPORT_ACKNOWLEDGE)
    report = selectors.report_find(actor=actor, pk=pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _render_invalid(request, report, ack_form=form)
    try:
        services.report_acknowledge(actor=actor, report=report, **form.cleaned_data)
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        messages.info(request, error.message)
    else:
        messages.success(request, gettext("Receipt of the report is recorded."))
    return redirect("disclosures:report-detail", pk=report.pk)


@login_required
@require_POST
def report_status(request, pk: int):
    actor = request.actor
    require(actor, Action.REPORT_STATUS_UPDATE)
    report = selectors.report_find(actor=actor, pk=pk)
    form = StatusForm(request.POST, report=report)
    if form.is_valid():
        try:
            services.report_status_change(actor=actor, report=report, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            messages.success(request, gettext("The new status is recorded."))
            return redirect("disclosures:report-detail", pk=report.pk)
    return _render_invalid(request, report, status_form=form)


# --- the prosecutor's oversight ----------------------------------------------------------------


@never_cache
@login_required
@require_GET
def oversight(request):
    overview = selectors.oversight_overview(actor=request.actor)
    return render(request, "disclosures/oversight.html", {
        "overview": overview,
        "categories": Concern.Category.choices,
        "now": timezone.now(),
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def oversight_note_create(request, pk: int):
    actor = request.actor
    require(actor, Action.OVERSIGHT_NOTE)
    report = selectors.report_find(actor=actor, pk=pk)
    form = OversightNoteForm(request.POST)
    if form.is_valid():
        try:
            services.oversight_note_add(actor=actor, report=report, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            messages.success(request, gettext("The note is added to the report."))
            return redirect("disclosures:report-detail", pk=report.pk)
    return _render_invalid(request, report, note_form=form)


@login_required
@require_POST
def oversight_note_respond(request, pk: int):
    actor = request.actor
    note = selectors.note_find(actor=actor, pk=pk)
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.oversight_note_respond(actor=actor, note=note, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            messages.info(request, error.message)
        else:
            messages.success(request, gettext("Your response is sent to the prosecutor's "
                                              "office."))
        return redirect("disclosures:report-detail", pk=note.report_id)
    return _render_invalid(request, note.report, response_form=form, response_note=note.pk)


urlpatterns = [
    path("concerns/", concern_list, name="concern-list"),
    path("pupils/<int:pk>/concern/", concern_create, name="concern-create"),
    path("concerns/<int:pk>/", concern_detail, name="concern-detail"),
    path("concerns/<int:pk>/report/", concern_report_create, name="concern-report-create"),
    path("reports/", report_list, name="report-list"),
    path("reports/export.csv", report_export, name="report-export"),
    path("reports/<int:pk>/", report_detail, name="report-detail"),
    path("reports/<int:pk>/send/", report_send, name="report-send"),
    path("reports/<int:pk>/acknowledge/", report_acknowledge, name="report-acknowledge"),
    path("reports/<int:pk>/status/", report_status, name="report-status"),
    path("reports/<int:pk>/notes/", oversight_note_create, name="oversight-note-create"),
    path("notes/<int:pk>/respond/", oversight_note_respond, name="oversight-note-respond"),
    path("oversight/", oversight, name="oversight"),
]
