"""A small region for the alert, duty and results tests: two districts with a school each, a
school of another region, the staff of each, an open campaign and helpers that make alerts and
responses. Imported by the test modules that use it (``from ... import *`` of the fixtures)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory, UserFactory
from safechildhood.directory.tests.factories import (
    PoliceUnitFactory,
    ProsecutorOfficeFactory,
    SchoolFactory,
    SupportCentreFactory,
)
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import CrisisAlert, DutyShift
from safechildhood.screening.services.responses import response_enter_paper
from safechildhood.screening.tests.factories import (
    make_alert,
    make_assignment,
    make_campaign,
)

# PHQ-A answers without any finding, and with a moderate total (10: a medium triage level)
PHQ_A_CALM = {**{f"phq_a_{n}": "0" for n in range(1, 10)}, "phq_a_past_year": "no",
              "phq_a_sa1": "no", "phq_a_sa2": "no"}
PHQ_A_MODERATE = {**PHQ_A_CALM, "phq_a_1": "3", "phq_a_2": "3", "phq_a_3": "2", "phq_a_4": "2"}


def school_in(district):
    return SchoolFactory(settlement=SettlementFactory(district=district))


def staff(role, **scope):
    membership = MembershipFactory(role=role, user=UserFactory(
        last_name=f"Staff{role[:6]}", first_name="Test"), **scope)
    return actor_for(membership.user)


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


@pytest.fixture
def world(db):
    region = RegionFactory()
    baizak = DistrictFactory(region=region, name_en="Baizak", name_ru="Байзак")
    merke = DistrictFactory(region=region, name_en="Merke", name_ru="Мерке")
    school_a, school_b = school_in(baizak), school_in(merke)
    far_region = RegionFactory()
    far_district = DistrictFactory(region=far_region)
    school_far = school_in(far_district)
    centre = SupportCentreFactory(region=region)
    w = SimpleNamespace(
        region=region, baizak=baizak, merke=merke, school_a=school_a, school_b=school_b,
        far_district=far_district, school_far=school_far, centre=centre,
        head=staff(Role.CENTRE_HEAD, centre=centre),
        spec_a=staff(Role.CENTRE_SPECIALIST, centre=centre, districts=[baizak]),
        spec_b=staff(Role.CENTRE_SPECIALIST, centre=centre, districts=[merke]),
        psy_a=staff(Role.SCHOOL_PSYCHOLOGIST, school=school_a),
        psy_b=staff(Role.SCHOOL_PSYCHOLOGIST, school=school_b),
        admin_a=staff(Role.SCHOOL_ADMIN, school=school_a),
        inspector=staff(Role.POLICE_INSPECTOR, police_unit=PoliceUnitFactory(district=baizak)),
        analyst=staff(Role.PROSECUTOR_ANALYST,
                      prosecutor_office=ProsecutorOfficeFactory(region=region)),
        regional_admin=staff(Role.REGIONAL_ADMIN, region_scope=region),
        far_head=staff(Role.CENTRE_HEAD, centre=SupportCentreFactory(region=far_region)),
    )
    w.far_psy = staff(Role.SCHOOL_PSYCHOLOGIST, school=school_far)
    w.campaign = make_campaign(region=region, centre=centre, created_by=w.head.user,
                               instruments=("phq-a", "asq"))
    w.far_campaign = make_campaign(region=far_region, centre=w.far_head.membership.centre,
                                   created_by=w.far_head.user)
    return w


def psychologist_of(w, school):
    return {w.school_a.pk: w.psy_a, w.school_b.pk: w.psy_b,
            w.school_far.pk: w.far_psy}[school.pk]


def alert_in(w, school=None, *, campaign=None, class_letter="А", grade=8, **pupil) -> CrisisAlert:
    """A pupil of ``school`` whose PHQ-A answer to item 9 raised an alert."""
    school = school or w.school_a
    campaign = campaign or (w.far_campaign if school == w.school_far else w.campaign)
    child = PupilFactory(school=school, grade=grade, class_letter=class_letter, **pupil)
    assignment, _code = make_assignment(campaign, child, instruments=["phq-a"])
    return make_alert(assignment, psychologist_of(w, school).user)


def response_in(w, answers=None, *, school=None, grade=8, class_letter="А", instrument="phq-a",
                **pupil):
    """A pupil of ``school`` with one submitted paper questionnaire."""
    school = school or w.school_a
    child = PupilFactory(school=school, grade=grade, class_letter=class_letter, **pupil)
    assignment, _code = make_assignment(w.campaign, child, instruments=[instrument])
    return response_enter_paper(actor=psychologist_of(w, school), assignment=assignment,
                                instrument_code=instrument,
                                answers=answers if answers is not None else PHQ_A_CALM)


def shift(w, specialist, district, *, days=(0, 0)) -> DutyShift:
    today = timezone.localdate()
    return DutyShift.objects.create(district=district, specialist=specialist.user,
                                    starts_on=today + dt.timedelta(days=days[0]),
                                    ends_on=today + dt.timedelta(days=days[1]),
                                    created_by=w.head.user)
