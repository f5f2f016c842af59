"""Prevention events: the list with filters, one event with its materials, recording and editing
(centre staff, school psychologists for their school, the police and the prosecutor's office for
the events they organise), attaching, downloading and removing materials. Materials are served
by this page only to those who may see the event, never from the media folder directly."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safechildhood.access.policy import Action, can, require
from safechildhood.errors import DomainError
from safechildhood.prevention import selectors, services
from safechildhood.prevention.forms import EventFilterForm, EventForm, MaterialForm
from safechildhood.prevention.models import Event
from safechildhood.prevention.views.common import (
    PER_PAGE,
    add_error,
    districts_of,
    place_initial,
    places,
)


@login_required
@require_GET
def event_list(request):
    actor = request.actor
    require(actor, Action.PREVENTION_VIEW, Event)
    search = EventFilterForm(request.GET or None, districts=districts_of(actor))
    filters = search.valid()
    events = selectors.event_list(actor=actor, kind=filters.get("kind") or "",
                                  district=filters.get("district"), school=filters.get("school"),
                                  date_from=filters.get("date_from"),
                                  date_to=filters.get("date_to"), q=filters.get("q") or "")
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "prevention/event_list.html", {
        "search": search, "page": page, "active": search.active(),
        "may_record": can(actor, Action.EVENT_MANAGE)})


def _detail(request, event: Event, *, material_form=None, status: int = 200):
    actor = request.actor
    return render(request, "prevention/event_detail.html", {
        "event": event, "materials": list(event.materials.all()),
        "may_edit": can(actor, Action.EVENT_MANAGE, event),
        "material_form": material_form or MaterialForm()}, status=status)


@login_required
@require_GET
def event_detail(request, pk: int):
    return _detail(request, selectors.event_get(actor=request.actor, pk=pk))


def _event_form(request, *, event: Event | None):
    actor = request.actor
    require(actor, Action.EVENT_MANAGE, event)
    if event is None:
        initial = place_initial(actor)
    else:
        initial = {name: getattr(event, name) for name in (
            "kind", "title", "held_on", "organisers", "pupils", "parents", "teachers",
            "psychologists", "others", "description")}
        initial.update(district=event.district_id, settlement=event.settlement_id,
                       school=event.school_id)
    form = EventForm(request.POST or None, initial=initial)
    form.limit_places(**places(actor))
    if request.method == "POST" and form.is_valid():
        try:
            if event is None:
                event = services.event_create(actor=actor, data=form.to_input(),
                                              token=form.cleaned_data["token"])
            else:
                services.event_update(actor=actor, event=event, data=form.to_input())
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, gettext("The event is saved."))
            return redirect("prevention:event-detail", pk=event.pk)
    return render(request, "prevention/event_form.html", {"form": form, "event": event},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    return _event_form(request, event=None)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk: int):
    return _event_form(request, event=selectors.event_get(actor=request.actor, pk=pk))


@login_required
@require_POST
def material_add(request, pk: int):
    actor = request.actor
    event = selectors.event_get(actor=actor, pk=pk)
    require(actor, Action.EVENT_MANAGE, event)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.material_attach(actor=actor, event=event, upload=form.cleaned_data["file"])
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, gettext("The file is attached."))
            return redirect("prevention:event-detail", pk=event.pk)
    return _detail(request, event, material_form=form, status=400)


@login_required
@require_GET
def material_download(request, pk: int):
    material = selectors.material_get(actor=request.actor, pk=pk)
    response = FileResponse(material.file.open("rb"), content_type=material.content_type,
                            as_attachment=True, filename=material.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def material_remove(request, pk: int):
    actor = request.actor
    material = selectors.material_get(actor=actor, pk=pk)
    event_id = material.event_id
    services.material_remove(actor=actor, material=material)
    messages.success(request, gettext("The file is removed."))
    return redirect("prevention:event-detail", pk=event_id)
