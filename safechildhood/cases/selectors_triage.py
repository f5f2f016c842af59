"""Reads of the triage queue, each starting from the policy: the proposals grouped per pupil
(the most urgent first), one proposal with its evidence (an audited read), the pupil's other
proposals and open case."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Max, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.audit.services import audit_record
from safechildhood.cases.models import RiskCase
from safechildhood.errors import NotFound
from safechildhood.geography.models import District
from safechildhood.people.models import Pupil
from safechildhood.screening.models import CrisisAlert, TriageProposal

SOURCE_ALERT = "alert"  # a filter value of the queue: screening proposals that raised an alert
SHOW_PROPOSED, SHOW_DECLINED, SHOW_ACCEPTED = "proposed", "declined", "accepted"


def _not_found() -> NotFound:
    return NotFound(_("Not found."), code="not_found")


def _level_rank() -> Case:
    return Case(*[When(level=code, then=Value(n)) for n, code in
                  enumerate(TriageProposal.Level.values)], default=Value(0),
                output_field=IntegerField())


# --- the triage queue --------------------------------------------------------------------------


def triage_districts(*, actor: Actor) -> QuerySet[District]:
    """The districts the actor's queue covers (for the filter)."""
    require(actor, Action.TRIAGE_VIEW)
    ids = scope(actor, TriageProposal.objects.all()).values("district_id")
    return District.objects.filter(pk__in=ids).order_by("name_ru", "id")


def triage_proposals(*, actor: Actor, show: str = SHOW_PROPOSED, district: District | None = None,
                     category: str = "", source: str = "") -> QuerySet[TriageProposal]:
    """The proposals of the queue (undecided by default; declined or accepted ones on record)."""
    require(actor, Action.CASE_LIST)
    require(actor, Action.TRIAGE_VIEW)
    qs = scope(actor, TriageProposal.objects.filter(status=show))
    if district is not None:
        qs = qs.filter(district=district)
    if category:
        qs = qs.filter(category=category)
    if source == SOURCE_ALERT:
        qs = qs.filter(response__alert__isnull=False)
    elif source:
        qs = qs.filter(source=source)
    return qs


def triage_groups(proposals: QuerySet[TriageProposal]) -> QuerySet:
    """One row per pupil ({"pupil_id", "rank", "latest"}), the most urgent first: paginate this,
    then ``triage_page``."""
    return (proposals.order_by().values("pupil_id")
            .annotate(rank=Max(_level_rank()), latest=Max("created_at"))
            .order_by("-rank", "-latest", "pupil_id"))


@dataclass
class PupilGroup:
    pupil: Pupil
    proposals: list[TriageProposal]
    alerts: list[CrisisAlert]
    open_case: RiskCase | None


def triage_page(*, actor: Actor, proposals: QuerySet[TriageProposal],
                rows: list[dict]) -> list[PupilGroup]:
    """The pupils of one page of the queue with their proposals, their crisis alerts and their
    open case (if a new proposal would join it): four queries whatever the page's size."""
    pupil_ids = [row["pupil_id"] for row in rows]
    pupils = Pupil.objects.select_related("school__district", "school__settlement").in_bulk(
        pupil_ids)
    by_pupil: dict[int, list[TriageProposal]] = defaultdict(list)
    for proposal in (proposals.filter(pupil_id__in=pupil_ids)
                     .select_related("response__alert", "reported_by", "decided_by", "school")
                     .order_by("-created_at", "-id")):
        by_pupil[proposal.pupil_id].append(proposal)
    alerts: dict[int, list[CrisisAlert]] = defaultdict(list)
    for alert in scope(actor, CrisisAlert.objects.filter(pupil_id__in=pupil_ids)).order_by(
            "-raised_at"):
        alerts[alert.pupil_id].append(alert)
    cases = {c.pupil_id: c for c in RiskCase.objects.filter(pupil_id__in=pupil_ids).exclude(
        status=RiskCase.Status.CLOSED).select_related("owner")}
    return [PupilGroup(pupil=pupils[pid], proposals=by_pupil[pid], alerts=alerts[pid],
                       open_case=cases.get(pid)) for pid in pupil_ids if pid in pupils]


def proposal_get(*, actor: Actor, pk: int) -> TriageProposal:
    """One proposal to decide on, with the pupil; the read of the evidence is audited."""
    require(actor, Action.CASE_LIST)
    proposal = (scope(actor, TriageProposal.objects.all())
                .select_related("pupil__school__district", "district", "response__alert",
                                "reported_by", "decided_by")
                .filter(pk=pk).first())
    if proposal is None:
        raise _not_found()
    require(actor, Action.TRIAGE_VIEW, proposal)
    audit_record(actor=actor, action="cases.proposal.viewed", target=proposal.pupil,
                 data={"triage_proposal_id": proposal.pk, "pupil_id": proposal.pupil_id})
    return proposal


def proposal_find(*, actor: Actor, pk: int) -> TriageProposal:
    """A proposal to act on (the service audits the decision)."""
    require(actor, Action.TRIAGE_DECIDE)
    proposal = scope(actor, TriageProposal.objects.all()).filter(pk=pk).first()
    if proposal is None:
        raise _not_found()
    return proposal


def pupil_proposals(*, actor: Actor, pupil: Pupil) -> QuerySet[TriageProposal]:
    return (scope(actor, TriageProposal.objects.filter(pupil=pupil))
            .select_related("response__alert", "reported_by", "decided_by")
            .order_by("-created_at", "-id"))


def pupil_open_case(pupil: Pupil) -> RiskCase | None:
    return (RiskCase.objects.filter(pupil=pupil).exclude(status=RiskCase.Status.CLOSED)
            .select_related("owner").first())
