"""A small region for the triage and case lifecycle tests: two districts (Baizak and Merke) with
a school each, two specialists of Baizak and one of Merke, the centre head, the school
psychologists of both schools, a head of another region, and a pupil at the Baizak school.
``actors`` holds an ``Actor`` for each; ``other_roles`` the roles that never see a case."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.cases.tests.factories import head_for, specialist_for
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

REASON = "PHQ-A 19 and the class teacher saw cuts on her arms. ПХК-А 19, мұғалім байқады."


@pytest.fixture
def world(db):
    region = RegionFactory(name_en="Zhambyl region")
    baizak = DistrictFactory(region=region, name_en="Baizak", name_ru="Байзакский район")
    merke = DistrictFactory(region=region, name_en="Merke", name_ru="Меркенский район")
    school = SchoolFactory(settlement=SettlementFactory(district=baizak), name_en="Abai school",
                           name_ru="Школа имени Абая")
    merke_school = SchoolFactory(settlement=SettlementFactory(district=merke),
                                 name_en="Merke school", name_ru="Меркенская школа")
    centre = SupportCentreFactory(region=region)
    specialist = specialist_for(baizak, centre=centre)
    colleague = specialist_for(baizak, centre=centre)
    merke_specialist = specialist_for(merke, centre=centre)
    head = head_for(region, centre=centre)
    psychologist = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=school).user
    merke_psychologist = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST,
                                           school=merke_school).user
    other_region = RegionFactory()
    stranger_head = head_for(other_region)
    others = {
        Role.SCHOOL_ADMIN: MembershipFactory(role=Role.SCHOOL_ADMIN, school=school).user,
        Role.POLICE_INSPECTOR: MembershipFactory(
            role=Role.POLICE_INSPECTOR, police_unit=PoliceUnitFactory(district=baizak)).user,
        Role.PROSECUTOR_ANALYST: MembershipFactory(
            role=Role.PROSECUTOR_ANALYST,
            prosecutor_office=ProsecutorOfficeFactory(region=region)).user,
        Role.REGIONAL_ADMIN: MembershipFactory(role=Role.REGIONAL_ADMIN,
                                               region_scope=region).user,
    }
    pupil = PupilFactory(school=school, last_name="Серікова", first_name="Айгерім")
    users = {"specialist": specialist, "colleague": colleague, "merke_specialist": merke_specialist,
             "head": head, "psychologist": psychologist, "merke_psychologist": merke_psychologist,
             "stranger_head": stranger_head}
    return SimpleNamespace(
        region=region, baizak=baizak, merke=merke, school=school, merke_school=merke_school,
        centre=centre, pupil=pupil, users=users, **users,
        actors={name: actor_for(user) for name, user in users.items()},
        other_roles={role.value: actor_for(user) for role, user in others.items()},
    )
