"""A small region for the day page and the head's overview, with known answers: the alerts
world of screening (two districts, Baizak and Merke, a school in each, a far region, the centre's
head and a specialist per district) plus helpers that place cases and their parts exactly."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from safechildhood.cases.models import RiskCase
from safechildhood.cases.tests.factories import RiskCaseFactory
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.tests.alerts_fixtures import alert_in

__all__ = ["ago", "alert_in", "case_of", "today"]


def today() -> dt.date:
    return timezone.localdate()


def ago(days: float = 0, hours: float = 0) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days, hours=hours)


def case_of(w, actor, *, school=None, status=RiskCase.Status.ACTIVE, **fields) -> RiskCase:
    """A case of a new pupil of ``school`` (default: the owner's district's school) owned by
    ``actor`` (an Actor, or None for a proposed case), contacted yesterday and reviewed in 20
    days unless told otherwise."""
    if school is None:
        school = w.school_b if actor is w.spec_b else w.school_a
    defaults = {"last_contact_at": ago(1), "first_contact_at": ago(10),
                "next_review_on": today() + dt.timedelta(days=20), "opened_at": ago(40)}
    if status == RiskCase.Status.PROPOSED:
        defaults.update(last_contact_at=None, first_contact_at=None, next_review_on=None)
    defaults.update(fields)
    defaults.setdefault("pupil", None)
    defaults["pupil"] = defaults["pupil"] or PupilFactory(school=school)
    return RiskCaseFactory(status=status,
                           owner=actor.user if actor else None, opened_by=w.head.user,
                           **defaults)
