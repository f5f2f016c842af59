"""A small region for the referral, re-screening and trajectory tests: two districts, a case of a
Baizak pupil owned by Baizak's specialist, the region's staff, providers of the directory (one in
Baizak, one serving the whole region, one in Merke, an inactive one and one of another region).
Test modules import the ``world`` fixture from here."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory, UserFactory
from safechildhood.cases.tests.factories import RiskCaseFactory
from safechildhood.directory.models import ServiceProvider
from safechildhood.directory.tests.factories import (
    PoliceUnitFactory,
    ProsecutorOfficeFactory,
    SchoolFactory,
    ServiceProviderFactory,
    SupportCentreFactory,
)
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)
from safechildhood.people.tests.factories import PupilFactory

# PHQ-A answers: no findings (total 0), a moderate total (10), a severe one (20)
PHQ_A_CALM = {**{f"phq_a_{n}": "0" for n in range(1, 10)}, "phq_a_past_year": "no",
              "phq_a_sa1": "no", "phq_a_sa2": "no"}
PHQ_A_MODERATE = {**PHQ_A_CALM, "phq_a_1": "3", "phq_a_2": "3", "phq_a_3": "2", "phq_a_4": "2"}
PHQ_A_SEVERE = {**PHQ_A_CALM, **{f"phq_a_{n}": "3" for n in range(1, 7)}, "phq_a_7": "2"}
GAD_7_MILD = {**{f"gad_7_{n}": "1" for n in range(1, 8)}}


def school_in(district):
    return SchoolFactory(settlement=SettlementFactory(district=district))


def staff(role, name: str, **scope):
    membership = MembershipFactory(role=role, user=UserFactory(last_name=name, first_name="Test"),
                                   **scope)
    return actor_for(membership.user)


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False
    settings.REFERRAL_STEP_DAYS = 14


@pytest.fixture
def world(db):
    region = RegionFactory()
    baizak = DistrictFactory(region=region, name_en="Baizak", name_ru="Байзак")
    merke = DistrictFactory(region=region, name_en="Merke", name_ru="Мерке")
    school_a, school_b = school_in(baizak), school_in(merke)
    far_region = RegionFactory()
    far_district = DistrictFactory(region=far_region)
    centre = SupportCentreFactory(region=region)
    w = SimpleNamespace(region=region, baizak=baizak, merke=merke, school_a=school_a,
                        school_b=school_b, far_district=far_district, centre=centre)
    w.head = staff(Role.CENTRE_HEAD, "Head", centre=centre)
    w.owner = staff(Role.CENTRE_SPECIALIST, "Owner", centre=centre, districts=[baizak])
    w.colleague = staff(Role.CENTRE_SPECIALIST, "Colleague", centre=centre, districts=[baizak])
    w.spec_b = staff(Role.CENTRE_SPECIALIST, "Merkespec", centre=centre, districts=[merke])
    w.psy_a = staff(Role.SCHOOL_PSYCHOLOGIST, "Psychologist", school=school_a)
    w.admin_a = staff(Role.SCHOOL_ADMIN, "Schooladmin", school=school_a)
    w.inspector = staff(Role.POLICE_INSPECTOR, "Inspector",
                        police_unit=PoliceUnitFactory(district=baizak))
    w.analyst = staff(Role.PROSECUTOR_ANALYST, "Analyst",
                      prosecutor_office=ProsecutorOfficeFactory(region=region))
    w.regional_admin = staff(Role.REGIONAL_ADMIN, "Regadmin", region_scope=region)
    w.far_head = staff(Role.CENTRE_HEAD, "Farhead",
                       centre=SupportCentreFactory(region=far_region))
    w.pupil = PupilFactory(school=school_a, first_name="Aruzhan", last_name="Seitkali")
    w.case = RiskCaseFactory(pupil=w.pupil, active=True, owner=w.owner.user,
                             opened_by=w.head.user)
    w.psychiatrist = ServiceProviderFactory(
        region=region, district=baizak, kind=ServiceProvider.Kind.PSYCHIATRIST,
        name_en="Baizak child psychiatry", name_ru="Детская психиатрия Байзак",
        phone="+7 726 000 11 22")
    w.ngo = ServiceProviderFactory(region=region, district=None, kind=ServiceProvider.Kind.NGO,
                                   name_en="Family support NGO", name_ru="НПО поддержки семьи")
    w.paediatrician = ServiceProviderFactory(
        region=region, district=merke, kind=ServiceProvider.Kind.PAEDIATRICIAN,
        name_en="Merke polyclinic", name_ru="Поликлиника Мерке")
    w.inactive = ServiceProviderFactory(region=region, district=baizak, is_active=False,
                                        name_en="Closed clinic", name_ru="Закрытая клиника")
    w.far_provider = ServiceProviderFactory(region=far_region, district=far_district,
                                            name_en="Far clinic", name_ru="Дальняя клиника")
    return w


def actor_of(user):
    return actor_for(user)
