"""Every change of disclosures, police reports and oversight notes. Each service asks the policy,
changes the rows and writes the audit event in one transaction; events hold codes and
identifiers, never narratives.

The reporting duty and the status workflow are data in ``workflow.py``; a missed sending
deadline is escalated by ``reports_escalate`` (run by a periodic task, driven by the stored
deadlines so that a consumer that was down catches up on its first sweep)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, can, require
from safechildhood.audit.services import audit_record
from safechildhood.directory.models import PoliceUnit, School
from safechildhood.disclosures import workflow
from safechildhood.disclosures.models import (
    Concern,
    OversightNote,
    PoliceReport,
    PoliceReportStep,
)
from safechildhood.errors import DomainError
from safechildhood.people.models import Pupil
from safechildhood.screening.models import TriageProposal

Status = PoliceReport.Status


def report_deadline(start: dt.datetime) -> dt.datetime:
    """When a report must be sent (and, once sent, acknowledged): ``REPORT_DEADLINE_HOURS``
    after the concern was recorded (or the report sent)."""
    return start + dt.timedelta(hours=settings.REPORT_DEADLINE_HOURS)


def unit_for_school(school: School) -> PoliceUnit | None:
    """The district police unit responsible for a school: the unit of the school's district
    (the first one on file where a district has several)."""
    return PoliceUnit.objects.filter(district_id=school.district_id).order_by("pk").first()


# --- concerns ----------------------------------------------------------------------------------


def concern_create(*, actor: Actor, pupil: Pupil, category: str, disclosed_by: str,
                   channel: str, disclosed_at: dt.datetime, safety_actions: str, narrative: str,
                   immediate_danger: bool = False, triage_category: str = "",
                   send_report: bool = False, trust_message: Any = None) -> Concern:
    """Record a concern about a pupil. It proposes a risk-group entry for the child; a category
    the law requires to be reported (or ``send_report`` for the others) puts a police report on
    the reporter's list with a deadline. ``trust_message``: the trust box message the concern
    is recorded from (trustbox.services.message_convert); the pupil may then be one the
    actor may turn that message into a concern about (a child new to the centre)."""
    if not (trust_message is not None
            and can(actor, Action.TRUST_MESSAGE_CONVERT, trust_message)
            and can(actor, Action.TRUST_MESSAGE_CONVERT, pupil)):
        require(actor, Action.CONCERN_CREATE, pupil)
    now = timezone.now()
    if disclosed_at > now + dt.timedelta(minutes=5):
        raise DomainError(_("The disclosure cannot be in the future."), code="future",
                          field="disclosed_at")
    if category == Concern.Category.OTHER:
        if triage_category not in workflow.OTHER_TRIAGE_CHOICES:
            raise DomainError(_("Choose the risk-group category this concern comes closest to."),
                              code="triage_category_required", field="triage_category")
    else:
        triage_category = ""
    if not narrative.strip() or not safety_actions.strip():
        raise DomainError(_("Describe what was said or seen, and what was done to keep the "
                            "child safe."), code="text_required")
    required = category in workflow.REPORTABLE_CATEGORIES
    school = pupil.school
    with transaction.atomic():
        concern = Concern.objects.create(
            pupil=pupil, school=school, district_id=school.district_id, category=category,
            triage_category=triage_category, disclosed_by=disclosed_by, channel=channel,
            disclosed_at=disclosed_at, immediate_danger=immediate_danger,
            safety_actions=safety_actions.strip(), narrative=narrative.strip(),
            report_required=required, reported_by=actor.user, reporter_role=actor.role or "")
        concern.triage_proposal = _propose_triage(actor=actor, concern=concern)
        concern.save(update_fields=["triage_proposal"])
        audit_record(actor=actor, action="disclosures.concern.recorded", target=concern,
                     data={"concern_id": concern.pk, "pupil_id": pupil.pk,
                           "category": category, "report_required": required,
                           "triage_proposal_id": concern.triage_proposal_id})
        if required or send_report:
            _report_open(actor=actor, concern=concern, now=now)
    return concern


def _propose_triage(*, actor: Actor, concern: Concern) -> TriageProposal:
    """A proposed risk-group entry for the centre to decide on; evidence holds codes only."""
    category = workflow.TRIAGE_CATEGORY.get(concern.category, concern.triage_category)
    level = (TriageProposal.Level.CRITICAL if concern.immediate_danger
             else workflow.TRIAGE_LEVEL[concern.category])
    source = (TriageProposal.Source.DISCLOSURE
              if concern.disclosed_by == Concern.DisclosedBy.CHILD
              else TriageProposal.Source.CONCERN)
    proposal = TriageProposal.objects.create(
        pupil=concern.pupil, school=concern.school, district=concern.district, source=source,
        category=category, level=level, reported_by=actor.user,
        evidence={"concern": concern.pk, "category": concern.category,
                  "disclosed_by": concern.disclosed_by, "channel": concern.channel,
                  "immediate_danger": concern.immediate_danger})
    audit_record(actor=actor, action="disclosures.triage.proposed", target=proposal,
                 data={"triage_proposal_id": proposal.pk, "concern_id": concern.pk,
                       "category": category, "level": level})
    return proposal


def _report_open(*, actor: Actor, concern: Concern, now: dt.datetime) -> PoliceReport:
    report = PoliceReport.objects.create(
        concern=concern, pupil=concern.pupil, school=concern.school, district=concern.district,
        category=concern.category, required=concern.report_required, status=Status.PENDING,
        status_changed_at=now, created_by=actor.user, deadline=report_deadline(now))
    PoliceReportStep.objects.create(report=report, status=Status.PENDING, at=now, by=actor.user)
    audit_record(actor=actor, action="disclosures.report.opened", target=report,
                 data={"report_id": report.pk, "concern_id": concern.pk,
                       "required": report.required, "deadline": report.deadline.isoformat()})
    return report


def report_prepare(*, actor: Actor, concern: Concern) -> PoliceReport:
    """Put a police report for a concern that did not require one on the list (the reporter
    judges it a crime all the same)."""
    with transaction.atomic():
        concern = Concern.objects.select_for_update().select_related(
            "school__district").get(pk=concern.pk)
        require(actor, Action.CONCERN_VIEW, concern)
        if PoliceReport.objects.filter(concern=concern).exists():
            raise DomainError(_("A police report for this concern already exists."),
                              code="report_exists")
        require(actor, Action.REPORT_SEND, concern)
        return _report_open(actor=actor, concern=concern, now=timezone.now())


# --- police reports: the school's side ---------------------------------------------------------


def _locked(report: PoliceReport) -> PoliceReport:
    return (PoliceReport.objects.select_for_update(of=("self",))
            .select_related("school__district", "unit").get(pk=report.pk))


def _step(*, report: PoliceReport, status: str, actor: Actor | None, at: dt.datetime,
          note: str = "") -> PoliceReportStep:
    if status not in workflow.next_statuses(report.status):
        raise DomainError(
            _("A report that is “%(current)s” cannot become “%(next)s”.") % {
                "current": report.get_status_display(),
                "next": Status(status).label},
            code="transition_not_allowed", field="status")
    report.status = status
    report.status_changed_at = at
    return PoliceReportStep.objects.create(report=report, status=status, at=at,
                                           by=actor.user if actor else None, note=note.strip())


def report_send(*, actor: Actor, report: PoliceReport) -> PoliceReport:
    """Send the report to the police unit responsible for the pupil's school."""
    require(actor, Action.REPORT_VIEW, report)
    with transaction.atomic():
        report = _locked(report)
        if report.status != Status.PENDING:
            raise DomainError(_("This report has already been sent."), code="already_sent")
        require(actor, Action.REPORT_SEND, report)
        unit = unit_for_school(report.school)
        if unit is None:
            raise DomainError(_("No police unit is on file for the school's district. Ask the "
                                "regional administrator to add it, and report by phone in the "
                                "meantime."), code="no_unit")
        now = timezone.now()
        _step(report=report, status=Status.SENT, actor=actor, at=now)
        report.unit = unit
        report.sent_at, report.sent_by = now, actor.user
        report.save(update_fields=["status", "status_changed_at", "unit", "sent_at",
                                   "sent_by"])
        audit_record(actor=actor, action="disclosures.report.sent", target=report,
                     data={"report_id": report.pk, "unit_id": unit.pk,
                           "late": now > report.deadline})
    return report


def reports_escalate(*, now: dt.datetime | None = None) -> int:
    """Escalate every report still to be sent after its deadline to the school director and
    the centre head, once: the report is marked and shows on their lists and home pages.
    Driven by the stored deadline, so a restart of the consumer loses nothing."""
    now = now or timezone.now()
    count = 0
    due = PoliceReport.objects.filter(status=Status.PENDING, escalated_at__isnull=True,
                                      deadline__lt=now).values_list("pk", flat=True)
    for report_id in list(due):
        with transaction.atomic():
            report = (PoliceReport.objects.select_for_update().select_related("school__district")
                      .filter(pk=report_id, status=Status.PENDING, escalated_at__isnull=True)
                      .first())
            if report is None:
                continue
            report.escalated_at = now
            report.save(update_fields=["escalated_at"])
            audit_record(actor=None, action="disclosures.report.escalated", target=report,
                         data={"report_id": report.pk, "deadline": report.deadline.isoformat()})
            count += 1
    return count


# --- police reports: the inspector's side ------------------------------------------------------


def report_acknowledge(*, actor: Actor, report: PoliceReport, note: str = "") -> PoliceReport:
    """The inspector confirms the unit has received the report: who and when is recorded."""
    require(actor, Action.REPORT_VIEW, report)
    with transaction.atomic():
        report = _locked(report)
        if report.status != Status.SENT:
            raise DomainError(_("This report has already been acknowledged."),
                              code="already_acknowledged")
        require(actor, Action.REPORT_ACKNOWLEDGE, report)
        now = timezone.now()
        _step(report=report, status=Status.ACKNOWLEDGED, actor=actor, at=now, note=note)
        report.acknowledged_at, report.acknowledged_by = now, actor.user
        report.save(update_fields=["status", "status_changed_at", "acknowledged_at",
                                   "acknowledged_by"])
        audit_record(actor=actor, action="disclosures.report.acknowledged", target=report,
                     data={"report_id": report.pk,
                           "late": now > report_deadline(report.sent_at)})
    return report


def report_status_change(*, actor: Actor, report: PoliceReport, status: str, note: str = "",
                         erdr_number: str = "", reason: str = "") -> PoliceReport:
    """Move the report one step on (registered, pre-trial investigation, sent to court,
    verdict, or a refusal to open a case). Registration needs the ERDR number, a refusal its
    reason."""
    require(actor, Action.REPORT_VIEW, report)
    erdr_number = workflow.normalise_erdr(erdr_number)
    with transaction.atomic():
        report = _locked(report)
        require(actor, Action.REPORT_STATUS_UPDATE)
        if report.status not in workflow.POLICE_STEPS:
            raise DomainError(
                _("A report that is “%(current)s” has no further step to record.") % {
                    "current": report.get_status_display()}, code="final", field="status")
        require(actor, Action.REPORT_STATUS_UPDATE, report)
        fields = ["status", "status_changed_at"]
        if status == Status.REGISTERED:
            if not workflow.ERDR_PATTERN.match(erdr_number):
                raise DomainError(workflow.ERDR_FORMAT_ERROR, code="erdr_format",
                                  field="erdr_number")
            if PoliceReport.objects.filter(erdr_number=erdr_number).exclude(
                    pk=report.pk).exists():
                raise DomainError(_("This ERDR number is already recorded on another report. "
                                    "Check the number."), code="erdr_taken",
                                  field="erdr_number")
            report.erdr_number = erdr_number
            fields.append("erdr_number")
        if status == Status.REFUSED:
            if not reason.strip():
                raise DomainError(_("Give the reason for the refusal to open a case."),
                                  code="reason_required", field="reason")
            report.refusal_reason = reason.strip()
            fields.append("refusal_reason")
        now = timezone.now()
        _step(report=report, status=status, actor=actor, at=now, note=note)
        report.save(update_fields=fields)
        data = {"report_id": report.pk, "status": status}
        if status == Status.REGISTERED:
            data["erdr_number"] = erdr_number
        audit_record(actor=actor, action="disclosures.report.status_changed", target=report,
                     data=data)
    return report


# --- the prosecutor's oversight ----------------------------------------------------------------


def oversight_note_add(*, actor: Actor, report: PoliceReport, text: str, addressed_to: str,
                       response_due: dt.date | None = None) -> OversightNote:
    require(actor, Action.OVERSIGHT_NOTE, report)
    if not text.strip():
        raise DomainError(_("Write the note."), code="text_required", field="text")
    if response_due is not None and response_due < timezone.localdate():
        raise DomainError(_("The date for the response has passed."), code="due_past",
                          field="response_due")
    if addressed_to == OversightNote.AddressedTo.POLICE and report.sent_at is None:
        raise DomainError(_("The report has not been sent to the police yet: address the note "
                            "to the school."), code="not_sent", field="addressed_to")
    with transaction.atomic():
        note = OversightNote.objects.create(report=report, addressed_to=addressed_to,
                                            text=text.strip(), response_due=response_due,
                                            created_by=actor.user)
        audit_record(actor=actor, action="disclosures.oversight.noted", target=report,
                     data={"report_id": report.pk, "note_id": note.pk,
                           "addressed_to": addressed_to,
                           "response_due": response_due.isoformat() if response_due else None})
    return note


def oversight_note_respond(*, actor: Actor, note: OversightNote, response: str) -> OversightNote:
    require(actor, Action.OVERSIGHT_RESPOND)
    if not response.strip():
        raise DomainError(_("Write the response."), code="text_required", field="response")
    with transaction.atomic():
        note = (OversightNote.objects.select_for_update()
                .select_related("report__school__district").get(pk=note.pk))
        if note.responded_at is not None:
            raise DomainError(_("This note has already been answered."), code="answered")
        require(actor, Action.OVERSIGHT_RESPOND, note)
        note.response = response.strip()
        note.responded_by, note.responded_at = actor.user, timezone.now()
        note.save(update_fields=["response", "responded_by", "responded_at"])
        audit_record(actor=actor, action="disclosures.oversight.answered", target=note.report,
                     data={"report_id": note.report_id, "note_id": note.pk,
                           "late": bool(note.response_due
                                        and timezone.localdate() > note.response_due)})
    return note
