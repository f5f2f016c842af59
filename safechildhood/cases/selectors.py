"""Reads of risk cases, each starting from the policy (the triage queue: ``selectors_triage``).

The case list marks the cases where something
happened since their owner last looked; the case page (``case_get``) is an audited read of a
child's record. "What changed" is read from the case's own history (events by someone else) and
from the rows that arrive about the child from outside the case: crisis alerts, new triage
proposals (screening results, staff concerns, disclosures), submitted screening responses and
referral feedback.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, can, require, scope
from safechildhood.accounts.models import User
from safechildhood.audit.services import audit_record
from safechildhood.cases import counting
from safechildhood.cases.models import (
    CaseClosure,
    CaseEvent,
    CasePlan,
    CaseReview,
    CaseView,
    Decision,
    Referral,
    ReferralStep,
    RiskCase,
)
from safechildhood.cases.services.lifecycle import specialists_for
from safechildhood.directory.models import School, ServiceProvider
from safechildhood.errors import NotFound
from safechildhood.geography.models import District
from safechildhood.people.models import Pupil
from safechildhood.screening.models import CrisisAlert, Response, TriageProposal

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
REVIEWS_SHOWN = 5


def _not_found() -> NotFound:
    return NotFound(_("Not found."), code="not_found")


# --- specialists and caseloads -----------------------------------------------------------------


def caseloads(district: District) -> QuerySet[User]:
    """The specialists of a district, each with ``open_cases``: their open cases now."""
    open_cases = (RiskCase.objects.filter(owner_id=OuterRef("pk"))
                  .exclude(status=RiskCase.Status.CLOSED).order_by()
                  .values("owner_id").annotate(n=Count("pk")).values("n"))
    return specialists_for(district).annotate(open_cases=Coalesce(Subquery(open_cases), 0))


# --- the case list -----------------------------------------------------------------------------


def _owner_seen() -> Subquery:
    return Subquery(CaseView.objects.filter(case_id=OuterRef("pk"), user_id=OuterRef("owner_id"))
                    .values("seen_at")[:1])


def _changed_since_owner_looked() -> tuple[Coalesce, Q]:
    """(the owner's last look, annotate it as ``owner_seen``; the condition "something happened
    on the case, by someone other than its owner, or about its child, since then")."""
    seen = Coalesce(_owner_seen(), Value(EPOCH))
    events = CaseEvent.objects.filter(case_id=OuterRef("pk"), at__gt=OuterRef("owner_seen")
                                      ).exclude(actor_id=OuterRef("owner_id"))
    alerts = CrisisAlert.objects.filter(pupil_id=OuterRef("pupil_id"),
                                        raised_at__gt=OuterRef("owner_seen"))
    proposals = TriageProposal.objects.filter(pupil_id=OuterRef("pupil_id"),
                                              created_at__gt=OuterRef("owner_seen"))
    return seen, Exists(events) | Exists(alerts) | Exists(proposals)


def case_list(*, actor: Actor, status: str = "", district: District | None = None,
              category: str = "", owner: User | None = None, mine: bool = False,
              open_only: bool = True, school: School | None = None,
              period: counting.Period | None = None, counted: str = counting.IN_GROUP
              ) -> QuerySet[RiskCase]:
    """The cases the actor works with, each annotated with ``changed`` (news since its owner's
    last look) and ``review_overdue``; one query per page. With a ``period``: the cases it
    counts as ``counted`` (cases/counting.py: in the group at its end, entered, left), whatever
    their status now unless ``status`` is given."""
    require(actor, Action.CASE_LIST)
    qs = scope(actor, RiskCase.objects.all())
    if period is not None:
        qs = qs.filter(counting.case_counted(counted, period))
    if status:
        qs = qs.filter(status=status)
    elif open_only and period is None:
        qs = qs.exclude(status=RiskCase.Status.CLOSED)
    if district is not None:
        qs = qs.filter(district=district)  # the pupil's current one, kept on the case
    if school is not None:
        qs = qs.filter(school=school)
    if category:
        qs = qs.filter(counting.with_category(category))
    if mine:
        qs = qs.filter(owner_id=actor.user.pk)
    elif owner is not None:
        qs = qs.filter(owner=owner)
    seen, changed = _changed_since_owner_looked()
    today = timezone.localdate()
    return (qs.select_related("pupil__school__district", "owner")
            .annotate(owner_seen=seen)
            .annotate(changed=Case(When(owner__isnull=True, then=Value(False)),
                                   When(changed, then=Value(True)), default=Value(False)),
                      review_overdue=Case(
                          When(Q(next_review_on__lt=today) & ~Q(status=RiskCase.Status.CLOSED),
                               then=Value(True)), default=Value(False)))
            .order_by("-changed", "next_review_on", "-opened_at", "-id"))


def case_list_districts(*, actor: Actor) -> QuerySet[District]:
    require(actor, Action.CASE_LIST)
    ids = scope(actor, RiskCase.objects.all()).values("district_id")
    return District.objects.filter(pk__in=ids).order_by("name_ru", "id")


def case_list_schools(*, actor: Actor) -> QuerySet[School]:
    require(actor, Action.CASE_LIST)
    ids = scope(actor, RiskCase.objects.all()).values("school_id")
    return School.objects.filter(pk__in=ids).select_related("district").order_by("name_ru", "id")


def case_list_owners(*, actor: Actor) -> QuerySet[User]:
    require(actor, Action.CASE_LIST)
    ids = scope(actor, RiskCase.objects.filter(owner__isnull=False)).values("owner_id")
    return User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "id")


# --- one case ----------------------------------------------------------------------------------


def _case_qs(actor: Actor) -> QuerySet[RiskCase]:
    return (scope(actor, RiskCase.objects.all())
            .select_related("pupil__school__district", "pupil__school__settlement", "owner",
                            "opened_by", "alert"))


def case_get(*, actor: Actor, pk: int) -> RiskCase:
    """The case page's case: a read of a child's record, written to the audit log."""
    case = _case_qs(actor).filter(pk=pk).first()
    if case is None:
        raise _not_found()
    require(actor, Action.CASE_VIEW, case)
    audit_record(actor=actor, action="cases.case.viewed", target=case.pupil,
                 data={"case_id": case.pk, "pupil_id": case.pupil_id})
    return case


def case_find(*, actor: Actor, pk: int) -> RiskCase:
    """A case to act on (no audit here: the service audits the change)."""
    case = _case_qs(actor).filter(pk=pk).first()
    if case is None:
        raise _not_found()
    require(actor, Action.CASE_VIEW, case)
    return case


def plan_find(*, actor: Actor, pk: int) -> CasePlan:
    plan = (scope(actor, CasePlan.objects.all())
            .select_related("case__pupil__school__district").filter(pk=pk).first())
    if plan is None:
        raise _not_found()
    require(actor, Action.CASE_VIEW, plan.case)
    return plan


def closure_find(*, actor: Actor, pk: int) -> CaseClosure:
    closure = (scope(actor, CaseClosure.objects.all())
               .select_related("case__pupil__school__district").filter(pk=pk).first())
    if closure is None:
        raise _not_found()
    require(actor, Action.CASE_VIEW, closure.case)
    return closure


# --- what changed since the last look ----------------------------------------------------------


@dataclass(frozen=True)
class Change:
    at: dt.datetime
    label: str
    by: Any = None  # a user, or None (the system, a pupil)


@dataclass
class CaseChanges:
    case: RiskCase
    since: dt.datetime | None
    changes: list[Change] = field(default_factory=list)


def _event_label(event: CaseEvent) -> str:
    return str(event.get_kind_display())


def _collect(cases: list[RiskCase], seen: dict[int, dt.datetime | None],
             user_id: int) -> dict[int, list[Change]]:
    """Changes for many cases at once, five queries whatever their number."""
    found: dict[int, list[Change]] = defaultdict(list)
    if not cases:
        return found
    ids = [c.pk for c in cases]
    by_pupil = {c.pupil_id: c.pk for c in cases}
    floor = min((s or EPOCH) for s in seen.values()) if seen else EPOCH

    def after(case_id: int, at: dt.datetime) -> bool:
        return at > (seen.get(case_id) or EPOCH)

    for event in (CaseEvent.objects.filter(case_id__in=ids, at__gt=floor)
                  .exclude(actor_id=user_id).select_related("actor")):
        if after(event.case_id, event.at):
            found[event.case_id].append(Change(event.at, _event_label(event), event.actor))
    for alert in CrisisAlert.objects.filter(pupil_id__in=by_pupil, raised_at__gt=floor):
        case_id = by_pupil[alert.pupil_id]
        if after(case_id, alert.raised_at):
            found[case_id].append(Change(alert.raised_at, gettext("new crisis alert")))
    for proposal in (TriageProposal.objects.filter(pupil_id__in=by_pupil, created_at__gt=floor)
                     .select_related("reported_by")):
        case_id = by_pupil[proposal.pupil_id]
        if not after(case_id, proposal.created_at):
            continue
        label = (gettext("new concern: %(category)s") if proposal.source != "screening"
                 else gettext("new screening result: %(category)s"))
        found[case_id].append(Change(proposal.created_at,
                                     label % {"category": proposal.get_category_display()},
                                     proposal.reported_by))
    for response in Response.objects.filter(pupil_id__in=by_pupil, submitted_at__gt=floor,
                                            status=Response.Status.SUBMITTED):
        case_id = by_pupil[response.pupil_id]
        if after(case_id, response.submitted_at):
            found[case_id].append(Change(response.submitted_at,
                                         gettext("new screening answers submitted")))
    for step in (ReferralStep.objects.filter(referral__case_id__in=ids, at__gt=floor)
                 .exclude(by_id=user_id).select_related("referral", "by")):
        case_id = step.referral.case_id
        if after(case_id, step.at):
            found[case_id].append(Change(
                step.at, gettext("referral: %(status)s") % {"status": step.get_status_display()},
                step.by))
    for changes in found.values():
        changes.sort(key=lambda c: c.at, reverse=True)
    return found


def case_changes(*, actor: Actor, case: RiskCase) -> CaseChanges:
    """What happened on the case since the actor last looked (before this look)."""
    require(actor, Action.CASE_VIEW, case)
    view = CaseView.objects.filter(case=case, user_id=actor.user.pk).first()
    since = view.seen_at if view else None
    if since is None and case.owner_id != actor.user.pk:
        # someone who never looked: everything is news; show it only to the owner
        return CaseChanges(case=case, since=None)
    changes = _collect([case], {case.pk: since}, actor.user.pk)
    return CaseChanges(case=case, since=since, changes=changes.get(case.pk, []))


def changes_for_owner(actor: Actor) -> list[CaseChanges]:
    """The actor's own open cases with something new since they last looked, newest first."""
    require(actor, Action.CASE_LIST)
    cases = list(scope(actor, RiskCase.objects.filter(owner_id=actor.user.pk))
                 .exclude(status=RiskCase.Status.CLOSED)
                 .select_related("pupil__school__district"))
    seen = dict(CaseView.objects.filter(user_id=actor.user.pk, case__in=cases)
                .values_list("case_id", "seen_at"))
    seen = {c.pk: seen.get(c.pk) for c in cases}
    found = _collect(cases, seen, actor.user.pk)
    result = [CaseChanges(case=c, since=seen[c.pk], changes=found[c.pk])
              for c in cases if found.get(c.pk)]
    result.sort(key=lambda cc: cc.changes[0].at, reverse=True)
    return result


# --- the sections of the case page -------------------------------------------------------------


def case_plan_section(actor: Actor, case: RiskCase) -> dict[str, Any]:
    """The plan part of the case page: the plan in force, the one waiting for the head, the
    returned ones with the head's comment, reviews, and closure proposals."""
    require(actor, Action.CASE_VIEW, case)
    plans = list(scope(actor, CasePlan.objects.filter(case=case))
                 .select_related("created_by", "decided_by").prefetch_related("actions"))
    current = next((p for p in plans if p.status == Decision.APPROVED), None)
    pending = next((p for p in plans if p.status == Decision.SUBMITTED), None)
    returned = [p for p in plans if p.status == Decision.RETURNED
                and (current is None or p.created_at > current.created_at)]
    reviews = list(scope(actor, CaseReview.objects.filter(case=case))
                   .select_related("reviewed_by")[:REVIEWS_SHOWN])
    closures = list(scope(actor, CaseClosure.objects.filter(case=case))
                    .select_related("requested_by", "decided_by"))
    today = timezone.localdate()
    return {
        "case": case,
        "current_plan": current,
        "pending_plan": pending,
        "returned_plans": returned,
        "reviews": reviews,
        "pending_closure": next((c for c in closures if c.status == Decision.SUBMITTED), None),
        "closures": [c for c in closures if c.status != Decision.SUBMITTED],
        "review_overdue": bool(case.is_open and case.next_review_on
                               and case.next_review_on < today),
        "today": today,
        "may_work": can(actor, Action.CASE_WORK, case),
        "may_approve": can(actor, Action.CASE_APPROVE, case),
    }


def _user_names(ids: set[int]) -> dict[int, str]:
    return {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}


def _status_name(code: str | None) -> str:
    return str(RiskCase.Status(code).label) if code in RiskCase.Status.values else (code or "")


def _event_details(event: CaseEvent, names: dict[int, str]) -> str:
    data = event.data or {}
    kind = event.kind
    if kind in (CaseEvent.Kind.STATUS_CHANGED, CaseEvent.Kind.REOPENED):
        return gettext("%(from)s → %(to)s") % {"from": _status_name(data.get("from")),
                                               "to": _status_name(data.get("to"))}
    if kind == CaseEvent.Kind.ASSIGNED:
        new = names.get(data.get("to"), "—")
        if data.get("from"):
            return gettext("from %(old)s to %(new)s") % {"old": names.get(data["from"], "—"),
                                                         "new": new}
        return gettext("to %(new)s") % {"new": new}
    if kind in (CaseEvent.Kind.CLOSURE_PROPOSED, CaseEvent.Kind.CLOSURE_APPROVED):
        text = _status_name(data.get("to"))
        if data.get("reason") in RiskCase.CloseReason.values:
            text += ": " + str(RiskCase.CloseReason(data["reason"]).label)
        return text
    if kind in (CaseEvent.Kind.ACCEPTED, CaseEvent.Kind.PROPOSAL_ADDED):
        codes = data.get("categories") or data.get("categories_added") or []
        level = data.get("level") or data.get("level_to")
        parts = [str(TriageProposal.Category(c).label) for c in codes
                 if c in TriageProposal.Category.values]
        if level in TriageProposal.Level.values:
            parts.append(gettext("level: %(level)s")
                         % {"level": TriageProposal.Level(level).label})
        return "; ".join(parts)
    if kind == CaseEvent.Kind.REFERRAL and data.get("status") in Referral.Status.values:
        # which step of the loop: sent, accepted, attended, feedback received, declined, ...
        text = str(Referral.Status(data["status"]).label)
        if data.get("provider_kind") in ServiceProvider.Kind.values:
            text += " · " + str(ServiceProvider.Kind(data["provider_kind"]).label)
        return text
    if kind == CaseEvent.Kind.REVIEWED and data.get("level_to") in TriageProposal.Level.values:
        return gettext("level: %(level)s") % {
            "level": TriageProposal.Level(data["level_to"]).label}
    return ""


def case_history_section(actor: Actor, case: RiskCase) -> dict[str, Any]:
    """Every event of the case, dated and attributed, with its details in the reader's language
    (the comments are shown to the centre only, decrypted)."""
    require(actor, Action.CASE_VIEW, case)
    events = list(scope(actor, CaseEvent.objects.filter(case=case))
                  .select_related("actor").order_by("-at", "-id"))
    ids: set[int] = set()
    for event in events:
        if event.kind == CaseEvent.Kind.ASSIGNED:
            ids.update(v for v in (event.data.get("from"), event.data.get("to")) if v)
    names = _user_names(ids)
    return {"case": case,
            "events": [{"event": e, "details": _event_details(e, names)} for e in events]}


# --- the pupil page (school psychologist): only that the child is in the risk group ------------


@dataclass(frozen=True)
class PupilCaseStatus:
    status_label: str
    owner: str | None
    since: dt.datetime


def pupil_case_status(*, actor: Actor, pupil: Pupil) -> PupilCaseStatus | None:
    """That the pupil is in the risk group and who owns the case, or None. Nothing of the
    centre's work (categories, notes, plan) is read."""
    if not can(actor, Action.CASE_STATUS_VIEW):
        return None
    case = (scope(actor, RiskCase.objects.filter(pupil=pupil))
            .exclude(status=RiskCase.Status.CLOSED).select_related("owner").first())
    if case is None or not can(actor, Action.CASE_STATUS_VIEW, case):
        return None
    return PupilCaseStatus(status_label=str(case.get_status_display()),
                           owner=str(case.owner) if case.owner else None,
                           since=case.opened_at)
