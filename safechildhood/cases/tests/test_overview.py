"""The centre head's overview: each block on hand-built data with known answers, the district
and period filter, scope, a constant number of queries, and login."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safechildhood.cases.models import Category, Decision, RiskCase
from safechildhood.cases.selectors_day import NO_CONTACT_PER_PAGE
from safechildhood.cases.selectors_overview import Period, overview_get, percentile
from safechildhood.cases.tests.day_world import ago, alert_in, case_of, today
from safechildhood.cases.tests.factories import (
    CaseClosureFactory,
    CasePlanFactory,
    TriageProposalFactory,
)
from safechildhood.cases.views.day import duration_label
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import CrisisAlert, TriageProposal
from safechildhood.screening.tests import alerts_fixtures

OVERVIEW = reverse("cases:overview")
pytestmark = pytest.mark.django_db
# the region, its staff and the second factor switched off (see screening's alerts_fixtures)
world = alerts_fixtures.world
_no_second_factor = alerts_fixtures._no_second_factor
HOUR = 3600.0


def acknowledged(w, school, *, raised_days_ago: float, after_hours: float | None,
                 contact_after_hours: float | None = None) -> CrisisAlert:
    """An alert raised some days ago, acknowledged ``after_hours`` later (None: still open);
    with ``contact_after_hours`` a case opened from it whose first contact came that long
    after the alert."""
    alert = alert_in(w, school)
    raised = ago(raised_days_ago)
    fields = {"raised_at": raised, "deadline": raised + dt.timedelta(hours=4)}
    if after_hours is not None:
        fields.update(status=CrisisAlert.Status.ACKNOWLEDGED,
                      acknowledged_at=raised + dt.timedelta(hours=after_hours))
    CrisisAlert.objects.filter(pk=alert.pk).update(**fields)
    alert.refresh_from_db()
    if contact_after_hours is not None:
        owner = w.spec_a if school == w.school_a else w.spec_b
        first = raised + dt.timedelta(hours=contact_after_hours)
        RiskCase.objects.filter(pupil=alert.pupil).delete()
        case_of(w, owner, school=school, alert=alert, first_contact_at=first,
                last_contact_at=first, opened_at=raised, pupil=alert.pupil)
    return alert


@pytest.fixture
def overview_world(world):
    w = world
    TriageProposal.objects.all().delete()  # start the queue empty
    # caseloads: spec_a 2 active (one review overdue, one never contacted) + 1 monitoring;
    # spec_b 1 active contacted 40 days ago; one proposed case waiting for a specialist
    w.a1 = case_of(w, w.spec_a, next_review_on=today() - dt.timedelta(days=1),
                   categories=[Category.DEPRESSION, Category.BULLYING])
    w.a2 = case_of(w, w.spec_a, last_contact_at=None, first_contact_at=None, opened_at=ago(45),
                   categories=[Category.DEPRESSION])
    w.a3 = case_of(w, w.spec_a, status=RiskCase.Status.MONITORING,
                   categories=[Category.ANXIETY])
    w.b1 = case_of(w, w.spec_b, last_contact_at=ago(40), categories=[Category.DEPRESSION])
    w.p1 = case_of(w, None, school=w.school_b, status=RiskCase.Status.PROPOSED,
                   categories=[Category.NEGLECT])
    # closed long before the period: in no table; closed within it: still counted by category
    case_of(w, w.spec_a, status=RiskCase.Status.CLOSED, opened_at=ago(800), closed_at=ago(400),
            categories=[Category.OFFENDING])
    case_of(w, w.spec_b, status=RiskCase.Status.CLOSED, opened_at=ago(100), closed_at=ago(10),
            categories=[Category.BULLYING])
    # alert → acknowledgement in Baizak 1, 3, 5 hours; Merke 2 hours; one still open in Merke;
    # one outside the 90-day period
    acknowledged(w, w.school_a, raised_days_ago=5, after_hours=1, contact_after_hours=10)
    acknowledged(w, w.school_a, raised_days_ago=6, after_hours=3, contact_after_hours=30)
    acknowledged(w, w.school_a, raised_days_ago=7, after_hours=5)
    acknowledged(w, w.school_b, raised_days_ago=8, after_hours=2)
    acknowledged(w, w.school_b, raised_days_ago=1, after_hours=None)
    acknowledged(w, w.school_a, raised_days_ago=120, after_hours=50)
    TriageProposal.objects.all().delete()  # the alerts' own proposals
    # waiting for the head
    TriageProposalFactory(pupil=PupilFactory(school=w.school_a), critical=True)
    TriageProposalFactory(pupil=PupilFactory(school=w.school_b))
    TriageProposalFactory(pupil=PupilFactory(school=w.school_b))
    TriageProposalFactory(pupil=PupilFactory(school=w.school_far))
    w.plan = CasePlanFactory(case=w.a1, submitted_at=ago(2))
    CasePlanFactory(case=w.b1, status=Decision.APPROVED)
    w.closure = CaseClosureFactory(case=w.a3)
    return w


def get(w, district=None, days=90):
    return overview_get(actor=w.head, period=Period.last(days), district=district)


def test_caseloads_per_specialist(overview_world):
    w = overview_world
    data = get(w)
    rows = {r.owner_id: r for r in data.caseloads}
    a, b = rows[w.spec_a.user.pk], rows[w.spec_b.user.pk]
    # spec_a: a1, a2, a3 and the two alert cases (active); spec_b: b1
    assert (a.active, a.monitoring, a.overdue_reviews, a.no_contact) == (4, 1, 1, 1)
    assert (b.active, b.monitoring, b.overdue_reviews, b.no_contact) == (1, 0, 0, 1)
    assert data.unassigned == 1
    assert data.caseload_total.total == 7


def test_cases_without_contact_longest_first(overview_world):
    w = overview_world
    data = get(w)
    assert [c.pk for c in data.no_contact] == [w.a2.pk, w.b1.pk]
    assert data.caseload_total.no_contact == 2  # the count the page's pager is given
    merke = get(w, district=w.merke)
    assert [c.pk for c in merke.no_contact] == [w.b1.pk]
    assert merke.caseload_total.no_contact == 1


def test_time_from_alert_to_acknowledgement_and_first_contact(overview_world):
    w = overview_world
    data = get(w)
    everyone, *by_district = data.timings
    assert everyone.district is None
    # all: 1, 2, 3, 5 h → median 2.5 h, p90 = 3 + 0.7 × 2 = 4.4 h
    assert everyone.acknowledged.count == 4
    assert everyone.acknowledged.median == pytest.approx(2.5 * HOUR)
    assert everyone.acknowledged.p90 == pytest.approx(4.4 * HOUR)
    baizak = next(r for r in by_district if r.district == w.baizak)
    assert baizak.acknowledged.median == pytest.approx(3 * HOUR)
    assert baizak.acknowledged.p90 == pytest.approx(4.6 * HOUR)
    assert baizak.first_contact.count == 2
    assert baizak.first_contact.median == pytest.approx(20 * HOUR)
    assert baizak.first_contact.p90 == pytest.approx(28 * HOUR)
    merke = next(r for r in by_district if r.district == w.merke)
    assert (merke.acknowledged.count, merke.first_contact.count) == (1, 0)
    assert data.alerts_waiting == 1
    # over a year the alert of 120 days ago counts too
    assert get(w, days=365).timings[0].acknowledged.count == 5


def test_categories_by_district(overview_world):
    w = overview_world
    table = get(w).categories
    assert [d.pk for d in table.districts] == [w.baizak.pk, w.merke.pk]  # by Russian name
    cells = {label: dict(zip([d.pk for d in table.districts], counts, strict=True))
             for label, counts, _total in table.rows}
    # a1, a2 and the two cases opened from alerts (depression) in Baizak; b1 in Merke
    assert cells[str(Category.DEPRESSION.label)] == {w.baizak.pk: 4, w.merke.pk: 1}
    assert cells[str(Category.BULLYING.label)] == {w.baizak.pk: 1, w.merke.pk: 1}
    assert str(Category.OFFENDING.label) not in cells
    # a1, a2, a3, two alert cases (depression by default) in Baizak; b1, p1 and the closed one
    # in Merke
    assert dict(zip([d.pk for d in table.districts], table.cases, strict=True)) == {
        w.baizak.pk: 5, w.merke.pk: 3}
    assert table.cases_total == 8


def test_what_waits_for_the_head(overview_world):
    w = overview_world
    data = get(w)
    assert data.proposals["count"] == 3
    assert data.proposals["by_level"][0] == (str(TriageProposal.Level.CRITICAL.label), 1)
    assert [p.pk for p in data.plans.rows] == [w.plan.pk]
    assert [c.pk for c in data.closures.rows] == [w.closure.pk]
    merke = get(w, district=w.merke)
    assert merke.proposals["count"] == 2
    assert merke.plans.count == merke.closures.count == 0


def test_percentile_matches_postgresql_percentile_cont():
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([1.0, 3.0, 5.0], 0.5) == 3.0
    assert percentile([1.0, 2.0, 3.0, 5.0], 0.9) == pytest.approx(4.4)


def test_durations_read_as_people_say_them():
    assert duration_label(None) == "—"
    assert duration_label(40 * 60) == "40 min"
    assert duration_label(3 * HOUR + 5 * 60) == "3 h 5 min"
    assert duration_label(52 * HOUR) == "2 d 4 h"


def test_the_page_filters_by_district_and_period(client, overview_world):
    w = overview_world
    client.force_login(w.head.user)
    response = client.get(OVERVIEW, {"district": w.merke.pk, "period": 30})
    assert response.status_code == 200
    data = response.context["overview"]
    assert data.district == w.merke and data.period.days == 30
    html = response.content.decode()
    assert w.b1.pupil.full_name in html
    assert w.a2.pupil.full_name not in html


def test_without_a_filter_the_region_over_90_days_is_shown_and_chosen(client, world):
    client.force_login(world.head.user)
    response = client.get(OVERVIEW)
    data = response.context["overview"]
    assert data.district is None and data.period.days == 90
    assert '<option value="90" selected>' in response.content.decode()


def test_a_bad_filter_falls_back_and_says_why(client, overview_world):
    w = overview_world
    client.force_login(w.head.user)
    far = w.far_district.pk
    response = client.get(OVERVIEW, {"district": far, "period": 7})
    assert response.status_code == 200
    data = response.context["overview"]
    assert data.district is None and data.period.days == 90
    assert "Choose a district of your region from the list." in response.content.decode()


def test_another_regions_head_sees_none_of_it(overview_world):
    w = overview_world
    data = overview_get(actor=w.far_head, period=Period.last(90), district=None)
    assert data.caseload_total.total == 0
    assert list(data.no_contact) == []
    assert data.proposals["count"] == 1  # the far region's own proposal
    assert data.plans.count == data.closures.count == 0


@pytest.mark.parametrize("who", ["spec_a", "psy_a", "inspector", "analyst", "regional_admin"])
def test_only_the_head_has_the_overview(client, world, who):
    client.force_login(getattr(world, who).user)
    assert client.get(OVERVIEW).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def _queries(client, w) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(OVERVIEW).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_makes_the_same_number_of_queries_whatever_the_rows(
        client, world, django_assert_num_queries):
    client.force_login(world.head.user)
    case_of(world, world.spec_a, last_contact_at=None)
    CasePlanFactory(case=case_of(world, world.spec_b))
    few = _queries(client, world)
    for n in range(10):
        school = world.school_a if n % 2 else world.school_b
        owner = world.spec_a if n % 2 else world.spec_b
        case = case_of(world, owner, school=school, last_contact_at=None,
                       categories=[Category.DEPRESSION, Category.ANXIETY])
        CasePlanFactory(case=case)
        CaseClosureFactory(case=case)
        acknowledged(world, school, raised_days_ago=n + 1, after_hours=n + 1)
    with django_assert_num_queries(few):
        assert client.get(OVERVIEW).status_code == 200


def test_cases_without_contact_are_paged(client, world):
    for _ in range(NO_CONTACT_PER_PAGE + 5):
        case_of(world, world.spec_a, last_contact_at=None)
    client.force_login(world.head.user)
    page = client.get(OVERVIEW, {"page": 2}).context["page"]
    assert page.paginator.count == NO_CONTACT_PER_PAGE + 5
    assert (page.number, len(page.object_list)) == (2, 5)
