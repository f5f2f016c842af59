"""Factories for screening: campaigns, assignments, responses and alerts in realistic states."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.screening.models import Assignment, Campaign, CrisisAlert
from safechildhood.screening.services.codes import code_hash, code_new
from safechildhood.screening.services.responses import response_enter_paper


def make_campaign(*, region, centre, created_by, instruments=("phq-a",), grades=(),
                  status=Campaign.Status.OPEN, consent_rule=Campaign.ConsentRule.OPT_OUT,
                  days=14) -> Campaign:
    from safechildhood.screening.services.instruments import instrument_get

    today = timezone.localdate()
    return Campaign.objects.create(
        region=region, centre=centre, name="Autumn screening", created_by=created_by,
        instruments=[{"code": c, "version": instrument_get(c).version} for c in instruments],
        grades=list(grades), starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=days), consent_rule=consent_rule, status=status,
        opened_at=timezone.now() if status != Campaign.Status.DRAFT else None)


def make_assignment(campaign: Campaign, pupil, *, code: str | None = None,
                    instruments=None, status=Assignment.Status.PENDING) -> tuple[Assignment, str]:
    code = code or code_new()
    assignment = Assignment.objects.create(
        campaign=campaign, pupil=pupil, school=pupil.school, district=pupil.school.district,
        grade=pupil.grade, class_letter=pupil.class_letter,
        instruments=list(instruments or campaign.instrument_codes), code_hash=code_hash(code),
        code_sealed=code, status=status)
    return assignment, code


PHQ_A_ITEM9 = {**{f"phq_a_{n}": "0" for n in range(1, 9)}, "phq_a_9": "1",
               "phq_a_past_year": "no", "phq_a_sa1": "no", "phq_a_sa2": "no"}


def make_alert(assignment: Assignment, psychologist) -> CrisisAlert:
    """A PHQ-A with item 9 positive, entered from paper by the school psychologist."""
    response = response_enter_paper(actor=actor_for(psychologist), assignment=assignment,
                                    instrument_code="phq-a", answers=PHQ_A_ITEM9)
    return response.alert
