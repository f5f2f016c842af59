"""The life of a risk case: every transition, every role allowed and refused, the transfer of a
pupil to another district, the history and audit events, encryption at rest and rollback."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from safechildhood.access.policy import actor_for, scope
from safechildhood.audit.models import AuditEvent
from safechildhood.cases import selectors
from safechildhood.cases.models import (
    CaseClosure,
    CaseEvent,
    CasePlan,
    CaseView,
    Decision,
    RiskCase,
)
from safechildhood.cases.services import lifecycle
from safechildhood.cases.tests import case_world
from safechildhood.cases.tests.case_world import REASON
from safechildhood.cases.tests.factories import (
    CaseClosureFactory,
    CasePlanFactory,
    PlanActionFactory,
    RiskCaseFactory,
    specialist_for,
)
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.people.services import pupil_transfer
from safechildhood.people.tests.factories import PupilFactory

world = case_world.world
pytestmark = pytest.mark.django_db
Status = RiskCase.Status
GOALS = "Өзіне зиян келтірмеу. No self-harm; back to school full days."


def _today() -> dt.date:
    return timezone.localdate()


def _case(w, **kw) -> RiskCase:
    kw.setdefault("pupil", w.pupil)
    kw.setdefault("opened_by", w.head)
    return RiskCaseFactory(**kw)


def _active(w, **kw) -> RiskCase:
    return _case(w, active=True, owner=w.specialist, **kw)


def _plan(w, case) -> CasePlan:
    return lifecycle.plan_submit(actor=w.actors["specialist"], case=case, goals=GOALS,
                                 review_every_days=14,
                                 actions=[("Weekly session", _today() + dt.timedelta(days=7))])


def _kinds(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("at", "id")
                .values_list("kind", flat=True))


# --- assignment --------------------------------------------------------------------------------


def test_assigning_a_proposed_case_makes_it_active_with_a_review_date(world):
    case = _case(world)
    case = lifecycle.case_assign(actor=world.actors["head"], case=case,
                                 specialist=world.specialist)
    case.refresh_from_db()
    assert case.status == Status.ACTIVE and case.owner == world.specialist
    assert case.next_review_on == _today() + dt.timedelta(days=30)
    assert _kinds(case) == [CaseEvent.Kind.ASSIGNED, CaseEvent.Kind.STATUS_CHANGED]
    audit = AuditEvent.objects.get(action="cases.case.assigned")
    assert audit.data == {"case_id": case.pk, "from": None, "to": world.specialist.pk,
                          "status": "active"}


def test_reassignment_keeps_the_previous_owner_in_the_history(world):
    case = _active(world)
    lifecycle.case_assign(actor=world.actors["head"], case=case, specialist=world.colleague,
                          comment="Sick leave")
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.ASSIGNED)
    assert event.data == {"from": world.specialist.pk, "to": world.colleague.pk}
    assert event.comment == "Sick leave"
    case.refresh_from_db()
    assert case.status == Status.ACTIVE and case.owner == world.colleague


def test_a_specialist_of_another_district_cannot_be_given_the_case(world):
    with pytest.raises(DomainError) as refused:
        lifecycle.case_assign(actor=world.actors["head"], case=_case(world),
                              specialist=world.merke_specialist)
    assert refused.value.code == "specialist_outside"


def test_assigning_to_the_same_owner_or_a_closed_case_is_refused(world):
    case = _active(world)
    with pytest.raises(DomainError, match="already has the case"):
        lifecycle.case_assign(actor=world.actors["head"], case=case, specialist=world.specialist)
    closed = _case(world, pupil=PupilFactory(school=world.school), closed=True,
                   owner=world.specialist)
    with pytest.raises(DomainError) as refused:
        lifecycle.case_assign(actor=world.actors["head"], case=closed, specialist=world.colleague)
    assert refused.value.code == "case_closed"


@pytest.mark.parametrize("who", ["specialist", "psychologist", "school_admin", "police_inspector",
                                 "prosecutor_analyst", "regional_admin"])
def test_only_the_centre_head_assigns(world, who):
    actor = world.actors.get(who) or world.other_roles[who]
    with pytest.raises((Forbidden, NotFound)):
        lifecycle.case_assign(actor=actor, case=_case(world), specialist=world.specialist)


def test_the_head_of_another_region_does_not_find_the_case(world):
    with pytest.raises(NotFound):
        lifecycle.case_assign(actor=world.actors["stranger_head"], case=_case(world),
                              specialist=world.specialist)


# --- plan --------------------------------------------------------------------------------------


def test_the_owner_submits_a_plan_and_the_head_approves_it(world):
    case = _active(world)
    plan = _plan(world, case)
    assert plan.status == Decision.SUBMITTED and plan.actions.count() == 1
    approved = lifecycle.plan_approve(actor=world.actors["head"], plan=plan, comment="Good")
    assert approved.status == Decision.APPROVED and approved.decided_by == world.head
    case.refresh_from_db()
    assert case.review_every_days == 14
    assert case.next_review_on == _today() + dt.timedelta(days=14)
    assert _kinds(case) == [CaseEvent.Kind.PLAN_SUBMITTED, CaseEvent.Kind.PLAN_APPROVED]
    assert {"cases.plan.submitted", "cases.plan.approved"} <= set(
        AuditEvent.objects.values_list("action", flat=True))


def test_a_returned_plan_stays_on_record_with_the_heads_comment(world):
    case = _active(world)
    plan = _plan(world, case)
    with pytest.raises(DomainError) as refused:
        lifecycle.plan_return(actor=world.actors["head"], plan=plan, comment=" ")
    assert refused.value.code == "comment_missing"
    lifecycle.plan_return(actor=world.actors["head"], plan=plan, comment="Add the parents.")
    plan.refresh_from_db()
    assert plan.status == Decision.RETURNED and plan.decision_comment == "Add the parents."
    # a decided plan cannot be decided again; a new one may be submitted
    with pytest.raises(DomainError) as again:
        lifecycle.plan_approve(actor=world.actors["head"], plan=plan)
    assert again.value.code == "already_decided"
    assert _plan(world, case).status == Decision.SUBMITTED


def test_one_plan_waits_at_a_time_and_a_proposed_case_has_no_plan_yet(world):
    case = _active(world)
    _plan(world, case)
    with pytest.raises(DomainError) as pending:
        _plan(world, case)
    assert pending.value.code == "plan_pending"
    waiting = _case(world, pupil=PupilFactory(school=world.school))
    with pytest.raises(DomainError) as unassigned:
        lifecycle.plan_submit(actor=world.actors["head"], case=waiting, goals=GOALS,
                              review_every_days=30,
                              actions=[("Visit", _today() + dt.timedelta(days=3))])
    assert unassigned.value.code == "not_assigned"


def test_a_plan_needs_goals_and_dated_actions_not_in_the_past(world):
    case = _active(world)
    spec = world.actors["specialist"]
    for kwargs, code in [
        ({"goals": "", "actions": [("a", _today())]}, "goals_missing"),
        ({"goals": GOALS, "actions": []}, "actions_missing"),
        ({"goals": GOALS, "actions": [("a", _today() - dt.timedelta(days=1))]}, "due_past"),
    ]:
        with pytest.raises(DomainError) as refused:
            lifecycle.plan_submit(actor=spec, case=case, review_every_days=30, **kwargs)
        assert refused.value.code == code


@pytest.mark.parametrize("who", ["colleague", "merke_specialist", "psychologist",
                                 "school_admin", "police_inspector", "regional_admin"])
def test_only_the_owner_and_the_head_work_the_case(world, who):
    actor = world.actors.get(who) or world.other_roles[who]
    with pytest.raises((Forbidden, NotFound)):
        lifecycle.plan_submit(actor=actor, case=_active(world), goals=GOALS,
                              review_every_days=30,
                              actions=[("Visit", _today() + dt.timedelta(days=3))])


def test_a_specialist_cannot_approve_their_own_plan(world):
    plan = _plan(world, _active(world))
    with pytest.raises(Forbidden):
        lifecycle.plan_approve(actor=world.actors["specialist"], plan=plan)
    with pytest.raises(Forbidden):
        lifecycle.plan_return(actor=world.actors["specialist"], plan=plan, comment="no")


# --- review ------------------------------------------------------------------------------------


def test_a_review_sets_the_level_and_the_next_review(world):
    case = _active(world, review_overdue=True)
    review = lifecycle.review_record(actor=world.actors["specialist"], case=case, level="medium",
                                     summary="Calmer; attends school.")
    case.refresh_from_db()
    assert case.level == "medium" and review.next_review_on == case.next_review_on
    assert case.next_review_on == _today() + dt.timedelta(days=case.review_every_days)
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.REVIEWED)
    assert event.data["level_from"] == "high" and event.data["level_to"] == "medium"
    with pytest.raises(DomainError) as past:
        lifecycle.review_record(actor=world.actors["specialist"], case=case, level="low",
                                summary="x", next_review_on=_today())
    assert past.value.code == "next_review_past"


# --- closure and reopening ---------------------------------------------------------------------


def test_active_to_monitoring_to_closed_through_approved_closures(world):
    case = _active(world)
    head, spec = world.actors["head"], world.actors["specialist"]
    first = lifecycle.closure_propose(actor=spec, case=case, to_status=Status.MONITORING,
                                      note="Stable for two months.")
    lifecycle.closure_approve(actor=head, closure=first)
    case.refresh_from_db()
    assert case.status == Status.MONITORING and case.closed_at is None
    second = lifecycle.closure_propose(actor=spec, case=case, to_status=Status.CLOSED,
                                       reason=RiskCase.CloseReason.IMPROVED, note="Scores normal.")
    lifecycle.closure_approve(actor=head, closure=second, comment="Well done")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.close_reason == "improved"
    assert case.closed_at is not None and case.next_review_on is None
    moves = [e.data for e in CaseEvent.objects.filter(case=case,
                                                      kind=CaseEvent.Kind.STATUS_CHANGED)]
    assert [(m["from"], m["to"]) for m in moves] == [("active", "monitoring"),
                                                     ("monitoring", "closed")]
    assert AuditEvent.objects.filter(action="cases.closure.approved").count() == 2


@pytest.mark.parametrize("reason", list(RiskCase.CloseReason.values))
def test_every_reason_for_closing_is_recorded(world, reason):
    case = _active(world)
    closure = lifecycle.closure_propose(actor=world.actors["specialist"], case=case,
                                        to_status=Status.CLOSED, reason=reason, note="Done.")
    lifecycle.closure_approve(actor=world.actors["head"], closure=closure)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.close_reason == reason


def test_a_returned_closure_leaves_the_case_as_it_was(world):
    case = _active(world)
    closure = lifecycle.closure_propose(actor=world.actors["specialist"], case=case,
                                        to_status=Status.CLOSED, reason="moved_away",
                                        note="Family left.")
    lifecycle.closure_return(actor=world.actors["head"], closure=closure,
                             comment="Confirm the new school first.")
    case.refresh_from_db()
    closure.refresh_from_db()
    assert case.status == Status.ACTIVE and closure.status == Decision.RETURNED
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CLOSURE_RETURNED).exists()


def test_closing_needs_a_reason_and_a_summary(world):
    case = _active(world)
    spec = world.actors["specialist"]
    with pytest.raises(DomainError) as no_reason:
        lifecycle.closure_propose(actor=spec, case=case, to_status=Status.CLOSED, note="x")
    assert no_reason.value.code == "reason_missing"
    with pytest.raises(DomainError) as no_note:
        lifecycle.closure_propose(actor=spec, case=case, to_status=Status.MONITORING, note="")
    assert no_note.value.code == "note_missing"


def test_forbidden_transitions_are_clear_errors(world):
    head = world.actors["head"]
    closed = _case(world, closed=True, owner=world.specialist)
    # a closed case is worked by nobody: proposing its closure is refused by the policy
    with pytest.raises(Forbidden):
        lifecycle.closure_propose(actor=head, case=closed, to_status=Status.CLOSED,
                                  reason="other", note="x")
    # a case in monitoring cannot go back to monitoring
    monitoring = _case(world, pupil=PupilFactory(school=world.school), monitoring=True,
                       owner=world.specialist)
    with pytest.raises(DomainError) as refused:
        lifecycle.closure_propose(actor=head, case=monitoring, to_status=Status.MONITORING,
                                  note="x")
    assert refused.value.code == "transition_forbidden"
    assert "cannot become" in str(refused.value.message)
    # an active case is not reopened
    active = _case(world, pupil=PupilFactory(school=world.school), active=True,
                   owner=world.specialist)
    with pytest.raises(DomainError) as not_reopenable:
        lifecycle.case_reopen(actor=head, case=active, reason="why")
    assert not_reopenable.value.code == "transition_forbidden"
    # the table allows no other step to make a move
    with pytest.raises(DomainError) as wrong_step:
        lifecycle._transition(actor=head, case=active, to=Status.CLOSED, step=lifecycle.ASSIGN)
    assert wrong_step.value.code == "transition_forbidden"


def test_a_proposed_case_accepted_by_mistake_can_be_closed(world):
    case = _case(world)
    closure = lifecycle.closure_propose(actor=world.actors["head"], case=case,
                                        to_status=Status.CLOSED, reason="other",
                                        note="Accepted by mistake.")
    lifecycle.closure_approve(actor=world.actors["head"], closure=closure)
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_reopening_a_closed_case_returns_it_to_its_owner(world):
    case = _case(world, closed=True, owner=world.specialist)
    lifecycle.case_reopen(actor=world.actors["head"], case=case, reason="New alert.")
    case.refresh_from_db()
    assert case.status == Status.ACTIVE and case.owner == world.specialist
    assert case.closed_at is None and case.close_reason == ""
    assert CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.REOPENED).comment == "New alert."
    assert AuditEvent.objects.filter(action="cases.case.reopened").exists()


def test_reopening_from_monitoring_and_without_a_specialist(world):
    monitoring = _case(world, monitoring=True, owner=world.specialist)
    lifecycle.case_reopen(actor=world.actors["head"], case=monitoring, reason="Relapse.",
                          specialist=world.colleague)
    monitoring.refresh_from_db()
    assert monitoring.status == Status.ACTIVE and monitoring.owner == world.colleague
    # the owner no longer works the district: the case waits for a specialist
    gone = specialist_for(world.merke)
    closed = _case(world, pupil=PupilFactory(school=world.school), closed=True, owner=gone)
    lifecycle.case_reopen(actor=world.actors["head"], case=closed, reason="Back.")
    closed.refresh_from_db()
    assert closed.status == Status.PROPOSED and closed.owner is None


def test_a_closed_case_is_not_reopened_while_the_pupil_has_an_open_one(world):
    closed = _case(world, closed=True, owner=world.specialist)
    _active(world)
    with pytest.raises(DomainError) as refused:
        lifecycle.case_reopen(actor=world.actors["head"], case=closed, reason="x")
    assert refused.value.code == "open_case_exists"


def test_only_the_head_reopens_and_approves_closures(world):
    closed = _case(world, closed=True, owner=world.specialist)
    with pytest.raises(Forbidden):
        lifecycle.case_reopen(actor=world.actors["specialist"], case=closed, reason="x")
    closure = CaseClosureFactory(case=_case(world, pupil=PupilFactory(school=world.school),
                                            active=True, owner=world.specialist))
    with pytest.raises(Forbidden):
        lifecycle.closure_approve(actor=world.actors["specialist"], closure=closure)
    with pytest.raises(NotFound):
        lifecycle.closure_approve(actor=world.actors["stranger_head"], closure=closure)


# --- seen, rollback, encryption ----------------------------------------------------------------


def test_case_seen_remembers_the_last_look(world):
    case = _active(world)
    first = lifecycle.case_seen(actor=world.actors["specialist"], case=case)
    second = lifecycle.case_seen(actor=world.actors["specialist"], case=case)
    assert first.pk == second.pk and second.seen_at >= first.seen_at
    assert CaseView.objects.filter(case=case).count() == 1
    with pytest.raises(Forbidden):
        lifecycle.case_seen(actor=world.actors["psychologist"], case=case)


def test_a_failed_audit_write_rolls_the_change_back(world):
    case = _case(world)
    with mock.patch("safechildhood.cases.services.lifecycle.audit_record",
                    side_effect=RuntimeError("audit down")), pytest.raises(RuntimeError):
        lifecycle.case_assign(actor=world.actors["head"], case=case, specialist=world.specialist)
    case.refresh_from_db()
    assert case.status == Status.PROPOSED and case.owner is None
    assert not CaseEvent.objects.filter(case=case).exists()


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_narratives_are_unreadable_in_the_database(world):
    case = _active(world, reason=REASON)
    plan = _plan(world, case)
    lifecycle.plan_return(actor=world.actors["head"], plan=plan, comment="Ата-анасын қосыңыз")
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.PLAN_RETURNED)
    for table, column, pk, text in [
        ("cases_riskcase", "reason", case.pk, "PHQ-A"),
        ("cases_caseplan", "goals", plan.pk, "Өзіне"),
        ("cases_caseplan", "decision_comment", plan.pk, "Ата-анасын"),
        ("cases_caseevent", "comment", event.pk, "Ата-анасын"),
    ]:
        stored = _raw(table, column, pk)
        assert text not in stored and stored
    assert RiskCase.objects.get(pk=case.pk).reason == REASON
    assert CasePlan.objects.get(pk=plan.pk).goals == GOALS


# --- the transfer case -------------------------------------------------------------------------


def test_a_pupil_moving_to_another_district_takes_the_case_with_them(world):
    case = _active(world)
    PlanActionFactory(plan=CasePlanFactory(case=case))
    old_spec, new_spec = world.actors["specialist"], world.actors["merke_specialist"]
    old_psy, new_psy = world.actors["psychologist"], world.actors["merke_psychologist"]
    assert scope(old_spec, RiskCase.objects.all()).filter(pk=case.pk).exists()
    assert selectors.pupil_case_status(actor=old_psy, pupil=world.pupil) is not None

    psychologist_actor = actor_for(world.psychologist)
    pupil_transfer(actor=psychologist_actor, pupil=world.pupil, to_school=world.merke_school,
                   grade=world.pupil.grade, on_date=_today())
    world.pupil.refresh_from_db()
    case.refresh_from_db()  # the case moved with the pupil (its school and district)
    assert (case.school, case.district) == (world.merke_school, world.merke)

    # the old district's specialist loses the case at once, the new one gains it
    assert not scope(old_spec, RiskCase.objects.all()).filter(pk=case.pk).exists()
    with pytest.raises(NotFound):
        selectors.case_get(actor=old_spec, pk=case.pk)
    assert selectors.case_get(actor=new_spec, pk=case.pk).pk == case.pk
    assert not scope(old_spec, CasePlan.objects.all()).exists()
    # the old school psychologist loses the row, the new one sees it
    assert selectors.pupil_case_status(actor=old_psy, pupil=world.pupil) is None
    status = selectors.pupil_case_status(actor=new_psy, pupil=world.pupil)
    assert status is not None and status.owner == str(world.specialist)
    # the owner no longer works the district: the head reassigns to the new district's specialist
    assert not lifecycle.covers(world.specialist, case)
    lifecycle.case_assign(actor=world.actors["head"], case=case,
                          specialist=world.merke_specialist)
    with pytest.raises((NotFound, Forbidden)):
        lifecycle.review_record(actor=old_spec, case=case, level="low", summary="x")
    assert [c.pk for c in selectors.case_list(actor=new_spec, mine=True)] == [case.pk]


def test_closed_cases_keep_their_closure_proposals_on_record(world):
    case = _active(world)
    closure = lifecycle.closure_propose(actor=world.actors["specialist"], case=case,
                                        to_status=Status.CLOSED, reason="aged_out", note="18.")
    lifecycle.closure_approve(actor=world.actors["head"], closure=closure)
    assert CaseClosure.objects.get(pk=closure.pk).status == Decision.APPROVED
