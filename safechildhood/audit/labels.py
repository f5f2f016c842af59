"""Human labels for what the audit log stores as codes: actions, roles and object types.

Events keep codes so that they read the same in every language; these tables translate them
when shown. An action without a label here is shown as its code (a test lists the codes the
source writes, so a new one is noticed).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from safechildhood.accounts.models import Role
from safechildhood.audit.models import AuditEvent

ACTION_LABELS: dict[str, str] = {
    # sign-in and accounts
    "accounts.login.succeeded": _("Logged in"),
    "accounts.logout.succeeded": _("Logged out"),
    "accounts.otp.enrolled": _("Set up the second factor"),
    "accounts.otp.verified": _("Confirmed the login with the second factor"),
    "accounts.otp.rejected": _("Entered a wrong second-factor code"),
    "accounts.password.changed": _("Changed own password"),
    "accounts.membership.switched": _("Switched role"),
    "accounts.user.language_set": _("Chose the language"),
    # pupils and rosters
    "people.pupil.viewed": _("Opened a pupil's record"),
    "people.pupil.created": _("Added a pupil"),
    "people.pupil.updated": _("Changed a pupil's record"),
    "people.pupil.deleted": _("Deleted a pupil's record"),
    "people.pupil.transferred": _("Moved a pupil to another school"),
    "people.guardian.added": _("Added a parent or guardian"),
    "people.consent.recorded": _("Recorded a consent decision"),
    "people.duplicates.detected": _("Found possible duplicates"),
    "people.duplicate.viewed": _("Opened a possible duplicate"),
    "people.duplicate.merged": _("Merged duplicate records"),
    "people.duplicate.dismissed": _("Marked records as different children"),
    "people.roster.uploaded": _("Uploaded a roster"),
    "people.roster.imported": _("Imported a roster"),
    "people.roster.rejected": _("Roster rejected"),
    # screening
    "screening.campaign.created": _("Planned a screening campaign"),
    "screening.campaign.changed": _("Changed a screening campaign"),
    "screening.campaign.opened": _("Opened a screening campaign"),
    "screening.campaign.closed": _("Closed a screening campaign"),
    "screening.assignment.status_changed": _("Changed a pupil's screening status"),
    "screening.assignment.started": _("Pupil started a questionnaire"),
    "screening.classsheet.printed": _("Printed a class sheet of codes"),
    "screening.response.submitted": _("Questionnaire submitted"),
    "screening.response.viewed": _("Opened a pupil's answers"),
    "screening.alert.raised": _("Crisis alert raised"),
    "screening.alert.viewed": _("Opened a crisis alert"),
    "screening.alert.acknowledged": _("Acknowledged a crisis alert"),
    "screening.alert.escalated": _("Crisis alert escalated to the centre head"),
    "screening.duty.set": _("Set the specialist on duty"),
    "screening.import.uploaded": _("Uploaded a results file"),
    "screening.import.imported": _("Imported screening results"),
    "screening.import.rejected": _("Results file rejected"),
    "screening.export.requested": _("Requested an export of results"),
    "screening.export.downloaded": _("Downloaded an export of results"),
    # risk group and case management
    "cases.proposal.accepted": _("Accepted a child into the risk group"),
    "cases.proposal.declined": _("Declined a risk group proposal"),
    "cases.proposal.viewed": _("Opened a risk group proposal and its evidence"),
    "cases.case.opened": _("Accepted a child into the risk group: a new case"),
    "cases.proposal.attached": _("Added a risk group proposal to a child's open case"),
    "cases.case.viewed": _("Opened a risk case"),
    "cases.case.assigned": _("Assigned a risk case to a specialist"),
    "cases.case.reopened": _("Reopened a risk case"),
    "cases.case.reviewed": _("Recorded a review of a risk case"),
    "cases.plan.submitted": _("Proposed a case plan"),
    "cases.plan.approved": _("Approved a case plan"),
    "cases.plan.returned": _("Returned a case plan with a comment"),
    "cases.closure.proposed": _("Proposed to close or move a risk case"),
    "cases.closure.approved": _("Approved closing or moving a risk case"),
    "cases.closure.returned": _("Returned a proposed closure with a comment"),
    "cases.contact.recorded": _("Recorded a contact on a risk case"),
    "cases.contacts.viewed": _("Opened the contacts of a risk case"),
    "cases.trip.planned": _("Planned a field trip"),
    "cases.trip.stop_added": _("Added a case to a field trip"),
    "cases.trip.stop_removed": _("Removed a case from a field trip"),
    "cases.trip.status_changed": _("Changed the status of a field trip"),
    "cases.trip.itinerary_printed": _("Printed a field trip itinerary"),
    "cases.referral.sent": _("Sent a referral"),
    "cases.referral.step_recorded": _("Recorded a step of a referral"),
    "cases.referral.viewed": _("Opened a referral"),
    "cases.rescreening.scheduled": _("Scheduled a follow-up screening"),
    "cases.rescreening.code_issued": _("Issued a code for a follow-up screening"),
    "cases.rescreening.cancelled": _("Cancelled a follow-up screening"),
    "cases.rescreening.viewed": _("Opened a follow-up screening"),
    # disclosures, police reports, oversight
    "disclosures.concern.recorded": _("Recorded a concern about a pupil"),
    "disclosures.concern.viewed": _("Opened a concern"),
    "disclosures.triage.proposed": _("Proposed a risk group entry from a concern"),
    "disclosures.report.opened": _("Put a police report on the reporter's list"),
    "disclosures.report.sent": _("Sent a report to the police"),
    "disclosures.report.acknowledged": _("Police acknowledged a report"),
    "disclosures.report.status_changed": _("Changed the status of a police report"),
    "disclosures.report.escalated": _("Escalated an overdue police report"),
    "disclosures.report.viewed": _("Opened a police report"),
    "disclosures.report.exported": _("Exported police reports"),
    "disclosures.oversight.noted": _("Added a prosecutor's oversight note"),
    "disclosures.oversight.answered": _("Answered a prosecutor's oversight note"),
    # trust box
    "trustbox.message.received": _("A message came to the trust box"),
    "trustbox.message.viewed": _("Opened a trust box message"),
    "trustbox.message.answered": _("Answered a trust box message"),
    "trustbox.message.prioritised": _("Changed the priority of a trust box message"),
    "trustbox.message.closed": _("Closed a trust box message"),
    "trustbox.message.reopened": _("Reopened a trust box message"),
    "trustbox.poster.printed": _("Printed a trust box poster"),
    "trustbox.message.converted": _("Turned a trust box message into a concern"),
    "trustbox.pupil.looked_up": _("Looked up the child a trust box message names"),
    # prevention work
    "prevention.training.created": _("Recorded a training of school psychologists"),
    "prevention.training.updated": _("Changed a training of school psychologists"),
    "prevention.participants.added": _("Added participants to a training"),
    "prevention.attendance.marked": _("Marked attendance at a training"),
    "prevention.certificate.downloaded": _("Downloaded a training certificate"),
    "prevention.event.created": _("Recorded a prevention event"),
    "prevention.event.updated": _("Changed a prevention event"),
    "prevention.material.attached": _("Attached a file to an event"),
    "prevention.material.removed": _("Removed a file from an event"),
    "prevention.meeting.created": _("Recorded a parents' group meeting"),
    "prevention.meeting.updated": _("Changed a parents' group meeting"),
    "prevention.consultation.created": _("Recorded a consultation with a parent"),
    "prevention.consultation.updated": _("Changed a consultation with a parent"),
    "prevention.consultation.viewed": _("Opened a consultation with a parent"),
    # administration (see safechildhood/ui/admin.py)
    "admin.region.created": _("Administration: added a region"),
    "admin.region.changed": _("Administration: changed a region"),
    "admin.region.deleted": _("Administration: deleted a region"),
    "admin.district.created": _("Administration: added a district"),
    "admin.district.changed": _("Administration: changed a district"),
    "admin.district.deleted": _("Administration: deleted a district"),
    "admin.settlement.created": _("Administration: added a settlement"),
    "admin.settlement.changed": _("Administration: changed a settlement"),
    "admin.settlement.deleted": _("Administration: deleted a settlement"),
    "admin.school.created": _("Administration: added a school"),
    "admin.school.changed": _("Administration: changed a school"),
    "admin.school.deleted": _("Administration: deleted a school"),
    "admin.supportcentre.created": _("Administration: added a support centre"),
    "admin.supportcentre.changed": _("Administration: changed a support centre"),
    "admin.supportcentre.deleted": _("Administration: deleted a support centre"),
    "admin.policeunit.created": _("Administration: added a police unit"),
    "admin.policeunit.changed": _("Administration: changed a police unit"),
    "admin.policeunit.deleted": _("Administration: deleted a police unit"),
    "admin.prosecutoroffice.created": _("Administration: added a prosecutor's office"),
    "admin.prosecutoroffice.changed": _("Administration: changed a prosecutor's office"),
    "admin.prosecutoroffice.deleted": _("Administration: deleted a prosecutor's office"),
    "admin.serviceprovider.created": _("Administration: added a service provider"),
    "admin.serviceprovider.changed": _("Administration: changed a service provider"),
    "admin.serviceprovider.deleted": _("Administration: deleted a service provider"),
    "admin.user.created": _("Administration: added a staff account"),
    "admin.user.changed": _("Administration: changed a staff account"),
    "admin.user.deleted": _("Administration: deleted a staff account"),
    "admin.user.password_changed": _("Administration: set a staff member's password"),
    "admin.membership.created": _("Administration: gave a role"),
    "admin.membership.changed": _("Administration: changed a role"),
    "admin.membership.deleted": _("Administration: removed a role"),
    # statistics
    "statistics.figures.checked": _("Uploaded official figures for checking"),
    "statistics.figures.imported": _("Imported official figures"),
    "statistics.figures.discarded": _("Discarded an upload of official figures"),
    "statistics.report.requested": _("Asked for an official report"),
    "statistics.report.generated": _("An official report was prepared"),
    "statistics.report.failed": _("An official report could not be prepared"),
    "statistics.report.retried": _("Asked again for an official report"),
    "statistics.report.downloaded": _("Downloaded an official report"),
    # system
    "demo.loaded": _("Demo data loaded"),
    "demo.tokens.issued": _("Demo API tokens issued"),
}


def action_label(code: str) -> str:
    """The translated label of an action code; an unknown code is shown as it is."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def action_choices() -> list[tuple[str, str]]:
    """Every labelled action, sorted by its label in the active language (for a filter)."""
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()),
                  key=lambda pair: pair[1].casefold())


def role_label(code: str) -> str:
    if not code:
        return ""
    return str(dict(Role.choices).get(code, code))


def target_type_label(code: str) -> str:
    """``people.pupil`` → "Pupil" in the active language; an unknown type stays a code."""
    if not code:
        return ""
    try:
        model = apps.get_model(code)
    except (LookupError, ValueError):
        return code
    return capfirst(model._meta.verbose_name)


def target_type_choices() -> list[tuple[str, str]]:
    """The programme's own record types, by label (for a filter)."""
    choices = [
        (model._meta.label_lower, capfirst(model._meta.verbose_name))
        for model in apps.get_models()
        if model.__module__.startswith("safechildhood.") and model is not AuditEvent
    ]
    return sorted(choices, key=lambda pair: str(pair[1]).casefold())


@dataclass(frozen=True)
class LabelledEvent:
    """An event with its codes turned into words for a page."""

    event: AuditEvent
    action: str
    role: str
    target_type: str

    @property
    def is_labelled(self) -> bool:
        return self.event.action in ACTION_LABELS


def labelled(events) -> list[LabelledEvent]:
    return [
        LabelledEvent(event=event, action=action_label(event.action), role=role_label(event.role),
                      target_type=target_type_label(event.target_type))
        for event in events
    ]
