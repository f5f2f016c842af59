"""Screening results pages.

* A school psychologist counts their school's responses by band, per class, and works through
  the list of pupils who need a follow-up.
* Centre staff count the responses of their districts by band, per district or per school of a
  district: counts only; by name only the children in their scope (alerts and proposals).
* One pupil's screening: every response across campaigns, and each response question by
  question with the answer chosen, in the reader's language. Every read is audited.

Each view parses with a form, asks the policy through a selector, and renders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from safechildhood.access.policy import Action, can, require
from safechildhood.accounts.models import Role
from safechildhood.screening import selectors as campaign_selectors
from safechildhood.screening import selectors_answers as answers
from safechildhood.screening import selectors_results as selectors
from safechildhood.screening.forms_alerts import ResultsForm
from safechildhood.screening.models import Campaign, CrisisAlert, Response, TriageProposal
from safechildhood.screening.scoring import COMPLETE

CAMPAIGNS_PER_PAGE = 25
FOLLOW_UPS_PER_PAGE = 25
RESPONSES_PER_PAGE = 25
PROPOSALS_PER_PAGE = 25


def _response_row(response: Response, language: str) -> dict:
    instrument = answers.instrument_for(response.instrument, response.version)
    return {
        "response": response,
        "instrument": answers.instrument_name(instrument, response.instrument, language),
        "band": answers.band_label(instrument, response.band, language),
        "completeness": answers.COMPLETENESS_LABELS.get(response.completeness,
                                                          response.completeness),
        "complete": response.completeness == COMPLETE,
        "level": (TriageProposal.Level(response.level).label
                  if response.level in TriageProposal.Level.values else ""),
        "flags": answers.flag_labels(instrument, answers.raised_flags(response), language),
    }


@login_required
@require_GET
def results_index(request):
    actor = request.actor
    require(actor, Action.RESULTS_VIEW)
    campaigns = campaign_selectors.campaign_list(actor=actor).exclude(
        status=Campaign.Status.DRAFT)
    page = Paginator(campaigns, CAMPAIGNS_PER_PAGE).get_page(request.GET.get("page"))
    counts = selectors.results_counts(actor=actor, campaign_ids=[c.pk for c in page])
    language = answers.language()
    rows = [{
        "campaign": c,
        "submitted": counts.get(c.pk, 0),
        "instruments": [(code, answers.instrument_name(answers.instrument_for(code), code,
                                                         language))
                        for code in c.instrument_codes],
    } for c in page.object_list]
    return render(request, "screening/results_list.html", {"page": page, "rows": rows})


@login_required
@require_GET
def results_campaign(request, pk: int):
    actor = request.actor
    campaign = campaign_selectors.campaign_get(actor=actor, pk=pk)
    require(actor, Action.RESULTS_VIEW, campaign)
    language = answers.language()
    versions = {i["code"]: i["version"] for i in campaign.instruments}
    choices = [(code, answers.instrument_name(answers.instrument_for(code, version), code,
                                                language))
               for code, version in versions.items()]
    centre = actor.has_role(Role.CENTRE_HEAD, Role.CENTRE_SPECIALIST)
    form = ResultsForm(request.GET, instruments=choices,
                       districts=selectors.results_districts(actor=actor) if centre else None)
    code = form.instrument_code()
    district = form.chosen_district()
    instrument = answers.instrument_for(code, versions.get(code)) if code else None
    distribution = (selectors.results_distribution(actor=actor, campaign=campaign,
                                                   instrument=instrument, district=district)
                    if instrument is not None else None)
    follow_ups = Paginator(
        selectors.follow_up_list(actor=actor, campaign=campaign, instrument_code=code,
                                 district=district),
        FOLLOW_UPS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "screening/results_campaign.html", {
        "campaign": campaign,
        "form": form,
        "code": code,
        "instrument_name": dict(choices).get(code, code),
        "district": district,
        "distribution": distribution,
        "follow_ups": follow_ups,
        "follow_up_rows": [_response_row(r, language) for r in follow_ups.object_list],
        "centre": centre,
    })


@never_cache
@login_required
@require_GET
def pupil_screening(request, pk: int):
    actor = request.actor
    pupil = selectors.pupil_screening_get(actor=actor, pk=pk)
    language = answers.language()
    page = Paginator(selectors.pupil_responses(actor=actor, pupil=pupil),
                     RESPONSES_PER_PAGE).get_page(request.GET.get("page"))
    proposals = Paginator(selectors.pupil_proposals(actor=actor, pupil=pupil),
                          PROPOSALS_PER_PAGE).get_page(request.GET.get("proposals"))
    return render(request, "screening/pupil_screening.html", {
        "pupil": pupil,
        "page": page,
        "rows": [_response_row(r, language) for r in page.object_list],
        "proposals": proposals,
        "may_open_record": can(actor, Action.PUPIL_LIST),
    })


@never_cache
@login_required
@require_GET
def response_detail(request, pk: int):
    actor = request.actor
    response = selectors.response_get(actor=actor, pk=pk)
    language = answers.language()
    instrument = answers.instrument_for(response.instrument, response.version)
    try:
        alert = response.alert
    except CrisisAlert.DoesNotExist:
        alert = None
    return render(request, "screening/response_detail.html", {
        "response": response,
        "pupil": response.pupil,
        "row": _response_row(response, language),
        "answers": answers.answer_rows(instrument, response, language),
        "scales": answers.scale_rows(instrument, response, language),
        "alert": alert if alert is not None and can(actor, Action.ALERT_VIEW, alert) else None,
        "proposals": list(selectors.pupil_proposals(actor=actor, pupil=response.pupil,
                                                    response=response)),
        "language": language,
    })


urlpatterns = [
    path("results/", results_index, name="results-list"),
    path("results/campaigns/<int:pk>/", results_campaign, name="results-campaign"),
    path("pupils/<int:pk>/", pupil_screening, name="pupil-screening"),
    path("responses/<int:pk>/", response_detail, name="response-detail"),
]
