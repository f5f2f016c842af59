"""Access rules of prevention work (trainings, events, parent outreach): registered into the
policy's tables (see policy.py).

Who sees what (all of it within the actor's own region):

* **Trainings** of school psychologists are the centre's: its staff (specialists and the head)
  manage them region-wide. The prosecutor's analyst and the regional administrator see them
  (oversight, statistics). A school psychologist sees the trainings they take part in, with
  their own attendance and certificate, and no other participant's row; a school administrator
  sees the trainings their school's psychologists take part in.
* **Events** carry no personal data. Centre staff, the prosecutor's analyst and the regional
  administrator see every event of the region; a juvenile inspector those of their unit's
  district and those their unit organised; a school's staff those of their school and the
  district-wide ones (no school) of their school's district.
  Who records: centre staff anywhere in the region; a school psychologist for their own school;
  a juvenile inspector the events their police unit organises (meetings with pupils), in their
  unit's district; a prosecutor's analyst the events their office organises, anywhere in the
  region. The programme runs on the prosecutor's initiative and law enforcement meets pupils in
  every district, so their own record of it is first-hand; each edits only what their own
  unit or office recorded, the centre edits everything of the region.
* **Parents' group meetings** are head counts, no names: seen like events (inspectors: their
  district); recorded by school psychologists for their school and by centre staff.
* **Individual consultations** name a parent or guardian, so they follow the guardian's
  visibility: the school psychologist of the school, the centre's specialists of the district
  and the centre head. Nobody else reads them; the counts below carry no names.
* **Counts** ("parents reached", "psychologists trained", "events held") are figures, not
  records: ``count_area(actor)`` gives the part of the region whose figures an actor may read
  (school staff: their school; inspectors: their district; the others: the region). Small
  counts are suppressed by the statistics pages, not here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from safechildhood.access import policy
from safechildhood.access.policy import CENTRE_ROLES, SCHOOL_ROLES, Action, Actor
from safechildhood.accounts.models import Role
from safechildhood.directory.models import School
from safechildhood.prevention.models import (
    Event,
    EventMaterial,
    ParentConsultation,
    ParentMeeting,
    Training,
    TrainingParticipant,
)

INSPECTOR = Role.POLICE_INSPECTOR
PROSECUTOR = Role.PROSECUTOR_ANALYST
ADMIN = Role.REGIONAL_ADMIN
REGION_READERS = CENTRE_ROLES | {PROSECUTOR, ADMIN}
EVENT_RECORDERS = CENTRE_ROLES | {Role.SCHOOL_PSYCHOLOGIST, INSPECTOR, PROSECUTOR}
OUTREACH_RECORDERS = CENTRE_ROLES | {Role.SCHOOL_PSYCHOLOGIST}
VIEWERS = REGION_READERS | SCHOOL_ROLES | {INSPECTOR}
TRAINING_READERS = REGION_READERS | SCHOOL_ROLES
CONSULTATION_READERS = CENTRE_ROLES | {Role.SCHOOL_PSYCHOLOGIST}


def _unit_district_id(actor: Actor) -> int | None:
    """The district of an inspector's police unit (looked up once per actor)."""
    if "unit_district_id" not in actor.extra:
        unit = actor.membership.police_unit
        actor.extra["unit_district_id"] = unit.district_id if unit is not None else None
    return actor.extra["unit_district_id"]


def _school_district_id(actor: Actor) -> int | None:
    """The district of a school member's school (looked up once per actor)."""
    if "school_district_id" not in actor.extra:
        actor.extra["school_district_id"] = School.objects.filter(
            pk=actor.membership.school_id).values_list("district_id", flat=True).first()
    return actor.extra["school_district_id"]


def count_area(actor: Actor | None) -> dict[str, Any] | None:
    """The filter (on a record's own region/district/school columns) of the figures an actor
    may read; None: none at all."""
    if actor is None or actor.membership is None:
        return None
    m = actor.membership
    if m.role in REGION_READERS:
        return {"region_id": m.region_id}
    if m.role in SCHOOL_ROLES:
        return {"school_id": m.school_id}
    if m.role == INSPECTOR and m.police_unit_id is not None:
        return {"district_id": _unit_district_id(actor)}
    return None


# --- scopes ------------------------------------------------------------------------------------


def _trainings(actor: Actor, qs: QuerySet) -> QuerySet:
    m = actor.membership
    if m is None:
        return qs.none()
    if m.role in REGION_READERS:
        return qs.filter(region_id=m.region_id)
    if m.role == Role.SCHOOL_PSYCHOLOGIST:
        return qs.filter(pk__in=TrainingParticipant.objects.filter(
            user_id=actor.user.pk).values("training_id"))
    if m.role == Role.SCHOOL_ADMIN:
        return qs.filter(pk__in=TrainingParticipant.objects.filter(
            school_id=m.school_id).values("training_id"))
    return qs.none()


def _participants(actor: Actor, qs: QuerySet) -> QuerySet:
    m = actor.membership
    if m is None:
        return qs.none()
    if m.role in REGION_READERS:
        return qs.filter(region_id=m.region_id)
    if m.role == Role.SCHOOL_PSYCHOLOGIST:
        return qs.filter(user_id=actor.user.pk)
    if m.role == Role.SCHOOL_ADMIN:
        return qs.filter(school_id=m.school_id)
    return qs.none()


def _events_or_meetings(actor: Actor, qs: QuerySet) -> QuerySet:
    m = actor.membership
    if m is None:
        return qs.none()
    if m.role in REGION_READERS:
        return qs.filter(region_id=m.region_id)
    if m.role in SCHOOL_ROLES:
        return qs.filter(Q(school_id=m.school_id)
                         | Q(school__isnull=True, district_id=_school_district_id(actor)))
    if m.role == INSPECTOR and m.police_unit_id is not None:
        district = Q(district_id=_unit_district_id(actor))
        if qs.model is Event:
            return qs.filter(district | Q(police_unit_id=m.police_unit_id))
        return qs.filter(district)
    return qs.none()


def _materials(actor: Actor, qs: QuerySet) -> QuerySet:
    return qs.filter(event__in=_events_or_meetings(actor, Event.objects.all()).values("pk"))


def _consultations(actor: Actor, qs: QuerySet) -> QuerySet:
    m = actor.membership
    if m is None:
        return qs.none()
    if m.role == Role.SCHOOL_PSYCHOLOGIST:
        return qs.filter(school_id=m.school_id)
    area = policy._centre_area(actor, "district")
    return qs.filter(**area) if area is not None else qs.none()


policy.SCOPES[Training] = _trainings
policy.SCOPES[TrainingParticipant] = _participants
policy.SCOPES[Event] = _events_or_meetings
policy.SCOPES[EventMaterial] = _materials
policy.SCOPES[ParentMeeting] = _events_or_meetings
policy.SCOPES[ParentConsultation] = _consultations


# --- actions -----------------------------------------------------------------------------------


def _seen(actor: Actor, obj: Any) -> bool:
    return obj is None or policy.in_scope(actor, obj)


def may_edit_event(actor: Actor, event: Event) -> bool:
    """Centre staff edit every event of the region; the others what their own school, unit or
    office recorded."""
    m = actor.membership
    if m.role in CENTRE_ROLES:
        return event.region_id == m.region_id
    if m.role == Role.SCHOOL_PSYCHOLOGIST:
        return event.school_id is not None and event.school_id == m.school_id
    if m.role == INSPECTOR:
        return event.police_unit_id is not None and event.police_unit_id == m.police_unit_id
    if m.role == PROSECUTOR:
        return (event.prosecutor_office_id is not None
                and event.prosecutor_office_id == m.prosecutor_office_id)
    return False


def _may(actor: Actor, action: Action, obj: Any) -> bool | None:
    role = actor.role
    match action:
        case Action.PREVENTION_VIEW:
            # obj: a record, or a model class for its list (trainings and consultations have
            # fewer readers than events and group meetings)
            if obj is Training or obj is TrainingParticipant:
                return role in TRAINING_READERS
            if obj is ParentConsultation:
                return role in CONSULTATION_READERS
            if isinstance(obj, type):
                return role in VIEWERS
            return role in VIEWERS and _seen(actor, obj)
        case Action.TRAINING_MANAGE:
            # obj: a training (or a participant row of one)
            if role not in CENTRE_ROLES:
                return False
            if isinstance(obj, TrainingParticipant):
                obj = obj.training
            return _seen(actor, obj)
        case Action.EVENT_MANAGE:
            # obj: an event (or one of its materials)
            if role not in EVENT_RECORDERS:
                return False
            if isinstance(obj, EventMaterial):
                obj = obj.event
            return obj is None or (policy.in_scope(actor, obj) and may_edit_event(actor, obj))
        case Action.OUTREACH_RECORD:
            # obj: a group meeting or a consultation
            if role not in OUTREACH_RECORDERS:
                return False
            if obj is None:
                return True
            if not policy.in_scope(actor, obj):
                return False
            return role in CENTRE_ROLES or obj.school_id == actor.membership.school_id
    return None


policy.ACTION_RULES.append(_may)
