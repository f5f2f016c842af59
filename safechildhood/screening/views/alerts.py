"""Crisis alert pages and the duty roster.

The centre's specialists see the alerts of their districts (the ones they are on duty for
first), the centre head the region's (escalated ones marked), a school psychologist their
school's, read-only. The list refreshes itself every half minute. Opening an alert shows which
answers raised it and is written to the audit log; acknowledging it is one button.

The centre head keeps the duty roster: per district, who answers alerts on which days.

Each view parses with a form, asks the policy through a selector or a service, and renders;
the rules live in the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safechildhood.access.policy import Action, can, require
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.screening import selectors_alerts as selectors
from safechildhood.screening import selectors_answers as answers
from safechildhood.screening.forms_alerts import (
    AcknowledgeForm,
    AlertFilterForm,
    DutyRemoveForm,
    DutyShiftForm,
)
from safechildhood.screening.models import CrisisAlert
from safechildhood.screening.services import alerts as alert_services
from safechildhood.screening.services import duty as duty_services

ALERTS_PER_PAGE = 25
DISTRICTS_PER_PAGE = 25
SHIFTS_PER_PAGE = 25
REFRESH_SECONDS = 30  # how often the alert list refreshes itself


def _alert_row(alert: CrisisAlert, now, language: str) -> dict:
    response = alert.response
    instrument = answers.instrument_for(response.instrument, response.version)
    return {
        "alert": alert,
        "open": alert.status == CrisisAlert.Status.OPEN,
        "overdue": alert.status == CrisisAlert.Status.OPEN and alert.deadline < now,
        "late": (alert.acknowledged_at is not None and alert.acknowledged_at > alert.deadline),
        "instrument": answers.instrument_name(instrument, response.instrument, language),
        "flags": answers.flag_labels(instrument, alert.flags, language),
    }


# --- alerts ------------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def alert_list(request):
    actor = request.actor
    search = AlertFilterForm(request.GET or None)
    page = Paginator(selectors.alert_list(actor=actor, **search.filters()),
                     ALERTS_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    language = answers.language()
    context = {
        "search": search,
        "showing": search.active(),
        "page": page,
        "rows": [_alert_row(a, now, language) for a in page.object_list],
        "now": timezone.localtime(now),
        "refresh_seconds": REFRESH_SECONDS,
        "may_acknowledge": can(actor, Action.ALERT_ACKNOWLEDGE),
    }
    partial = (request.htmx and request.htmx.target == "alert-results"
               and not request.htmx.history_restore_request)
    template = "screening/_alert_table.html" if partial else "screening/alert_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@never_cache
@login_required
@require_GET
def alert_detail(request, pk: int):
    actor = request.actor
    alert = selectors.alert_get(actor=actor, pk=pk)
    response = alert.response
    language = answers.language()
    instrument = answers.instrument_for(response.instrument, response.version)
    now = timezone.now()
    return render(request, "screening/alert_detail.html", {
        "alert": alert,
        "pupil": alert.pupil,
        "row": _alert_row(alert, now, language),
        "triggers": answers.alert_triggers(instrument, response, language),
        "may_acknowledge": can(actor, Action.ALERT_ACKNOWLEDGE, alert),
        "may_read_answers": can(actor, Action.RESPONSE_VIEW, response),
        "form": AcknowledgeForm(),
    })


@login_required
@require_POST
def alert_acknowledge(request, pk: int):
    """A plain form post; a second press (or a colleague first) says so and changes nothing."""
    actor = request.actor
    alert = selectors.alert_find(actor=actor, pk=pk)
    require(actor, Action.ALERT_ACKNOWLEDGE)  # the centre's staff; a school reads only
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            alert_services.alert_acknowledge(actor=actor, alert=alert)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            messages.info(request, error.message)
        else:
            messages.success(request, gettext(
                "The alert is acknowledged: the centre knows and is acting on it."))
    return redirect("screening:alert-detail", pk=alert.pk)


# --- the duty roster ---------------------------------------------------------------------------


@login_required
@require_GET
def duty_roster(request):
    actor = request.actor
    page = Paginator(selectors.duty_districts(actor=actor),
                     DISTRICTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "screening/duty_roster.html", {
        "page": page,
        "rows": selectors.duty_overview(actor=actor, districts=page.object_list),
        "today": timezone.localdate(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def duty_district(request, pk: int):
    """One district's shifts, and a form to add one."""
    actor = request.actor
    district = selectors.duty_district_get(actor=actor, pk=pk)
    specialists = duty_services.duty_specialists(district)
    form = DutyShiftForm(request.POST if request.method == "POST" else None,
                         specialists=specialists)
    if request.method == "POST" and form.is_valid():
        try:
            duty_services.duty_set(actor=actor, district=district, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            messages.success(request, gettext("The shift is on the roster."))
            return redirect("screening:duty-district", pk=district.pk)
    past = request.GET.get("past") == "1"
    page = Paginator(selectors.duty_shift_list(actor=actor, district=district, past=past),
                     SHIFTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "screening/duty_district.html", {
        "district": district,
        "form": form,
        "page": page,
        "past": past,
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def duty_remove(request, pk: int):
    actor = request.actor
    district = selectors.duty_district_get(actor=actor, pk=pk)
    form = DutyRemoveForm(request.POST, district=district)
    if not form.is_valid():
        for error in form.errors.get("shift", []):
            messages.error(request, error)
        return redirect("screening:duty-district", pk=district.pk)
    try:
        duty_services.duty_remove(actor=actor, shift=form.cleaned_data["shift"])
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("The shift is taken off the roster."))
    return redirect("screening:duty-district", pk=district.pk)


urlpatterns = [
    path("alerts/", alert_list, name="alert-list"),
    path("alerts/<int:pk>/", alert_detail, name="alert-detail"),
    path("alerts/<int:pk>/acknowledge/", alert_acknowledge, name="alert-acknowledge"),
    path("duty/", duty_roster, name="duty-roster"),
    path("duty/districts/<int:pk>/", duty_district, name="duty-district"),
    path("duty/districts/<int:pk>/remove/", duty_remove, name="duty-remove"),
]
