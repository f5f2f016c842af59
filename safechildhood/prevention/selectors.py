"""Reads of prevention records, each starting from the policy's scope, and the programme's counts
of prevention work: psychologists trained, events held, parents reached.

The counts read the records' own region/district/school columns within the part of the region
the actor may read figures of (``rules_prevention.count_area``); each is one query.

How "parents reached" is counted (the programme's rule): every identified parent or guardian
with at least one individual consultation in the period counts once, however many
consultations they had; every group meeting adds its head count as recorded. Group attendees are
anonymous counts, so a parent who came to two meetings, or to a meeting and a consultation, is
counted each time: the figure states the two parts separately so that a reader sees which part
is exact. (A guardian record belongs to one pupil: a parent of two pupils whose school recorded
them twice is two guardian records.) Work with parents inside a risk case (``cases`` contacts) is
counted by the case pages, not here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.access.rules_prevention import count_area
from safechildhood.accounts.models import Membership, Role, User
from safechildhood.audit.services import audit_record
from safechildhood.errors import NotFound
from safechildhood.geography.models import District, Region
from safechildhood.people.models import Guardian
from safechildhood.prevention.models import (
    Event,
    EventMaterial,
    ParentConsultation,
    ParentMeeting,
    Training,
    TrainingParticipant,
)


def _not_found() -> NotFound:
    return NotFound(_("Not found."), code="not_found")


@dataclass(frozen=True)
class Period:
    """Days from ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))


# --- lists and single records ------------------------------------------------------------------


def training_list(*, actor: Actor, q: str = "", year: int | None = None,
                  district: District | None = None, school: Any = None,
                  date_from: dt.date | None = None, date_to: dt.date | None = None
                  ) -> QuerySet:
    """Trainings in the actor's scope. ``date_from``/``date_to``: the last day of the training
    in those days; ``district``/``school``: trainings a psychologist of that district or
    school attended (as "psychologists trained" counts them)."""
    trainings = scope(actor, Training.objects.all())
    if q:
        trainings = trainings.filter(Q(topic__icontains=q) | Q(trainer__icontains=q))
    if year:
        trainings = trainings.filter(starts_on__year=year)
    if date_from:
        trainings = trainings.filter(ends_on__gte=date_from)
    if date_to:
        trainings = trainings.filter(ends_on__lte=date_to)
    if district is not None or school is not None:
        attended = TrainingParticipant.objects.filter(
            attendance=TrainingParticipant.Attendance.ATTENDED)
        if district is not None:
            attended = attended.filter(district_id=getattr(district, "pk", district))
        if school is not None:
            attended = attended.filter(school_id=getattr(school, "pk", school))
        trainings = trainings.filter(pk__in=attended.values("training_id"))
    return trainings.annotate(
        registered=Count("participants", distinct=True),
        attended=Count("participants", distinct=True, filter=Q(
            participants__attendance=TrainingParticipant.Attendance.ATTENDED)),
    ).order_by("-starts_on", "-id")


def training_get(*, actor: Actor, pk: int) -> Training:
    training = scope(actor, Training.objects.all()).select_related("centre").filter(
        pk=pk).first()
    if training is None:
        raise _not_found()
    return training


def participant_list(*, actor: Actor, training: Training) -> QuerySet:
    """The participants of a training the actor sees (a psychologist: their own row)."""
    return (scope(actor, TrainingParticipant.objects.filter(training=training))
            .select_related("user", "school", "district")
            .order_by("district__name_ru", "school__name_ru", "user__last_name", "id"))


def participant_get(*, actor: Actor, pk: int) -> TrainingParticipant:
    participant = (scope(actor, TrainingParticipant.objects.all())
                   .select_related("training__centre", "user", "school__district")
                   .filter(pk=pk).first())
    if participant is None:
        raise _not_found()
    return participant


def my_participations(*, actor: Actor) -> QuerySet:
    """A school psychologist's own trainings, with attendance and certificate."""
    return (TrainingParticipant.objects.filter(user_id=actor.user.pk)
            .select_related("training").order_by("-training__starts_on", "-id"))


def psychologist_choices(*, actor: Actor, training: Training,
                         district: District | None = None) -> QuerySet:
    """School psychologists of the training's region not yet on it, by district."""
    memberships = Membership.objects.filter(role=Role.SCHOOL_PSYCHOLOGIST, is_active=True,
                                            region_id=training.region_id)
    if district is not None:
        memberships = memberships.filter(school__district=district)
    taken = training.participants.values("user_id")
    return (User.objects.filter(pk__in=memberships.values("user_id"), is_active=True)
            .exclude(pk__in=taken)
            .prefetch_related(Prefetch("memberships", queryset=memberships.select_related(
                "school")))
            .order_by("last_name", "first_name", "pk"))


def event_list(*, actor: Actor, kind: str = "", district: District | None = None,
               date_from: dt.date | None = None, date_to: dt.date | None = None,
               q: str = "", school: Any = None) -> QuerySet:
    events = scope(actor, Event.objects.all()).select_related("district", "school",
                                                             "settlement")
    if kind:
        events = events.filter(kind=kind)
    if district is not None:
        events = events.filter(district=district)
    if school is not None:
        events = events.filter(school=school)
    if date_from:
        events = events.filter(held_on__gte=date_from)
    if date_to:
        events = events.filter(held_on__lte=date_to)
    if q:
        events = events.filter(title__icontains=q)
    return events.order_by("-held_on", "-id")


def event_get(*, actor: Actor, pk: int) -> Event:
    event = (scope(actor, Event.objects.all())
             .select_related("district", "settlement", "school", "police_unit",
                             "prosecutor_office", "created_by")
             .filter(pk=pk).first())
    if event is None:
        raise _not_found()
    return event


def material_get(*, actor: Actor, pk: int) -> EventMaterial:
    material = scope(actor, EventMaterial.objects.all()).select_related("event").filter(
        pk=pk).first()
    if material is None:
        raise _not_found()
    return material


def meeting_list(*, actor: Actor, district: District | None = None,
                 date_from: dt.date | None = None, date_to: dt.date | None = None,
                 school: Any = None) -> QuerySet:
    meetings = scope(actor, ParentMeeting.objects.all()).select_related("district", "school")
    if district is not None:
        meetings = meetings.filter(district=district)
    if school is not None:
        meetings = meetings.filter(school=school)
    if date_from:
        meetings = meetings.filter(held_on__gte=date_from)
    if date_to:
        meetings = meetings.filter(held_on__lte=date_to)
    return meetings.order_by("-held_on", "-id")


def meeting_get(*, actor: Actor, pk: int) -> ParentMeeting:
    meeting = (scope(actor, ParentMeeting.objects.all()).select_related("district", "school")
               .filter(pk=pk).first())
    if meeting is None:
        raise _not_found()
    return meeting


def consultation_list(*, actor: Actor, date_from: dt.date | None = None,
                      date_to: dt.date | None = None, district: District | None = None,
                      school: Any = None) -> QuerySet:
    consultations = scope(actor, ParentConsultation.objects.all()).select_related(
        "guardian__pupil", "school", "district")
    if district is not None:
        consultations = consultations.filter(district=district)
    if school is not None:
        consultations = consultations.filter(school=school)
    if date_from:
        consultations = consultations.filter(held_on__gte=date_from)
    if date_to:
        consultations = consultations.filter(held_on__lte=date_to)
    return consultations.order_by("-held_on", "-id")


def consultation_get(*, actor: Actor, pk: int, audit: bool = True) -> ParentConsultation:
    """One consultation; it names a guardian and their child, so reading it is audited."""
    consultation = (scope(actor, ParentConsultation.objects.all())
                    .select_related("guardian__pupil", "school", "district", "created_by")
                    .filter(pk=pk).first())
    if consultation is None:
        raise _not_found()
    require(actor, Action.PREVENTION_VIEW, consultation)
    if audit:
        audit_record(actor=actor, action="prevention.consultation.viewed", target=consultation,
                     data={"consultation_id": consultation.pk,
                           "pupil_id": consultation.guardian.pupil_id})
    return consultation


def guardian_choices(*, actor: Actor, q: str = "") -> QuerySet:
    """Parents and guardians of the pupils in the actor's scope, to link a consultation to."""
    guardians = scope(actor, Guardian.objects.all()).select_related("pupil")
    if q:
        guardians = guardians.filter(Q(full_name__icontains=q) | Q(pupil__last_name__icontains=q))
    return guardians.order_by("full_name", "pk")


# --- the programme's counts --------------------------------------------------------------------


def _where(actor: Actor, district: District | int | None, school: Any) -> dict[str, Any] | None:
    area = count_area(actor)
    if area is None:
        return None
    where = {"region_id": actor.membership.region_id, **area}
    if district is not None:
        where["district_id"] = getattr(district, "pk", district)
    if school is not None:
        where["school_id"] = getattr(school, "pk", school)
    return where


def _trained(period: Period, where: dict[str, Any]) -> QuerySet[TrainingParticipant]:
    """Rows of psychologists who attended a training that ended in the period."""
    return TrainingParticipant.objects.filter(
        **where, attendance=TrainingParticipant.Attendance.ATTENDED,
        training__ends_on__range=(period.start, period.end))


def _held(model: type, period: Period, where: dict[str, Any]) -> QuerySet:
    """Events, group meetings or consultations held in the period."""
    return model.objects.filter(**where, held_on__range=(period.start, period.end))


def psychologists_trained(*, actor: Actor, period: Period, district: District | None = None,
                          school: Any = None) -> int:
    """School psychologists who attended at least one training that ended in the period, each
    counted once, by the school they worked at when they were added to the training."""
    where = _where(actor, district, school)
    if where is None:
        return 0
    return _trained(period, where).values("user_id").distinct().count()


def events_held(*, actor: Actor, period: Period, district: District | None = None,
                school: Any = None, kind: str | None = None) -> int:
    """Events held in the period (all kinds, or one)."""
    where = _where(actor, district, school)
    if where is None:
        return 0
    events = _held(Event, period, where)
    if kind:
        events = events.filter(kind=kind)
    return events.count()


@dataclass(frozen=True)
class ParentsReached:
    identified: int  # distinct guardians with an individual consultation
    in_groups: int  # head counts of group meetings (anonymous: may repeat people)

    @property
    def total(self) -> int:
        return self.identified + self.in_groups


def parents_reached(*, actor: Actor, period: Period, district: District | None = None,
                    school: Any = None) -> ParentsReached:
    """Parents reached in the period (see the module's note for the rule); one query."""
    where = _where(actor, district, school)
    if where is None:
        return ParentsReached(0, 0)
    days = (period.start, period.end)
    identified = (ParentConsultation.objects.filter(region_id=OuterRef("pk"), held_on__range=days)
                  .filter(**where).order_by().values("region_id")
                  .annotate(n=Count("guardian_id", distinct=True)).values("n"))
    in_groups = (ParentMeeting.objects.filter(region_id=OuterRef("pk"), held_on__range=days)
                 .filter(**where).order_by().values("region_id")
                 .annotate(n=Sum("parents_count")).values("n"))
    zero = Value(0, output_field=IntegerField())
    row = (Region.objects.filter(pk=where["region_id"])
           .annotate(identified=Coalesce(Subquery(identified, output_field=IntegerField()),
                                         zero),
                     in_groups=Coalesce(Subquery(in_groups, output_field=IntegerField()), zero))
           .values_list("identified", "in_groups").first())
    return ParentsReached(*row) if row else ParentsReached(0, 0)


# --- the same counts by area (the statistics tables) --------------------------------------------
# The counts above for one area and one actor, here for every district of a region or every
# school of a district in one grouped query per record kind, for whoever the statistics pages
# show them to (they suppress small counts themselves). The definitions are the same: the
# querysets ``_trained`` and ``_held`` are shared.

AREA_COLUMNS = {"district": "district_id", "school": "school_id"}


@dataclass(frozen=True)
class AreaCounts:
    """Counts of prevention work per area (``by_area[area id][measure]``) and for all the areas
    together (``total``), where people are counted once however many areas they appear in.

    Measures: ``trained`` (distinct psychologists), ``events`` and ``events_<kind>``,
    ``parents_identified`` (distinct guardians consulted), ``parents_in_groups`` (head counts),
    ``parents`` (the two together)."""

    by_area: dict[int, dict[str, int]]
    total: dict[str, int]


def prevention_counts(*, region_id: int, period: Period, by: str,
                      district_id: int | None = None, school_id: int | None = None
                      ) -> AreaCounts:
    """The region's prevention counts by district (``by="district"``) or by school of one
    district (``by="school"``, with ``district_id``; ``school_id`` narrows to one school).
    Records without a school (district-wide events and meetings) count in their district and in
    the total of its schools, not in any school. Six queries."""
    column = AREA_COLUMNS[by]
    where: dict[str, Any] = {"region_id": region_id}
    if district_id is not None:
        where["district_id"] = district_id
    if school_id is not None:
        where["school_id"] = school_id
    by_area: dict[int, dict[str, int]] = {}
    total: dict[str, int] = {}

    def add(area_id: int | None, code: str, n: int) -> None:
        if area_id is not None:
            row = by_area.setdefault(area_id, {})
            row[code] = row.get(code, 0) + n

    trained = _trained(period, where)
    for row in trained.values(column).annotate(n=Count("user_id", distinct=True)).order_by():
        add(row[column], "trained", row["n"])
    total["trained"] = trained.values("user_id").distinct().count()
    events_total = 0
    for row in (_held(Event, period, where).values(column, "kind").annotate(n=Count("pk"))
                .order_by()):
        add(row[column], "events", row["n"])
        add(row[column], f"events_{row['kind']}", row["n"])
        total[f"events_{row['kind']}"] = total.get(f"events_{row['kind']}", 0) + row["n"]
        events_total += row["n"]
    total["events"] = events_total
    groups_total = 0
    for row in (_held(ParentMeeting, period, where).values(column)
                .annotate(n=Sum("parents_count")).order_by()):
        add(row[column], "parents_in_groups", row["n"] or 0)
        groups_total += row["n"] or 0
    total["parents_in_groups"] = groups_total
    consulted = _held(ParentConsultation, period, where)
    for row in consulted.values(column).annotate(n=Count("guardian_id", distinct=True)).order_by():
        add(row[column], "parents_identified", row["n"])
    total["parents_identified"] = consulted.values("guardian_id").distinct().count()
    for row in by_area.values():
        row["parents"] = row.get("parents_identified", 0) + row.get("parents_in_groups", 0)
    total["parents"] = total["parents_identified"] + total["parents_in_groups"]
    return AreaCounts(by_area=by_area, total=total)
