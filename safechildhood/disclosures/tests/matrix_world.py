"""Disclosure objects for the authorization matrix: a concern about a pupil of the test school
(another pupil than the matrix's own, so that the centre seeing this child through the proposed
risk-group entry changes no pupil route), its police report sent to the inspector's unit and
acknowledged, and the prosecutor's note to the police on it; the same in another region."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.directory.tests.factories import PoliceUnitFactory, ProsecutorOfficeFactory
from safechildhood.disclosures import services
from safechildhood.disclosures.models import Concern, OversightNote
from safechildhood.people.tests.factories import PupilFactory


def _side(school, psychologist, inspector, analyst):
    pupil = PupilFactory(school=school, grade=7)
    concern = services.concern_create(
        actor=psychologist, pupil=pupil, category=Concern.Category.FAMILY_VIOLENCE,
        disclosed_by=Concern.DisclosedBy.CHILD, channel=Concern.Channel.IN_PERSON,
        disclosed_at=timezone.now() - dt.timedelta(hours=1),
        safety_actions="Stays with the psychologist.", narrative="What the child said.")
    report = services.report_send(actor=psychologist, report=concern.report)
    report = services.report_acknowledge(actor=inspector, report=report)
    note = services.oversight_note_add(
        actor=analyst, report=report, text="Register the report.",
        addressed_to=OversightNote.AddressedTo.POLICE,
        response_due=timezone.localdate() + dt.timedelta(days=3))
    return {"concern_pupil": pupil, "concern": concern, "report": report, "police_note": note}


def _actor(role, **scope):
    return actor_for(MembershipFactory(role=role, **scope).user)


def objects(w) -> dict[str, tuple]:
    inside = _side(w.school, actor_for(w.users[Role.SCHOOL_PSYCHOLOGIST.value]),
                   actor_for(w.users[Role.POLICE_INSPECTOR.value]),
                   actor_for(w.users[Role.PROSECUTOR_ANALYST.value]))
    other_district = w.other_school.district
    outside = _side(
        w.other_school, _actor(Role.SCHOOL_PSYCHOLOGIST, school=w.other_school),
        _actor(Role.POLICE_INSPECTOR, police_unit=PoliceUnitFactory(district=other_district)),
        _actor(Role.PROSECUTOR_ANALYST,
               prosecutor_office=ProsecutorOfficeFactory(region=other_district.region)))
    return {kind: (inside[kind], outside[kind]) for kind in inside}
