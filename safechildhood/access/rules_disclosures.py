"""Access rules of disclosures, police reports and the prosecutor's oversight: registered into
the policy's tables (see policy.py).

Who sees what:

* A **concern** (category, who disclosed and how, when, what was done to keep the child safe):
  the staff of the pupil's school at the time (psychologist and administrator), the centre's
  specialists of the district and the centre head, and the juvenile inspector of the unit the
  report was sent to. Never the prosecutor's analyst or the regional administrator.
* The concern's **narrative** is shown only to those who need it to act: the person who recorded
  it, the centre head and the centre's specialists of the district (they take the child on), and
  the inspector of the unit the report was sent to (the report carries the facts to the police,
  who must act on them). The other school staff see the concern without it; the prosecutor
  never reads it.
* A **police report**: the reporting school's staff and the centre see its status and dates;
  the inspector of the unit it was sent to sees the reports sent to that unit only (never one
  still to be sent, never another unit's), with the child's name, date of birth and school to
  identify the child; the prosecutor's analyst sees every report of the region, without the
  child's name, concern or narrative. The police's own material (step notes, the reason for a
  refusal) is for the inspector and the prosecutor.
* **Oversight notes**: the prosecutor's analysts of the region, and the side a note is
  addressed to (the unit's inspector, or the reporting school's staff), who answer it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from safechildhood.access import policy
from safechildhood.access.policy import CENTRE_ROLES, SCHOOL_ROLES, Action, Actor
from safechildhood.accounts.models import Role
from safechildhood.disclosures.models import (
    Concern,
    OversightNote,
    PoliceReport,
    PoliceReportStep,
)
from safechildhood.disclosures.workflow import POLICE_STEPS
from safechildhood.people.models import Pupil

INSPECTOR = Role.POLICE_INSPECTOR
PROSECUTOR = Role.PROSECUTOR_ANALYST
# who records concerns: school psychologists, school staff who face the pupils, and the
# centre's specialists (and its head, who turns trust-box messages into concerns) for the
# children in their scope
RECORDERS = frozenset({Role.SCHOOL_PSYCHOLOGIST, Role.SCHOOL_ADMIN, Role.CENTRE_SPECIALIST,
                       Role.CENTRE_HEAD})
CONCERN_READERS = SCHOOL_ROLES | CENTRE_ROLES | {INSPECTOR}
REPORT_READERS = CONCERN_READERS | {PROSECUTOR}
# who sends a report: the school's staff and the centre (a missed deadline goes to the school
# director and the centre head, who may send it themselves)
SENDERS = SCHOOL_ROLES | CENTRE_ROLES


# --- scopes ------------------------------------------------------------------------------------


def _sent_to_unit(actor: Actor) -> dict[str, Any]:
    return {"unit_id": actor.membership.police_unit_id, "sent_at__isnull": False}


def _reports(actor: Actor, qs: QuerySet) -> QuerySet:
    m = actor.membership
    if m is None:
        return qs.none()
    if m.role in SCHOOL_ROLES:
        return qs.filter(school_id=m.school_id)
    area = policy._centre_area(actor, "district")
    if area is not None:
        return qs.filter(**area)
    if m.role == INSPECTOR and m.police_unit_id is not None:
        return qs.filter(**_sent_to_unit(actor))
    if m.role == PROSECUTOR:
        return qs.filter(district__region_id=m.region_id)
    return qs.none()


def _concerns(actor: Actor, qs: QuerySet) -> QuerySet:
    m = actor.membership
    if m is None:
        return qs.none()
    if m.role in SCHOOL_ROLES:
        return qs.filter(school_id=m.school_id)
    area = policy._centre_area(actor, "district")
    if area is not None:
        return qs.filter(**area)
    if m.role == INSPECTOR and m.police_unit_id is not None:
        sent = PoliceReport.objects.filter(**_sent_to_unit(actor)).values("concern_id")
        return qs.filter(pk__in=sent)
    return qs.none()


def _steps(actor: Actor, qs: QuerySet) -> QuerySet:
    return qs.filter(report__in=_reports(actor, PoliceReport.objects.all()).values("pk"))


def _notes(actor: Actor, qs: QuerySet) -> QuerySet:
    m = actor.membership
    if m is None:
        return qs.none()
    if m.role == PROSECUTOR:
        return qs.filter(report__district__region_id=m.region_id)
    if m.role == INSPECTOR and m.police_unit_id is not None:
        return qs.filter(addressed_to=OversightNote.AddressedTo.POLICE,
                         report__unit_id=m.police_unit_id, report__sent_at__isnull=False)
    if m.role in SCHOOL_ROLES:
        return qs.filter(addressed_to=OversightNote.AddressedTo.SCHOOL,
                         report__school_id=m.school_id)
    return qs.none()


def _inspector_pupils(actor: Actor) -> QuerySet | None:
    """An inspector sees the children of the reports sent to their unit, and no other."""
    m = actor.membership
    if m is None or m.role != INSPECTOR or m.police_unit_id is None:
        return None
    return PoliceReport.objects.filter(**_sent_to_unit(actor)).values("pupil_id")


policy.SCOPES[Concern] = _concerns
policy.SCOPES[PoliceReport] = _reports
policy.SCOPES[PoliceReportStep] = _steps
policy.SCOPES[OversightNote] = _notes
policy.PUPIL_SCOPE_EXTENSIONS.append(_inspector_pupils)


# --- actions -----------------------------------------------------------------------------------


def _seen(actor: Actor, obj: Any) -> bool:
    return obj is None or policy.in_scope(actor, obj)


def _may(actor: Actor, action: Action, obj: Any) -> bool | None:
    role = actor.role
    match action:
        case Action.CONCERN_CREATE:
            # obj, if given, is the pupil: one in the recorder's scope, still enrolled (from a
            # trust message, concern_create also takes a pupil on TRUST_MESSAGE_CONVERT)
            if role not in RECORDERS:
                return False
            return obj is None or (obj.status == Pupil.Status.ACTIVE
                                   and policy.in_scope(actor, obj))
        case Action.CONCERN_VIEW:
            return role in CONCERN_READERS and _seen(actor, obj)
        case Action.CONCERN_NARRATIVE_VIEW:
            if role not in CONCERN_READERS or obj is None or not policy.in_scope(actor, obj):
                return False
            return (obj.reported_by_id == actor.user.pk
                    or role in CENTRE_ROLES | {INSPECTOR})
        case Action.REPORT_LIST:
            return role in REPORT_READERS
        case Action.REPORT_VIEW:
            return role in REPORT_READERS and _seen(actor, obj)
        case Action.REPORT_SEND:
            # obj: a report still to be sent, or a concern without one (an optional report)
            if role not in SENDERS:
                return False
            if obj is None:
                return True
            if isinstance(obj, Concern):
                return (not PoliceReport.objects.filter(concern=obj).exists()
                        and policy.in_scope(actor, obj))
            return obj.status == PoliceReport.Status.PENDING and policy.in_scope(actor, obj)
        case Action.REPORT_ACKNOWLEDGE:
            if role != INSPECTOR:
                return False
            return obj is None or (obj.status == PoliceReport.Status.SENT
                                   and policy.in_scope(actor, obj))
        case Action.REPORT_STATUS_UPDATE:
            if role != INSPECTOR:
                return False
            return obj is None or (obj.status in POLICE_STEPS and policy.in_scope(actor, obj))
        case Action.OVERSIGHT_VIEW | Action.OVERSIGHT_NOTE:
            return role == PROSECUTOR and _seen(actor, obj)
        case Action.OVERSIGHT_RESPOND:
            # obj: a note; its scope already holds only the notes addressed to the actor's side
            if role not in SCHOOL_ROLES | {INSPECTOR}:
                return False
            return obj is None or (obj.responded_at is None and policy.in_scope(actor, obj))
    return None


policy.ACTION_RULES.append(_may)
