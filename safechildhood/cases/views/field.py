"""Field work on risk cases: recording contacts, and field trips with their itinerary.

A specialist records a contact on their case (or, back from a trip, against the trip); plans a
trip to one of their districts, which gathers the cases due a visit, adjusts the itinerary, prints
it (a page for the browser's print, or a PDF to carry offline), and marks the trip done.

Each view parses with a form, asks the policy through a selector or a service, and renders; the
rules live in the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safechildhood.access.policy import Action, can, require
from safechildhood.cases import selectors_work as selectors
from safechildhood.cases.forms_field import (
    ContactForm,
    TripForm,
    TripStatusForm,
    TripStopAddForm,
    TripStopRemoveForm,
)
from safechildhood.cases.itinerary_pdf import itinerary_pdf
from safechildhood.cases.models import FieldTrip, RiskCase, TripStop
from safechildhood.cases.services import contacts as contact_services
from safechildhood.cases.services import trips as trip_services
from safechildhood.errors import DomainError, Forbidden, NotFound

CONTACTS_PER_PAGE = 20
TRIPS_PER_PAGE = 20


def case_url(case: RiskCase) -> str:
    """The case page (the case part's); its contact list until that page is there."""
    try:
        return reverse("cases:case-detail", kwargs={"pk": case.pk})
    except NoReverseMatch:
        return reverse("cases:contact-list", kwargs={"pk": case.pk})


# --- contacts ----------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def contact_list(request, pk: int):
    """Every contact of a case with its notes: a read of the child's record (audited)."""
    actor = request.actor
    case = selectors.case_contacts_read(actor=actor, pk=pk)
    page = Paginator(selectors.case_contacts(actor=actor, case=case),
                     CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/contact_list.html", {
        "case": case,
        "pupil": case.pupil,
        "page": page,
        "contacts": selectors.with_present_labels(page.object_list),
        "case_url": case_url(case),
        "may_record_contact": can(actor, Action.CASE_WORK, case),
    })


def _trip_from_query(request, trips):
    trip_id = request.GET.get("trip", "")
    return trips.filter(pk=trip_id).first() if trip_id.isdigit() else None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request, pk: int):
    """Record a contact. ``?trip=`` preselects one of the actor's trips visiting the case (the
    trip page links here) and returns to the trip afterwards."""
    actor = request.actor
    case = selectors.case_find(actor=actor, pk=pk)
    require(actor, Action.CASE_WORK, case)
    settlements = selectors.contact_settlements(actor=actor, case=case)
    trips = selectors.contact_trips(actor=actor, case=case)
    trip = _trip_from_query(request, trips)
    initial = {"settlement": case.pupil.school.settlement_id}
    if trip is not None:
        initial["trip"] = trip.pk
        today = timezone.localdate()
        initial["held_on"] = min(max(today, trip.starts_on), trip.ends_on)
    form = ContactForm(request.POST if request.method == "POST" else None,
                       settlements=settlements, trips=trips, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                contact = contact_services.contact_record(
                    actor=actor, case=case, data=form.contact_input(),
                    token=form.cleaned_data["token"])
            except (NotFound, Forbidden):
                raise
            except DomainError as error:
                error.add_to(form)
            else:
                messages.success(request, gettext("The contact is recorded."))
                if contact.trip_id and trip is not None:
                    return redirect("cases:trip-detail", pk=contact.trip_id)
                return redirect(case_url(case))
        status = 400
    return render(request, "cases/contact_form.html", {
        "case": case,
        "pupil": case.pupil,
        "form": form,
        "trip": trip,
        "case_url": case_url(case),
    }, status=status)


# --- field trips -------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def trip_list(request):
    actor = request.actor
    page = Paginator(selectors.trip_list(actor=actor), TRIPS_PER_PAGE).get_page(
        request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "cases/trip_list.html", {
        "page": page,
        "rows": [{"trip": t, "phase": selectors.trip_phase(t, today)} for t in page.object_list],
    })


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def trip_create(request):
    """The planner: district, dates and how long without contact counts as due. A valid form
    sent with ``preview`` shows the cases that would be gathered; the plan button saves."""
    actor = request.actor
    require(actor, Action.TRIP_MANAGE)
    districts = selectors.trip_districts(actor=actor)
    posted = request.method == "POST"
    data = request.POST if posted else (request.GET if "district" in request.GET else None)
    form = TripForm(data, districts=districts)
    preview = None
    status = 200
    if data is not None and form.is_valid():
        values = form.cleaned_data
        if posted and "preview" not in request.POST:
            try:
                trip = trip_services.trip_plan(
                    actor=actor, district=values["district"], starts_on=values["starts_on"],
                    ends_on=values["ends_on"], no_contact_days=values["no_contact_days"])
            except (NotFound, Forbidden):
                raise
            except DomainError as error:
                error.add_to(form)
            else:
                count = trip.stops.count()
                messages.success(request, ngettext(
                    "The trip is planned: %(count)s child is on the itinerary.",
                    "The trip is planned: %(count)s children are on the itinerary.",
                    count) % {"count": count})
                return redirect("cases:trip-detail", pk=trip.pk)
        else:
            preview = selectors.trip_preview(
                actor=actor, district=values["district"], starts_on=values["starts_on"],
                ends_on=values["ends_on"], no_contact_days=values["no_contact_days"])
    if data is not None and form.errors:
        status = 400
    template = ("cases/_trip_preview.html" if request.htmx and preview is not None
                else "cases/trip_form.html")
    return render(request, template, {"form": form, "preview": preview}, status=status)


def _trip_page(request, trip: FieldTrip, *, add_form=None, status: int = 200):
    actor = request.actor
    itinerary = selectors.trip_stops(actor=actor, trip=trip)
    planned = trip.status == FieldTrip.Status.PLANNED
    candidates = selectors.trip_candidates(actor=actor, trip=trip) if planned else []
    return render(request, "cases/trip_detail.html", {
        "trip": trip,
        "phase": selectors.trip_phase(trip),
        "itinerary": itinerary,
        "planned": planned,
        "candidates": candidates,
        "add_form": add_form,
        "may_finish": planned and trip.starts_on <= timezone.localdate(),
    }, status=status)


@never_cache
@login_required
@require_GET
def trip_detail(request, pk: int):
    trip = selectors.trip_get(actor=request.actor, pk=pk)
    return _trip_page(request, trip)


def _candidate_queryset(actor, trip: FieldTrip):
    on_trip = TripStop.objects.filter(trip=trip).values("case_id")
    return (selectors.workable_open_cases(actor=actor, district=trip.district)
            .exclude(pk__in=on_trip).select_related("pupil__school"))


@login_required
@require_POST
def trip_stop_add(request, pk: int):
    actor = request.actor
    trip = selectors.trip_get(actor=actor, pk=pk)
    form = TripStopAddForm(request.POST, candidates=_candidate_queryset(actor, trip))
    if form.is_valid():
        try:
            trip_services.trip_stop_add(actor=actor, trip=trip, case=form.cleaned_data["case"])
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            messages.success(request, gettext("The child is added to the itinerary."))
            return redirect("cases:trip-detail", pk=trip.pk)
    return _trip_page(request, trip, add_form=form, status=400)


@login_required
@require_POST
def trip_stop_remove(request, pk: int):
    actor = request.actor
    trip = selectors.trip_get(actor=actor, pk=pk)
    form = TripStopRemoveForm(request.POST, trip=trip)
    if not form.is_valid():
        for error in form.errors.get("stop", []):
            messages.error(request, error)
        return redirect("cases:trip-detail", pk=trip.pk)
    try:
        trip_services.trip_stop_remove(actor=actor, trip=trip, stop=form.cleaned_data["stop"])
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("The child is taken off the itinerary."))
    return redirect("cases:trip-detail", pk=trip.pk)


@login_required
@require_POST
def trip_status(request, pk: int):
    actor = request.actor
    trip = selectors.trip_get(actor=actor, pk=pk)
    form = TripStatusForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("status", []):
            messages.error(request, error)
        return redirect("cases:trip-detail", pk=trip.pk)
    try:
        trip = trip_services.trip_status_set(actor=actor, trip=trip,
                                             status=form.cleaned_data["status"])
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("The trip is marked %(status)s.")
                         % {"status": trip.get_status_display()})
    return redirect("cases:trip-detail", pk=trip.pk)


@never_cache
@login_required
@require_GET
def trip_itinerary(request, pk: int):
    """The itinerary as a page for the browser's print (audited: it names the children)."""
    actor = request.actor
    trip = selectors.trip_get(actor=actor, pk=pk)
    itinerary = selectors.trip_itinerary(actor=actor, trip=trip, output="html")
    return render(request, "cases/trip_itinerary.html", {
        "trip": trip, "itinerary": itinerary, "printed_at": timezone.localtime()})


@never_cache
@login_required
@require_GET
def trip_itinerary_pdf(request, pk: int):
    """The itinerary as a PDF to carry where there is no connection (audited)."""
    actor = request.actor
    trip = selectors.trip_get(actor=actor, pk=pk)
    itinerary = selectors.trip_itinerary(actor=actor, trip=trip, output="pdf")
    content = itinerary_pdf(itinerary, printed_at=timezone.localtime(),
                            printed_by=str(actor.user))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; filename="itinerary-{trip.pk}-'
                                       f'{trip.starts_on:%Y%m%d}.pdf"')
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("<int:pk>/contacts/", contact_list, name="contact-list"),
    path("<int:pk>/contacts/new/", contact_create, name="contact-create"),
    path("trips/", trip_list, name="trip-list"),
    path("trips/new/", trip_create, name="trip-create"),
    path("trips/<int:pk>/", trip_detail, name="trip-detail"),
    path("trips/<int:pk>/stops/add/", trip_stop_add, name="trip-stop-add"),
    path("trips/<int:pk>/stops/remove/", trip_stop_remove, name="trip-stop-remove"),
    path("trips/<int:pk>/status/", trip_status, name="trip-status"),
    path("trips/<int:pk>/itinerary/", trip_itinerary, name="trip-itinerary"),
    path("trips/<int:pk>/itinerary.pdf", trip_itinerary_pdf, name="trip-itinerary-pdf"),
]
