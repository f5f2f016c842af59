"""The centre's triage queue: proposals to accept into the risk group or decline.

The queue shows, per pupil, what the centre has been asked to look at (screening results,
crisis alerts, staff concerns, disclosures) with its evidence; the centre head decides on one
proposal at a time on its own page. Specialists see the queue of their districts read-only.
Declined and accepted proposals stay on record under their own filter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from safechildhood.access.policy import Action, can
from safechildhood.cases import selectors, selectors_triage
from safechildhood.cases.forms import AcceptForm, DeclineForm, TriageFilterForm
from safechildhood.cases.services import triage as services
from safechildhood.cases.views.common import evidence_rows
from safechildhood.errors import DomainError, Forbidden, NotFound

PUPILS_PER_PAGE = 20


@never_cache
@login_required
@require_GET
def triage_queue(request):
    actor = request.actor
    search = TriageFilterForm(request.GET or None,
                              districts=selectors_triage.triage_districts(actor=actor))
    filters = search.filters()
    proposals = selectors_triage.triage_proposals(actor=actor, **filters)
    page = Paginator(selectors_triage.triage_groups(proposals), PUPILS_PER_PAGE).get_page(
        request.GET.get("page"))
    groups = selectors_triage.triage_page(actor=actor, proposals=proposals,
                                          rows=list(page.object_list))
    context = {
        "search": search,
        "show": filters["show"],
        "page": page,
        "groups": [{"group": g, "rows": [evidence_rows(p) for p in g.proposals]}
                   for g in groups],
        "may_decide": can(actor, Action.TRIAGE_DECIDE),
    }
    partial = (request.htmx and request.htmx.target == "triage-results"
               and not request.htmx.history_restore_request)
    response = render(request, "cases/_triage_results.html" if partial
                      else "cases/triage_queue.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _decide_page(request, proposal, accept_form=None, decline_form=None, status=200):
    actor = request.actor
    specialists = selectors.caseloads(proposal.district)
    open_case = selectors_triage.pupil_open_case(proposal.pupil)
    others = [p for p in selectors_triage.pupil_proposals(actor=actor, pupil=proposal.pupil)
              if p.pk != proposal.pk]
    if accept_form is None:
        accept_form = AcceptForm(specialists=specialists, initial={
            "categories": [proposal.category], "level": proposal.level})
    return render(request, "cases/triage_decide.html", {
        "proposal": proposal,
        "pupil": proposal.pupil,
        "evidence": evidence_rows(proposal),
        "others": [evidence_rows(p) for p in others],
        "open_case": open_case,
        "may_decide": (can(actor, Action.TRIAGE_DECIDE, proposal)
                       and proposal.status == proposal.Status.PROPOSED),
        "accept_form": accept_form,
        "decline_form": decline_form or DeclineForm(),
    }, status=status)


@never_cache
@login_required
@require_GET
def triage_decide(request, pk: int):
    proposal = selectors_triage.proposal_get(actor=request.actor, pk=pk)
    return _decide_page(request, proposal)


@login_required
@require_POST
def proposal_accept(request, pk: int):
    actor = request.actor
    proposal = selectors_triage.proposal_find(actor=actor, pk=pk)
    if not can(actor, Action.TRIAGE_DECIDE, proposal):
        raise Forbidden(gettext("You do not have permission to do this."), code="forbidden")
    form = AcceptForm(request.POST, specialists=selectors.caseloads(proposal.district))
    if form.is_valid():
        try:
            case = services.proposal_accept(actor=actor, proposal=proposal, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            messages.success(request, gettext("The child is in the risk group."))
            return redirect("cases:case-detail", pk=case.pk)
    proposal = selectors_triage.proposal_get(actor=actor, pk=pk)
    return _decide_page(request, proposal, accept_form=form, status=400)


@login_required
@require_POST
def proposal_decline(request, pk: int):
    actor = request.actor
    proposal = selectors_triage.proposal_find(actor=actor, pk=pk)
    if not can(actor, Action.TRIAGE_DECIDE, proposal):
        raise Forbidden(gettext("You do not have permission to do this."), code="forbidden")
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_decline(actor=actor, proposal=proposal, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            messages.success(request, gettext(
                "The proposal is declined; it stays on record with the reason."))
            return redirect("cases:triage-queue")
    proposal = selectors_triage.proposal_get(actor=actor, pk=pk)
    return _decide_page(request, proposal, decline_form=form, status=400)



urlpatterns = [
    path("triage/", triage_queue, name="triage-queue"),
    path("triage/<int:pk>/", triage_decide, name="triage-decide"),
    path("triage/<int:pk>/accept/", proposal_accept, name="proposal-accept"),
    path("triage/<int:pk>/decline/", proposal_decline, name="proposal-decline"),
]
