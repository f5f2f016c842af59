"""The programme's counts of prevention work on hand-built data with known answers: psychologists
trained, events held and parents reached, by region, district, school and period, within what
each viewer may read, one query each."""

import datetime as dt

import pytest

from safechildhood.accounts.models import Role
from safechildhood.directory.tests.factories import SupportCentreFactory
from safechildhood.people.tests.factories import GuardianFactory, PupilFactory
from safechildhood.prevention.models import (
    Event,
    ParentConsultation,
    ParentMeeting,
    Training,
    TrainingParticipant,
)
from safechildhood.prevention.selectors import (
    ParentsReached,
    Period,
    events_held,
    parents_reached,
    psychologists_trained,
)
from safechildhood.prevention.tests.fixtures import school_in, staff

pytestmark = pytest.mark.django_db

Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
D = dt.date


@pytest.fixture
def data(world):
    w = world
    author = w.head.user

    def consult(guardian, day):
        school = guardian.pupil.school
        ParentConsultation.objects.create(held_on=day, guardian=guardian, topic="t",
                                          region=school.district.region,
                                          district=school.district, school=school,
                                          created_by=author)

    def group(day, district, parents, school=None):
        ParentMeeting.objects.create(held_on=day, topic="t", region=district.region,
                                     district=district, school=school, parents_count=parents,
                                     created_by=author)

    second_parent = GuardianFactory(pupil=w.pupil_n, relation="father")
    consult(w.guardian_n, D(2026, 1, 10))
    consult(w.guardian_n, D(2026, 3, 31))  # the same parent again: counted once
    consult(w.guardian_n, D(2026, 4, 1))  # after the period
    consult(second_parent, D(2026, 1, 1))
    consult(w.guardian_s, D(2026, 2, 14))
    far_guardian = GuardianFactory(pupil=PupilFactory(school=w.school_far))
    consult(far_guardian, D(2026, 2, 1))  # another region
    group(D(2026, 2, 1), w.north, 30, w.school_n)
    group(D(2026, 3, 1), w.north, 20)  # district-wide, no school
    group(D(2026, 1, 20), w.south, 15, w.school_s)
    group(D(2025, 12, 31), w.north, 100, w.school_n)  # before the period
    group(D(2026, 2, 1), w.far, 500, w.school_far)  # another region

    def course(ends_on, rows):
        t = Training.objects.create(region=w.region, centre=w.centre, topic="t",
                                    starts_on=ends_on - dt.timedelta(days=2), ends_on=ends_on,
                                    hours=8, trainer="x", created_by=author)
        for actor, attendance in rows:
            m = actor.membership
            TrainingParticipant.objects.create(training=t, user=actor.user, region=w.region,
                                               district=m.school.district, school=m.school,
                                               attendance=attendance)

    attended, absent, registered = "attended", "absent", "registered"
    course(D(2026, 2, 2), [(w.psychologist_n, attended), (w.psychologist_n2, attended),
                           (w.psychologist_s, absent)])
    course(D(2026, 3, 31), [(w.psychologist_n, attended), (w.psychologist_s, attended)])
    extra = staff(Role.SCHOOL_PSYCHOLOGIST, school=school_in(w.south))
    course(D(2026, 3, 31), [(extra, registered)])  # never marked: not trained
    course(D(2026, 4, 2), [(extra, attended)])  # ended after the period

    def held(day, district, kind=Event.Kind.CONFERENCE, school=None):
        Event.objects.create(kind=kind, title="e", held_on=day, region=district.region,
                             district=district, school=school, organisers=["centre"],
                             pupils=10, created_by=author)

    held(D(2026, 1, 5), w.north, school=w.school_n)
    held(D(2026, 2, 1), w.north, kind=Event.Kind.MASTER_CLASS)
    held(D(2026, 3, 31), w.south, kind=Event.Kind.LAW_ENFORCEMENT, school=w.school_s)
    held(D(2026, 4, 1), w.north)  # after the period
    held(D(2026, 2, 1), w.far)  # another region
    return w


def test_parents_reached_counts_each_named_parent_once_and_group_head_counts(data):
    w = data
    assert parents_reached(actor=w.prosecutor, period=Q1) == ParentsReached(3, 65)
    assert parents_reached(actor=w.prosecutor, period=Q1).total == 68
    assert parents_reached(actor=w.head, period=Q1, district=w.north) == ParentsReached(2, 50)
    assert parents_reached(actor=w.head, period=Q1, district=w.south) == ParentsReached(1, 15)
    assert parents_reached(actor=w.head, period=Q1, school=w.school_n) == ParentsReached(2, 30)
    later = Period(D(2026, 4, 1), D(2026, 4, 30))
    assert parents_reached(actor=w.head, period=later) == ParentsReached(1, 0)


def test_counts_stay_within_what_the_viewer_may_read(data):
    w = data
    # a school psychologist reads their school's figures, whatever district they ask for
    assert parents_reached(actor=w.psychologist_n, period=Q1) == ParentsReached(2, 30)
    assert parents_reached(actor=w.psychologist_n, period=Q1,
                           district=w.south) == ParentsReached(0, 0)
    # an inspector reads their unit's district
    assert parents_reached(actor=w.inspector_n, period=Q1) == ParentsReached(2, 50)
    assert events_held(actor=w.inspector_n, period=Q1) == 2
    # the other region's head reads only the other region
    other_head = staff(Role.CENTRE_HEAD, centre=SupportCentreFactory(region=w.other_region))
    assert parents_reached(actor=other_head, period=Q1) == ParentsReached(1, 500)
    assert psychologists_trained(actor=other_head, period=Q1) == 0


def test_psychologists_trained_counts_each_attending_psychologist_once(data):
    w = data
    assert psychologists_trained(actor=w.regional_admin, period=Q1) == 3
    assert psychologists_trained(actor=w.head, period=Q1, district=w.north) == 2
    assert psychologists_trained(actor=w.head, period=Q1, district=w.south) == 1
    assert psychologists_trained(actor=w.head, period=Q1, school=w.school_n) == 1
    assert psychologists_trained(actor=w.admin_n, period=Q1) == 1
    assert psychologists_trained(actor=w.head, period=Period(D(2026, 4, 1),
                                                             D(2026, 4, 30))) == 1


def test_events_held_by_district_school_kind_and_period(data):
    w = data
    assert events_held(actor=w.head, period=Q1) == 3
    assert events_held(actor=w.head, period=Q1, district=w.north) == 2
    assert events_held(actor=w.head, period=Q1, school=w.school_n) == 1
    assert events_held(actor=w.head, period=Q1, kind=Event.Kind.LAW_ENFORCEMENT) == 1
    assert events_held(actor=w.psychologist_n, period=Q1) == 1
    assert events_held(actor=w.head, period=Period.year(2026)) == 4


def test_each_count_is_one_query(data, django_assert_num_queries):
    w = data
    for actor in (w.head, w.prosecutor, w.psychologist_n):
        with django_assert_num_queries(1):
            parents_reached(actor=actor, period=Q1, district=w.north)
        with django_assert_num_queries(1):
            psychologists_trained(actor=actor, period=Q1, district=w.north)
        with django_assert_num_queries(1):
            events_held(actor=actor, period=Q1, district=w.north)


def test_staff_without_a_role_read_no_figures(world, django_assert_num_queries):
    from safechildhood.access.policy import actor_for
    from safechildhood.accounts.tests.factories import UserFactory

    nobody = actor_for(UserFactory())
    with django_assert_num_queries(0):
        assert parents_reached(actor=nobody, period=Q1) == ParentsReached(0, 0)
        assert events_held(actor=nobody, period=Q1) == 0
