"""Trainings of school psychologists: the list, one training with its participants, creating and
editing (centre staff), adding participants, marking attendance, and the certificates.
A school psychologist sees the trainings they take part in and downloads their certificates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safechildhood.access.policy import Action, can, require
from safechildhood.errors import DomainError
from safechildhood.prevention import selectors, services
from safechildhood.prevention.forms import (
    AttendanceForm,
    ParticipantAddForm,
    ParticipantDistrictForm,
    TrainingFilterForm,
    TrainingForm,
)
from safechildhood.prevention.models import Training, TrainingParticipant
from safechildhood.prevention.pdf import certificate_language, certificate_pdf
from safechildhood.prevention.views.common import PER_PAGE, add_error, districts_of

PEOPLE_PER_PAGE = 100


@login_required
@require_GET
def training_list(request):
    actor = request.actor
    require(actor, Action.PREVENTION_VIEW, Training)
    search = TrainingFilterForm(request.GET or None, districts=districts_of(actor))
    filters = search.valid()
    trainings = selectors.training_list(actor=actor, q=filters.get("q") or "",
                                        year=filters.get("year"),
                                        district=filters.get("district"),
                                        school=filters.get("school"),
                                        date_from=filters.get("date_from"),
                                        date_to=filters.get("date_to"))
    page = Paginator(trainings, PER_PAGE).get_page(request.GET.get("page"))
    # the actor's own rows (a school psychologist's attendance and certificate)
    mine = {p.training_id: p for p in selectors.my_participations(actor=actor).filter(
        training_id__in=[t.pk for t in page.object_list])}
    rows = [{"training": t, "mine": mine.get(t.pk)} for t in page.object_list]
    return render(request, "prevention/training_list.html", {
        "search": search, "page": page, "rows": rows, "active": search.active(),
        "may_manage": can(actor, Action.TRAINING_MANAGE)})


@login_required
@require_GET
def training_detail(request, pk: int):
    actor = request.actor
    training = selectors.training_get(actor=actor, pk=pk)
    may_manage = can(actor, Action.TRAINING_MANAGE, training)
    participants = selectors.participant_list(actor=actor, training=training)
    page = Paginator(participants, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "prevention/training_detail.html", {
        "training": training, "page": page, "may_manage": may_manage,
        "attendance_choices": TrainingParticipant.Attendance.choices})


def _training_form(request, *, training: Training | None):
    actor = request.actor
    if training is None:
        require(actor, Action.TRAINING_MANAGE)
    else:
        require(actor, Action.TRAINING_MANAGE, training)
    initial = {} if training is None else {
        "topic": training.topic, "starts_on": training.starts_on, "ends_on": training.ends_on,
        "hours": training.hours, "trainer": training.trainer, "place": training.place}
    form = TrainingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if training is None:
                training = services.training_create(actor=actor, data=form.to_input(),
                                                    token=form.cleaned_data["token"])
                messages.success(request, gettext("The training is saved. Now add its "
                                                  "participants."))
            else:
                services.training_update(actor=actor, training=training, data=form.to_input())
                messages.success(request, gettext("The training is saved."))
        except DomainError as error:
            add_error(form, error)
        else:
            return redirect("prevention:training-detail", pk=training.pk)
    return render(request, "prevention/training_form.html", {"form": form, "training": training},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def training_create(request):
    return _training_form(request, training=None)


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request, pk: int):
    training = selectors.training_get(actor=request.actor, pk=pk)
    return _training_form(request, training=training)


@login_required
@require_http_methods(["GET", "POST"])
def participant_add(request, pk: int):
    """Choose a district, then tick its school psychologists (a list of at most 100 per page)."""
    actor = request.actor
    training = selectors.training_get(actor=actor, pk=pk)
    require(actor, Action.TRAINING_MANAGE, training)
    search = ParticipantDistrictForm(request.GET or None, districts=districts_of(actor))
    district = search.cleaned_data.get("district") if search.is_valid() else None
    people = selectors.psychologist_choices(actor=actor, training=training, district=district)
    if request.method == "POST":
        form = ParticipantAddForm(request.POST, people=people)
        if form.is_valid():
            try:
                added = services.participants_add(actor=actor, training=training,
                                                  users=list(form.cleaned_data["users"]))
            except DomainError as error:
                add_error(form, error)
            else:
                messages.success(request, ngettext(
                    "%(count)s participant added.", "%(count)s participants added.", added)
                    % {"count": added})
                return redirect("prevention:training-detail", pk=training.pk)
    else:
        form = ParticipantAddForm(people=people)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    form.fields["users"].queryset = people.filter(pk__in=[u.pk for u in page.object_list])
    return render(request, "prevention/participant_add.html", {
        "training": training, "search": search, "form": form, "page": page},
        status=400 if form.errors else 200)


@login_required
@require_POST
def attendance_mark(request, pk: int):
    actor = request.actor
    participant = selectors.participant_get(actor=actor, pk=pk)
    require(actor, Action.TRAINING_MANAGE, participant)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose the attendance."))
    else:
        try:
            services.attendance_mark(actor=actor, participant=participant,
                                     attendance=form.cleaned_data["attendance"])
        except DomainError as error:
            if error.status_code != 400:
                raise
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("Attendance of %(name)s saved.")
                             % {"name": participant.user})
    return redirect("prevention:training-detail", pk=participant.training_id)


@login_required
@require_GET
def certificate(request, pk: int):
    """The certificate of one participant who attended, in their language (or ``?lang=``)."""
    actor = request.actor
    participant = selectors.participant_get(actor=actor, pk=pk)
    require(actor, Action.PREVENTION_VIEW, participant)
    language = certificate_language(participant, request.GET.get("lang"))
    try:
        services.certificate_issue(actor=actor, participant=participant, language=language)
    except DomainError as error:
        if error.status_code != 400:
            raise
        messages.error(request, error.message)
        return redirect("prevention:training-detail", pk=participant.training_id)
    pdf = certificate_pdf(participant, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"certificate-{participant.certificate_number}.pdf")
    return response
