import pytest

from safechildhood.access.policy import (
    Action,
    actor_for,
    can,
    needs_second_factor,
    require,
    scope,
)
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory, UserFactory
from safechildhood.directory.tests.factories import SchoolFactory
from safechildhood.errors import Forbidden, NotFound
from safechildhood.people.models import Guardian, Pupil
from safechildhood.people.tests.factories import GuardianFactory, PupilFactory

pytestmark = pytest.mark.django_db


def test_school_psychologist_sees_only_own_schools_pupils(make_actor):
    school = SchoolFactory()
    actor = make_actor(Role.SCHOOL_PSYCHOLOGIST, school=school)
    own, other = PupilFactory(school=school), PupilFactory()
    GuardianFactory(pupil=own), GuardianFactory(pupil=other)
    assert list(scope(actor, Pupil.objects.all())) == [own]
    assert list(scope(actor, Guardian.objects.values_list("pupil", flat=True))) == [own.pk]


@pytest.mark.parametrize("role", [Role.CENTRE_SPECIALIST, Role.CENTRE_HEAD, Role.POLICE_INSPECTOR,
                                  Role.PROSECUTOR_ANALYST, Role.REGIONAL_ADMIN])
def test_roles_without_a_link_to_a_child_see_no_pupils(make_actor, role):
    PupilFactory()
    assert not scope(make_actor(role), Pupil.objects.all()).exists()


def test_merged_records_drop_out_of_the_roster(make_actor):
    school = SchoolFactory()
    actor = make_actor(Role.SCHOOL_ADMIN, school=school)
    kept = PupilFactory(school=school)
    PupilFactory(school=school, status=Pupil.Status.MERGED, merged_into=kept)
    assert list(scope(actor, Pupil.objects.all())) == [kept]


def test_out_of_scope_is_not_found_and_in_scope_but_forbidden_is_forbidden(make_actor):
    school = SchoolFactory()
    psychologist = make_actor(Role.SCHOOL_PSYCHOLOGIST, school=school)
    with pytest.raises(NotFound):
        require(psychologist, Action.PUPIL_VIEW, PupilFactory())
    require(psychologist, Action.PUPIL_VIEW, PupilFactory(school=school))
    with pytest.raises(Forbidden):
        require(psychologist, Action.AUDIT_VIEW)


def test_an_inactive_account_can_do_nothing(make_actor):
    school = SchoolFactory()
    actor = make_actor(Role.SCHOOL_PSYCHOLOGIST, school=school)
    actor.user.is_active = False
    assert not can(actor, Action.PUPIL_VIEW, PupilFactory(school=school))


def test_second_factor_for_those_who_see_children_or_grant_access_and_operators():
    for role, needed in [(Role.SCHOOL_PSYCHOLOGIST, True), (Role.SCHOOL_ADMIN, True),
                         (Role.CENTRE_SPECIALIST, True), (Role.CENTRE_HEAD, True),
                         (Role.POLICE_INSPECTOR, True), (Role.PROSECUTOR_ANALYST, False),
                         (Role.REGIONAL_ADMIN, True)]:
        membership = MembershipFactory(role=role)
        assert needs_second_factor(actor_for(membership.user)) is needed, role
    assert needs_second_factor(actor_for(UserFactory(is_superuser=True)))


def test_active_membership_is_the_chosen_one_if_it_belongs_to_the_user():
    first = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST)
    second = MembershipFactory(role=Role.CENTRE_SPECIALIST, user=first.user)
    stranger = MembershipFactory(role=Role.CENTRE_HEAD)
    assert actor_for(first.user, second.pk).membership == second
    assert actor_for(first.user, stranger.pk).membership == first
