"""The risk group: children the psychological support centre works with, and that work.

A ``RiskCase`` is one child's time in the risk group. Its place is always the pupil's current
school and that school's district: stored on the case (``school``, ``district``) so that a
region's or a district's cases are counted without reading its pupils, and kept equal to the
pupil's by the services that open a case and by the pupil's transfer (``cases_follow_pupil``).
Access still reads the pupil's current school (rules_cases.py), so when a pupil moves, access
follows at once. Every change of a case is a ``CaseEvent`` (the history and the owner's "what
changed" list); narrative fields are encrypted at rest.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safechildhood.directory.models import School, ServiceProvider
from safechildhood.fields import EncryptedTextField
from safechildhood.geography.models import District, Settlement
from safechildhood.people.models import Pupil
from safechildhood.screening.models import Assignment, CrisisAlert, TriageProposal

# Risk categories and levels are the triage's: one vocabulary from screening to case closure.
Category = TriageProposal.Category
Level = TriageProposal.Level

USER = settings.AUTH_USER_MODEL


class RiskCase(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("accepted, awaiting a specialist")
        ACTIVE = "active", _("active")
        MONITORING = "monitoring", _("monitoring")
        CLOSED = "closed", pgettext_lazy("case status", "closed")

    class CloseReason(models.TextChoices):
        IMPROVED = "improved", _("improved")
        MOVED_AWAY = "moved_away", _("moved away")
        AGED_OUT = "aged_out", _("aged out")
        HANDED_OVER = "handed_over", _("handed to another service")
        OTHER = "other", _("other")

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="risk_cases",
                              verbose_name=_("pupil"))
    # Where the child studies now (never where they were when accepted): a copy of the pupil's
    # school and its district, set when the case is opened (cases/services/triage.py) and
    # moved with the pupil (cases/services/place.py, called by people's transfer). The
    # statistics and the case lists count and filter by these; indexed below with the dates.
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+",
                               editable=False, db_index=False, verbose_name=_("school"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 editable=False, db_index=False, verbose_name=_("district"))
    categories = models.JSONField(_("risk categories"), default=list)  # Category codes
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PROPOSED)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="owned_cases", verbose_name=_("specialist"))
    reason = EncryptedTextField(_("reason for entry"), blank=True)
    proposals = models.ManyToManyField(TriageProposal, blank=True, related_name="cases",
                                       verbose_name=_("triage proposals"))
    alert = models.ForeignKey(CrisisAlert, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="cases", verbose_name=_("crisis alert"))
    opened_at = models.DateTimeField(_("entered the risk group"), default=timezone.now)
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("accepted by"))
    closed_at = models.DateTimeField(pgettext_lazy("case", "closed"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=12, blank=True,
                                    choices=CloseReason.choices)
    review_every_days = models.PositiveSmallIntegerField(_("review every (days)"), default=30)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    # kept up to date by the contact service, for the day page and the head's overview
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("risk case")
        verbose_name_plural = _("risk cases")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["active", "monitoring"]) | Q(owner__isnull=False),
                name="case_active_has_owner"),
            models.UniqueConstraint(fields=["pupil"], condition=~Q(status="closed"),
                                    name="case_one_open_per_pupil"),
        ]
        indexes = [
            models.Index(fields=["status", "owner"]),
            models.Index(fields=["status", "next_review_on"]),
            models.Index(fields=["status", "last_contact_at"]),
            # the head's overview: worked cases by last contact (or entry), longest first
            models.Index(Coalesce("last_contact_at", "opened_at"), F("id"),
                         condition=Q(status__in=["active", "monitoring"]),
                         name="case_worked_last_seen"),
            # a district's or a school's cases of a period (statistics/indicators_cases.py,
            # cases/counting.py): also the foreign keys' indexes
            models.Index(fields=["district", "opened_at", "closed_at"],
                         name="case_district_opened"),
            models.Index(fields=["school", "opened_at", "closed_at"], name="case_school_opened"),
        ]

    def __str__(self) -> str:
        return str(_("Risk case %(number)s") % {"number": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class CaseEvent(models.Model):
    """One dated, attributed change of a case. Codes and identifiers in ``data``; the comment
    (a head's reason for returning a plan, say) is encrypted."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("accepted into the risk group")
        PROPOSAL_ADDED = "proposal_added", _("new proposal added")
        ASSIGNED = "assigned", _("specialist assigned")
        STATUS_CHANGED = "status_changed", _("status changed")
        PLAN_SUBMITTED = "plan_submitted", _("plan submitted")
        PLAN_APPROVED = "plan_approved", _("plan approved")
        PLAN_RETURNED = "plan_returned", _("plan returned")
        CLOSURE_PROPOSED = "closure_proposed", _("closure proposed")
        CLOSURE_APPROVED = "closure_approved", _("closure approved")
        CLOSURE_RETURNED = "closure_returned", _("closure returned")
        REOPENED = "reopened", _("reopened")
        REVIEWED = "reviewed", _("reviewed")
        CONTACT = "contact", _("contact recorded")
        REFERRAL = "referral", _("referral updated")
        RESCREENING = "rescreening", _("re-screening")

    case = models.ForeignKey(RiskCase, on_delete=models.CASCADE, related_name="events",
                             verbose_name=pgettext_lazy("risk group", "case"))
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    data = models.JSONField(_("details"), default=dict)
    comment = EncryptedTextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]


    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d})"

class CaseView(models.Model):
    """When a user last looked at a case: "what changed since" starts here."""

    case = models.ForeignKey(RiskCase, on_delete=models.CASCADE, related_name="views")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_view_once")]


    def __str__(self) -> str:
        return f"{self.case_id}: {self.seen_at:%Y-%m-%d %H:%M}"

class Decision(models.TextChoices):
    """A plan or a closure proposed by the specialist, decided by the centre head."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("waiting for approval")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned with a comment")


class CasePlan(models.Model):
    case = models.ForeignKey(RiskCase, on_delete=models.CASCADE, related_name="plans",
                             verbose_name=pgettext_lazy("risk group", "case"))
    status = models.CharField(_("status"), max_length=10, choices=Decision.choices,
                              default=Decision.DRAFT)
    goals = EncryptedTextField(_("goals"))
    review_every_days = models.PositiveSmallIntegerField(_("review every (days)"), default=30)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_comment = EncryptedTextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("case plan")
        verbose_name_plural = _("case plans")
        ordering = ["-created_at", "-id"]


    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.created_at:%Y-%m-%d})"

class PlanAction(models.Model):
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedTextField(_("planned action"))
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("planned action")
        verbose_name_plural = _("planned actions")
        ordering = ["position", "id"]


    def __str__(self) -> str:
        return f"{self.due_on:%Y-%m-%d}"

class CaseClosure(models.Model):
    """A proposal to close a case (or move it to monitoring), and the head's decision."""

    case = models.ForeignKey(RiskCase, on_delete=models.CASCADE, related_name="closures")
    to_status = models.CharField(_("proposed status"), max_length=12,
                                 choices=RiskCase.Status.choices,
                                 default=RiskCase.Status.CLOSED)
    reason = models.CharField(_("reason for closing"), max_length=12, blank=True,
                              choices=RiskCase.CloseReason.choices)
    note = EncryptedTextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Decision.choices,
                              default=Decision.SUBMITTED)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = EncryptedTextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("closure proposal")
        verbose_name_plural = _("closure proposals")
        ordering = ["-requested_at", "-id"]


    def __str__(self) -> str:
        return f"{self.get_to_status_display()}: {self.get_status_display()}"

class CaseReview(models.Model):
    """The periodic review of a case against its plan."""

    case = models.ForeignKey(RiskCase, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"), default=timezone.localdate)
    reviewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    summary = EncryptedTextField(_("summary"))
    next_review_on = models.DateField(_("next review"))

    class Meta:
        verbose_name = _("case review")
        verbose_name_plural = _("case reviews")
        ordering = ["-reviewed_on", "-id"]


    def __str__(self) -> str:
        return f"{self.reviewed_on:%Y-%m-%d}"

class FieldTrip(models.Model):
    """A specialist's trip to a district: the cases due for a visit, as an itinerary."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    specialist = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="field_trips",
                                   verbose_name=_("specialist"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PLANNED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("field trip")
        verbose_name_plural = _("field trips")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="trip_ends_after_start")]


    def __str__(self) -> str:
        return f"{self.district} {self.starts_on:%Y-%m-%d}"

class TripStop(models.Model):
    """A case on a trip's itinerary, where it is to be visited (as planned)."""

    trip = models.ForeignKey(FieldTrip, on_delete=models.CASCADE, related_name="stops")
    case = models.ForeignKey(RiskCase, on_delete=models.CASCADE, related_name="trip_stops")
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["trip", "case"], name="trip_stop_once")]


    def __str__(self) -> str:
        return f"{self.trip_id}/{self.position}"

class Contact(models.Model):
    """A session, visit or call within a case."""

    class Kind(models.TextChoices):
        CHILD = "child", _("session with the child")
        PARENTS = "parents", _("session with parents or guardians")
        FAMILY = "family", _("session with the child and parents")
        SCHOOL = "school", _("meeting at school")
        HOME_VISIT = "home_visit", _("home visit")
        PHONE = "phone", _("phone call")

    class Present(models.TextChoices):
        CHILD = "child", _("the child")
        MOTHER = "mother", _("mother")
        FATHER = "father", _("father")
        GUARDIAN = "guardian", _("guardian")
        RELATIVE = "relative", _("other relative")
        TEACHER = "teacher", _("teacher")
        SCHOOL_PSYCHOLOGIST = "school_psychologist", _("school psychologist")
        OTHER = "other", _("other")

    case = models.ForeignKey(RiskCase, on_delete=models.CASCADE, related_name="contacts",
                             verbose_name=pgettext_lazy("risk group", "case"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    held_at = models.DateTimeField(_("when"))
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("place"))
    present = models.JSONField(_("who was present"), default=list)  # Present codes
    parents_reached = models.PositiveSmallIntegerField(_("parents or guardians reached"),
                                                       default=0)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    notes = EncryptedTextField(_("notes"))
    next_step = EncryptedTextField(_("next step"), blank=True)
    trip = models.ForeignKey(FieldTrip, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="contacts", verbose_name=_("field trip"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["case", "held_at"])]


    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.held_at:%Y-%m-%d})"

class Referral(models.Model):
    """A referral to a service provider, followed until its loop is closed."""

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        ACCEPTED = "accepted", _("accepted")
        ATTENDED = "attended", _("attended")
        FEEDBACK = "feedback", _("feedback received")
        DECLINED = "declined", _("declined by the provider")
        NO_SHOW = "no_show", _("did not attend")
        WITHDRAWN = "withdrawn", _("withdrawn")

    case = models.ForeignKey(RiskCase, on_delete=models.CASCADE, related_name="referrals",
                             verbose_name=pgettext_lazy("risk group", "case"))
    provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT,
                                 related_name="referrals", verbose_name=_("service provider"))
    reason = EncryptedTextField(_("reason for referral"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SENT)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("sent by"))
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    feedback = EncryptedTextField(_("feedback"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["status", "next_step_due"]),
                   # the referrals sent in a period (statistics/indicators_cases.py)
                   models.Index(fields=["sent_at"], name="referral_sent_at")]


    def __str__(self) -> str:
        return f"{self.provider} ({self.get_status_display()})"

class ReferralStep(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("status"), max_length=10, choices=Referral.Status.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("recorded by"))
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]


    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.at:%Y-%m-%d})"

class FollowUpScreening(models.Model):
    """A re-screening scheduled for a case; its result joins the child's score trajectory."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        ASSIGNED = "assigned", _("code issued")
        DONE = "done", _("answered")
        CANCELLED = "cancelled", _("cancelled")

    case = models.ForeignKey(RiskCase, on_delete=models.CASCADE, related_name="rescreenings")
    instruments = models.JSONField(_("instruments"), default=list)  # instrument codes
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SCHEDULED)
    assignment = models.ForeignKey(Assignment, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("re-screening")
        verbose_name_plural = _("re-screenings")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.due_on:%Y-%m-%d} ({self.get_status_display()})"
