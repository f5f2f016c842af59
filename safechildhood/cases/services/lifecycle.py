"""The life of a risk case: assignment, plan, periodic review, closure, reopening.

A case goes proposed → active → monitoring → closed, and may be reopened. The allowed moves are
in ``TRANSITIONS`` below and nowhere else; each move names the step that makes it (assigning a
specialist, an approved closure, a reopening), so that no other step can make it. The specialist
proposes the plan and the closure; the centre head approves them or returns them with a comment,
and both stay on record. Every change writes a ``CaseEvent`` (the case history) and an audit event
in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require
from safechildhood.accounts.models import Role, User
from safechildhood.audit.services import audit_record
from safechildhood.cases.models import (
    CaseClosure,
    CaseEvent,
    CasePlan,
    CaseReview,
    CaseView,
    Decision,
    Level,
    PlanAction,
    RiskCase,
)
from safechildhood.errors import DomainError

Status = RiskCase.Status

# (from, to) -> the step that makes the move. Nothing else changes a case's status.
ASSIGN, CLOSURE, REOPEN = "assign", "closure", "reopen"
TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.PROPOSED, Status.ACTIVE): ASSIGN,
    # accepted by mistake, or the child left before a specialist was free
    (Status.PROPOSED, Status.CLOSED): CLOSURE,
    (Status.ACTIVE, Status.MONITORING): CLOSURE,
    (Status.ACTIVE, Status.CLOSED): CLOSURE,
    (Status.MONITORING, Status.CLOSED): CLOSURE,
    (Status.MONITORING, Status.ACTIVE): REOPEN,
    (Status.CLOSED, Status.ACTIVE): REOPEN,
    (Status.CLOSED, Status.PROPOSED): REOPEN,  # reopened without a specialist free at once
}

MAX_PLAN_ACTIONS = 5
REVIEW_DAYS_MIN, REVIEW_DAYS_MAX = 7, 180


def _status_label(code: str) -> str:
    return str(Status(code).label)


def _transition(*, actor: Actor, case: RiskCase, to: str, step: str) -> None:
    """Move ``case`` (locked by the caller) to ``to``, or refuse with a clear message."""
    if TRANSITIONS.get((case.status, to)) != step:
        raise DomainError(
            _("A case that is “%(current)s” cannot become “%(new)s” this way.")
            % {"current": _status_label(case.status), "new": _status_label(to)},
            code="transition_forbidden")
    _event(actor=actor, case=case, kind=CaseEvent.Kind.STATUS_CHANGED,
           data={"from": case.status, "to": to, "step": step})
    case.status = to


def _event(*, actor: Actor, case: RiskCase, kind: str, data: dict | None = None,
           comment: str = "") -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, actor=actor.user, data=data or {},
                                    comment=comment)


def _lock(case: RiskCase) -> RiskCase:
    return (RiskCase.objects.select_for_update(of=("self",))
            .select_related("pupil__school__district", "school__district", "district")
            .get(pk=case.pk))


def _today() -> dt.date:
    return timezone.localdate()


# --- specialists -------------------------------------------------------------------------------


def specialists_for(case_or_district) -> QuerySet[User]:
    """Active centre specialists of the region with the district assigned (a queryset)."""
    district = getattr(case_or_district, "district", case_or_district)
    return (User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__role=Role.CENTRE_SPECIALIST,
        memberships__region_id=district.region_id,
        memberships__districts=district,
    ).distinct().order_by("last_name", "first_name", "id"))


def covers(user: User | None, case: RiskCase) -> bool:
    """Does ``user`` (the owner) still work the district of the pupil's current school?"""
    return user is not None and specialists_for(case.district).filter(pk=user.pk).exists()


def _check_specialist(case: RiskCase, specialist: User) -> None:
    if not covers(specialist, case):
        raise DomainError(
            _("Choose a centre specialist who works in the pupil's district."),
            code="specialist_outside", field="specialist")


# --- assignment --------------------------------------------------------------------------------


def case_assign(*, actor: Actor, case: RiskCase, specialist: User, comment: str = "") -> RiskCase:
    """Give the case to a specialist of the pupil's district. A case awaiting a specialist becomes
    active; a reassignment keeps the previous owner in the history."""
    require(actor, Action.CASE_ASSIGN, case)
    with transaction.atomic():
        case = _lock(case)
        if not case.is_open:
            raise DomainError(_("A closed case cannot be assigned. Reopen it first."),
                              code="case_closed")
        if case.owner_id == specialist.pk:
            raise DomainError(_("This specialist already has the case."), code="same_owner",
                              field="specialist")
        _check_specialist(case, specialist)
        previous = case.owner_id
        _event(actor=actor, case=case, kind=CaseEvent.Kind.ASSIGNED,
               data={"from": previous, "to": specialist.pk}, comment=comment)
        case.owner = specialist
        fields = ["owner", "updated_at"]
        if case.status == Status.PROPOSED:
            _transition(actor=actor, case=case, to=Status.ACTIVE, step=ASSIGN)
            case.next_review_on = case.next_review_on or _today() + dt.timedelta(
                days=case.review_every_days)
            fields += ["status", "next_review_on"]
        case.save(update_fields=fields)
        audit_record(actor=actor, action="cases.case.assigned", target=case,
                     data={"case_id": case.pk, "from": previous, "to": specialist.pk,
                           "status": case.status})
    return case


# --- plan --------------------------------------------------------------------------------------


def _check_workable(case: RiskCase) -> None:
    if case.status == Status.PROPOSED:
        raise DomainError(_("Assign a specialist to the case first."), code="not_assigned")
    if not case.is_open:
        raise DomainError(_("The case is closed."), code="case_closed")


def plan_submit(*, actor: Actor, case: RiskCase, goals: str, review_every_days: int,
                actions: Sequence[tuple[str, dt.date]]) -> CasePlan:
    """The specialist's plan (goals and dated actions), sent to the centre head for approval.
    One plan waits for a decision at a time."""
    require(actor, Action.CASE_WORK, case)
    goals = (goals or "").strip()
    actions = [(text.strip(), due) for text, due in actions if text and text.strip()]
    if not goals:
        raise DomainError(_("Write the goals of the plan."), code="goals_missing", field="goals")
    if not actions:
        raise DomainError(_("Add at least one planned action with its due date."),
                          code="actions_missing")
    if len(actions) > MAX_PLAN_ACTIONS:
        raise DomainError(_("A plan holds at most %(count)d actions.")
                          % {"count": MAX_PLAN_ACTIONS}, code="actions_too_many")
    if not REVIEW_DAYS_MIN <= review_every_days <= REVIEW_DAYS_MAX:
        raise DomainError(_("Review the case every %(low)d to %(high)d days.")
                          % {"low": REVIEW_DAYS_MIN, "high": REVIEW_DAYS_MAX},
                          code="review_days", field="review_every_days")
    if any(due < _today() for _text, due in actions):
        raise DomainError(_("A planned action cannot be due in the past."), code="due_past")
    with transaction.atomic():
        case = _lock(case)
        _check_workable(case)
        if case.plans.filter(status=Decision.SUBMITTED).exists():
            raise DomainError(_("A plan of this case is already waiting for approval."),
                              code="plan_pending")
        now = timezone.now()
        plan = CasePlan.objects.create(case=case, status=Decision.SUBMITTED, goals=goals,
                                       review_every_days=review_every_days,
                                       created_by=actor.user, created_at=now, submitted_at=now)
        PlanAction.objects.bulk_create([
            PlanAction(plan=plan, description=text, due_on=due, position=n)
            for n, (text, due) in enumerate(actions)])
        _event(actor=actor, case=case, kind=CaseEvent.Kind.PLAN_SUBMITTED,
               data={"plan_id": plan.pk, "actions": len(actions)})
        audit_record(actor=actor, action="cases.plan.submitted", target=case,
                     data={"case_id": case.pk, "plan_id": plan.pk, "actions": len(actions)})
    return plan


def _lock_decision(model, obj, case_path: str = "case"):
    return (model.objects.select_for_update(of=("self",))
            .select_related(f"{case_path}__pupil__school__district",
                            f"{case_path}__school__district", f"{case_path}__district")
            .get(pk=obj.pk))


def _check_submitted(obj) -> None:
    if obj.status != Decision.SUBMITTED:
        raise DomainError(_("This has already been decided (%(status)s).")
                          % {"status": obj.get_status_display()}, code="already_decided")


def _comment_required(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Say what needs to change: the comment goes back to the specialist."),
                          code="comment_missing", field="comment")
    return comment


def plan_approve(*, actor: Actor, plan: CasePlan, comment: str = "") -> CasePlan:
    """The head approves the plan: it becomes the case's plan and sets the review interval."""
    require(actor, Action.CASE_APPROVE, plan.case)
    with transaction.atomic():
        plan = _lock_decision(CasePlan, plan)
        case = _lock(plan.case)
        _check_submitted(plan)
        if not case.is_open:
            raise DomainError(_("The case is closed."), code="case_closed")
        plan.status = Decision.APPROVED
        plan.decided_by, plan.decided_at = actor.user, timezone.now()
        plan.decision_comment = (comment or "").strip()
        plan.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        case.review_every_days = plan.review_every_days
        case.next_review_on = _today() + dt.timedelta(days=plan.review_every_days)
        case.save(update_fields=["review_every_days", "next_review_on", "updated_at"])
        _event(actor=actor, case=case, kind=CaseEvent.Kind.PLAN_APPROVED,
               data={"plan_id": plan.pk, "next_review_on": case.next_review_on.isoformat()},
               comment=plan.decision_comment)
        audit_record(actor=actor, action="cases.plan.approved", target=case,
                     data={"case_id": case.pk, "plan_id": plan.pk})
    return plan


def plan_return(*, actor: Actor, plan: CasePlan, comment: str) -> CasePlan:
    """The head sends the plan back with what to change; it stays on record as returned."""
    require(actor, Action.CASE_APPROVE, plan.case)
    comment = _comment_required(comment)
    with transaction.atomic():
        plan = _lock_decision(CasePlan, plan)
        case = _lock(plan.case)
        _check_submitted(plan)
        plan.status = Decision.RETURNED
        plan.decided_by, plan.decided_at = actor.user, timezone.now()
        plan.decision_comment = comment
        plan.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        _event(actor=actor, case=case, kind=CaseEvent.Kind.PLAN_RETURNED,
               data={"plan_id": plan.pk}, comment=comment)
        audit_record(actor=actor, action="cases.plan.returned", target=case,
                     data={"case_id": case.pk, "plan_id": plan.pk})
    return plan


# --- closure -----------------------------------------------------------------------------------

CLOSURE_TARGETS = (Status.MONITORING, Status.CLOSED)


def closure_propose(*, actor: Actor, case: RiskCase, to_status: str, reason: str = "",
                    note: str) -> CaseClosure:
    """The specialist proposes to move the case to monitoring or to close it (with the reason);
    the head decides."""
    require(actor, Action.CASE_WORK, case)
    note = (note or "").strip()
    if to_status not in CLOSURE_TARGETS:
        raise DomainError(_("Choose monitoring or closing."), code="closure_target",
                          field="to_status")
    if to_status == Status.CLOSED and reason not in RiskCase.CloseReason.values:
        raise DomainError(_("Choose the reason for closing the case."), code="reason_missing",
                          field="reason")
    if not note:
        raise DomainError(_("Sum up the work and where the child is now."),
                          code="note_missing", field="note")
    with transaction.atomic():
        case = _lock(case)
        if TRANSITIONS.get((case.status, to_status)) != CLOSURE:
            raise DomainError(
                _("A case that is “%(current)s” cannot become “%(new)s” this way.")
                % {"current": _status_label(case.status), "new": _status_label(to_status)},
                code="transition_forbidden", field="to_status")
        if case.closures.filter(status=Decision.SUBMITTED).exists():
            raise DomainError(_("A closure of this case is already waiting for approval."),
                              code="closure_pending")
        closure = CaseClosure.objects.create(
            case=case, to_status=to_status,
            reason=reason if to_status == Status.CLOSED else "",
            note=note, status=Decision.SUBMITTED, requested_by=actor.user)
        _event(actor=actor, case=case, kind=CaseEvent.Kind.CLOSURE_PROPOSED,
               data={"closure_id": closure.pk, "to": to_status, "reason": closure.reason})
        audit_record(actor=actor, action="cases.closure.proposed", target=case,
                     data={"case_id": case.pk, "closure_id": closure.pk, "to": to_status,
                           "reason": closure.reason})
    return closure


def closure_approve(*, actor: Actor, closure: CaseClosure, comment: str = "") -> CaseClosure:
    """The head approves: the case moves to monitoring or is closed, dated and with its reason."""
    require(actor, Action.CASE_APPROVE, closure.case)
    with transaction.atomic():
        closure = _lock_decision(CaseClosure, closure)
        case = _lock(closure.case)
        _check_submitted(closure)
        now = timezone.now()
        closure.status = Decision.APPROVED
        closure.decided_by, closure.decided_at = actor.user, now
        closure.decision_comment = (comment or "").strip()
        closure.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        _event(actor=actor, case=case, kind=CaseEvent.Kind.CLOSURE_APPROVED,
               data={"closure_id": closure.pk, "to": closure.to_status,
                     "reason": closure.reason}, comment=closure.decision_comment)
        _transition(actor=actor, case=case, to=closure.to_status, step=CLOSURE)
        fields = ["status", "updated_at"]
        if closure.to_status == Status.CLOSED:
            case.closed_at, case.close_reason, case.next_review_on = now, closure.reason, None
            fields += ["closed_at", "close_reason", "next_review_on"]
        case.save(update_fields=fields)
        audit_record(actor=actor, action="cases.closure.approved", target=case,
                     data={"case_id": case.pk, "closure_id": closure.pk,
                           "to": closure.to_status, "reason": closure.reason})
    return closure


def closure_return(*, actor: Actor, closure: CaseClosure, comment: str) -> CaseClosure:
    require(actor, Action.CASE_APPROVE, closure.case)
    comment = _comment_required(comment)
    with transaction.atomic():
        closure = _lock_decision(CaseClosure, closure)
        case = _lock(closure.case)
        _check_submitted(closure)
        closure.status = Decision.RETURNED
        closure.decided_by, closure.decided_at = actor.user, timezone.now()
        closure.decision_comment = comment
        closure.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        _event(actor=actor, case=case, kind=CaseEvent.Kind.CLOSURE_RETURNED,
               data={"closure_id": closure.pk}, comment=comment)
        audit_record(actor=actor, action="cases.closure.returned", target=case,
                     data={"case_id": case.pk, "closure_id": closure.pk})
    return closure


# --- reopening ---------------------------------------------------------------------------------


def case_reopen(*, actor: Actor, case: RiskCase, reason: str,
                specialist: User | None = None) -> RiskCase:
    """The head brings a case in monitoring back to active work, or reopens a closed one. A
    reopened case goes to ``specialist`` (or stays with its owner if they still work the
    district); with nobody, it waits for a specialist."""
    require(actor, Action.CASE_REOPEN, case)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the case is reopened."), code="reason_missing",
                          field="reason")
    with transaction.atomic():
        case = _lock(case)
        if case.status not in (Status.MONITORING, Status.CLOSED):
            raise DomainError(_("Only a case in monitoring or a closed case can be reopened."),
                              code="transition_forbidden")
        if case.status == Status.CLOSED and RiskCase.objects.filter(
                pupil_id=case.pupil_id).exclude(status=Status.CLOSED).exists():
            raise DomainError(_("The pupil already has an open case; work on that one."),
                              code="open_case_exists")
        if specialist is not None:
            _check_specialist(case, specialist)
        elif covers(case.owner, case):
            specialist = case.owner
        previous_owner, previous_status = case.owner_id, case.status
        to = Status.ACTIVE if specialist is not None else Status.PROPOSED
        _event(actor=actor, case=case, kind=CaseEvent.Kind.REOPENED,
               data={"from": previous_status, "to": to}, comment=reason)
        _transition(actor=actor, case=case, to=to, step=REOPEN)
        if specialist is not None and specialist.pk != previous_owner:
            _event(actor=actor, case=case, kind=CaseEvent.Kind.ASSIGNED,
                   data={"from": previous_owner, "to": specialist.pk})
        case.owner = specialist
        case.closed_at, case.close_reason = None, ""
        case.next_review_on = _today() + dt.timedelta(days=case.review_every_days)
        case.save(update_fields=["status", "owner", "closed_at", "close_reason",
                                 "next_review_on", "updated_at"])
        audit_record(actor=actor, action="cases.case.reopened", target=case,
                     data={"case_id": case.pk, "from": previous_status, "to": to,
                           "owner": case.owner_id})
    return case


# --- review ------------------------------------------------------------------------------------


def review_record(*, actor: Actor, case: RiskCase, level: str, summary: str,
                  next_review_on: dt.date | None = None) -> CaseReview:
    """The periodic review: where the child is against the plan, the level now, the next
    review (by default after the case's review interval)."""
    require(actor, Action.CASE_WORK, case)
    summary = (summary or "").strip()
    if level not in Level.values:
        raise DomainError(_("Choose the level."), code="level_missing", field="level")
    if not summary:
        raise DomainError(_("Write the summary of the review."), code="summary_missing",
                          field="summary")
    today = _today()
    if next_review_on is not None and next_review_on <= today:
        raise DomainError(_("The next review must be after today."), code="next_review_past",
                          field="next_review_on")
    with transaction.atomic():
        case = _lock(case)
        _check_workable(case)
        next_review_on = next_review_on or today + dt.timedelta(days=case.review_every_days)
        review = CaseReview.objects.create(case=case, reviewed_on=today, reviewed_by=actor.user,
                                           level=level, summary=summary,
                                           next_review_on=next_review_on)
        _event(actor=actor, case=case, kind=CaseEvent.Kind.REVIEWED,
               data={"review_id": review.pk, "level_from": case.level, "level_to": level,
                     "next_review_on": next_review_on.isoformat()})
        case.level, case.next_review_on = level, next_review_on
        case.save(update_fields=["level", "next_review_on", "updated_at"])
        audit_record(actor=actor, action="cases.case.reviewed", target=case,
                     data={"case_id": case.pk, "review_id": review.pk, "level": level})
    return review


# --- seen --------------------------------------------------------------------------------------


def case_seen(*, actor: Actor, case: RiskCase) -> CaseView:
    """Remember that the actor has looked at the case now: "what changed since" starts here.
    (The read itself is audited by ``selectors.case_get``.)"""
    require(actor, Action.CASE_VIEW, case)
    with transaction.atomic():
        view, _created = CaseView.objects.update_or_create(
            case=case, user=actor.user, defaults={"seen_at": timezone.now()})
    return view
