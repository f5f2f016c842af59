"""Access rules of the risk group (DESIGN.md, "Users and what each may see").

* A centre specialist works the cases of the districts assigned to them; the centre head sees every
  case of the region. A case's district is that of the pupil's current school, so when a pupil
  moves, access follows at once and the old district's specialist loses the case.
* A school psychologist sees only *that* a pupil of their school is in the risk
  group and who owns the case: the case row, none of its plan, contacts, notes or referrals.
* Nobody else sees cases. Inspectors and analysts work with reports and aggregates.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from safechildhood.access import policy
from safechildhood.access.policy import (
    CENTRE_ROLES,
    Action,
    Actor,
    in_scope,
)
from safechildhood.accounts.models import Role
from safechildhood.cases.models import (
    CaseClosure,
    CaseEvent,
    CasePlan,
    CaseReview,
    CaseView,
    Contact,
    FieldTrip,
    FollowUpScreening,
    PlanAction,
    Referral,
    ReferralStep,
    RiskCase,
    TripStop,
)


def _case_area(actor: Actor) -> dict[str, Any] | None:
    m = actor.membership
    if m is None or m.role not in CENTRE_ROLES:
        return None
    if m.role == Role.CENTRE_HEAD:
        return {"pupil__school__district__region_id": m.region_id}
    return {"pupil__school__district__in": policy._district_ids(actor)}


def _cases(actor: Actor, qs: QuerySet) -> QuerySet:
    m = actor.membership
    if m is not None and m.role == Role.SCHOOL_PSYCHOLOGIST:
        return qs.filter(pupil__school_id=m.school_id)
    area = _case_area(actor)
    return qs.filter(**area) if area is not None else qs.none()


def _centre_cases(actor: Actor) -> QuerySet | None:
    area = _case_area(actor)
    return RiskCase.objects.filter(**area) if area is not None else None


def _inside_case(path: str):
    """The case's parts (plans, contacts, referrals...): centre staff of the case's area only."""

    def scoped(actor: Actor, qs: QuerySet) -> QuerySet:
        cases = _centre_cases(actor)
        if cases is None:
            return qs.none()
        return qs.filter(**{f"{path}__in": cases.values("pk")})

    return scoped


def _trips(actor: Actor, qs: QuerySet) -> QuerySet:
    m = actor.membership
    if m is None or m.role not in CENTRE_ROLES:
        return qs.none()
    if m.role == Role.CENTRE_HEAD:
        return qs.filter(district__region_id=m.region_id)
    return qs.filter(specialist_id=actor.user.pk, district__in=policy._district_ids(actor))


def _case_views(actor: Actor, qs: QuerySet) -> QuerySet:
    return qs.filter(user_id=actor.user.pk)


def _risk_group_pupils(actor: Actor) -> QuerySet | None:
    """Centre staff see the children of the risk group in their area (open and closed cases)."""
    cases = _centre_cases(actor)
    return cases.values("pupil_id") if cases is not None else None


def _is_owner_or_head(actor: Actor, case: RiskCase) -> bool:
    if actor.has_role(Role.CENTRE_HEAD):
        return True
    return actor.has_role(Role.CENTRE_SPECIALIST) and case.owner_id == actor.user.pk


def _case_of(obj: Any) -> RiskCase | None:
    if obj is None or isinstance(obj, RiskCase):
        return obj
    return getattr(obj, "case", None)


def _may(actor: Actor, action: Action, obj: Any) -> bool | None:
    m = actor.membership
    centre = m is not None and m.role in CENTRE_ROLES
    match action:
        case Action.CASE_LIST | Action.PROVIDER_VIEW:
            return centre
        case Action.CASE_VIEW:
            return centre and (obj is None or in_scope(actor, obj))
        case Action.CASE_STATUS_VIEW:
            allowed = m is not None and m.role in CENTRE_ROLES | {Role.SCHOOL_PSYCHOLOGIST}
            return allowed and (obj is None or in_scope(actor, obj))
        case Action.TRIAGE_DECIDE | Action.CASE_ASSIGN | Action.CASE_APPROVE | \
                Action.CASE_REOPEN | Action.CASELOAD_VIEW:
            return actor.has_role(Role.CENTRE_HEAD) and (obj is None or in_scope(actor, obj))
        case Action.CASE_WORK:
            # obj: the case or one of its parts. The owner and the head work an open case.
            case = _case_of(obj)
            if case is None:
                return centre
            return (centre and in_scope(actor, case) and case.is_open
                    and _is_owner_or_head(actor, case))
        case Action.TRIP_MANAGE:
            return centre and (obj is None or in_scope(actor, obj))
    return None


policy.SCOPES.update({
    RiskCase: _cases,
    CaseEvent: _inside_case("case"),
    CasePlan: _inside_case("case"),
    PlanAction: _inside_case("plan__case"),
    CaseClosure: _inside_case("case"),
    CaseReview: _inside_case("case"),
    Contact: _inside_case("case"),
    Referral: _inside_case("case"),
    ReferralStep: _inside_case("referral__case"),
    FollowUpScreening: _inside_case("case"),
    TripStop: _inside_case("case"),
    FieldTrip: _trips,
    CaseView: _case_views,
})
policy.ACTION_RULES.append(_may)
policy.PUPIL_SCOPE_EXTENSIONS.append(_risk_group_pupils)
