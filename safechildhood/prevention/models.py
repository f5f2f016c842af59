"""Models of prevention work: trainings of school psychologists, events and parent outreach.

Every record carries its region, district and (where there is one) school as columns of its own,
copied when it is recorded, so that the programme's counts ("psychologists trained", "events
held", "parents reached") by region, district, school and period are one query each over one
table, and so that a school's later move does not rewrite history.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safechildhood.directory.models import PoliceUnit, ProsecutorOffice, School, SupportCentre
from safechildhood.geography.models import District, Region, Settlement
from safechildhood.people.models import Guardian


class Recorded(models.Model):
    """Who recorded the row, when, and the form's one-time token (a resent form counts once)."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submission_token = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


def _one_per_token(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["created_by", "submission_token"],
                                   condition=~Q(submission_token=""), name=name)


class Training(Recorded):
    """A training of school psychologists run by the psychological support centre."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    centre = models.ForeignKey(SupportCentre, on_delete=models.PROTECT, related_name="trainings",
                               verbose_name=_("psychological support centre"))
    topic = models.CharField(_("topic"), max_length=300)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    hours = models.PositiveSmallIntegerField(_("hours"))
    trainer = models.CharField(_("trainer"), max_length=200)
    place = models.CharField(_("place"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-starts_on", "-id"]
        constraints = [
            _one_per_token("prevention_training_one_per_token"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="prevention_training_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.topic


class TrainingParticipant(models.Model):
    """A school psychologist on a training, with their attendance and certificate number.

    The school and district are those of the psychologist's membership when they were added."""

    class Attendance(models.TextChoices):
        REGISTERED = "registered", _("registered")
        ATTENDED = "attended", _("attended")
        ABSENT = "absent", _("absent")

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participants",
                                 verbose_name=_("training"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="trainings_attended", verbose_name=_("participant"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    attendance = models.CharField(_("attendance"), max_length=12, choices=Attendance.choices,
                                  default=Attendance.REGISTERED)
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("training participant")
        verbose_name_plural = _("training participants")
        ordering = ["training_id", "user__last_name", "user__first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["training", "user"],
                                    name="prevention_participant_once_per_training"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.training}"

    @property
    def has_certificate(self) -> bool:
        return self.attendance == self.Attendance.ATTENDED and bool(self.certificate_number)


class Organiser(models.TextChoices):
    PROSECUTOR = "prosecutor", _("prosecutor's office")
    POLICE = "police", _("police")
    CENTRE = "centre", _("psychological support centre")
    UNIVERSITY = "university", _("university experts")
    SCHOOL = "school", _("school")
    OTHER = "other", _("other organisers")


class Event(Recorded):
    """A prevention event: a conference, a master class for teachers, a meeting of law
    enforcement with pupils, a parents' meeting or another awareness event."""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("conference")
        MASTER_CLASS = "master_class", _("master class for teachers")
        LAW_ENFORCEMENT = "law_enforcement", _("meeting of law enforcement with pupils")
        PARENT_MEETING = "parent_meeting", _("parents' meeting")
        AWARENESS = "awareness", _("awareness event")
        OTHER = "other", _("other event")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("date"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("settlement"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("school"))
    # Organisers: any of the flags below; the recording unit or office, when the police or the
    # prosecutor's office recorded it (their staff may then edit it).
    organisers = models.JSONField(_("organisers"), default=list)
    police_unit = models.ForeignKey(PoliceUnit, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("police unit"))
    prosecutor_office = models.ForeignKey(ProsecutorOffice, on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+",
                                          verbose_name=_("prosecutor's office"))
    pupils = models.PositiveIntegerField(_("pupils"), default=0)
    parents = models.PositiveIntegerField(_("parents"), default=0)
    teachers = models.PositiveIntegerField(_("teachers"), default=0)
    psychologists = models.PositiveIntegerField(_("psychologists"), default=0)
    others = models.PositiveIntegerField(_("other participants"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-held_on", "-id"]
        constraints = [_one_per_token("prevention_event_one_per_token")]
        indexes = [models.Index(fields=["region", "held_on"], name="prevention_event_region_day")]

    def __str__(self) -> str:
        return self.title

    @property
    def participants_total(self) -> int:
        return self.pupils + self.parents + self.teachers + self.psychologists + self.others

    @property
    def organiser_labels(self) -> list[str]:
        labels = dict(Organiser.choices)
        return [str(labels[code]) for code in Organiser.values if code in self.organisers]


def material_path(instance: EventMaterial, filename: str) -> str:
    """Stored under a random name (the original name is kept in a column): nothing a visitor
    guesses reaches the file, and the media folder is never served directly."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"prevention/materials/{instance.event_id}/{uuid.uuid4().hex}{suffix}"


class EventMaterial(models.Model):
    """A file attached to an event (programme, presentation, photo, list of participants)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials",
                              verbose_name=_("event"))
    file = models.FileField(_("file"), upload_to=material_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["event_id", "id"]

    def __str__(self) -> str:
        return self.original_name


class ParentMeeting(Recorded):
    """A group meeting with parents. Group attendees are counted, not named: they add their
    head count to "parents reached" as it is, without removing anyone counted elsewhere."""

    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=300)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("school"))
    parents_count = models.PositiveIntegerField(_("parents present"))

    class Meta:
        verbose_name = _("parents' group meeting")
        verbose_name_plural = _("parents' group meetings")
        ordering = ["-held_on", "-id"]
        constraints = [_one_per_token("prevention_meeting_one_per_token")]

    def __str__(self) -> str:
        return self.topic


class ParentConsultation(Recorded):
    """An individual consultation with an identified parent or guardian. A guardian consulted
    several times counts once in "parents reached"."""

    held_on = models.DateField(_("date"))
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("parent or guardian"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    topic = models.CharField(_("topic"), max_length=300)

    class Meta:
        verbose_name = _("parent consultation")
        verbose_name_plural = _("parent consultations")
        ordering = ["-held_on", "-id"]
        constraints = [_one_per_token("prevention_consultation_one_per_token")]

    def __str__(self) -> str:
        return self.topic
