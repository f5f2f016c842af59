"""A small world for the trust box tests: a region with two districts and a school in each, a
school of another region, and the staff around them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.directory.tests.factories import SchoolFactory, SupportCentreFactory
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)
from safechildhood.trustbox import services


def school_in(district):
    return SchoolFactory(settlement=SettlementFactory(district=district))


def staff(role, **scope):
    return actor_for(MembershipFactory(role=role, **scope).user)


def send(text="I feel lonely at school.", **kwargs):
    kwargs.setdefault("language", "en")
    return services.message_submit(body=text, **kwargs)


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    region, other_region = RegionFactory(), RegionFactory()
    north, south = DistrictFactory(region=region), DistrictFactory(region=region)
    far = DistrictFactory(region=other_region)
    school_n, school_s, school_far = school_in(north), school_in(south), school_in(far)
    centre = SupportCentreFactory(region=region)
    return SimpleNamespace(
        region=region, other_region=other_region, north=north, south=south, far=far,
        school_n=school_n, school_s=school_s, school_far=school_far, centre=centre,
        head=staff(Role.CENTRE_HEAD, centre=centre),
        spec_n=staff(Role.CENTRE_SPECIALIST, centre=centre, districts=[north]),
        spec_far=staff(Role.CENTRE_SPECIALIST, centre=SupportCentreFactory(region=other_region),
                       districts=[far]),
        head_far=staff(Role.CENTRE_HEAD, centre=SupportCentreFactory(region=other_region)),
        psychologist_n=staff(Role.SCHOOL_PSYCHOLOGIST, school=school_n),
        admin_n=staff(Role.SCHOOL_ADMIN, school=school_n),
        inspector=staff(Role.POLICE_INSPECTOR),
    )
