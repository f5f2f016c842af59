"""The demo's screening: an open autumn campaign in the two demo schools, duty shifts for the
centre specialists, and some pupils who have already answered (seeded, so the same every time),
a few of them with results that raised crisis alerts."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from safechildhood.directory.models import School
from safechildhood.geography.models import District
from safechildhood.screening.models import Assignment, Campaign, DutyShift, Response
from safechildhood.screening.services.campaigns import campaign_assign
from safechildhood.screening.services.instruments import instrument_get
from safechildhood.screening.services.responses import _complete_if_done, response_finish

INSTRUMENTS = ("phq-a", "asq", "gad-7", "y-psc-17")
ANSWERED_SHARE = 0.4


def demo_screening(*, seed: int, region, centre, head, schools: list[School],
                   specialists: dict, districts: dict[str, District]) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        region=region, centre=centre, name="Күзгі скрининг 2026 / Осенний скрининг 2026",
        instruments=[{"code": c, "version": instrument_get(c).version} for c in INSTRUMENTS],
        grades=[7, 8, 9, 10, 11], starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=25), created_by=head,
        status=Campaign.Status.OPEN, opened_at=timezone.now(), assign_status="queued")
    campaign.schools.set(schools)
    campaign_assign(campaign_id=campaign.pk)
    for user, keys in specialists.items():
        for key in keys:
            DutyShift.objects.create(district=districts[key], specialist=user, starts_on=today,
                                     ends_on=today + dt.timedelta(days=30), created_by=head)
    rng = random.Random(seed)  # noqa: S311 - seeded demo data, not a secret
    pending = Assignment.objects.filter(campaign=campaign, status=Assignment.Status.PENDING)
    for assignment in pending.select_related("pupil", "school").order_by("pk"):
        if rng.random() > ANSWERED_SHARE:
            continue
        mood = rng.random()  # most children are fine; a few are not
        for code in assignment.instruments:
            instrument = instrument_get(code)
            answers = _answers(instrument, rng, mood)
            response = Response(pupil=assignment.pupil, campaign=campaign,
                                assignment=assignment, school=assignment.school,
                                instrument=code, version=instrument.version, answers=answers,
                                source=Response.Source.ONLINE, language="ru")
            response_finish(response=response, instrument=instrument, actor=None)
        _complete_if_done(assignment)
    return campaign


def _answers(instrument, rng: random.Random, mood: float) -> dict[str, str]:
    from safechildhood.screening.scoring import is_shown

    answers: dict[str, str] = {}
    for item in instrument.items:
        if is_shown(instrument, item, answers) is False or item.option_set is None:
            continue
        options = item.option_set.options
        if item.critical and mood <= 0.97:
            answers[item.id] = min(options, key=lambda o: o.value).code
            continue
        if mood > 0.97:
            weights = [1 + i for i in range(len(options))]
        else:
            weights = [max(1, 8 - 4 * i) for i in range(len(options))]
        if {o.code for o in options} >= {"yes", "no"}:
            answers[item.id] = "yes" if rng.random() < (0.35 if mood > 0.97 else 0.04) else "no"
        else:
            answers[item.id] = rng.choices([o.code for o in options], weights=weights)[0]
    return answers
