"""Submitting a response: score it, store the scores, propose risk categories and raise a crisis
alert for a critical result. Every path (the pupil's page, paper entry, bulk import) ends here,
so they cannot disagree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require
from safechildhood.audit.services import audit_record
from safechildhood.errors import DomainError
from safechildhood.people.models import Pupil
from safechildhood.screening.models import (
    Assignment,
    Campaign,
    CrisisAlert,
    DutyShift,
    Response,
    TriageProposal,
)
from safechildhood.screening.scoring import LEVELS, AnswerError, Instrument, Result, score
from safechildhood.screening.services.instruments import instrument_get


def answer_error(error: AnswerError) -> DomainError:
    problem = error.problems[0]
    messages = {
        "unknown_item": _("%(item)s is not a question of this instrument."),
        "unknown_code": _("%(answer)s is not a possible answer to %(item)s."),
        "not_a_number": _("The answer to %(item)s must be a whole number."),
        "out_of_range": _("The answer to %(item)s is out of range."),
    }
    return DomainError(messages[problem.code] % {"item": problem.item, "answer": problem.answer},
                       code=problem.code, field=problem.item)


def scored_fields(instrument: Instrument, answers: dict[str, Any], *,
                  cleaned: bool = False) -> tuple[Result, dict]:
    """The result and the columns a response keeps from it (the same for every path)."""
    try:
        result = score(instrument, answers, cleaned=cleaned)
    except AnswerError as error:
        raise answer_error(error) from None
    main = result.scales.get(instrument.scales[0].id) if instrument.scales else None
    return result, {
        "scores": result.as_dict(),
        "total": main.total if main else None,
        "band": (main.band or "") if main else "",
        "completeness": result.status,
        "critical": result.critical,
        "level": result.top_level or "",
    }


def alert_deadline(raised_at: dt.datetime, acute: bool) -> dt.datetime:
    """Acute: within ALERT_ACUTE_HOURS. Otherwise the same school day (ALERT_SCHOOL_DAY_END),
    and never less than ALERT_MIN_HOURS."""
    if acute:
        return raised_at + dt.timedelta(hours=settings.ALERT_ACUTE_HOURS)
    local = timezone.localtime(raised_at)
    hour, minute = (int(x) for x in settings.ALERT_SCHOOL_DAY_END.split(":"))
    day_end = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return max(day_end, raised_at + dt.timedelta(hours=settings.ALERT_MIN_HOURS))


def on_duty_for(district_id: int, day: dt.date):
    shift = (DutyShift.objects.filter(district_id=district_id, starts_on__lte=day,
                                      ends_on__gte=day)
             .select_related("specialist").order_by("-starts_on", "-id").first())
    return shift.specialist if shift else None


def _follow_up(response: Response, result: Result, pupil: Pupil, actor: Actor | None) -> None:
    """Triage proposals and, for a critical result, a crisis alert (inside the caller's
    transaction)."""
    follow_up_many([(response, result, pupil.pk)], actor)


def proposed_triage(result: Result) -> list[tuple[str, str]]:
    """The (category, level) pairs of a result that become triage proposals."""
    floor = LEVELS.index(settings.TRIAGE_MIN_LEVEL)
    return [(t.category, t.level) for t in result.triage if LEVELS.index(t.level) >= floor]


def proposal_evidence(instrument: str, version: str, total: int | None, band: str,
                      result: Result) -> dict[str, Any]:
    """What a screening proposal keeps of the response (codes only)."""
    return {"instrument": instrument, "version": version, "total": total, "band": band,
            "flags": result.raised_flags, "completeness": result.status}


def alert_flags(result: Result) -> list[str]:
    """The critical flags raised: what a crisis alert names."""
    return [k for k, f in result.flags.items() if f.state is True and f.critical]


def alert_audit_data(alert: CrisisAlert) -> dict[str, Any]:
    return {"alert_id": alert.pk, "response_id": alert.response_id, "acute": alert.acute,
            "flags": alert.flags, "on_duty": alert.on_duty_id,
            "deadline": alert.deadline.isoformat()}


def follow_up_many(scored: list[tuple[Response, Result, int]], actor: Actor | None) -> None:
    """``_follow_up`` for many stored responses at once ((response, result, pupil id), each
    response with its ``school`` set): the same proposals and alerts, written in one insert
    per kind, the person on duty looked up once per district."""
    proposals = []
    for response, result, pupil_id in scored:
        evidence = proposal_evidence(response.instrument, response.version, response.total,
                                     response.band, result)
        proposals += [
            TriageProposal(pupil_id=pupil_id, school_id=response.school_id,
                           district_id=response.school.district_id, response=response,
                           source=TriageProposal.Source.SCREENING, category=category,
                           level=level, evidence=evidence)
            for category, level in proposed_triage(result)
        ]
    TriageProposal.objects.bulk_create(proposals)
    on_duty: dict[int, Any] = {}
    for response, result, pupil_id in scored:
        if not result.critical:
            continue
        now = timezone.now()
        district_id = response.school.district_id
        if district_id not in on_duty:
            on_duty[district_id] = on_duty_for(district_id, timezone.localdate(now))
        alert = CrisisAlert.objects.create(
            pupil_id=pupil_id, response=response, school_id=response.school_id,
            district_id=district_id, flags=alert_flags(result),
            acute=result.acute, raised_at=now, deadline=alert_deadline(now, result.acute),
            on_duty=on_duty[district_id])
        audit_record(actor=actor, action="screening.alert.raised", target=alert,
                     data=alert_audit_data(alert))


def response_finish(*, response: Response, instrument: Instrument, actor: Actor | None) -> Response:
    """Score a response that is still a draft and submit it (inside a transaction)."""
    result, fields = scored_fields(instrument, response.answers)
    for name, value in fields.items():
        setattr(response, name, value)
    response.status = Response.Status.SUBMITTED
    response.submitted_at = timezone.now()
    response.save()
    audit_record(actor=actor, action="screening.response.submitted", target=response,
                 data={"response_id": response.pk, "instrument": response.instrument,
                       "source": response.source, "critical": response.critical,
                       "completeness": response.completeness})
    _follow_up(response, result, response.pupil, actor)
    return response


def _complete_if_done(assignment: Assignment) -> None:
    done = set(assignment.responses.filter(status=Response.Status.SUBMITTED)
               .values_list("instrument", flat=True))
    if set(assignment.instruments) <= done and assignment.status != Assignment.Status.COMPLETED:
        assignment.status = Assignment.Status.COMPLETED
        assignment.completed_at = timezone.now()
        assignment.save(update_fields=["status", "completed_at"])


def response_enter_paper(*, actor: Actor, assignment: Assignment, instrument_code: str,
                         answers: dict[str, Any], language: str = "") -> Response:
    """A school psychologist types in a paper questionnaire for an assigned pupil."""
    require(actor, Action.ASSIGNMENT_MANAGE, assignment)
    with transaction.atomic():
        assignment = (Assignment.objects.select_for_update()
                      .select_related("campaign", "school", "pupil").get(pk=assignment.pk))
        instrument = _assignment_instrument(assignment, instrument_code)
        if assignment.responses.filter(instrument=instrument.code,
                                       status=Response.Status.SUBMITTED).exists():
            raise DomainError(_("This questionnaire has already been submitted for this "
                                "pupil."), code="already_submitted")
        response, _created = Response.objects.get_or_create(
            assignment=assignment, instrument=instrument.code,
            defaults={"pupil": assignment.pupil, "campaign": assignment.campaign,
                      "school": assignment.school, "version": instrument.version,
                      "source": Response.Source.PAPER})
        response.answers = {k: v for k, v in answers.items() if v not in (None, "")}
        response.source = Response.Source.PAPER
        response.entered_by = actor.user
        response.language = language
        response_finish(response=response, instrument=instrument, actor=actor)
        _complete_if_done(assignment)
    return response


def _assignment_instrument(assignment: Assignment, code: str) -> Instrument:
    campaign = assignment.campaign
    if campaign.status != Campaign.Status.OPEN:
        raise DomainError(_("The campaign is closed."), code="campaign_closed")
    if code not in assignment.instruments:
        raise DomainError(_("This questionnaire is not assigned to this pupil."),
                          code="not_assigned")
    if assignment.status in (Assignment.Status.NO_CONSENT, Assignment.Status.REFUSED):
        raise DomainError(_("This pupil is not to be screened in this campaign."),
                          code="not_screened")
    version = next(i["version"] for i in campaign.instruments if i["code"] == code)
    return instrument_get(code, version)
