"""Contacts within a case: sessions with the child or the parents, school meetings, home visits and
phone calls, recorded by the case's owner (or the centre head) while the case is open.

A contact may be recorded afterwards for a past day (a specialist back from a field trip records a
week of visits), never for the future. Work with parents counts for the programme's reports
("parents reached": one for an individual consultation, the head count for a group meeting).
Sending the same form twice (a double click, a form resent after a dropped connection) records
one contact: the form carries a one-time token, kept with the case's history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, in_scope, require
from safechildhood.audit.services import audit_record
from safechildhood.cases.models import CaseEvent, Contact, FieldTrip, RiskCase
from safechildhood.errors import DomainError
from safechildhood.geography.models import Settlement

# Who counts as a parent or guardian reached when present.
PARENT_CODES = frozenset({Contact.Present.MOTHER, Contact.Present.FATHER,
                          Contact.Present.GUARDIAN})
MAX_DURATION_MINUTES = 600  # a whole working day in one place
MAX_PARENTS_REACHED = 500  # a school-wide parents' meeting
MAX_NOTES_LENGTH = 20000
OLDEST_DAYS = 366  # contacts are recorded within a year


@dataclass(frozen=True)
class ContactInput:
    """What the form collects for one contact."""

    kind: str
    held_at: dt.datetime
    duration_minutes: int
    present: list[str]
    notes: str
    settlement: Settlement | None = None
    parents_reached: int | None = None  # None: the parents marked present
    next_step: str = ""
    trip: FieldTrip | None = None


def _check(case: RiskCase, data: ContactInput, actor: Actor, now: dt.datetime) -> int:
    """Validate ``data`` against the case; return the number of parents reached."""
    if data.kind not in Contact.Kind.values:
        raise DomainError(_("Choose what kind of contact it was."), code="kind", field="kind")
    if timezone.is_naive(data.held_at):
        raise DomainError(_("Enter the date and time of the contact."), code="held_at",
                          field="held_on")
    if data.held_at > now:
        raise DomainError(_("A contact is recorded after it took place: the date and time "
                            "cannot be in the future."), code="future", field="held_on")
    if timezone.localdate(data.held_at) < timezone.localdate(case.opened_at):
        raise DomainError(_("The case was opened on %(date)s: a contact cannot be earlier.")
                          % {"date": timezone.localdate(case.opened_at).strftime("%d.%m.%Y")},
                          code="before_case", field="held_on")
    if data.held_at < now - dt.timedelta(days=OLDEST_DAYS):
        raise DomainError(_("Contacts older than a year cannot be added."), code="too_old",
                          field="held_on")
    if not 1 <= data.duration_minutes <= MAX_DURATION_MINUTES:
        raise DomainError(_("Enter the duration in minutes, from 1 to %(most)s.")
                          % {"most": MAX_DURATION_MINUTES}, code="duration",
                          field="duration_minutes")
    present = set(data.present)
    if not present or not present <= set(Contact.Present.values):
        raise DomainError(_("Mark who was present."), code="present", field="present")
    parents_present = len(present & PARENT_CODES)
    reached = parents_present if data.parents_reached is None else data.parents_reached
    if not 0 <= reached <= MAX_PARENTS_REACHED:
        raise DomainError(_("Enter how many parents or guardians were reached, from 0 to "
                            "%(most)s.") % {"most": MAX_PARENTS_REACHED}, code="parents",
                          field="parents_reached")
    if reached < parents_present:
        raise DomainError(_("The parents or guardians marked present count as reached: at "
                            "least %(count)s.") % {"count": parents_present}, code="parents",
                          field="parents_reached")
    if reached > 0 and parents_present == 0 and data.kind != Contact.Kind.PARENTS:
        raise DomainError(_("Mark the parents or guardians who were present, or choose a "
                            "session with parents for a group meeting."), code="parents",
                          field="parents_reached")
    if not data.notes.strip():
        raise DomainError(_("Write what happened: the notes are the record of the contact."),
                          code="notes", field="notes")
    if len(data.notes) > MAX_NOTES_LENGTH or len(data.next_step) > MAX_NOTES_LENGTH:
        raise DomainError(_("The text is too long."), code="too_long", field="notes")
    if data.settlement is not None and not in_scope(actor, data.settlement):
        raise DomainError(_("Choose a settlement of the region."), code="settlement",
                          field="settlement")
    if data.trip is not None:
        _check_trip(case, data, actor)
    return reached


def _check_trip(case: RiskCase, data: ContactInput, actor: Actor) -> None:
    trip = data.trip
    require(actor, Action.TRIP_MANAGE, trip)
    if trip.status == FieldTrip.Status.CANCELLED:
        raise DomainError(_("This field trip was cancelled."), code="trip_cancelled",
                          field="trip")
    held_on = timezone.localdate(data.held_at)
    if not trip.starts_on <= held_on <= trip.ends_on:
        raise DomainError(_("The trip lasted from %(start)s to %(end)s: the contact's date must "
                            "fall within it.") % {"start": trip.starts_on.strftime("%d.%m.%Y"),
                                                  "end": trip.ends_on.strftime("%d.%m.%Y")},
                          code="trip_dates", field="held_on")
    if not trip.stops.filter(case_id=case.pk).exists():
        raise DomainError(_("This case is not on the trip's itinerary: add it to the trip "
                            "first."), code="not_on_trip", field="trip")


def _recorded_with_token(case: RiskCase, token: str) -> Contact | None:
    event = (CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CONTACT,
                                      data__token=token).order_by("id").first())
    if event is None:
        return None
    return Contact.objects.filter(pk=event.data.get("contact_id")).first()


def contact_record(*, actor: Actor, case: RiskCase, data: ContactInput,
                   token: str = "") -> Contact:
    """Record one contact of an open case. The case's first and last contact follow, a
    ``CONTACT`` event joins its history and the audit log gets the codes (never the notes).

    ``token`` (from the form) makes a resent form count once: the contact recorded with it is
    returned unchanged."""
    require(actor, Action.CASE_VIEW, case)
    with transaction.atomic():
        # The lock serialises two submissions of the same form, so the token check holds.
        case = RiskCase.objects.select_for_update().get(pk=case.pk)
        if not case.is_open:
            raise DomainError(_("This case is closed: reopen it to record contacts."),
                              code="case_closed")
        require(actor, Action.CASE_WORK, case)
        if token:
            earlier = _recorded_with_token(case, token)
            if earlier is not None:
                return earlier
        now = timezone.now()
        reached = _check(case, data, actor, now)
        contact = Contact.objects.create(
            case=case, kind=data.kind, held_at=data.held_at, settlement=data.settlement,
            present=sorted(set(data.present)), parents_reached=reached,
            duration_minutes=data.duration_minutes, notes=data.notes.strip(),
            next_step=data.next_step.strip(), trip=data.trip, recorded_by=actor.user,
            created_at=now)
        changed = []
        if case.first_contact_at is None or data.held_at < case.first_contact_at:
            case.first_contact_at = data.held_at
            changed.append("first_contact_at")
        if case.last_contact_at is None or data.held_at > case.last_contact_at:
            case.last_contact_at = data.held_at
            changed.append("last_contact_at")
        if changed:
            case.save(update_fields=[*changed, "updated_at"])
        event_data = {"contact_id": contact.pk, "kind": contact.kind,
                      "held_at": data.held_at.isoformat(), "parents_reached": reached,
                      "trip_id": data.trip.pk if data.trip else None}
        if token:
            event_data["token"] = token
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CONTACT, at=now,
                                 actor=actor.user, data=event_data)
        audit_record(actor=actor, action="cases.contact.recorded", target=contact,
                     data={"case_id": case.pk, "pupil_id": case.pupil_id,
                           "contact_id": contact.pk, "kind": contact.kind,
                           "held_on": timezone.localdate(data.held_at).isoformat(),
                           "parents_reached": reached,
                           "trip_id": data.trip.pk if data.trip else None})
    return contact
