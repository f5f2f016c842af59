"""Places and people for the pupil tests: a region with two schools in different districts, a
school in another region, and the staff of each. (The roster import tests define their own.)"""

import pytest

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.directory.tests.factories import SchoolFactory
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)


def school_in(district):
    return SchoolFactory(settlement=SettlementFactory(district=district))


@pytest.fixture
def region(db):
    return RegionFactory()


@pytest.fixture
def home_school(region):
    return school_in(DistrictFactory(region=region))


@pytest.fixture
def near_school(region):
    """Another school of the same region, in another district."""
    return school_in(DistrictFactory(region=region))


@pytest.fixture
def far_school(db):
    """A school of another region."""
    return school_in(DistrictFactory(region=RegionFactory()))


def staff(role, school):
    return actor_for(MembershipFactory(role=role, school=school).user)


@pytest.fixture
def psy(home_school):
    """The home school's psychologist."""
    return staff(Role.SCHOOL_PSYCHOLOGIST, home_school)


@pytest.fixture
def near_psy(near_school):
    return staff(Role.SCHOOL_PSYCHOLOGIST, near_school)


@pytest.fixture
def far_psy(far_school):
    return staff(Role.SCHOOL_PSYCHOLOGIST, far_school)
