"""Changes of prevention records: trainings and their participants, events and their materials,
parents' group meetings and individual consultations.

Each service asks the policy, checks the programme's rules (a ``DomainError`` naming the form
field), changes the rows and writes the audit event in one transaction. Sending the same form
twice (a double click, a form resent after a dropped connection) records once: the create forms
carry a one-time token, kept on the row (unique per author), and a second send returns the row
the first one made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, in_scope, require
from safechildhood.accounts.models import Membership, Role, User
from safechildhood.audit.services import audit_record
from safechildhood.directory.models import School
from safechildhood.errors import DomainError
from safechildhood.geography.models import District, Settlement
from safechildhood.people.models import Guardian
from safechildhood.prevention.models import (
    Event,
    EventMaterial,
    Organiser,
    ParentConsultation,
    ParentMeeting,
    Training,
    TrainingParticipant,
)

MAX_HOURS = 500  # a long course of further training
MAX_DAYS = 120
MAX_GROUP = 100_000  # participants of one group at a regional conference
MAX_PARENTS = 5_000  # a school-wide parents' meeting, or a city's
OLDEST_DAYS = 3 * 366  # records of the last three years may still be added
MATERIAL_MAX_BYTES = 10 * 1024 * 1024
# What may be attached: documents, presentations and photos. The type is taken from the file's
# first bytes, not from its name or the browser's word.
MATERIAL_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_MAGIC = {"application/pdf": b"%PDF-", "image/jpeg": b"\xff\xd8\xff",
          "image/png": b"\x89PNG\r\n\x1a\n"}
_ZIP = b"PK\x03\x04"

M = TypeVar("M", bound=Model)


# --- shared ------------------------------------------------------------------------------------


def _once(model: type[M], actor: Actor, token: str, create: Callable[[], M]) -> tuple[M, bool]:
    """Create through ``create()`` unless this author already sent this token; returns the row
    and whether it is new."""
    if token:
        earlier = model.objects.filter(created_by=actor.user, submission_token=token).first()
        if earlier is not None:
            return earlier, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        # two sends racing: the other one won
        earlier = model.objects.filter(created_by=actor.user, submission_token=token).first()
        if not token or earlier is None:
            raise
        return earlier, False


def _check_past_day(day: dt.date, *, field_name: str, what: str = "") -> None:
    today = timezone.localdate()
    if day > today:
        raise DomainError(_("The date cannot be in the future: record the work once it has "
                            "taken place."), code="future", field=field_name)
    if day < today - dt.timedelta(days=OLDEST_DAYS):
        raise DomainError(_("Records older than three years cannot be added."), code="too_old",
                          field=field_name)


def _place(actor: Actor, district: District, settlement: Settlement | None,
           school: School | None) -> tuple[District, Settlement | None, School | None]:
    """The place of a record: in the actor's region, the settlement in the district, the school
    in the settlement (when both are given)."""
    if district.region_id != actor.membership.region_id:
        raise DomainError(_("Choose a district of your region."), code="district",
                          field="district")
    if settlement is not None and settlement.district_id != district.pk:
        raise DomainError(_("The settlement is not in the chosen district."), code="settlement",
                          field="settlement")
    if school is not None:
        if school.district_id != district.pk:
            raise DomainError(_("The school is not in the chosen district."), code="school",
                              field="school")
        if settlement is not None and school.settlement_id != settlement.pk:
            raise DomainError(_("The school is not in the chosen settlement."), code="school",
                              field="school")
        settlement = settlement or school.settlement
    return district, settlement, school


# --- trainings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingInput:
    topic: str
    starts_on: dt.date
    ends_on: dt.date
    hours: int
    trainer: str
    place: str = ""


def _check_training(data: TrainingInput) -> None:
    if not data.topic.strip():
        raise DomainError(_("Enter the topic."), code="topic", field="topic")
    if not data.trainer.strip():
        raise DomainError(_("Enter the trainer."), code="trainer", field="trainer")
    if data.ends_on < data.starts_on:
        raise DomainError(_("The last day cannot be before the first day."), code="dates",
                          field="ends_on")
    if (data.ends_on - data.starts_on).days >= MAX_DAYS:
        raise DomainError(_("A training lasts at most %(days)s days.") % {"days": MAX_DAYS},
                          code="dates", field="ends_on")
    if data.starts_on < timezone.localdate() - dt.timedelta(days=OLDEST_DAYS):
        raise DomainError(_("Records older than three years cannot be added."), code="too_old",
                          field="starts_on")
    if not 1 <= data.hours <= MAX_HOURS:
        raise DomainError(_("Enter the hours, from 1 to %(most)s.") % {"most": MAX_HOURS},
                          code="hours", field="hours")


def _training_fields(data: TrainingInput) -> dict:
    return {"topic": data.topic.strip(), "starts_on": data.starts_on, "ends_on": data.ends_on,
            "hours": data.hours, "trainer": data.trainer.strip(), "place": data.place.strip()}


def training_create(*, actor: Actor, data: TrainingInput, token: str = "") -> Training:
    """A training run by the actor's centre."""
    require(actor, Action.TRAINING_MANAGE)
    _check_training(data)
    with transaction.atomic():
        def create() -> Training:
            training = Training.objects.create(
                region_id=actor.membership.region_id, centre_id=actor.membership.centre_id,
                created_by=actor.user, submission_token=token, **_training_fields(data))
            audit_record(actor=actor, action="prevention.training.created", target=training,
                         data={"hours": training.hours})
            return training

        training, _new = _once(Training, actor, token, create)
        return training


def training_update(*, actor: Actor, training: Training, data: TrainingInput) -> Training:
    require(actor, Action.TRAINING_MANAGE, training)
    _check_training(data)
    with transaction.atomic():
        training = Training.objects.select_for_update().get(pk=training.pk)
        attended = training.participants.filter(
            attendance=TrainingParticipant.Attendance.ATTENDED).exists()
        if attended and data.starts_on > timezone.localdate():
            raise DomainError(_("Attendance is already marked: the training cannot move to the "
                                "future."), code="dates", field="starts_on")
        for name, value in _training_fields(data).items():
            setattr(training, name, value)
        training.save()
        audit_record(actor=actor, action="prevention.training.updated", target=training,
                     data={"hours": training.hours})
    return training


def participants_add(*, actor: Actor, training: Training, users: list[User]) -> int:
    """Add school psychologists of the region to the training; those already on it are skipped.
    Returns how many were added."""
    require(actor, Action.TRAINING_MANAGE, training)
    if not users:
        raise DomainError(_("Choose at least one school psychologist."), code="empty",
                          field="users")
    memberships = {
        m.user_id: m for m in Membership.objects.filter(
            user__in=users, role=Role.SCHOOL_PSYCHOLOGIST, is_active=True,
            region_id=training.region_id).select_related("school").order_by("pk")
    }
    if len(memberships) != len({u.pk for u in users}):
        raise DomainError(_("Only school psychologists of the region can take part."),
                          code="not_psychologist", field="users")
    with transaction.atomic():
        present = set(training.participants.values_list("user_id", flat=True))
        rows = [TrainingParticipant(training=training, user_id=user_id, region_id=m.region_id,
                                    district_id=m.school.district_id, school_id=m.school_id)
                for user_id, m in memberships.items() if user_id not in present]
        TrainingParticipant.objects.bulk_create(rows, ignore_conflicts=True)
        if rows:
            audit_record(actor=actor, action="prevention.participants.added", target=training,
                         data={"user_ids": sorted(r.user_id for r in rows)})
    return len(rows)


def certificate_number(participant: TrainingParticipant) -> str:
    """Numbered by the training's year, training and participant: unique, never reused."""
    training = participant.training
    return f"{training.starts_on:%Y}-{training.pk:04d}-{participant.pk:05d}"


def attendance_mark(*, actor: Actor, participant: TrainingParticipant,
                    attendance: str) -> TrainingParticipant:
    """Mark attendance once the training has begun. Attending gives a certificate number (kept
    if attendance is later corrected, so that a number printed once is never given to anyone
    else); the certificate is issued only while attendance stands."""
    require(actor, Action.TRAINING_MANAGE, participant)
    if attendance not in TrainingParticipant.Attendance.values:
        raise DomainError(_("Choose the attendance."), code="attendance", field="attendance")
    with transaction.atomic():
        participant = (TrainingParticipant.objects.select_for_update()
                       .select_related("training").get(pk=participant.pk))
        if (attendance != TrainingParticipant.Attendance.REGISTERED
                and participant.training.starts_on > timezone.localdate()):
            raise DomainError(_("Attendance is marked once the training has begun."),
                              code="not_started", field="attendance")
        before = participant.attendance
        participant.attendance = attendance
        if attendance == TrainingParticipant.Attendance.ATTENDED and not \
                participant.certificate_number:
            participant.certificate_number = certificate_number(participant)
        participant.save(update_fields=["attendance", "certificate_number"])
        audit_record(actor=actor, action="prevention.attendance.marked",
                     target=participant.training,
                     data={"participant_id": participant.pk, "user_id": participant.user_id,
                           "from": before, "to": attendance})
    return participant


def certificate_issue(*, actor: Actor, participant: TrainingParticipant, language: str) -> None:
    """Record that a certificate was downloaded (who, whose, in which language)."""
    require(actor, Action.PREVENTION_VIEW, participant)
    if not participant.has_certificate:
        raise DomainError(_("A certificate is issued to participants who attended."),
                          code="no_certificate")
    audit_record(actor=actor, action="prevention.certificate.downloaded",
                 target=participant.training,
                 data={"participant_id": participant.pk, "language": language})


# --- events ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventInput:
    kind: str
    title: str
    held_on: dt.date
    district: District
    organisers: list[str]
    settlement: Settlement | None = None
    school: School | None = None
    pupils: int = 0
    parents: int = 0
    teachers: int = 0
    psychologists: int = 0
    others: int = 0
    description: str = ""


# participants by group, as counted on the event
GROUPS = ("pupils", "parents", "teachers", "psychologists", "others")


def _event_fields(actor: Actor, data: EventInput) -> dict:
    m = actor.membership
    if data.kind not in Event.Kind.values:
        raise DomainError(_("Choose the type of event."), code="kind", field="kind")
    if not data.title.strip():
        raise DomainError(_("Enter the title."), code="title", field="title")
    _check_past_day(data.held_on, field_name="held_on")
    district, settlement, school = _place(actor, data.district, data.settlement, data.school)
    organisers = set(data.organisers)
    if not organisers <= set(Organiser.values):
        raise DomainError(_("Choose the organisers from the list."), code="organisers",
                          field="organisers")
    police_unit_id = prosecutor_office_id = None
    if m.role == Role.SCHOOL_PSYCHOLOGIST:
        if school is None or school.pk != m.school_id:
            raise DomainError(_("A school psychologist records the events of their own "
                                "school."), code="school", field="school")
    elif m.role == Role.POLICE_INSPECTOR:
        if district.pk != m.police_unit.district_id:
            raise DomainError(_("Choose your police unit's district."), code="district",
                              field="district")
        organisers.add(Organiser.POLICE)
        police_unit_id = m.police_unit_id
    elif m.role == Role.PROSECUTOR_ANALYST:
        organisers.add(Organiser.PROSECUTOR)
        prosecutor_office_id = m.prosecutor_office_id
    if not organisers:
        raise DomainError(_("Choose at least one organiser."), code="organisers",
                          field="organisers")
    counts = {name: getattr(data, name) for name in GROUPS}
    for name, value in counts.items():
        if not 0 <= value <= MAX_GROUP:
            raise DomainError(_("Enter a number from 0 to %(most)s.") % {"most": MAX_GROUP},
                              code="count", field=name)
    if not any(counts.values()):
        raise DomainError(_("Enter how many took part: at least one group above zero."),
                          code="no_participants", field="pupils")
    return {"kind": data.kind, "title": data.title.strip(), "held_on": data.held_on,
            "region_id": district.region_id, "district": district, "settlement": settlement,
            "school": school, "description": data.description.strip(),
            "organisers": [code for code in Organiser.values if code in organisers],
            "police_unit_id": police_unit_id, "prosecutor_office_id": prosecutor_office_id,
            **counts}


def event_create(*, actor: Actor, data: EventInput, token: str = "") -> Event:
    require(actor, Action.EVENT_MANAGE)
    fields = _event_fields(actor, data)
    with transaction.atomic():
        def create() -> Event:
            event = Event.objects.create(created_by=actor.user, submission_token=token,
                                         **fields)
            audit_record(actor=actor, action="prevention.event.created", target=event,
                         data={"kind": event.kind, "participants": event.participants_total})
            return event

        event, _new = _once(Event, actor, token, create)
        return event


def event_update(*, actor: Actor, event: Event, data: EventInput) -> Event:
    require(actor, Action.EVENT_MANAGE, event)
    fields = _event_fields(actor, data)
    if actor.role in (Role.POLICE_INSPECTOR, Role.PROSECUTOR_ANALYST):
        # the recording unit or office stays the one that recorded it
        fields.pop("police_unit_id"), fields.pop("prosecutor_office_id")
    else:
        fields["police_unit_id"] = event.police_unit_id
        fields["prosecutor_office_id"] = event.prosecutor_office_id
    with transaction.atomic():
        for name, value in fields.items():
            setattr(event, name, value)
        event.save()
        audit_record(actor=actor, action="prevention.event.updated", target=event,
                     data={"kind": event.kind, "participants": event.participants_total})
    return event


def _material_type(name: str, head: bytes) -> str:
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    content_type = MATERIAL_TYPES.get(suffix)
    if content_type is None:
        raise DomainError(_("Attach a PDF, a photo (JPEG or PNG) or a Word, PowerPoint or "
                            "Excel file."), code="type", field="file")
    expected = _MAGIC.get(content_type, _ZIP)
    if not head.startswith(expected):
        raise DomainError(_("The file's content does not match its type."), code="content",
                          field="file")
    return content_type


def material_attach(*, actor: Actor, event: Event, upload) -> EventMaterial:
    """Attach an uploaded file (at most 10 MB; documents, presentations, photos)."""
    require(actor, Action.EVENT_MANAGE, event)
    if upload.size > MATERIAL_MAX_BYTES:
        raise DomainError(_("The file is larger than %(size)s MB.")
                          % {"size": MATERIAL_MAX_BYTES // (1024 * 1024)}, code="size",
                          field="file")
    if upload.size == 0:
        raise DomainError(_("The file is empty."), code="empty", field="file")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    name = upload.name.replace("\\", "/").rsplit("/", 1)[-1][:200]
    content_type = _material_type(name, head)
    with transaction.atomic():
        material = EventMaterial(event=event, original_name=name, content_type=content_type,
                                 size=upload.size, uploaded_by=actor.user)
        material.file.save(name, upload, save=False)
        try:
            material.save()
            audit_record(actor=actor, action="prevention.material.attached", target=event,
                         data={"material_id": material.pk, "size": material.size})
        except Exception:
            material.file.delete(save=False)
            raise
    return material


def material_remove(*, actor: Actor, material: EventMaterial) -> None:
    require(actor, Action.EVENT_MANAGE, material)
    event = material.event
    with transaction.atomic():
        material_id, stored = material.pk, material.file.name
        material.delete()
        audit_record(actor=actor, action="prevention.material.removed", target=event,
                     data={"material_id": material_id})
        storage = material.file.storage
        transaction.on_commit(lambda: storage.delete(stored))


# --- parent outreach ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingInput:
    held_on: dt.date
    topic: str
    district: District
    parents_count: int
    school: School | None = None


def _meeting_fields(actor: Actor, data: MeetingInput) -> dict:
    m = actor.membership
    _check_past_day(data.held_on, field_name="held_on")
    if not data.topic.strip():
        raise DomainError(_("Enter the topic."), code="topic", field="topic")
    district, _settlement, school = _place(actor, data.district, None, data.school)
    if m.role == Role.SCHOOL_PSYCHOLOGIST and (school is None or school.pk != m.school_id):
        raise DomainError(_("A school psychologist records the meetings of their own school."),
                          code="school", field="school")
    if not 1 <= data.parents_count <= MAX_PARENTS:
        raise DomainError(_("Enter how many parents were present, from 1 to %(most)s.")
                          % {"most": MAX_PARENTS}, code="count", field="parents_count")
    return {"held_on": data.held_on, "topic": data.topic.strip(),
            "region_id": district.region_id, "district": district, "school": school,
            "parents_count": data.parents_count}


def meeting_create(*, actor: Actor, data: MeetingInput, token: str = "") -> ParentMeeting:
    require(actor, Action.OUTREACH_RECORD)
    fields = _meeting_fields(actor, data)
    with transaction.atomic():
        def create() -> ParentMeeting:
            meeting = ParentMeeting.objects.create(created_by=actor.user,
                                                   submission_token=token, **fields)
            audit_record(actor=actor, action="prevention.meeting.created", target=meeting,
                         data={"parents": meeting.parents_count})
            return meeting

        meeting, _new = _once(ParentMeeting, actor, token, create)
        return meeting


def meeting_update(*, actor: Actor, meeting: ParentMeeting, data: MeetingInput) -> ParentMeeting:
    require(actor, Action.OUTREACH_RECORD, meeting)
    fields = _meeting_fields(actor, data)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(meeting, name, value)
        meeting.save()
        audit_record(actor=actor, action="prevention.meeting.updated", target=meeting,
                     data={"parents": meeting.parents_count})
    return meeting


@dataclass(frozen=True)
class ConsultationInput:
    held_on: dt.date
    guardian: Guardian
    topic: str


def _consultation_fields(actor: Actor, data: ConsultationInput) -> dict:
    _check_past_day(data.held_on, field_name="held_on")
    if not data.topic.strip():
        raise DomainError(_("Enter the topic."), code="topic", field="topic")
    if not in_scope(actor, data.guardian):
        raise DomainError(_("Choose a parent or guardian of a pupil you work with."),
                          code="guardian", field="guardian")
    school = data.guardian.pupil.school
    return {"held_on": data.held_on, "topic": data.topic.strip(), "guardian": data.guardian,
            "region_id": school.district.region_id, "district_id": school.district_id,
            "school": school}


def consultation_create(*, actor: Actor, data: ConsultationInput,
                        token: str = "") -> ParentConsultation:
    """An individual consultation with a parent or guardian of a pupil in the actor's scope; the
    school and district are the pupil's at the time."""
    require(actor, Action.OUTREACH_RECORD)
    fields = _consultation_fields(actor, data)
    with transaction.atomic():
        def create() -> ParentConsultation:
            consultation = ParentConsultation.objects.create(
                created_by=actor.user, submission_token=token, **fields)
            audit_record(actor=actor, action="prevention.consultation.created",
                         target=consultation, data={"guardian_id": consultation.guardian_id})
            return consultation

        consultation, _new = _once(ParentConsultation, actor, token, create)
        return consultation


def consultation_update(*, actor: Actor, consultation: ParentConsultation,
                        data: ConsultationInput) -> ParentConsultation:
    require(actor, Action.OUTREACH_RECORD, consultation)
    fields = _consultation_fields(actor, data)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(consultation, name, value)
        consultation.save()
        audit_record(actor=actor, action="prevention.consultation.updated",
                     target=consultation, data={"guardian_id": consultation.guardian_id})
    return consultation
