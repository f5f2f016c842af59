"""Disclosures: concerns about a pupil recorded by staff, the police reports they lead to with
every step of the police's handling, and the prosecutor's oversight notes on those reports.

Narratives (what the child said, notes of the police and the prosecutor) are encrypted at rest;
who may read them is decided in ``access/rules_disclosures.py``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safechildhood.directory.models import PoliceUnit, School
from safechildhood.fields import EncryptedTextField
from safechildhood.geography.models import District
from safechildhood.people.models import Pupil
from safechildhood.screening.models import TriageProposal


class Concern(models.Model):
    """A concern or a disclosure about a pupil, recorded by a member of staff."""

    class Category(models.TextChoices):
        FAMILY_VIOLENCE = "family_violence", _("violence in the family")
        SEXUAL_ABUSE = "sexual_abuse", _("sexual abuse")
        NEGLECT = "neglect", _("neglect")
        EXPLOITATION = "exploitation", _("exploitation (labour, begging, trafficking)")
        BULLYING = "bullying", _("bullying")
        OTHER = "other", _("other")

    class DisclosedBy(models.TextChoices):
        CHILD = "child", _("the child themself")
        PEER = "peer", _("another pupil")
        RELATIVE = "relative", _("a parent or relative")
        STAFF = "staff", _("a teacher or other member of staff")
        OTHER = "other", _("someone else")

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("told in person")
        WRITING = "writing", _("in writing or a note")
        PHONE = "phone", _("by phone or message")
        TRUST_BOX = "trust_box", _("through the trust box")
        SCREENING = "screening", _("in a conversation after screening")
        OBSERVED = "observed", _("signs noticed by staff")

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="concerns",
                              verbose_name=_("pupil"))
    # where the pupil was when the concern was recorded: scopes and reports follow this school
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    # for "other": the risk-group category it comes closest to (a TriageProposal category)
    triage_category = models.CharField(_("closest risk-group category"), max_length=20,
                                       choices=TriageProposal.Category.choices, blank=True)
    disclosed_by = models.CharField(_("who disclosed or raised it"), max_length=10,
                                    choices=DisclosedBy.choices)
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices)
    disclosed_at = models.DateTimeField(_("when"))
    immediate_danger = models.BooleanField(_("the child may be in danger now"), default=False)
    safety_actions = EncryptedTextField(_("what was done to keep the child safe now"))
    narrative = EncryptedTextField(_("what was said or seen"))
    report_required = models.BooleanField(_("a police report is required by law"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    reporter_role = models.CharField(_("role of the person who recorded it"), max_length=30)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    triage_proposal = models.ForeignKey(TriageProposal, on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="+",
                                        verbose_name=_("proposed risk-group entry"))

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "created_at"]),
                   models.Index(fields=["district", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.created_at:%Y-%m-%d}"


class PoliceReport(models.Model):
    """A report to the district police unit responsible for the pupil's school, from the moment
    it lands on the reporter's list until the case ends in court or is refused."""

    class Status(models.TextChoices):
        PENDING = "pending", _("to be sent")
        SENT = "sent", _("sent, awaiting acknowledgement")
        ACKNOWLEDGED = "acknowledged", _("received by the police")
        REGISTERED = "registered", _("registered in the ERDR")
        INVESTIGATION = "investigation", _("pre-trial investigation")
        COURT = "court", _("sent to court")
        VERDICT = "verdict", _("verdict delivered")
        REFUSED = "refused", _("refusal to open a case")

    concern = models.OneToOneField(Concern, on_delete=models.PROTECT, related_name="report",
                                   verbose_name=_("concern"))
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="police_reports",
                              verbose_name=_("pupil"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    category = models.CharField(_("category"), max_length=20, choices=Concern.Category.choices)
    required = models.BooleanField(_("required by law"))
    # the district unit responsible for the school; fixed when the report is sent
    unit = models.ForeignKey(PoliceUnit, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="reports", verbose_name=_("police unit"))
    status = models.CharField(_("status"), max_length=14, choices=Status.choices,
                              default=Status.PENDING)
    status_changed_at = models.DateTimeField(_("status since"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("reporting person"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    deadline = models.DateTimeField(_("send by"))
    escalated_at = models.DateTimeField(_("escalated to the school director and centre head"),
                                        null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("sent by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+",
                                        verbose_name=_("acknowledged by"))
    # Unified Register of Pre-trial Investigations (ERDR): 15 digits
    erdr_number = models.CharField(_("ERDR registration number"), max_length=15, blank=True)
    refusal_reason = EncryptedTextField(_("reason for the refusal"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("police", "police report")
        verbose_name_plural = pgettext_lazy("police", "police reports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline"]),
                   models.Index(fields=["unit", "status"]),
                   models.Index(fields=["district", "status"]),
                   models.Index(fields=["school", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | Q(unit__isnull=False, sent_at__isnull=False),
                name="police_report_sent_has_unit"),
        ]

    def __str__(self) -> str:
        return f"№{self.pk} {self.get_status_display()}"


class PoliceReportStep(models.Model):
    """One step of a report, dated and attributed: sent, acknowledged, registered, ..."""

    report = models.ForeignKey(PoliceReport, on_delete=models.CASCADE, related_name="steps",
                               verbose_name=pgettext_lazy("police", "police report"))
    status = models.CharField(_("status"), max_length=14, choices=PoliceReport.Status.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                           blank=True, related_name="+", verbose_name=_("by"))
    # the police's own remark on the step: police and prosecutor only
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("police report step")
        verbose_name_plural = _("police report steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.status}"


class OversightNote(models.Model):
    """The prosecutor's note on a report, optionally requiring a response by a date from the
    police unit or the reporting school."""

    class AddressedTo(models.TextChoices):
        POLICE = "police", _("the police unit")
        SCHOOL = "school", _("the reporting school")

    report = models.ForeignKey(PoliceReport, on_delete=models.CASCADE,
                               related_name="oversight_notes",
                               verbose_name=pgettext_lazy("police", "police report"))
    addressed_to = models.CharField(_("addressed to"), max_length=6,
                                    choices=AddressedTo.choices)
    text = EncryptedTextField(_("note"))
    response_due = models.DateField(_("response required by"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("written by"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    response = EncryptedTextField(_("response"), blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("answered by"))
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("oversight note")
        verbose_name_plural = _("oversight notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.created_at:%Y-%m-%d}"

    @property
    def awaits_response(self) -> bool:
        return self.response_due is not None and self.responded_at is None
