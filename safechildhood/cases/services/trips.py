"""Field trips: a specialist plans a trip to one of their districts; the system puts on its
itinerary the cases due for a visit (see ``selectors_work.cases_due``); the specialist adds or
removes cases, prints the itinerary, travels, records the contacts against the trip afterwards
and marks it done (or cancelled).

A trip belongs to the person who plans it: a specialist's trips visit their own cases, the centre
head's trips any open case of the district.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require
from safechildhood.audit.services import audit_record
from safechildhood.cases.models import Contact, FieldTrip, RiskCase, TripStop
from safechildhood.cases.selectors_work import (
    DEFAULT_NO_CONTACT_DAYS,
    cases_due,
    workable_open_cases,
)
from safechildhood.errors import DomainError
from safechildhood.geography.models import District

MAX_TRIP_DAYS = 14
PLAN_AHEAD_DAYS = 366

# Allowed changes of a trip's status: a planned trip is done or cancelled, once.
TRANSITIONS: dict[str, frozenset[str]] = {
    FieldTrip.Status.PLANNED: frozenset({FieldTrip.Status.DONE, FieldTrip.Status.CANCELLED}),
    FieldTrip.Status.DONE: frozenset(),
    FieldTrip.Status.CANCELLED: frozenset(),
}


def _check_dates(starts_on: dt.date, ends_on: dt.date) -> None:
    today = timezone.localdate()
    if ends_on < starts_on:
        raise DomainError(_("The trip's last day comes before its first day."), code="dates",
                          field="ends_on")
    if (ends_on - starts_on).days + 1 > MAX_TRIP_DAYS:
        raise DomainError(_("A trip lasts at most %(days)s days: plan a longer one as two "
                            "trips.") % {"days": MAX_TRIP_DAYS}, code="too_long",
                          field="ends_on")
    if ends_on < today:
        raise DomainError(_("A trip is planned ahead: its last day cannot be in the past."),
                          code="past", field="ends_on")
    if starts_on > today + dt.timedelta(days=PLAN_AHEAD_DAYS):
        raise DomainError(_("A trip is planned at most a year ahead."), code="far",
                          field="starts_on")


def _ordered(cases: list[RiskCase]) -> list[RiskCase]:
    """Stops in travelling order: by settlement, school, then the child's name."""
    return sorted(cases, key=lambda c: (c.pupil.school.settlement.name_ru,
                                        c.pupil.school.name_ru, c.pupil.last_name,
                                        c.pupil.first_name, c.pk))


def trip_plan(*, actor: Actor, district: District, starts_on: dt.date, ends_on: dt.date,
              no_contact_days: int = DEFAULT_NO_CONTACT_DAYS) -> FieldTrip:
    """Plan a trip of the actor to ``district`` and put on its itinerary every case due for a
    visit (no contact for ``no_contact_days`` days, never contacted, review or planned actions
    due by the last day)."""
    require(actor, Action.TRIP_MANAGE)
    _check_dates(starts_on, ends_on)
    if not 1 <= no_contact_days <= 365:
        raise DomainError(_("Enter a number of days from 1 to 365."), code="days",
                          field="no_contact_days")
    with transaction.atomic():
        trip = FieldTrip.objects.create(specialist=actor.user, district=district,
                                        starts_on=starts_on, ends_on=ends_on)
        # The policy decides whose district it may be: a specialist's own, the head's region.
        require(actor, Action.TRIP_MANAGE, trip)
        due = _ordered(list(cases_due(actor=actor, district=district, starts_on=starts_on,
                                      ends_on=ends_on, no_contact_days=no_contact_days)
                            .select_related("pupil__school__settlement")))
        TripStop.objects.bulk_create([
            TripStop(trip=trip, case=case, settlement=case.pupil.school.settlement,
                     school=case.pupil.school, position=position)
            for position, case in enumerate(due)])
        audit_record(actor=actor, action="cases.trip.planned", target=trip,
                     data={"trip_id": trip.pk, "district_id": district.pk,
                           "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(),
                           "no_contact_days": no_contact_days,
                           "case_ids": sorted(c.pk for c in due)})
    return trip


def _planned(trip: FieldTrip) -> FieldTrip:
    trip = FieldTrip.objects.select_for_update().select_related("district").get(pk=trip.pk)
    if trip.status != FieldTrip.Status.PLANNED:
        raise DomainError(_("This trip is %(status)s: its itinerary no longer changes.")
                          % {"status": trip.get_status_display()}, code="trip_closed")
    return trip


def trip_stop_add(*, actor: Actor, trip: FieldTrip, case: RiskCase) -> TripStop:
    """Put a case of the trip's district on the itinerary (at the end)."""
    require(actor, Action.TRIP_MANAGE, trip)
    with transaction.atomic():
        trip = _planned(trip)
        case = (workable_open_cases(actor=actor, district=trip.district)
                .select_related("pupil__school__settlement").filter(pk=case.pk).first())
        if case is None:
            raise DomainError(_("Only open cases of the trip's district that you work can be "
                                "added."), code="not_workable", field="case")
        if trip.stops.filter(case=case).exists():
            raise DomainError(_("This case is already on the itinerary."), code="on_trip",
                              field="case")
        last = trip.stops.order_by("-position").values_list("position", flat=True).first()
        stop = TripStop.objects.create(trip=trip, case=case,
                                       settlement=case.pupil.school.settlement,
                                       school=case.pupil.school,
                                       position=0 if last is None else last + 1)
        audit_record(actor=actor, action="cases.trip.stop_added", target=trip,
                     data={"trip_id": trip.pk, "case_id": case.pk, "stop_id": stop.pk})
    return stop


def trip_stop_remove(*, actor: Actor, trip: FieldTrip, stop: TripStop) -> None:
    """Take a case off the itinerary, unless a contact was already recorded for it on the
    trip."""
    require(actor, Action.TRIP_MANAGE, trip)
    with transaction.atomic():
        trip = _planned(trip)
        stop = TripStop.objects.filter(pk=stop.pk, trip=trip).first()
        if stop is None:
            raise DomainError(_("This case is no longer on the itinerary."), code="no_stop",
                              field="stop")
        if Contact.objects.filter(trip=trip, case_id=stop.case_id).exists():
            raise DomainError(_("A contact with this child was recorded on the trip: the stop "
                                "stays on the itinerary."), code="visited", field="stop")
        case_id = stop.case_id
        stop.delete()
        audit_record(actor=actor, action="cases.trip.stop_removed", target=trip,
                     data={"trip_id": trip.pk, "case_id": case_id})


def trip_status_set(*, actor: Actor, trip: FieldTrip, status: str) -> FieldTrip:
    """Mark a planned trip done (once it has begun) or cancelled."""
    require(actor, Action.TRIP_MANAGE, trip)
    with transaction.atomic():
        trip = FieldTrip.objects.select_for_update().select_related("district").get(pk=trip.pk)
        if status not in TRANSITIONS.get(trip.status, frozenset()):
            raise DomainError(_("This trip is %(status)s already.")
                              % {"status": trip.get_status_display()}, code="transition",
                              field="status")
        if status == FieldTrip.Status.DONE and trip.starts_on > timezone.localdate():
            raise DomainError(_("The trip has not begun yet: it can be marked done from "
                                "%(date)s.") % {"date": trip.starts_on.strftime("%d.%m.%Y")},
                              code="not_begun", field="status")
        before = trip.status
        trip.status = status
        trip.save(update_fields=["status"])
        audit_record(actor=actor, action="cases.trip.status_changed", target=trip,
                     data={"trip_id": trip.pk, "from": before, "to": status})
    return trip
