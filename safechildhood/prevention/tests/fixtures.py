"""A small world for the prevention tests: a region with two districts (a school in each, two
in the north), a school of another region, the staff around them, and helpers that record
trainings, events and outreach through the services."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
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
from safechildhood.people.tests.factories import GuardianFactory, PupilFactory
from safechildhood.prevention import services
from safechildhood.prevention.models import Event

KAZAKH_LETTERS = "әғқңөұүһі"


def school_in(district, **kwargs):
    return SchoolFactory(settlement=SettlementFactory(district=district), **kwargs)


def staff(role, **scope):
    return actor_for(MembershipFactory(role=role, **scope).user)


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    region, other_region = RegionFactory(), RegionFactory()
    north, south = DistrictFactory(region=region), DistrictFactory(region=region)
    far = DistrictFactory(region=other_region)
    school_n, school_n2, school_s = school_in(north), school_in(north), school_in(south)
    school_far = school_in(far)
    centre = SupportCentreFactory(region=region, name_kk="Психологиялық қолдау орталығы")
    unit_n = PoliceUnitFactory(district=north)
    office = ProsecutorOfficeFactory(region=region)
    w = SimpleNamespace(
        region=region, other_region=other_region, north=north, south=south, far=far,
        school_n=school_n, school_n2=school_n2, school_s=school_s, school_far=school_far,
        centre=centre, unit_n=unit_n, office=office,
        head=staff(Role.CENTRE_HEAD, centre=centre),
        specialist_s=staff(Role.CENTRE_SPECIALIST, centre=centre, districts=[south]),
        psychologist_n=staff(Role.SCHOOL_PSYCHOLOGIST, school=school_n),
        psychologist_n2=staff(Role.SCHOOL_PSYCHOLOGIST, school=school_n2),
        psychologist_s=staff(Role.SCHOOL_PSYCHOLOGIST, school=school_s),
        psychologist_far=staff(Role.SCHOOL_PSYCHOLOGIST, school=school_far),
        admin_n=staff(Role.SCHOOL_ADMIN, school=school_n),
        inspector_n=staff(Role.POLICE_INSPECTOR, police_unit=unit_n),
        prosecutor=staff(Role.PROSECUTOR_ANALYST, prosecutor_office=office),
        regional_admin=staff(Role.REGIONAL_ADMIN, region_scope=region),
    )
    w.pupil_n = PupilFactory(school=school_n)
    w.guardian_n = GuardianFactory(pupil=w.pupil_n, full_name="Әбдірова Гүлнар")
    w.pupil_s = PupilFactory(school=school_s)
    w.guardian_s = GuardianFactory(pupil=w.pupil_s, full_name="Қасымов Ерлан")
    return w


def training(actor, *, start: dt.date | None = None, token: str = "", **kwargs):
    start = start or days_ago(5)
    data = services.TrainingInput(
        topic=kwargs.pop("topic", "Балалардың құқықтары мен қауіпсіздігі"), starts_on=start,
        ends_on=kwargs.pop("ends_on", start + dt.timedelta(days=1)),
        hours=kwargs.pop("hours", 16), trainer=kwargs.pop("trainer", "Өмірзақова Һ. І."),
        place=kwargs.pop("place", ""))
    return services.training_create(actor=actor, data=data, token=token)


def event(actor, *, district, token: str = "", **kwargs):
    data = services.EventInput(
        kind=kwargs.pop("kind", Event.Kind.CONFERENCE), title=kwargs.pop("title", "Conference"),
        held_on=kwargs.pop("held_on", days_ago(3)), district=district,
        organisers=kwargs.pop("organisers", ["centre"]), pupils=kwargs.pop("pupils", 50),
        **kwargs)
    return services.event_create(actor=actor, data=data, token=token)


def meeting(actor, *, district, parents: int, school=None, held_on=None, token=""):
    data = services.MeetingInput(held_on=held_on or days_ago(2), topic="Parents' meeting",
                                 district=district, school=school, parents_count=parents)
    return services.meeting_create(actor=actor, data=data, token=token)


def consultation(actor, *, guardian, held_on=None, token=""):
    data = services.ConsultationInput(held_on=held_on or days_ago(2), guardian=guardian,
                                      topic="School attendance")
    return services.consultation_create(actor=actor, data=data, token=token)
