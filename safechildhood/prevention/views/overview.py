"""The overview of prevention work: this year's figures within the actor's part of the region
and the way to each list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from safechildhood.access.policy import Action, can, require
from safechildhood.prevention import selectors
from safechildhood.prevention.models import Event, ParentConsultation, Training


@login_required
@require_GET
def overview(request):
    actor = request.actor
    require(actor, Action.PREVENTION_VIEW, Event)
    year = timezone.localdate().year
    period = selectors.Period.year(year)
    return render(request, "prevention/overview.html", {
        "year": year,
        "trained": selectors.psychologists_trained(actor=actor, period=period),
        "events": selectors.events_held(actor=actor, period=period),
        "parents": selectors.parents_reached(actor=actor, period=period),
        "may_trainings": can(actor, Action.PREVENTION_VIEW, Training),
        "may_consultations": can(actor, Action.PREVENTION_VIEW, ParentConsultation),
    })
