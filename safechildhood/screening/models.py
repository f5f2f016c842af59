"""Screening: campaigns, assignments with one-time codes, responses and their scores, triage
proposals, crisis alerts, the centre's duty roster, and bulk imports and exports of responses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safechildhood.directory.models import School, SupportCentre
from safechildhood.fields import EncryptedTextField
from safechildhood.geography.models import District, Region
from safechildhood.people.models import Pupil


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("in progress")
    DONE = "done", pgettext_lazy("job status", "finished")
    FAILED = "failed", _("failed")


class Campaign(models.Model):
    """A screening round planned by the centre: instruments, targets, window, consent rule."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", pgettext_lazy("campaign", "open")
        CLOSED = "closed", pgettext_lazy("campaign", "closed")

    class ConsentRule(models.TextChoices):
        OPT_OUT = "opt_out", _("parental opt-out: screened unless a parent refused")
        OPT_IN = "opt_in", _("parental opt-in: screened only with a recorded consent")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="campaigns",
                               verbose_name=_("region"))
    centre = models.ForeignKey(SupportCentre, on_delete=models.PROTECT, related_name="campaigns",
                               verbose_name=_("centre"))
    name = models.CharField(_("name"), max_length=200)
    # [{"code": "phq-a", "version": "1.0"}, ...]: the versions are pinned when the campaign opens.
    instruments = models.JSONField(_("instruments"), default=list)
    districts = models.ManyToManyField(District, blank=True, related_name="+",
                                       verbose_name=_("districts"))
    schools = models.ManyToManyField(School, blank=True, related_name="+",
                                     verbose_name=_("schools"))
    grades = models.JSONField(_("grades"), default=list)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    consent_rule = models.CharField(_("consent rule"), max_length=10,
                                    choices=ConsentRule.choices, default=ConsentRule.OPT_OUT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # creating the assignments runs in the background on opening
    assign_status = models.CharField(max_length=10, choices=JobStatus.choices, blank=True)
    assign_total = models.PositiveIntegerField(default=0)
    assign_done = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("screening campaign")
        verbose_name_plural = _("screening campaigns")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="campaign_window_order"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def instrument_codes(self) -> list[str]:
        return [i["code"] for i in self.instruments]

    @property
    def assign_percent(self) -> int:
        if not self.assign_total:
            return 0 if self.assign_status != JobStatus.DONE else 100
        return min(100, round(100 * self.assign_done / self.assign_total))


class Assignment(models.Model):
    """One pupil in one campaign, with the one-time code the pupil answers with."""

    class Status(models.TextChoices):
        PENDING = "pending", _("not started")
        IN_PROGRESS = "in_progress", _("started")
        COMPLETED = "completed", _("completed")
        ABSENT = "absent", _("absent")
        REFUSED = "refused", _("pupil refused")
        NO_CONSENT = "no_consent", _("no consent")

    # Indexes: a foreign key's own index is left out where another index starts with the same
    # column (campaign: assignment_once), or where the key is only followed when a staff
    # account is deleted, which does not happen (accounts are deactivated). Each index costs
    # every insert and status change: a region's results import writes 100,000 of each.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assignments",
                                 verbose_name=_("campaign"), db_index=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="assignments",
                              verbose_name=_("pupil"))
    # where the pupil was when assigned: coverage and class sheets count here
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    grade = models.PositiveSmallIntegerField(_("grade"))
    class_letter = models.CharField(_("class letter"), max_length=3, blank=True)
    instruments = models.JSONField(_("instruments"), default=list)  # codes, chosen by age
    # The code itself is shown only on the class sheet; it is looked up by its keyed hash.
    code_hash = models.CharField(max_length=64, editable=False)  # unique: see Meta
    code_sealed = EncryptedTextField(editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PENDING)
    language = models.CharField(_("language"), max_length=2, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                          null=True, blank=True, related_name="+",
                                          db_index=False)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["campaign_id", "school_id", "grade", "class_letter", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "pupil"], name="assignment_once"),
            # a constraint rather than unique=True, which on PostgreSQL adds a second index for
            # LIKE searches that no one makes of a hash
            models.UniqueConstraint(fields=["code_hash"], name="assignment_code_once"),
        ]
        indexes = [
            models.Index(fields=["campaign", "school", "status"]),
            models.Index(fields=["campaign", "district", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.pupil_id}"


class Response(models.Model):
    """One pupil's answers to one instrument, with the scores computed from them."""

    class Source(models.TextChoices):
        ONLINE = "online", _("answered online")
        PAPER = "paper", _("paper form entered by staff")
        IMPORT = "import", _("imported from a file")

    class Status(models.TextChoices):
        DRAFT = "draft", _("being answered")
        SUBMITTED = "submitted", _("submitted")

    # Indexes as for Assignment: pupil, campaign and assignment are served by the indexes
    # below, which start with them; entered_by and import_batch are only followed when an
    # account or an import is deleted, which does not happen.
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="responses",
                              verbose_name=_("pupil"), db_index=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="responses", verbose_name=_("campaign"),
                                 db_index=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="responses", verbose_name=_("assignment"),
                                   db_index=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    instrument = models.CharField(_("instrument"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    answers = models.JSONField(_("answers"), default=dict)  # {item id: answer code}
    # online answering: how many of the questions shown so far the pupil has passed
    position = models.PositiveSmallIntegerField(default=0, editable=False)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    language = models.CharField(_("language"), max_length=2, blank=True)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    # copied out of the scores for counting and sorting
    band = models.CharField(_("band"), max_length=40, blank=True)
    total = models.SmallIntegerField(_("total"), null=True, blank=True)
    completeness = models.CharField(_("completeness"), max_length=24, blank=True)
    critical = models.BooleanField(_("critical"), default=False)
    level = models.CharField(_("level"), max_length=10, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("entered by"), db_index=False)
    import_batch = models.ForeignKey("ResponseImport", on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="responses", db_index=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "instrument"],
                                    condition=Q(assignment__isnull=False),
                                    name="response_once_per_assignment"),
        ]
        indexes = [
            models.Index(fields=["campaign", "school", "instrument"]),
            models.Index(fields=["pupil", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.pupil_id}"


class TriageProposal(models.Model):
    """A proposed risk-group entry: from screening, a staff concern or a disclosure. The centre
    decides on it (case management)."""

    class Source(models.TextChoices):
        SCREENING = "screening", _("screening")
        CONCERN = "concern", _("concern raised by staff")
        DISCLOSURE = "disclosure", _("disclosure")

    class Category(models.TextChoices):
        SUICIDE_RISK = "suicide_risk", _("suicide risk")
        DEPRESSION = "depression", _("depression")
        ANXIETY = "anxiety", _("anxiety")
        SUBSTANCE_USE = "substance_use", _("substance use")
        TRAUMA_VIOLENCE = "trauma_violence", _("trauma or violence")
        BEHAVIOUR = "behaviour", _("behaviour")
        # from concerns and disclosures (DESIGN.md: triage categories)
        FAMILY_VIOLENCE = "family_violence", _("violence in the family")
        SEXUAL_ABUSE = "sexual_abuse", _("sexual abuse")
        NEGLECT = "neglect", _("neglect")
        EXPLOITATION = "exploitation", _("exploitation")
        BULLYING = "bullying", _("bullying")
        OFFENDING = "offending", _("offending")
        RUNNING_AWAY = "running_away", _("running away")

    class Level(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")
        CRITICAL = "critical", _("critical")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("awaiting decision")
        ACCEPTED = "accepted", _("accepted into the risk group")
        DECLINED = "declined", _("declined")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="triage_proposals",
                              verbose_name=_("pupil"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    response = models.ForeignKey(Response, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="proposals", verbose_name=_("response"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    # codes only: {"instrument": "phq-a", "total": 12, "band": "moderate", "flags": [...]}
    evidence = models.JSONField(_("evidence"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PROPOSED)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # a staff concern or disclosure: who raised it (screening proposals have no author)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("raised by"))
    # why the centre accepted or declined; a declined proposal stays on record with it
    decision_reason = EncryptedTextField(_("reason for the decision"), blank=True)

    class Meta:
        verbose_name = _("triage proposal")
        verbose_name_plural = _("triage proposals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["district", "status"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.get_level_display()})"


class CrisisAlert(models.Model):
    """A critical screening result: someone must see the child today."""

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for acknowledgement")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="crisis_alerts",
                              verbose_name=_("pupil"))
    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="alert",
                                    verbose_name=_("response"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    flags = models.JSONField(_("flags"), default=list)  # flag ids
    acute = models.BooleanField(_("acute"), default=False)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices,
                              default=Status.OPEN)
    raised_at = models.DateTimeField(_("raised"))
    deadline = models.DateTimeField(_("deadline"))
    on_duty = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+",
                                verbose_name=_("specialist on duty"))
    escalated_at = models.DateTimeField(_("escalated to the centre head"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+",
                                        verbose_name=_("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        verbose_name = _("crisis alert")
        verbose_name_plural = _("crisis alerts")
        ordering = ["status", "deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"]),
                   models.Index(fields=["district", "status"])]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.raised_at:%Y-%m-%d %H:%M}"


class DutyShift(models.Model):
    """Which centre specialist answers crisis alerts for a district on which days."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("district"))
    specialist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="duty_shifts", verbose_name=_("specialist"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["district_id", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="duty_window_order"),
        ]

    def __str__(self) -> str:
        return f"{self.district_id}: {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"


class ResponseImport(models.Model):
    """A file of paper results for many pupils, checked and applied all or nothing."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="imports",
                                 verbose_name=_("campaign"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    file_name = models.CharField(_("file"), max_length=255)
    content = models.BinaryField(editable=False)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices,
                              default=JobStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("responses added"), default=0)
    alert_count = models.PositiveIntegerField(_("crisis alerts raised"), default=0)
    errors = models.JSONField(default=list, blank=True)  # codes, translated when shown
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("results import")
        verbose_name_plural = _("results imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ResponseExport(models.Model):
    """A campaign's responses written to a file in the background, within the requester's
    scope."""

    class Variant(models.TextChoices):
        IDENTIFIED = "identified", _("identified (names and IIN)")
        PSEUDONYMISED = "pseudonymised", _("pseudonymised (codes instead of names)")

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="exports",
                                 verbose_name=_("campaign"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("requested by"))
    membership_id = models.PositiveIntegerField()  # the scope the export was asked under
    variant = models.CharField(_("variant"), max_length=14, choices=Variant.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices,
                              default=JobStatus.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    file_path = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("results export")
        verbose_name_plural = _("results exports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.variant} {self.format}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == JobStatus.DONE else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
