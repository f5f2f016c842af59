"""The centre head's triage decisions: accept a child into the risk group, or decline.

Proposals come from screening, from school staff's concerns and from disclosures. Accepting one
opens a case (waiting for a specialist, or active at once if one is chosen); if the pupil already
has an open case, the proposal joins it instead (categories merged, the level raised if higher):
a child has one open case at a time (a database constraint says so too). A crisis alert can be
turned into a case directly. A declined proposal stays on record with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require
from safechildhood.accounts.models import User
from safechildhood.audit.services import audit_record
from safechildhood.cases.models import CaseEvent, Category, Level, RiskCase
from safechildhood.cases.services import lifecycle
from safechildhood.errors import DomainError
from safechildhood.people.models import Pupil
from safechildhood.screening.models import CrisisAlert, TriageProposal

LEVEL_ORDER = (Level.LOW, Level.MEDIUM, Level.HIGH, Level.CRITICAL)


def higher_level(a: str, b: str) -> str:
    return a if LEVEL_ORDER.index(a) >= LEVEL_ORDER.index(b) else b


def _merge(existing: Iterable[str], new: Iterable[str]) -> list[str]:
    merged = list(existing)
    merged += [c for c in new if c not in merged]
    return merged


def _clean(categories: Iterable[str], level: str, reason: str) -> tuple[list[str], str]:
    categories = _merge([], categories)
    if not categories or any(c not in Category.values for c in categories):
        raise DomainError(_("Choose at least one risk category."), code="categories_missing",
                          field="categories")
    if level not in Level.values:
        raise DomainError(_("Choose the level."), code="level_missing", field="level")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Write why the child enters the risk group."),
                          code="reason_missing", field="reason")
    return categories, reason


def _mark_accepted(actor: Actor, proposals: list[TriageProposal], reason: str) -> None:
    now = timezone.now()
    for proposal in proposals:
        proposal.status = TriageProposal.Status.ACCEPTED
        proposal.decided_by, proposal.decided_at = actor.user, now
        proposal.decision_reason = reason
        proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])


def _accept(*, actor: Actor, pupil: Pupil, proposals: list[TriageProposal],
            alert: CrisisAlert | None, categories: list[str], level: str, reason: str,
            specialist: User | None) -> RiskCase:
    """Open a case for the pupil or add to their open one (inside the caller's transaction,
    with the pupil row locked so that two decisions at once cannot open two cases, and a
    transfer cannot move the pupil between reading their school and opening the case there)."""
    here = (Pupil.objects.select_for_update(of=("self",)).select_related("school__district")
            .get(pk=pupil.pk))  # where the pupil studies now, as a transfer left it
    ids = {"proposal_ids": [p.pk for p in proposals], "alert_id": alert.pk if alert else None}
    case = (RiskCase.objects.select_for_update(of=("self",))
            .select_related("pupil__school__district", "school__district", "district")
            .filter(pupil_id=pupil.pk).exclude(status=RiskCase.Status.CLOSED).first())
    if case is not None:
        added = [c for c in categories if c not in case.categories]
        new_level = higher_level(case.level, level)
        lifecycle._event(actor=actor, case=case, kind=CaseEvent.Kind.PROPOSAL_ADDED,
                         data={**ids, "categories_added": added, "level_from": case.level,
                               "level_to": new_level}, comment=reason)
        case.categories = _merge(case.categories, categories)
        case.level = new_level
        fields = ["categories", "level", "updated_at"]
        if alert is not None and case.alert_id is None:
            case.alert = alert
            fields.append("alert")
        case.save(update_fields=fields)
        opened = False
    else:
        case = RiskCase.objects.create(pupil=pupil, school=here.school,
                                       district=here.school.district,
                                       categories=categories, level=level,
                                       status=RiskCase.Status.PROPOSED, reason=reason,
                                       alert=alert, opened_by=actor.user,
                                       opened_at=timezone.now())
        lifecycle._event(actor=actor, case=case, kind=CaseEvent.Kind.ACCEPTED,
                         data={**ids, "categories": categories, "level": level})
        opened = True
    if proposals:
        case.proposals.add(*proposals)
    _mark_accepted(actor, proposals, reason)
    audit_record(actor=actor,
                 action="cases.case.opened" if opened else "cases.proposal.attached",
                 target=case,
                 data={"case_id": case.pk, "pupil_id": pupil.pk, **ids,
                       "categories": categories, "level": level})
    if specialist is not None and case.owner_id != specialist.pk:
        case = lifecycle.case_assign(actor=actor, case=case, specialist=specialist)
    return case


def _lock_proposal(proposal: TriageProposal) -> TriageProposal:
    proposal = (TriageProposal.objects.select_for_update(of=("self",))
                .select_related("pupil__school__district", "district").get(pk=proposal.pk))
    if proposal.status != TriageProposal.Status.PROPOSED:
        raise DomainError(_("This proposal has already been decided (%(status)s).")
                          % {"status": proposal.get_status_display()}, code="already_decided")
    return proposal


def proposal_accept(*, actor: Actor, proposal: TriageProposal, categories: Iterable[str],
                    level: str, reason: str, specialist: User | None = None) -> RiskCase:
    """Accept the child into the risk group on this proposal. Returns the case (new, or the
    pupil's open case the proposal joined)."""
    require(actor, Action.TRIAGE_DECIDE, proposal)
    categories, reason = _clean(categories, level, reason)
    with transaction.atomic():
        proposal = _lock_proposal(proposal)
        alert = (CrisisAlert.objects.filter(response_id=proposal.response_id).first()
                 if proposal.response_id else None)
        return _accept(actor=actor, pupil=proposal.pupil, proposals=[proposal], alert=alert,
                       categories=categories, level=level, reason=reason,
                       specialist=specialist)


def proposal_decline(*, actor: Actor, proposal: TriageProposal, reason: str) -> TriageProposal:
    """Decline: the child does not enter the risk group on this proposal. It stays on record
    with the reason."""
    require(actor, Action.TRIAGE_DECIDE, proposal)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Write why the proposal is declined."), code="reason_missing",
                          field="reason")
    with transaction.atomic():
        proposal = _lock_proposal(proposal)
        proposal.status = TriageProposal.Status.DECLINED
        proposal.decided_by, proposal.decided_at = actor.user, timezone.now()
        proposal.decision_reason = reason
        proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit_record(actor=actor, action="cases.proposal.declined", target=proposal,
                     data={"triage_proposal_id": proposal.pk, "pupil_id": proposal.pupil_id})
    return proposal


def alert_accept(*, actor: Actor, alert: CrisisAlert, categories: Iterable[str], level: str,
                 reason: str, specialist: User | None = None) -> RiskCase:
    """Turn a crisis alert into a case directly: the case records the alert, and the alert's
    undecided proposals are accepted with it."""
    require(actor, Action.TRIAGE_DECIDE, alert)
    categories, reason = _clean(categories, level, reason)
    with transaction.atomic():
        alert = CrisisAlert.objects.select_related("pupil__school__district").get(pk=alert.pk)
        proposals = list(TriageProposal.objects.select_for_update()
                         .filter(response_id=alert.response_id,
                                 status=TriageProposal.Status.PROPOSED).order_by("pk"))
        return _accept(actor=actor, pupil=alert.pupil, proposals=proposals, alert=alert,
                       categories=categories, level=level, reason=reason,
                       specialist=specialist)
