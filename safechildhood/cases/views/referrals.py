"""Referrals, the service provider directory, re-screenings and the score trajectory.

The directory lists the region's providers by kind and district. From a case the specialist
sends a referral and records each next step until the loop closes (overdue steps flagged); they
schedule a re-screening, issue the child's one-time code (shown once) or cancel it; the child's
totals over time show as charts with tables.

Each view parses with a form, asks the policy through a selector or a service, and renders; the
rules live in the services."""

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
from safechildhood.cases import selectors_referrals as selectors
from safechildhood.cases.forms_referrals import (
    ConfirmForm,
    ProviderFilterForm,
    ReferralFilterForm,
    ReferralForm,
    ReferralStepForm,
    RescreeningForm,
)
from safechildhood.cases.models import Referral
from safechildhood.cases.selectors_work import case_find
from safechildhood.cases.services import referrals as referral_services
from safechildhood.cases.services import rescreening as rescreening_services
from safechildhood.cases.views.field import case_url
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.screening.selectors_answers import language
from safechildhood.screening.services.codes import code_display

PROVIDERS_PER_PAGE = 30
REFERRALS_PER_PAGE = 25
ANSWER_PATH = "/q/"  # the pupil's short address (screening/answer_urls.py)


# --- the provider directory --------------------------------------------------------------------


@login_required
@require_GET
def provider_list(request):
    actor = request.actor
    search = ProviderFilterForm(request.GET or None,
                                districts=selectors.provider_districts(actor=actor))
    page = Paginator(selectors.provider_list(actor=actor, **search.values()),
                     PROVIDERS_PER_PAGE).get_page(request.GET.get("page"))
    partial = (request.htmx and request.htmx.target == "provider-results"
               and not request.htmx.history_restore_request)
    template = "cases/_provider_table.html" if partial else "cases/provider_list.html"
    response = render(request, template, {"search": search, "page": page})
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- referrals ---------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def referral_list(request):
    """Referrals waiting for a next step, overdue first; or, from a statistics figure's link,
    the referrals it counts (sent in a period, in an area, completed or overdue)."""
    actor = request.actor
    today = timezone.localdate()
    search = ReferralFilterForm(request.GET or None)
    counted = search.filters()
    referrals = (selectors.referrals_waiting(actor=actor, today=today) if counted is None
                 else selectors.referrals_counted(actor=actor, today=today, **counted))
    page = Paginator(referrals, REFERRALS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/referral_list.html", {
        "page": page,
        "counted": counted is not None,
        "showing": search.active(),
        "rows": [selectors.referral_row(r, today) for r in page.object_list],
    })


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request, pk: int):
    actor = request.actor
    case = case_find(actor=actor, pk=pk)
    require(actor, Action.CASE_WORK, case)
    providers = selectors.provider_choices(actor=actor, case=case)
    initial = {}
    wanted = request.GET.get("provider", "")
    if wanted.isdigit():
        initial["provider"] = int(wanted)
    form = ReferralForm(request.POST if request.method == "POST" else None,
                        providers=providers, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                referral = referral_services.referral_send(
                    actor=actor, case=case, provider=form.cleaned_data["provider"],
                    reason=form.cleaned_data["reason"], on=form.cleaned_data["on"])
            except (NotFound, Forbidden):
                raise
            except DomainError as error:
                error.add_to(form)
            else:
                messages.success(request, gettext("The referral is sent. Record the provider's "
                                                  "answer when it comes."))
                return redirect("cases:referral-detail", pk=referral.pk)
        status = 400
    return render(request, "cases/referral_form.html", {
        "case": case, "pupil": case.pupil, "form": form, "case_url": case_url(case),
    }, status=status)


def _referral_page(request, referral: Referral, *, form=None, status: int = 200):
    actor = request.actor
    today = timezone.localdate()
    row = selectors.referral_row(referral, today)
    may_work = row["open"] and can(actor, Action.CASE_WORK, referral)
    if may_work and form is None:
        form = ReferralStepForm(referral=referral)
    return render(request, "cases/referral_detail.html", {
        "referral": referral,
        "case": referral.case,
        "pupil": referral.case.pupil,
        "row": row,
        "steps": selectors.referral_steps(referral),
        "form": form if may_work else None,
        "case_url": case_url(referral.case),
    }, status=status)


@never_cache
@login_required
@require_GET
def referral_detail(request, pk: int):
    referral = selectors.referral_get(actor=request.actor, pk=pk)
    return _referral_page(request, referral)


@login_required
@require_POST
def referral_step(request, pk: int):
    actor = request.actor
    referral = selectors.referral_find(actor=actor, pk=pk)
    require(actor, Action.CASE_WORK, referral)
    form = ReferralStepForm(request.POST, referral=referral)
    if form.is_valid():
        data = form.cleaned_data
        try:
            referral_services.referral_step_record(
                actor=actor, referral=referral, status=data["status"], note=data["note"],
                feedback=data["feedback"], on=data["on"])
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            messages.success(request, gettext("The step is recorded."))
            return redirect("cases:referral-detail", pk=referral.pk)
    referral = selectors.referral_get(actor=actor, pk=pk)
    return _referral_page(request, referral, form=form, status=400)


# --- re-screenings -----------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def rescreening_create(request, pk: int):
    actor = request.actor
    case = case_find(actor=actor, pk=pk)
    require(actor, Action.CASE_WORK, case)
    instruments = rescreening_services.instruments_for_pupil(case.pupil, timezone.localdate())
    form = RescreeningForm(request.POST if request.method == "POST" else None,
                           instruments=instruments, language=language())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                rescreening = rescreening_services.rescreening_schedule(
                    actor=actor, case=case, instruments=form.cleaned_data["instruments"],
                    due_on=form.cleaned_data["due_on"])
            except (NotFound, Forbidden):
                raise
            except DomainError as error:
                error.add_to(form)
            else:
                messages.success(request, gettext("The re-screening is scheduled. Issue the "
                                                  "child's code when they are to answer."))
                return redirect("cases:rescreening-detail", pk=rescreening.pk)
        status = 400
    return render(request, "cases/rescreening_form.html", {
        "case": case, "pupil": case.pupil, "form": form, "case_url": case_url(case),
        "no_instruments": not instruments,
    }, status=status)


def _rescreening_page(request, rescreening, *, code: str = "", status: int = 200):
    actor = request.actor
    row = selectors.rescreening_row(rescreening, timezone.localdate(), language())
    return render(request, "cases/rescreening_detail.html", {
        "rescreening": rescreening,
        "case": rescreening.case,
        "pupil": rescreening.case.pupil,
        "row": row,
        "responses": selectors.rescreening_responses(actor=actor, rescreening=rescreening),
        "may_work": row["waiting"] and can(actor, Action.CASE_WORK, rescreening),
        "code": code_display(code) if code else "",
        "address": f"{request.scheme}://{request.get_host()}{ANSWER_PATH}",
        "case_url": case_url(rescreening.case),
    }, status=status)


@never_cache
@login_required
@require_GET
def rescreening_detail(request, pk: int):
    rescreening = selectors.rescreening_get(actor=request.actor, pk=pk)
    return _rescreening_page(request, rescreening)


@never_cache
@login_required
@require_POST
def rescreening_code(request, pk: int):
    """Issue the child's one-time code and show it once (never cached, never redirected to)."""
    actor = request.actor
    rescreening = selectors.rescreening_find(actor=actor, pk=pk)
    require(actor, Action.CASE_WORK, rescreening)
    if not ConfirmForm(request.POST).is_valid():
        messages.error(request, gettext("Press the button to confirm."))
        return redirect("cases:rescreening-detail", pk=rescreening.pk)
    try:
        rescreening, code = rescreening_services.rescreening_issue_code(
            actor=actor, rescreening=rescreening)
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("cases:rescreening-detail", pk=rescreening.pk)
    rescreening = selectors.rescreening_get(actor=actor, pk=pk)
    return _rescreening_page(request, rescreening, code=code)


@login_required
@require_POST
def rescreening_cancel(request, pk: int):
    actor = request.actor
    rescreening = selectors.rescreening_find(actor=actor, pk=pk)
    require(actor, Action.CASE_WORK, rescreening)
    if not ConfirmForm(request.POST).is_valid():
        messages.error(request, gettext("Press the button to confirm."))
        return redirect("cases:rescreening-detail", pk=rescreening.pk)
    try:
        rescreening_services.rescreening_cancel(actor=actor, rescreening=rescreening)
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("The re-screening is cancelled; a code handed out no "
                                          "longer opens the questionnaire."))
    return redirect("cases:rescreening-detail", pk=rescreening.pk)


@never_cache
@login_required
@require_GET
def case_trajectory(request, pk: int):
    """The child's score trajectory on a page of its own (to print or to look at closely)."""
    actor = request.actor
    case = case_find(actor=actor, pk=pk)
    return render(request, "cases/rescreening_trajectory.html", {
        **selectors.case_trajectory_section(actor, case),
        "pupil": case.pupil,
        "case_url": case_url(case),
    })


urlpatterns = [
    path("providers/", provider_list, name="provider-list"),
    path("referrals/", referral_list, name="referral-list"),
    path("<int:pk>/referrals/new/", referral_create, name="referral-create"),
    path("referrals/<int:pk>/", referral_detail, name="referral-detail"),
    path("referrals/<int:pk>/step/", referral_step, name="referral-step"),
    path("<int:pk>/rescreenings/new/", rescreening_create, name="rescreening-create"),
    path("rescreenings/<int:pk>/", rescreening_detail, name="rescreening-detail"),
    path("rescreenings/<int:pk>/code/", rescreening_code, name="rescreening-code"),
    path("rescreenings/<int:pk>/cancel/", rescreening_cancel, name="rescreening-cancel"),
    path("<int:pk>/trajectory/", case_trajectory, name="case-trajectory"),
]
