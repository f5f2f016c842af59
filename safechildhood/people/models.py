"""Pupils, their enrolment history, guardians, consent records, duplicate candidates and roster
imports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safechildhood.directory.models import School
from safechildhood.fields import EncryptedTextField


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Pupil(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("enrolled")
        LEFT = "left", _("left school")
        MERGED = "merged", _("merged into another record")

    iin = models.CharField(_("IIN"), max_length=12, null=True, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("patronymic"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils",
                               verbose_name=_("school"))
    grade = models.PositiveSmallIntegerField(_("grade"))
    class_letter = models.CharField(_("class letter"), max_length=3, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.ACTIVE)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged_records", verbose_name=_("merged into"))
    # Normalised "last first birth-date" used to find duplicates in the region (see people.names).
    match_key = models.CharField(max_length=250, db_index=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["iin"],
                condition=Q(iin__isnull=False) & ~Q(status="merged"),
                name="pupil_unique_iin",
            ),
            models.CheckConstraint(condition=Q(grade__lte=12), name="pupil_grade_range"),
        ]
        indexes = [
            models.Index(fields=["school", "grade", "class_letter"]),
            # "Which school is this pupil in?" for a set of risk cases, alerts or reports: the
            # region- and district-scoped queries join a few thousand rows to the pupils, and
            # with (id, school) in one index PostgreSQL answers from the index alone instead of
            # reading the whole table (the head's overview: 39 -> 12 ms per block, 270,000
            # pupils; bench/RESULTS.md).
            models.Index(fields=["id", "school"], name="pupil_id_school"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def class_name(self) -> str:
        return f"{self.grade}{self.class_letter}"


class Enrollment(models.Model):
    """One stay of a pupil at a school. Moving school ends one and starts the next."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="enrollments",
                              verbose_name=_("pupil"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrollments",
                               verbose_name=_("school"))
    grade = models.PositiveSmallIntegerField(_("grade"))
    class_letter = models.CharField(_("class letter"), max_length=3, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["pupil_id", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pupil"], condition=Q(ended_on__isnull=True),
                                    name="enrollment_one_open_per_pupil"),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.grade}{self.class_letter} {self.started_on:%Y-%m-%d}"


class Guardian(models.Model):
    class Relation(models.TextChoices):
        MOTHER = "mother", _("mother")
        FATHER = "father", _("father")
        GRANDPARENT = "grandparent", _("grandparent")
        GUARDIAN = "guardian", _("legal guardian")
        OTHER = "other", _("other relative")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="guardians",
                              verbose_name=_("pupil"))
    relation = models.CharField(_("relation"), max_length=12, choices=Relation.choices)
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("parent or guardian")
        verbose_name_plural = _("parents and guardians")
        ordering = ["pupil_id", "id"]

    def __str__(self) -> str:
        return self.full_name


class Consent(models.Model):
    """A parent's or guardian's decision on the pupil's screening, as recorded by the school."""

    class Decision(models.TextChoices):
        GIVEN = "given", _("consent given")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="consents",
                              verbose_name=_("pupil"))
    guardian = models.ForeignKey(Guardian, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="consents", verbose_name=_("parent or guardian"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    decided_on = models.DateField(_("date of decision"))
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["pupil_id", "-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.decided_on:%Y-%m-%d}"


class DuplicateCandidate(models.Model):
    """Two pupil records that may be one child. Only a person merges them."""

    class Reason(models.TextChoices):
        SAME_IIN = "iin", _("same IIN")
        SAME_NAME_BIRTH = "name_birth", _("same name and date of birth")

    class Status(models.TextChoices):
        OPEN = "open", _("to review")
        MERGED = "merged", _("merged")
        DISMISSED = "dismissed", _("different children")

    first = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("first record"))
    second = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("second record"))
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    detected_at = models.DateTimeField(_("detected"), auto_now_add=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-detected_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_unique"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")),
                                   name="duplicate_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} / {self.second_id} ({self.get_reason_display()})"


class RosterImport(models.Model):
    """An uploaded roster file and the background job that applies it, all or nothing."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("checking")
        DONE = "done", _("imported")
        FAILED = "failed", _("rejected")

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="roster_imports",
                               verbose_name=_("school"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    file_name = models.CharField(_("file"), max_length=255)
    content = models.BinaryField(editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("pupils added"), default=0)
    updated_count = models.PositiveIntegerField(_("pupils updated"), default=0)
    # [{"row": 7, "column": "iin", "code": "iin_checksum", "params": {...}}]: codes, translated
    # when shown, so the reader sees them in their own language.
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
