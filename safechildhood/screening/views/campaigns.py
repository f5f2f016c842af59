"""Campaign pages. The centre head plans a campaign, opens and closes it, and everyone concerned
follows its coverage live; the school psychologist runs it in the school: the class lists,
pupils marked absent or refused, the class sheet of codes, and paper forms typed in.

Each view parses with a form, asks the policy through a selector or a service, and renders;
the rules live in the services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safechildhood.access.policy import Action, require
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.screening import selectors
from safechildhood.screening.forms import (
    AssignmentStatusForm,
    CampaignForm,
    ClassForm,
    ConfirmForm,
    PaperForm,
)
from safechildhood.screening.models import Assignment, Campaign, JobStatus
from safechildhood.screening.pdf import Slip, class_sheet_pdf
from safechildhood.screening.scoring import FOLLOW_UP, PARTIAL, Instrument
from safechildhood.screening.services import campaigns as campaign_services
from safechildhood.screening.services import responses as response_services
from safechildhood.screening.services.instruments import instrument_get, instrument_list

CAMPAIGNS_PER_PAGE = 25
PUPILS_PER_PAGE = 50
# How often the coverage refreshes itself: while codes are being created, and while the
# campaign is open (one aggregate query per viewer each time).
POLL_ASSIGNING_SECONDS = 2
POLL_OPEN_SECONDS = 10
ANSWER_PATH = "/q/"  # the pupil's short address (screening/answer_urls.py)


def _language() -> str:
    return (get_language() or "ru")[:2]


def _instrument(code: str, version: str | None = None) -> Instrument | None:
    try:
        return instrument_get(code, version)
    except NotFound:
        return None  # a centre's own instrument removed since: shown by its code


def _instrument_name(code: str, language: str, *, short: bool = False) -> str:
    instrument = _instrument(code)
    if instrument is None:
        return code
    text = instrument.short_name if short and instrument.short_name else instrument.name
    return instrument.localized(text, language) or code


# --- the centre's plan -------------------------------------------------------------------------


@login_required
@require_GET
def campaign_index(request):
    page = Paginator(selectors.campaign_list(actor=request.actor),
                     CAMPAIGNS_PER_PAGE).get_page(request.GET.get("page"))
    completion = selectors.campaign_completion(
        actor=request.actor, campaign_ids=[c.pk for c in page.object_list])
    language = _language()
    rows = [{
        "campaign": c,
        "instruments": [_instrument_name(code, language, short=True)
                        for code in c.instrument_codes],
        "assigned": completion.get(c.pk, (0, 0))[0],
        "completed": completion.get(c.pk, (0, 0))[1],
    } for c in page.object_list]
    return render(request, "screening/campaign_list.html", {"page": page, "rows": rows})


def _campaign_form(request, data=None, initial=None) -> CampaignForm:
    districts, schools = selectors.campaign_target_choices(actor=request.actor)
    return CampaignForm(data, initial=initial, instruments=instrument_list(),
                        districts=districts, schools=schools, language=_language())


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    require(request.actor, Action.CAMPAIGN_MANAGE)
    form = _campaign_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_services.campaign_create(actor=request.actor,
                                                         **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            messages.success(request, gettext(
                "The campaign is planned as a draft. Open it when the schools are ready: "
                "opening creates the pupils' codes."))
            return redirect("screening:campaign-detail", pk=campaign.pk)
    return render(request, "screening/campaign_form.html", {"form": form, "campaign": None})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk: int):
    campaign = selectors.campaign_get(actor=request.actor, pk=pk)
    require(request.actor, Action.CAMPAIGN_MANAGE, campaign)
    if campaign.status != Campaign.Status.DRAFT:
        messages.error(request, gettext("Only a draft campaign can be changed."))
        return redirect("screening:campaign-detail", pk=campaign.pk)
    form = _campaign_form(request, request.POST or None,
                          initial=CampaignForm.initial_for(campaign))
    if request.method == "POST" and form.is_valid():
        try:
            campaign_services.campaign_update(actor=request.actor, campaign=campaign,
                                              **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            messages.success(request, gettext("The campaign's plan is saved."))
            return redirect("screening:campaign-detail", pk=campaign.pk)
    return render(request, "screening/campaign_form.html", {"form": form,
                                                            "campaign": campaign})


def _district_param(request) -> int | None:
    value = request.GET.get("district", "")
    return int(value) if value.isdigit() else None


@never_cache
@login_required
@require_GET
def campaign_detail(request, pk: int):
    """The plan and the live coverage. With htmx, only the coverage part (it polls itself
    while the campaign is open or its codes are being created)."""
    campaign = selectors.campaign_get(actor=request.actor, pk=pk)
    coverage = selectors.campaign_coverage(actor=request.actor, campaign=campaign,
                                           district_id=_district_param(request))
    assigning = campaign.assign_status in (JobStatus.QUEUED, JobStatus.RUNNING)
    language = _language()
    context = {
        "campaign": campaign,
        "coverage": coverage,
        "assigning": assigning,
        "polling": campaign.status == Campaign.Status.OPEN or assigning,
        "poll_seconds": POLL_ASSIGNING_SECONDS if assigning else POLL_OPEN_SECONDS,
        "instruments": [{"code": i["code"], "version": i["version"],
                         "name": _instrument_name(i["code"], language)}
                        for i in campaign.instruments],
        "districts": list(campaign.districts.all()),
        "schools": list(campaign.schools.all()),
        "close_form": ConfirmForm(),
        "coverage_headers": [Assignment.Status(s).label
                             for s in selectors.COVERAGE_STATUSES],
        "counted_at": timezone.localtime(),
    }
    partial = (request.htmx and request.htmx.target == "campaign-coverage"
               and not request.htmx.history_restore_request)
    template = "screening/_campaign_coverage.html" if partial else \
        "screening/campaign_detail.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_POST
def campaign_open(request, pk: int):
    campaign = selectors.campaign_get(actor=request.actor, pk=pk)
    try:
        campaign_services.campaign_open(actor=request.actor, campaign=campaign)
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext(
            "The campaign is open. The pupils' codes are being created; this page shows the "
            "progress, and the school psychologists can print the class sheets once it is "
            "done."))
    return redirect("screening:campaign-detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_close(request, pk: int):
    campaign = selectors.campaign_get(actor=request.actor, pk=pk)
    require(request.actor, Action.CAMPAIGN_MANAGE, campaign)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Tick the box to confirm that the campaign should be "
                                        "closed."))
        return redirect("screening:campaign-detail", pk=campaign.pk)
    try:
        campaign_services.campaign_close(actor=request.actor, campaign=campaign)
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("The campaign is closed. Its codes no longer open a "
                                          "questionnaire."))
    return redirect("screening:campaign-detail", pk=campaign.pk)


# --- the school psychologist's class lists -----------------------------------------------------


def _class_url(campaign_id: int, grade: int, letter: str) -> str:
    return (reverse("screening:assignment-list", args=[campaign_id]) + "?"
            + urlencode({"grade": grade, "letter": letter}))


def _actions(campaign: Campaign, assignment: Assignment) -> list[tuple[str, str]]:
    if campaign.status != Campaign.Status.OPEN:
        return []
    allowed = campaign_services.MANUAL_TRANSITIONS.get(assignment.status, set())
    labels = {
        Assignment.Status.ABSENT: gettext("Absent"),
        Assignment.Status.REFUSED: gettext("Refused"),
        Assignment.Status.PENDING: gettext("Back to not started"),
    }
    return [(status, labels[status]) for status in labels if status in allowed]


def _may_enter_paper(campaign: Campaign, assignment: Assignment) -> bool:
    return campaign.status == Campaign.Status.OPEN and assignment.status not in (
        Assignment.Status.NO_CONSENT, Assignment.Status.REFUSED, Assignment.Status.COMPLETED)


@login_required
@require_GET
def assignment_index(request, pk: int):
    """One class of the psychologist's school in a campaign: who has answered, who is absent
    or refused, and the way to the paper form and the class sheet."""
    campaign = selectors.campaign_get(actor=request.actor, pk=pk)
    classes = selectors.assignment_classes(actor=request.actor, campaign=campaign)
    picker = ClassForm(request.GET if "grade" in request.GET else None)
    chosen = None
    if picker.is_bound and picker.is_valid():
        chosen = (picker.cleaned_data["grade"], picker.cleaned_data["letter"])
    elif not picker.is_bound and classes:
        chosen = classes[0]
    page = None
    rows = []
    if chosen is not None:
        page = Paginator(selectors.assignment_list(actor=request.actor, campaign=campaign,
                                                   grade=chosen[0], class_letter=chosen[1]),
                         PUPILS_PER_PAGE).get_page(request.GET.get("page"))
        language = _language()
        for assignment in page.object_list:
            submitted = {r.instrument for r in assignment.submitted}
            paper = _may_enter_paper(campaign, assignment)
            rows.append({
                "assignment": assignment,
                "instruments": [{"code": code,
                                 "name": _instrument_name(code, language, short=True),
                                 "submitted": code in submitted,
                                 "paper": paper and code not in submitted}
                                for code in assignment.instruments],
                "actions": _actions(campaign, assignment),
            })
    return render(request, "screening/assignment_list.html", {
        "campaign": campaign,
        "classes": [{"grade": g, "letter": letter, "url": _class_url(campaign.pk, g, letter),
                     "current": (g, letter) == chosen} for g, letter in classes],
        "picker": picker,
        "chosen": chosen,
        "class_name": f"{chosen[0]}{chosen[1]}" if chosen else "",
        "page": page,
        "rows": rows,
        "is_open": campaign.status == Campaign.Status.OPEN,
    })


@login_required
@require_POST
def assignment_status(request, pk: int):
    assignment = selectors.assignment_get(actor=request.actor, pk=pk)
    form = AssignmentStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose absent, refused or back to not started."))
    else:
        try:
            campaign_services.assignment_set_status(actor=request.actor, assignment=assignment,
                                                    status=form.cleaned_data["status"])
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            messages.error(request, error.message)
        else:
            # No name in the message: messages may travel in a cookie.
            messages.success(request, gettext("Status changed: %(status)s.") % {
                "status": Assignment.Status(form.cleaned_data["status"]).label})
    return redirect(_class_url(assignment.campaign_id, assignment.grade,
                               assignment.class_letter))


@never_cache
@login_required
@require_GET
def class_sheet(request, pk: int):
    """The class sheet of codes as a PDF: one slip per pupil who may still answer."""
    campaign = selectors.campaign_get(actor=request.actor, pk=pk)
    require(request.actor, Action.ASSIGNMENT_MANAGE)
    back = reverse("screening:assignment-list", args=[campaign.pk])
    form = ClassForm(request.GET)
    if not form.is_valid():
        messages.error(request, gettext("Choose a class to print its sheet."))
        return redirect(back)
    grade, letter = form.cleaned_data["grade"], form.cleaned_data["letter"]
    if campaign.status != Campaign.Status.OPEN:
        messages.error(request, gettext("The campaign is not open: its codes do not open a "
                                        "questionnaire."))
        return redirect(back)
    sheet = selectors.class_sheet_get(actor=request.actor, campaign=campaign, grade=grade,
                                      class_letter=letter)
    if not sheet.assignments:
        messages.error(request, gettext("No pupil of class %(class_name)s can answer now: "
                                        "there is no sheet to print.")
                       % {"class_name": f"{grade}{letter}"})
        return redirect(_class_url(campaign.pk, grade, letter))
    school = request.actor.membership.school
    pdf = class_sheet_pdf(
        slips=[Slip(name=a.pupil.full_name, code=a.code_sealed) for a in sheet.assignments],
        campaign_name=campaign.name, school_name=school.name, class_name=f"{grade}{letter}",
        address=f"{request.scheme}://{request.get_host()}{ANSWER_PATH}",
        school_language=school.language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"class-sheet-{campaign.pk}-{grade}{letter}.pdf")
    response["Cache-Control"] = "no-store"
    return response


# --- paper forms -------------------------------------------------------------------------------


def _summary(instrument: Instrument, response, language: str) -> dict:
    """What the person who typed the form needs to know: totals, bands, raised flags, and
    whether anything is missing."""
    scores = response.scores or {}
    scales = []
    for scale in instrument.scales:
        result = scores.get("scales", {}).get(scale.id, {})
        band = next((b for b in scale.bands if b.code == result.get("band")), None)
        scales.append({"label": instrument.localized(scale.label, language),
                       "total": result.get("total"),
                       "band": instrument.localized(band.label, language) if band else ""})
    raised = [flag for flag in instrument.flags
              if scores.get("flags", {}).get(flag.id, {}).get("state") is True]
    return {
        "scales": scales,
        "flags": [{"label": instrument.localized(f.label, language), "critical": f.critical}
                  for f in raised],
        "partial": response.completeness == PARTIAL,
        "follow_up": response.completeness == FOLLOW_UP,
        "critical": response.critical,
    }


@login_required
@require_http_methods(["GET", "POST"])
def paper_entry(request, pk: int):
    """Type in one pupil's paper questionnaire; on success, the result at a glance."""
    assignment = selectors.assignment_get(actor=request.actor, pk=pk)
    campaign = assignment.campaign
    submitted = selectors.assignment_submitted(assignment=assignment)
    code = request.POST.get("instrument") or request.GET.get("instrument") or next(
        (c for c in assignment.instruments if c not in submitted),
        assignment.instruments[0] if assignment.instruments else "")
    if code not in assignment.instruments:
        raise NotFound(gettext("Not found."), code="not_found")
    versions = {i["code"]: i["version"] for i in campaign.instruments}
    instrument = instrument_get(code, versions.get(code))
    language = _language()
    school_language = assignment.school.language
    form = PaperForm(request.POST if request.method == "POST" else None,
                     instrument=instrument, language=language)
    form.fields["language"].initial = school_language if school_language in ("kk", "ru") \
        else language
    context = {
        "assignment": assignment, "campaign": campaign, "instrument": instrument,
        "instrument_name": instrument.localized(instrument.name, language),
        "instructions": instrument.localized(instrument.instructions, language)
        if instrument.instructions else "",
        "form": form,
        "already": code in submitted,
        "may_enter": _may_enter_paper(campaign, assignment),
        "back": _class_url(campaign.pk, assignment.grade, assignment.class_letter),
        "class_name": f"{assignment.grade}{assignment.class_letter}",
    }
    if request.method == "POST" and form.is_valid():
        try:
            response = response_services.response_enter_paper(
                actor=request.actor, assignment=assignment, instrument_code=instrument.code,
                answers=form.answers(), language=form.cleaned_data["language"])
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            form.add_error(form.field_for(error.field), error.message)
        else:
            remaining = [c for c in assignment.instruments
                         if c not in submitted and c != instrument.code]
            return render(request, "screening/paper_result.html", {
                **context, "response": response,
                "summary": _summary(instrument, response, language),
                "next_instrument": remaining[0] if remaining else None,
                "next_name": _instrument_name(remaining[0], language) if remaining else ""})
    return render(request, "screening/paper_entry.html", context)


urlpatterns = [
    path("campaigns/", campaign_index, name="campaign-list"),
    path("campaigns/new/", campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/open/", campaign_open, name="campaign-open"),
    path("campaigns/<int:pk>/close/", campaign_close, name="campaign-close"),
    path("campaigns/<int:pk>/pupils/", assignment_index, name="assignment-list"),
    path("campaigns/<int:pk>/class-sheet/", class_sheet, name="class-sheet"),
    path("assignments/<int:pk>/status/", assignment_status, name="assignment-status"),
    path("assignments/<int:pk>/paper/", paper_entry, name="paper-entry"),
]
