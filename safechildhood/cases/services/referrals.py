"""Referrals to service providers, followed until the loop is closed.

A referral goes out to a provider of the directory (psychiatrist, narcologist, social
protection...) and then moves through the steps of ``TRANSITIONS``: the provider accepts it (or
declines), the child attends (or does not come), the provider sends its feedback. The centre may
withdraw a referral that is still under way. Every step is a dated, attributed ``ReferralStep``
with an encrypted note, a ``CaseEvent`` in the case history and an audit event, in one
transaction. A referral still under way has a ``next_step_due`` date (the last step's date plus
``settings.REFERRAL_STEP_DAYS``): past it, the referral is overdue.

Only the case's owner and the centre head record steps (``Action.CASE_WORK``), and only on an
open case.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, in_scope, require
from safechildhood.audit.services import audit_record
from safechildhood.cases.models import CaseEvent, Referral, ReferralStep, RiskCase
from safechildhood.directory.models import ServiceProvider
from safechildhood.errors import DomainError

S = Referral.Status

# The closed loop, and its other endings. A status absent from the keys ends the referral.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SENT: frozenset({S.ACCEPTED, S.DECLINED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.ATTENDED, S.NO_SHOW, S.WITHDRAWN}),
    S.ATTENDED: frozenset({S.FEEDBACK}),
}
OPEN_STATUSES = frozenset(TRANSITIONS)
CLOSED_STATUSES = frozenset(S.values) - OPEN_STATUSES
# Steps that need the reason written down: a refusal or a withdrawal is followed up.
NOTE_REQUIRED = frozenset({S.DECLINED, S.WITHDRAWN})

NOTE_MAX = 4000


def next_statuses(status: str) -> list[str]:
    """The steps that may follow ``status``, in the order of the loop (the usual one first)."""
    allowed = TRANSITIONS.get(status, frozenset())
    return [value for value in S.values if value in allowed]


def step_due(status: str, on: dt.date) -> dt.date | None:
    """When the next step is due after a step on ``on``; None once the loop is closed."""
    if status not in OPEN_STATUSES:
        return None
    return on + dt.timedelta(days=settings.REFERRAL_STEP_DAYS)


def is_overdue(referral: Referral, *, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (referral.status in OPEN_STATUSES and referral.next_step_due is not None
            and referral.next_step_due < today)


def _moment(on: dt.date | None, today: dt.date, not_before: dt.datetime | None) -> dt.datetime:
    """The time a step is recorded at: now for today, else midday of the day given (only the
    date is shown). Refuses a day in the future or before the previous step."""
    if on is None or on == today:
        moment = timezone.now()
        if not_before is not None and moment < not_before:
            moment = not_before
        return moment
    if on > today:
        raise DomainError(_("The date cannot be in the future."), code="future_date", field="on")
    moment = timezone.make_aware(dt.datetime.combine(on, dt.time(12, 0)))
    if not_before is not None and on < timezone.localdate(not_before):
        raise DomainError(_("The date cannot be before the previous step of this referral."),
                          code="before_previous_step", field="on")
    return moment


def _clean_text(text: str, field: str) -> str:
    text = (text or "").strip()
    if len(text) > NOTE_MAX:
        raise DomainError(_("Keep it under %(count)s characters.") % {"count": NOTE_MAX},
                          code="too_long", field=field)
    return text


def referral_send(*, actor: Actor, case: RiskCase, provider: ServiceProvider, reason: str,
                  on: dt.date | None = None, today: dt.date | None = None) -> Referral:
    """Refer the case's child (and family) to a provider of the region's directory."""
    require(actor, Action.CASE_WORK, case)
    today = today or timezone.localdate()
    reason = _clean_text(reason, "reason")
    if not reason:
        raise DomainError(_("Say why the child is referred."), code="reason_missing",
                          field="reason")
    if not in_scope(actor, provider) or not provider.is_active or \
            provider.region_id != case.pupil.school.district.region_id:
        raise DomainError(_("Choose an active service provider of the region."),
                          code="bad_provider", field="provider")
    with transaction.atomic():
        case = RiskCase.objects.select_for_update().get(pk=case.pk)
        if not case.is_open:
            raise DomainError(_("The case is closed."), code="case_closed")
        if Referral.objects.filter(case=case, provider=provider,
                                   status__in=OPEN_STATUSES).exists():
            raise DomainError(_("This child already has a referral to this provider under way."),
                              code="already_referred", field="provider")
        at = _moment(on, today, None)
        referral = Referral.objects.create(
            case=case, provider=provider, reason=reason, status=S.SENT, sent_at=at,
            sent_by=actor.user, next_step_due=step_due(S.SENT, timezone.localdate(at)))
        ReferralStep.objects.create(referral=referral, status=S.SENT, at=at, by=actor.user)
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.REFERRAL, at=at,
                                 actor=actor.user,
                                 data={"referral_id": referral.pk, "provider_id": provider.pk,
                                       "provider_kind": provider.kind, "status": S.SENT})
        audit_record(actor=actor, action="cases.referral.sent", target=referral,
                     data={"referral_id": referral.pk, "case_id": case.pk,
                           "provider_id": provider.pk})
    return referral


def referral_step_record(*, actor: Actor, referral: Referral, status: str, note: str = "",
                         feedback: str = "", on: dt.date | None = None,
                         today: dt.date | None = None) -> Referral:
    """Record the next step of a referral: the status it moves to, when, and a note (feedback
    text with the feedback step)."""
    require(actor, Action.CASE_WORK, referral)
    today = today or timezone.localdate()
    note = _clean_text(note, "note")
    feedback = _clean_text(feedback, "feedback")
    if status not in S.values:
        raise DomainError(_("Choose what happened."), code="bad_status", field="status")
    with transaction.atomic():
        referral = (Referral.objects.select_for_update().select_related("case", "provider")
                    .get(pk=referral.pk))
        before = referral.status
        if status not in TRANSITIONS.get(before, frozenset()):
            raise DomainError(
                _("A referral that is “%(before)s” cannot become “%(after)s”.")
                % {"before": S(before).label, "after": S(status).label},
                code="bad_transition", field="status")
        if status == S.FEEDBACK and not feedback:
            raise DomainError(_("Write down the provider's feedback."), code="feedback_missing",
                              field="feedback")
        if status in NOTE_REQUIRED and not note:
            raise DomainError(_("Say why."), code="note_missing", field="note")
        last = referral.steps.order_by("-at", "-id").values_list("at", flat=True).first()
        at = _moment(on, today, last)
        referral.status = status
        referral.next_step_due = step_due(status, timezone.localdate(at))
        fields = ["status", "next_step_due", "updated_at"]
        if status == S.FEEDBACK:
            referral.feedback = feedback
            fields.append("feedback")
        referral.save(update_fields=fields)
        ReferralStep.objects.create(referral=referral, status=status, at=at, by=actor.user,
                                    note=note)
        CaseEvent.objects.create(case=referral.case, kind=CaseEvent.Kind.REFERRAL, at=at,
                                 actor=actor.user,
                                 data={"referral_id": referral.pk,
                                       "provider_id": referral.provider_id,
                                       "provider_kind": referral.provider.kind,
                                       "from": before, "status": status})
        audit_record(actor=actor, action="cases.referral.step_recorded", target=referral,
                     data={"referral_id": referral.pk, "case_id": referral.case_id,
                           "from": before, "to": status})
    return referral
