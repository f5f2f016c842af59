"""A centre specialist's day page: each block on hand-built data with known answers, scope,
a constant number of queries, and login."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safechildhood.cases.models import CaseEvent, CaseView, FieldTrip, Referral, RiskCase
from safechildhood.cases.selectors_day import DAY_ROWS, day_get
from safechildhood.cases.tests.day_world import ago, alert_in, case_of, today
from safechildhood.cases.tests.factories import (
    CaseEventFactory,
    CasePlanFactory,
    FieldTripFactory,
    PlanActionFactory,
    ReferralFactory,
)
from safechildhood.screening.models import CrisisAlert
from safechildhood.screening.tests import alerts_fixtures

DAY = reverse("cases:day")
pytestmark = pytest.mark.django_db
# the region, its staff and the second factor switched off (see screening's alerts_fixtures)
world = alerts_fixtures.world
_no_second_factor = alerts_fixtures._no_second_factor


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


@pytest.fixture
def day_world(world):
    """Cases of Baizak's specialist (spec_a), with the answer of each block in ``w.expect``; the
    same kinds of rows in Merke (spec_b), which spec_a must never see."""
    w = world
    a = w.spec_a
    # crisis alerts: two open in Baizak (one past its deadline), one acknowledged, one in Merke
    late = alert_in(w, w.school_a)
    CrisisAlert.objects.filter(pk=late.pk).update(deadline=ago(hours=2))
    alert_in(w, w.school_a)
    done = alert_in(w, w.school_a)
    CrisisAlert.objects.filter(pk=done.pk).update(status=CrisisAlert.Status.ACKNOWLEDGED,
                                                  acknowledged_at=ago(hours=1))
    alert_in(w, w.school_b)
    # reviews: overdue, today, not yet; a closed case's and Merke's do not count
    w.review_late = case_of(w, a, next_review_on=days(-3))
    w.review_today = case_of(w, a, next_review_on=today())
    case_of(w, a, next_review_on=days(5))
    case_of(w, a, status=RiskCase.Status.CLOSED, next_review_on=days(-9), closed_at=ago(2))
    case_of(w, w.spec_b, next_review_on=days(-3))
    # no contact in 30 days: never seen, seen 40 days ago; seen 5 days ago does not count
    w.never = case_of(w, a, last_contact_at=None, first_contact_at=None)
    w.long_ago = case_of(w, a, last_contact_at=ago(40))
    case_of(w, a, last_contact_at=ago(5))
    case_of(w, w.spec_b, last_contact_at=None)
    # planned actions of the current (approved) plan: overdue and due in 2 days are listed
    plan = CasePlanFactory(case=w.review_today, approved=True)
    w.action_late = PlanActionFactory(plan=plan, due_on=days(-1))
    w.action_soon = PlanActionFactory(plan=plan, due_on=days(2))
    PlanActionFactory(plan=plan, due_on=days(10))
    PlanActionFactory(plan=plan, due_on=days(-5), done_on=days(-4))
    draft = CasePlanFactory(case=w.review_late)  # submitted, not approved yet
    PlanActionFactory(plan=draft, due_on=days(-1))
    # referrals: next step due tomorrow and overdue are listed; later and closed loops are not
    w.ref_soon = ReferralFactory(case=w.review_late, next_step_due=days(1))
    w.ref_late = ReferralFactory(case=w.long_ago, next_step_due=days(-2),
                                 status=Referral.Status.ACCEPTED)
    ReferralFactory(case=w.review_late, next_step_due=days(20))
    ReferralFactory(case=w.review_late, next_step_due=days(-20),
                    status=Referral.Status.FEEDBACK)
    # changes: the head's event on a case never opened, and one after spec_a last looked
    w.change_head = CaseEventFactory(case=w.review_late, kind=CaseEvent.Kind.PLAN_RETURNED,
                                     actor=w.head.user, at=ago(hours=3))
    CaseEventFactory(case=w.review_late, kind=CaseEvent.Kind.CONTACT, actor=a.user,
                     at=ago(hours=2))  # spec_a's own
    CaseView.objects.create(case=w.long_ago, user=a.user, seen_at=ago(1))
    CaseEventFactory(case=w.long_ago, kind=CaseEvent.Kind.REFERRAL, actor=w.head.user,
                     at=ago(2))  # before the last look
    w.change_after = CaseEventFactory(case=w.long_ago, kind=CaseEvent.Kind.ASSIGNED,
                                      actor=w.head.user, at=ago(hours=5))
    CaseEventFactory(case=w.never, kind=CaseEvent.Kind.ACCEPTED, actor=w.head.user,
                     at=ago(20))  # older than the window for a case never opened
    # field trips: the next of two planned; a past and a cancelled one do not count
    w.trip = FieldTripFactory(specialist=a.user, district=w.baizak, starts_on=days(3),
                              ends_on=days(4))
    FieldTripFactory(specialist=a.user, district=w.baizak, starts_on=days(9), ends_on=days(9))
    FieldTripFactory(specialist=a.user, district=w.baizak, starts_on=days(-9),
                     ends_on=days(-8))
    FieldTripFactory(specialist=a.user, district=w.baizak, starts_on=days(1), ends_on=days(1),
                     status=FieldTrip.Status.CANCELLED)
    FieldTripFactory(specialist=w.spec_b.user, district=w.merke, starts_on=days(1),
                     ends_on=days(1))
    return w


def test_alerts_of_the_specialists_districts_deadline_first(day_world):
    day = day_get(actor=day_world.spec_a)
    assert day.alerts.count == 2
    assert day.overdue_alerts == 1
    assert [a.overdue for a in day.alerts.rows] == [True, False]
    assert {a.district_id for a in day.alerts.rows} == {day_world.baizak.pk}


def test_reviews_due_today_or_overdue_of_own_open_cases(day_world):
    day = day_get(actor=day_world.spec_a)
    assert [c.pk for c in day.reviews.rows] == [day_world.review_late.pk,
                                               day_world.review_today.pk]


def test_cases_without_contact_never_seen_first(day_world):
    day = day_get(actor=day_world.spec_a)
    assert [c.pk for c in day.no_contact.rows] == [day_world.never.pk, day_world.long_ago.pk]


def test_actions_of_the_approved_plan_due_soon_or_overdue(day_world):
    day = day_get(actor=day_world.spec_a)
    assert [a.pk for a in day.actions.rows] == [day_world.action_late.pk,
                                               day_world.action_soon.pk]
    assert day.visits_count == 4


def test_referrals_whose_next_step_is_due(day_world):
    day = day_get(actor=day_world.spec_a)
    assert [r.pk for r in day.referrals.rows] == [day_world.ref_late.pk, day_world.ref_soon.pk]


def test_changes_by_others_since_the_specialist_last_looked(day_world):
    day = day_get(actor=day_world.spec_a)
    assert [e.pk for e in day.changes.rows] == [day_world.change_head.pk,
                                               day_world.change_after.pk]


def test_next_field_trip_and_how_many_are_planned(day_world):
    day = day_get(actor=day_world.spec_a)
    assert day.trip.pk == day_world.trip.pk
    assert day.trips_planned == 2


def test_the_other_districts_specialist_sees_only_their_own(day_world):
    day = day_get(actor=day_world.spec_b)
    assert {a.district_id for a in day.alerts.rows} == {day_world.merke.pk}
    assert day.alerts.count == 1
    assert day.reviews.count == 1
    assert day.no_contact.count == 1
    assert day.actions.count == day.referrals.count == day.changes.count == 0
    assert day.trips_planned == 1


def test_lists_are_cut_and_keep_their_full_count(world):
    for _ in range(DAY_ROWS + 3):
        case_of(world, world.spec_a, last_contact_at=None)
    day = day_get(actor=world.spec_a)
    assert len(day.no_contact.rows) == DAY_ROWS
    assert day.no_contact.count == DAY_ROWS + 3
    assert day.no_contact.more == 3


def _queries(client, actor) -> int:
    client.force_login(actor.user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(DAY).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_makes_the_same_number_of_queries_whatever_the_rows(client, world,
                                                                     django_assert_num_queries):
    empty = _queries(client, world.spec_a)
    for _ in range(12):
        case = case_of(world, world.spec_a, last_contact_at=None, next_review_on=days(-1))
        plan = CasePlanFactory(case=case, approved=True)
        PlanActionFactory(plan=plan, due_on=days(-1))
        ReferralFactory(case=case, next_step_due=days(-1))
        CaseEventFactory(case=case, kind=CaseEvent.Kind.ASSIGNED, actor=world.head.user,
                         at=ago(hours=1))
        alert_in(world, world.school_a)
    FieldTripFactory(specialist=world.spec_a.user, district=world.baizak, starts_on=days(2),
                     ends_on=days(2))
    client.force_login(world.spec_a.user)
    with django_assert_num_queries(empty):
        response = client.get(DAY)
    assert response.status_code == 200


def test_the_page_shows_each_block(client, day_world):
    client.force_login(day_world.spec_a.user)
    response = client.get(DAY)
    assert response.status_code == 200
    html = response.content.decode()
    for anchor in ("day-alerts", "day-reviews", "day-visits", "day-actions", "day-referrals",
                   "day-changes", "day-trip"):
        assert f'id="{anchor}"' in html
    assert day_world.review_late.pupil.full_name in html
    assert day_world.never.pupil.full_name in html
    assert "1 past its deadline" in html
    assert "The centre&#x27;s overview" not in html  # only the head has it


def test_the_head_sees_the_day_with_a_way_to_the_overview(client, world):
    client.force_login(world.head.user)
    response = client.get(DAY)
    assert response.status_code == 200
    assert reverse("cases:overview") in response.content.decode()


@pytest.mark.parametrize("who", ["psy_a", "admin_a", "inspector", "analyst", "regional_admin"])
def test_staff_outside_the_centre_have_no_day_page(client, world, who):
    client.force_login(getattr(world, who).user)
    assert client.get(DAY).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(DAY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
