"""Re-screening a child of the risk group: a follow-up questionnaire scheduled on the case.

The specialist schedules it (instruments of the registry that suit the pupil's age, a due date)
and, when the child is to answer, issues a one-time code: an ``Assignment`` of the screening
part, so the child answers on the ordinary pupil's page (``/q/``) and the answers are scored,
triaged and alerted on exactly like any screening. The code is shown once to the specialist, who
hands it to the child; issuing a new code (a lost slip) makes the old one useless.

Assignments belong to a campaign. Follow-ups go into standing campaigns of the region, created by
this service on first use: open, with no targets (so nobody is assigned in bulk), never through
the campaign planning page. A pupil can be in a campaign only once, so a second follow-up of the
same child goes into the next standing campaign ("rounds"). A campaign is a follow-up campaign
because a follow-up's assignment is in it; the service creates the campaign and that assignment
in one transaction, so there is no follow-up campaign without one.

A follow-up is done when its assignment is completed: the status is read from the assignment
(``rescreening_status``), not pushed by hooks into the screening part.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require
from safechildhood.audit.services import audit_record
from safechildhood.cases.models import CaseEvent, FollowUpScreening, RiskCase
from safechildhood.errors import DomainError, NotFound
from safechildhood.people.models import Pupil
from safechildhood.screening.models import Assignment, Campaign, JobStatus
from safechildhood.screening.scoring import Instrument
from safechildhood.screening.services.campaigns import age_on
from safechildhood.screening.services.codes import code_hash, code_new
from safechildhood.screening.services.instruments import instrument_get, instrument_list

F = FollowUpScreening.Status

# How long after its due date a follow-up code still opens the questionnaire.
CODE_GRACE_DAYS = 30
# The furthest ahead a follow-up can be scheduled.
MAX_AHEAD_DAYS = 366


def rescreening_status(rescreening: FollowUpScreening) -> str:
    """The status as the case page shows it: answered once the assignment is completed."""
    if rescreening.status == F.CANCELLED:
        return F.CANCELLED
    assignment = rescreening.assignment
    if assignment is not None and assignment.status == Assignment.Status.COMPLETED:
        return F.DONE
    return rescreening.status


def rescreening_overdue(rescreening: FollowUpScreening, *, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return rescreening_status(rescreening) in (F.SCHEDULED, F.ASSIGNED) and \
        rescreening.due_on < today


def instruments_for_pupil(pupil: Pupil, on: dt.date) -> list[Instrument]:
    """Instruments of the registry a follow-up of this pupil can use: ready to be answered (their
    texts supplied) and made for the pupil's age on that day."""
    age = age_on(pupil.birth_date, on)
    return [i for i in instrument_list() if i.has_texts and i.covers_age(age)]


def rescreening_schedule(*, actor: Actor, case: RiskCase, instruments: list[str],
                         due_on: dt.date, today: dt.date | None = None) -> FollowUpScreening:
    require(actor, Action.CASE_WORK, case)
    today = today or timezone.localdate()
    codes = list(dict.fromkeys(instruments))
    if not codes:
        raise DomainError(_("Choose at least one instrument."), code="no_instruments",
                          field="instruments")
    if due_on < today:
        raise DomainError(_("The due date cannot be in the past."), code="past_due",
                          field="due_on")
    if due_on > today + dt.timedelta(days=MAX_AHEAD_DAYS):
        raise DomainError(_("Schedule the re-screening within a year."), code="too_far",
                          field="due_on")
    pupil = case.pupil
    suitable = {i.code for i in instruments_for_pupil(pupil, due_on)}
    for code in codes:
        if code not in suitable:
            raise DomainError(
                _("%(code)s does not suit this pupil's age or cannot be answered yet.")
                % {"code": code}, code="unsuitable_instrument", field="instruments")
    with transaction.atomic():
        case = RiskCase.objects.select_for_update().get(pk=case.pk)
        if not case.is_open:
            raise DomainError(_("The case is closed."), code="case_closed")
        rescreening = FollowUpScreening.objects.create(
            case=case, instruments=codes, due_on=due_on, status=F.SCHEDULED,
            created_by=actor.user)
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.RESCREENING, actor=actor.user,
                                 data={"rescreening_id": rescreening.pk, "instruments": codes,
                                       "due_on": due_on.isoformat(), "status": F.SCHEDULED})
        audit_record(actor=actor, action="cases.rescreening.scheduled", target=rescreening,
                     data={"rescreening_id": rescreening.pk, "case_id": case.pk,
                           "instruments": codes, "due_on": due_on.isoformat()})
    return rescreening


def _pins(codes: list[str]) -> list[dict[str, str]]:
    return [{"code": code, "version": instrument_get(code).version} for code in codes]


def _follow_up_campaigns(region_id: int):
    """The region's follow-up campaigns: those holding a follow-up's assignment."""
    assignments = FollowUpScreening.objects.filter(assignment__isnull=False).values(
        "assignment_id")
    return Campaign.objects.filter(region_id=region_id,
                                   pk__in=Assignment.objects.filter(pk__in=assignments)
                                   .values("campaign_id"))


def _standing_campaign(actor: Actor, pupil: Pupil, pins: list[dict[str, str]],
                       ends_on: dt.date, today: dt.date) -> Campaign:
    """An open follow-up campaign of the pupil's region the pupil is not yet in, whose pinned
    versions agree with today's instruments; else a new one. Locked for the caller's
    transaction; missing instruments are pinned and the window stretched to ``ends_on``."""
    region_id = pupil.school.district.region_id
    ours = _follow_up_campaigns(region_id)
    candidate_ids = list(ours.filter(status=Campaign.Status.OPEN)
                         .exclude(assignments__pupil=pupil).values_list("pk", flat=True))
    follow_up_campaigns = (Campaign.objects.select_for_update()
                           .filter(pk__in=candidate_ids).order_by("pk"))
    wanted = {p["code"]: p["version"] for p in pins}
    for campaign in follow_up_campaigns:
        pinned = {p["code"]: p["version"] for p in campaign.instruments}
        if any(pinned.get(code, version) != version for code, version in wanted.items()):
            continue  # an instrument changed version since: the next round pins the new one
        changed = []
        missing = [p for p in pins if p["code"] not in pinned]
        if missing:
            campaign.instruments = [*campaign.instruments, *missing]
            changed.append("instruments")
        if campaign.ends_on < ends_on:
            campaign.ends_on = ends_on
            changed.append("ends_on")
        if changed:
            campaign.save(update_fields=changed)
        return campaign
    rounds = ours.count()
    campaign = Campaign.objects.create(
        region_id=region_id, centre_id=actor.membership.centre_id,
        name=gettext("Follow-up screenings of the risk group (%(number)s)")
        % {"number": rounds + 1},
        instruments=pins, grades=[], starts_on=today, ends_on=ends_on,
        status=Campaign.Status.OPEN, opened_at=timezone.now(), created_by=actor.user,
        # nobody is assigned in bulk: the assignments are the follow-ups' own
        assign_status=JobStatus.DONE)
    audit_record(actor=actor, action="screening.campaign.created", target=campaign,
                 data={"campaign_id": campaign.pk, "instruments": pins, "follow_up": True})
    return campaign


def _locked(rescreening: FollowUpScreening) -> FollowUpScreening:
    # only the follow-up's row: PostgreSQL does not lock the nullable side of an outer join
    return (FollowUpScreening.objects.select_for_update(of=("self",))
            .select_related("case__pupil__school__district", "assignment")
            .get(pk=rescreening.pk))


def rescreening_issue_code(*, actor: Actor, rescreening: FollowUpScreening,
                           today: dt.date | None = None) -> tuple[FollowUpScreening, str]:
    """Issue the child's one-time code (or a new one, which makes the old one useless). Returns
    the follow-up and the code, to be shown once."""
    require(actor, Action.CASE_WORK, rescreening)
    today = today or timezone.localdate()
    with transaction.atomic():
        rescreening = _locked(rescreening)
        status = rescreening_status(rescreening)
        if status == F.DONE:
            raise DomainError(_("The child has already answered this re-screening."),
                              code="already_done")
        if status == F.CANCELLED:
            raise DomainError(_("This re-screening has been cancelled."), code="cancelled")
        pupil = rescreening.case.pupil
        if pupil.status != Pupil.Status.ACTIVE:
            raise DomainError(_("The pupil is no longer at school: no code can be issued."),
                              code="pupil_inactive")
        ends_on = max(rescreening.due_on, today) + dt.timedelta(days=CODE_GRACE_DAYS)
        code = code_new()
        assignment = rescreening.assignment
        if assignment is not None:
            reissued = True
            assignment = Assignment.objects.select_for_update().select_related("campaign").get(
                pk=assignment.pk)
            campaign = assignment.campaign
            if campaign.status != Campaign.Status.OPEN:
                raise DomainError(_("The follow-up campaign has been closed by the centre head. "
                                    "Schedule a new re-screening."), code="campaign_closed")
            if campaign.ends_on < ends_on:
                campaign.ends_on = ends_on
                campaign.save(update_fields=["ends_on"])
            assignment.code_hash, assignment.code_sealed = code_hash(code), code
            assignment.save(update_fields=["code_hash", "code_sealed"])
        else:
            reissued = False
            try:
                pins = _pins(rescreening.instruments)
            except NotFound:
                raise DomainError(_("An instrument of this re-screening is no longer in the "
                                    "registry. Schedule a new re-screening."),
                                  code="unknown_instrument") from None
            campaign = _standing_campaign(actor, pupil, pins, ends_on, today)
            assignment = Assignment.objects.create(
                campaign=campaign, pupil=pupil, school=pupil.school,
                district=pupil.school.district, grade=pupil.grade,
                class_letter=pupil.class_letter, instruments=list(rescreening.instruments),
                code_hash=code_hash(code), code_sealed=code, status=Assignment.Status.PENDING,
                status_changed_by=actor.user)
            rescreening.assignment = assignment
            rescreening.status = F.ASSIGNED
            rescreening.save(update_fields=["assignment", "status"])
        CaseEvent.objects.create(case=rescreening.case, kind=CaseEvent.Kind.RESCREENING,
                                 actor=actor.user,
                                 data={"rescreening_id": rescreening.pk,
                                       "assignment_id": assignment.pk, "status": F.ASSIGNED,
                                       "reissued": reissued})
        audit_record(actor=actor, action="cases.rescreening.code_issued", target=rescreening,
                     data={"rescreening_id": rescreening.pk, "case_id": rescreening.case_id,
                           "assignment_id": assignment.pk, "campaign_id": campaign.pk,
                           "reissued": reissued})
    return rescreening, code


def rescreening_cancel(*, actor: Actor, rescreening: FollowUpScreening) -> FollowUpScreening:
    """Call off a follow-up not yet answered. A code already handed out stops working: it is
    replaced by one nobody knows (answers already given stay on the pupil's record)."""
    require(actor, Action.CASE_WORK, rescreening)
    with transaction.atomic():
        rescreening = _locked(rescreening)
        status = rescreening_status(rescreening)
        if status in (F.DONE, F.CANCELLED):
            raise DomainError(_("Only a re-screening still waiting can be cancelled."),
                              code="not_waiting")
        if rescreening.assignment is not None:
            assignment = Assignment.objects.select_for_update().get(
                pk=rescreening.assignment_id)
            unknown = code_new()
            assignment.code_hash, assignment.code_sealed = code_hash(unknown), unknown
            assignment.save(update_fields=["code_hash", "code_sealed"])
        rescreening.status = F.CANCELLED
        rescreening.save(update_fields=["status"])
        CaseEvent.objects.create(case=rescreening.case, kind=CaseEvent.Kind.RESCREENING,
                                 actor=actor.user,
                                 data={"rescreening_id": rescreening.pk, "status": F.CANCELLED})
        audit_record(actor=actor, action="cases.rescreening.cancelled", target=rescreening,
                     data={"rescreening_id": rescreening.pk, "case_id": rescreening.case_id})
    return rescreening
