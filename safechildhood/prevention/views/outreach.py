"""Work with parents: group meetings (head counts) and individual consultations (a named parent or
guardian of a pupil in the recorder's scope). Opening a consultation is audited: it names a
parent and their child."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from safechildhood.access.policy import Action, can, require
from safechildhood.errors import DomainError
from safechildhood.prevention import selectors, services
from safechildhood.prevention.forms import ConsultationForm, MeetingForm, OutreachFilterForm
from safechildhood.prevention.models import ParentConsultation, ParentMeeting
from safechildhood.prevention.views.common import (
    PER_PAGE,
    add_error,
    districts_of,
    place_initial,
    places,
)

GUARDIAN_CHOICES = 300  # the select shows at most this many; the search narrows it


def _filters(request, actor):
    search = OutreachFilterForm(request.GET or None, districts=districts_of(actor))
    return search, search.valid()


@login_required
@require_GET
def meeting_list(request):
    actor = request.actor
    require(actor, Action.PREVENTION_VIEW, ParentMeeting)
    search, filters = _filters(request, actor)
    meetings = selectors.meeting_list(actor=actor, district=filters.get("district"),
                                      school=filters.get("school"),
                                      date_from=filters.get("date_from"),
                                      date_to=filters.get("date_to"))
    page = Paginator(meetings, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "prevention/meeting_list.html", {
        "search": search, "page": page, "active": search.active(),
        "may_record": can(actor, Action.OUTREACH_RECORD),
        "may_consultations": can(actor, Action.PREVENTION_VIEW, ParentConsultation)})


@login_required
@require_GET
def meeting_detail(request, pk: int):
    actor = request.actor
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    return render(request, "prevention/meeting_detail.html", {
        "meeting": meeting, "may_edit": can(actor, Action.OUTREACH_RECORD, meeting)})


def _meeting_form(request, *, meeting: ParentMeeting | None):
    actor = request.actor
    require(actor, Action.OUTREACH_RECORD, meeting)
    if meeting is None:
        initial = place_initial(actor)
    else:
        initial = {"held_on": meeting.held_on, "topic": meeting.topic,
                   "district": meeting.district_id, "school": meeting.school_id,
                   "parents_count": meeting.parents_count}
    form = MeetingForm(request.POST or None, initial=initial)
    place = places(actor)
    form.limit_places(districts=place["districts"], schools=place["schools"])
    if request.method == "POST" and form.is_valid():
        try:
            if meeting is None:
                meeting = services.meeting_create(actor=actor, data=form.to_input(),
                                                  token=form.cleaned_data["token"])
            else:
                services.meeting_update(actor=actor, meeting=meeting, data=form.to_input())
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, gettext("The meeting is saved."))
            return redirect("prevention:meeting-detail", pk=meeting.pk)
    return render(request, "prevention/meeting_form.html", {"form": form, "meeting": meeting},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    return _meeting_form(request, meeting=None)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    return _meeting_form(request, meeting=selectors.meeting_get(actor=request.actor, pk=pk))


@login_required
@require_GET
def consultation_list(request):
    actor = request.actor
    require(actor, Action.PREVENTION_VIEW, ParentConsultation)
    search, filters = _filters(request, actor)
    consultations = selectors.consultation_list(
        actor=actor, district=filters.get("district"), school=filters.get("school"),
        date_from=filters.get("date_from"), date_to=filters.get("date_to"))
    page = Paginator(consultations, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "prevention/consultation_list.html", {
        "search": search, "page": page, "active": search.active(),
        "may_record": can(actor, Action.OUTREACH_RECORD)})


@login_required
@require_GET
def consultation_detail(request, pk: int):
    actor = request.actor
    consultation = selectors.consultation_get(actor=actor, pk=pk)
    return render(request, "prevention/consultation_detail.html", {
        "consultation": consultation,
        "may_edit": can(actor, Action.OUTREACH_RECORD, consultation)})


def _consultation_form(request, *, consultation: ParentConsultation | None):
    actor = request.actor
    require(actor, Action.OUTREACH_RECORD, consultation)
    query = (request.GET.get("q") or "").strip()[:100]
    guardians = selectors.guardian_choices(actor=actor)
    if consultation is None:
        initial = {"guardian": request.GET.get("guardian")}
    else:
        initial = {"held_on": consultation.held_on, "guardian": consultation.guardian_id,
                   "topic": consultation.topic}
    form = ConsultationForm(request.POST or None, initial=initial, guardians=guardians)
    if request.method == "POST" and form.is_valid():
        try:
            if consultation is None:
                consultation = services.consultation_create(
                    actor=actor, data=form.to_input(), token=form.cleaned_data["token"])
            else:
                services.consultation_update(actor=actor, consultation=consultation,
                                             data=form.to_input())
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, gettext("The consultation is saved."))
            return redirect("prevention:consultation-detail", pk=consultation.pk)
    # The select lists the parents matching the search (and the one chosen), not a whole school.
    shown = selectors.guardian_choices(actor=actor, q=query)
    chosen = form["guardian"].value()
    pks = list(shown.values_list("pk", flat=True)[:GUARDIAN_CHOICES])
    if chosen and str(chosen).isdigit():
        pks.append(int(chosen))
    form.fields["guardian"].queryset = guardians.filter(pk__in=pks)
    return render(request, "prevention/consultation_form.html", {
        "form": form, "consultation": consultation, "query": query,
        "more": shown.count() > GUARDIAN_CHOICES}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def consultation_create(request):
    return _consultation_form(request, consultation=None)


@login_required
@require_http_methods(["GET", "POST"])
def consultation_edit(request, pk: int):
    consultation = selectors.consultation_get(actor=request.actor, pk=pk,
                                            audit=request.method == "GET")
    return _consultation_form(request, consultation=consultation)
