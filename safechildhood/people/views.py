"""Pupil pages: the school's roster, a pupil's record, adding and correcting pupils, transfers,
guardians, consent records and possible duplicates. Each view parses with a form, asks the
policy through a selector or service, and renders; rules live in the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from safechildhood.access.policy import Action, require
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.people import selectors, services
from safechildhood.people.forms import (
    ConsentForm,
    DuplicateResolveForm,
    GuardianForm,
    PupilForm,
    PupilSearchForm,
    TransferForm,
    age_on,
)
from safechildhood.people.models import DuplicateCandidate

PUPILS_PER_PAGE = 50
DUPLICATES_PER_PAGE = 50


# --- the roster --------------------------------------------------------------------------------


@login_required
@require_GET
def pupil_list(request):
    search = PupilSearchForm(request.GET or None)
    page = Paginator(selectors.pupil_list(actor=request.actor, **search.filters()),
                     PUPILS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"search": search, "page": page, "searching": bool(request.GET.get("q"))}
    partial = (request.htmx and request.htmx.target == "pupil-results"
               and not request.htmx.history_restore_request)
    template = "people/_pupil_table.html" if partial else "people/pupil_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def pupil_detail(request, pk: int):
    pupil = selectors.pupil_get(actor=request.actor, pk=pk)
    duplicates = selectors.duplicate_list(actor=request.actor, pupil=pupil,
                                          status=DuplicateCandidate.Status.OPEN)
    return render(request, "people/pupil_detail.html", {
        "pupil": pupil,
        "age": age_on(pupil.birth_date, timezone.localdate()),
        "enrollments": pupil.enrollments.all(),
        "guardians": pupil.guardians.all(),
        "consents": pupil.consents.all(),
        "open_duplicates": list(duplicates),
    })


@login_required
@require_http_methods(["GET", "POST"])
def pupil_create(request):
    require(request.actor, Action.PUPIL_CREATE)
    form = PupilForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pupil = services.pupil_create(actor=request.actor,
                                          school=request.actor.membership.school,
                                          **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            messages.success(request, gettext("The pupil is added to the roster."))
            return redirect("people:pupil-detail", pk=pupil.pk)
    return render(request, "people/pupil_form.html", {"form": form, "pupil": None})


@login_required
@require_http_methods(["GET", "POST"])
def pupil_edit(request, pk: int):
    pupil = selectors.pupil_get(actor=request.actor, pk=pk)
    require(request.actor, Action.PUPIL_EDIT, pupil)
    form = PupilForm(request.POST or None, initial=PupilForm.initial_for(pupil))
    if request.method == "POST" and form.is_valid():
        try:
            services.pupil_update(actor=request.actor, pupil=pupil, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            messages.success(request, gettext("The pupil's record is saved."))
            return redirect("people:pupil-detail", pk=pupil.pk)
    return render(request, "people/pupil_form.html", {"form": form, "pupil": pupil})


@login_required
@require_http_methods(["GET", "POST"])
def pupil_transfer(request, pk: int):
    pupil = selectors.pupil_get(actor=request.actor, pk=pk)
    require(request.actor, Action.PUPIL_TRANSFER, pupil)
    form = TransferForm(request.POST or None, pupil=pupil,
                        schools=selectors.transfer_schools(actor=request.actor, pupil=pupil))
    if request.method == "POST" and form.is_valid():
        try:
            services.pupil_transfer(actor=request.actor, pupil=pupil, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            # The record now belongs to the new school: this school no longer sees it.
            messages.success(request, gettext(
                "The pupil is transferred to %(school)s. The record is now on that school's "
                "roster.") % {"school": form.cleaned_data["to_school"]})
            return redirect("people:pupil-list")
    return render(request, "people/pupil_transfer.html", {"form": form, "pupil": pupil})


@login_required
@require_http_methods(["GET", "POST"])
def guardian_create(request, pk: int):
    pupil = selectors.pupil_get(actor=request.actor, pk=pk)
    require(request.actor, Action.GUARDIAN_EDIT, pupil)
    form = GuardianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_add(actor=request.actor, pupil=pupil, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            messages.success(request, gettext("The parent or guardian is added."))
            return redirect("people:pupil-detail", pk=pupil.pk)
    return render(request, "people/guardian_form.html", {"form": form, "pupil": pupil})


@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request, pk: int):
    pupil = selectors.pupil_get(actor=request.actor, pk=pk)
    require(request.actor, Action.CONSENT_RECORD, pupil)
    form = ConsentForm(request.POST or None, pupil=pupil)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(actor=request.actor, pupil=pupil, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            messages.success(request, gettext("The consent record is saved."))
            return redirect("people:pupil-detail", pk=pupil.pk)
    return render(request, "people/consent_form.html", {"form": form, "pupil": pupil})


# --- possible duplicates -----------------------------------------------------------------------


@login_required
@require_GET
def duplicate_list(request):
    status = request.GET.get("status") or DuplicateCandidate.Status.OPEN
    if status not in {*DuplicateCandidate.Status.values, "all"}:
        status = DuplicateCandidate.Status.OPEN
    page = Paginator(selectors.duplicate_list(actor=request.actor, status=status),
                     DUPLICATES_PER_PAGE).get_page(request.GET.get("page"))
    pupil_ids = [pk for c in page.object_list for pk in (c.first_id, c.second_id)]
    return render(request, "people/duplicate_list.html", {
        "page": page,
        "status": status,
        "statuses": [*DuplicateCandidate.Status.choices, ("all", gettext("All"))],
        "visible": selectors.pupils_visible(actor=request.actor, pupil_ids=pupil_ids),
    })


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_resolve(request, pk: int):
    candidate = selectors.duplicate_get(actor=request.actor, pk=pk)
    form = DuplicateResolveForm(request.POST or None, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == form.MERGE:
                keep = (candidate.first if form.cleaned_data["keep"] == candidate.first_id
                        else candidate.second)
                services.duplicate_merge(actor=request.actor, candidate=candidate, keep=keep)
                done = gettext("The two records are merged into one.")
            else:
                services.duplicate_dismiss(actor=request.actor, candidate=candidate)
                done = gettext("The records are marked as different children.")
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            messages.success(request, done)
            return redirect("people:duplicate-list")
    visible = selectors.pupils_visible(actor=request.actor,
                                       pupil_ids=[candidate.first_id, candidate.second_id])
    records = [(p, p.pk in visible) for p in (candidate.first, candidate.second)]
    return render(request, "people/duplicate_resolve.html", {
        "candidate": candidate,
        "form": form,
        "records": records,
        "is_open": candidate.status == DuplicateCandidate.Status.OPEN,
    })
