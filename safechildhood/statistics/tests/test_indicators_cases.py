"""Indicators of screening, crisis alerts and the risk group on hand-built data with known
answers: counts by district and by school, the edges of the period, categories, medians, the
small-count rule for a viewer not entitled against the centre head, and links by role.

The region (conftest.py): Taraz, Baizak (two schools: ``school``, ``other_school``) and Korday.
The period is the first quarter of 2025 (Asia/Almaty)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.cases.models import Contact, Referral, RiskCase
from safechildhood.cases.tests.factories import ContactFactory, ReferralFactory, RiskCaseFactory
from safechildhood.directory.tests.factories import SchoolFactory
from safechildhood.geography.tests.factories import SettlementFactory
from safechildhood.people.services import pupil_transfer
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.periods import ReportPeriod
from safechildhood.screening.models import Assignment, Campaign, CrisisAlert, Response
from safechildhood.screening.tests.factories import make_assignment, make_campaign
from safechildhood.statistics.indicators import HIDDEN
from safechildhood.statistics.indicators_cases import (
    TABLES,
    alerts_table,
    coverage_table,
    referrals_table,
    risk_group_table,
)

Q1 = ReportPeriod.parse("2025-q1")
S = Assignment.Status
CaseStatus = RiskCase.Status


def at(*args) -> dt.datetime:
    """A local moment (Asia/Almaty)."""
    return timezone.make_aware(dt.datetime(*args))


def row(table, key):
    return next(r for r in table.rows if r.key == key)


def query(address: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(address).query).items()}


def test_the_module_lists_its_tables_in_display_order():
    assert [code for code, _ in TABLES] == ["coverage", "risk_group", "alerts", "referrals"]


def test_who_may_see_small_counts_of_cases(region):
    from safechildhood.access.rules_statistics import cases_entitled

    r = region.region.pk
    assert cases_entitled(region.head, region_id=r)
    assert cases_entitled(region.head, region_id=r, district_id=region.korday.pk)
    assert not cases_entitled(region.head, region_id=region.other_region.pk)
    assert cases_entitled(region.specialist, region_id=r, district_id=region.baizak.pk,
                          school_id=region.school.pk)
    assert not cases_entitled(region.specialist, region_id=r)
    assert not cases_entitled(region.specialist, region_id=r, district_id=region.korday.pk)
    for nobody in (region.psychologist, region.analyst, region.admin, None):
        assert not cases_entitled(nobody, region_id=r, district_id=region.baizak.pk,
                                  school_id=region.school.pk)


# --- screening coverage -------------------------------------------------------------------------


@pytest.fixture
def screened(region):
    """A campaign starting 2025-02-01: the first Baizak school 6 completed, 2 refused, 1 no
    consent, 1 absent; the second 1 completed, 1 pending, 1 started; Korday 2 completed. A
    campaign starting in April and a draft in March do not count."""
    campaign = make_campaign(region=region.region, centre=region.centre,
                             created_by=region.head.user)
    Campaign.objects.filter(pk=campaign.pk).update(starts_on=dt.date(2025, 2, 1),
                                                   ends_on=dt.date(2025, 2, 28))
    for status in [S.COMPLETED] * 6 + [S.REFUSED] * 2 + [S.NO_CONSENT, S.ABSENT]:
        make_assignment(campaign, PupilFactory(school=region.school), status=status)
    for status in (S.COMPLETED, S.PENDING, S.IN_PROGRESS):
        make_assignment(campaign, PupilFactory(school=region.other_school), status=status)
    korday_school = SchoolFactory(settlement=SettlementFactory(district=region.korday))
    for _ in range(2):
        make_assignment(campaign, PupilFactory(school=korday_school), status=S.COMPLETED)
    later = make_campaign(region=region.region, centre=region.centre, created_by=region.head.user)
    Campaign.objects.filter(pk=later.pk).update(starts_on=dt.date(2025, 4, 1))
    draft = make_campaign(region=region.region, centre=region.centre, created_by=region.head.user,
                          status=Campaign.Status.DRAFT)
    Campaign.objects.filter(pk=draft.pk).update(starts_on=dt.date(2025, 3, 1))
    for other in (later, draft):
        make_assignment(other, PupilFactory(school=region.school), status=S.COMPLETED)
    return korday_school


def test_coverage_by_district_for_the_centre_head(region, screened):
    table = coverage_table(region_id=region.region.pk, viewer=region.head, period=Q1)
    assert table.level == "district"
    assert [r.key for r in table.rows] == [region.taraz.pk, region.baizak.pk, region.korday.pk]
    baizak = row(table, region.baizak.pk)
    assert [baizak[c] for c in ("assigned", "completed", "refused", "no_consent", "absent",
                                "pending", "coverage")] == [13, 7, 2, 1, 1, 2, 54]
    assert row(table, region.korday.pk)["completed"] == 2
    assert row(table, region.taraz.pk)["coverage"] is None  # nobody assigned
    assert (table.total["assigned"], table.total["coverage"]) == (15, 60)
    assert not table.suppressed
    assert table.total.links == {}  # coverage has no list of records to open


def test_coverage_for_the_public_hides_small_counts(region, screened):
    table = coverage_table(region_id=region.region.pk, viewer=None, period=Q1)
    baizak = row(table, region.baizak.pk)
    assert (baizak["assigned"], baizak["completed"], baizak["refused"]) == (13, 7, HIDDEN)
    assert baizak["coverage"] == 54
    korday = row(table, region.korday.pk)
    assert (korday["assigned"], korday["coverage"]) == (HIDDEN, HIDDEN)
    assert table.total["assigned"] is HIDDEN  # Korday's 2 would follow from it
    assert table.suppressed


def test_coverage_by_school_and_of_one_school(region, screened):
    table = coverage_table(region_id=region.region.pk, viewer=region.psychologist,
                           period=Q1, district_id=region.baizak.pk)
    assert table.level == "school"
    assert {r.key for r in table.rows} == {region.school.pk, region.other_school.pk}
    mine, other = row(table, region.school.pk), row(table, region.other_school.pk)
    assert (mine["refused"], mine["absent"]) == (2, 1)  # the psychologist's own school
    assert (other["assigned"], other["completed"]) == (HIDDEN, HIDDEN)
    one = coverage_table(region_id=region.region.pk, viewer=region.head, period=Q1,
                         district_id=region.baizak.pk, school_id=region.other_school.pk)
    assert [r.key for r in one.rows] == [region.other_school.pk]
    assert (one.total["assigned"], one.total["pending"]) == (3, 2)


def test_coverage_counts_campaigns_starting_in_the_period(region, screened):
    march = coverage_table(region_id=region.region.pk, viewer=region.head,
                           period=ReportPeriod.parse("2025-03"))
    assert march.total["assigned"] == 0  # the draft does not count
    q2 = coverage_table(region_id=region.region.pk, viewer=region.head,
                        period=ReportPeriod.parse("2025-q2"))
    assert q2.total["assigned"] == 1


# --- the risk group -----------------------------------------------------------------------------


def case(region, school, opened, closed=None, categories=("depression",), **extra):
    status = CaseStatus.CLOSED if closed else CaseStatus.PROPOSED
    return RiskCaseFactory(pupil=PupilFactory(school=school), opened_at=opened, closed_at=closed,
                           status=status, categories=list(categories),
                           opened_by=region.head.user, **extra)


@pytest.fixture
def risk_group(region):
    """The first Baizak school: in the group at the end of Q1 c1 (since 2024; depression and
    anxiety), c2 (entered in February; suicide risk), c7 (entered on the last evening;
    behaviour), c8 (closed at the first moment of April); left c3 (closed in March) and c4
    (entered and left in Q1); outside Q1 c5 (April) and c6 (closed in 2024). The second Baizak
    school: 5 in the group since 2024. Korday: 1."""
    school = region.school
    case(region, school, at(2024, 12, 1), categories=["depression", "anxiety"])
    case(region, school, at(2025, 2, 1), categories=["suicide_risk"])
    case(region, school, at(2024, 11, 1), at(2025, 3, 15))
    case(region, school, at(2025, 1, 10), at(2025, 2, 10))
    case(region, school, at(2025, 4, 2))
    case(region, school, at(2024, 10, 1), at(2024, 12, 20))
    case(region, school, at(2025, 3, 31, 23, 30), categories=["behaviour"])
    case(region, school, at(2024, 9, 1), at(2025, 4, 1))
    for _ in range(5):
        case(region, region.other_school, at(2024, 5, 1))
    korday_school = SchoolFactory(settlement=SettlementFactory(district=region.korday))
    case(region, korday_school, at(2024, 5, 1), categories=["substance_use"])
    return korday_school


def test_risk_group_by_district_for_the_centre_head(region, risk_group):
    table = risk_group_table(region_id=region.region.pk, viewer=region.head, period=Q1)
    baizak = row(table, region.baizak.pk)
    assert (baizak["in_group"], baizak["entered"], baizak["left"]) == (9, 3, 2)
    assert (baizak["category_depression"], baizak["category_anxiety"],
            baizak["category_suicide_risk"], baizak["category_behaviour"],
            baizak["category_substance_use"]) == (7, 1, 1, 1, 0)
    korday = row(table, region.korday.pk)
    assert (korday["in_group"], korday["category_substance_use"]) == (1, 1)
    assert row(table, region.taraz.pk)["in_group"] == 0
    assert (table.total["in_group"], table.total["entered"], table.total["left"]) == (10, 3, 2)
    assert not table.suppressed


def test_risk_group_of_the_previous_quarter(region, risk_group):
    table = risk_group_table(region_id=region.region.pk, viewer=region.head,
                             period=ReportPeriod.parse("2024-q4"))
    baizak = row(table, region.baizak.pk)
    # c1, c3, c8 and the second school's 5 at the end of 2024; c1, c3, c6 entered, c6 left
    assert (baizak["in_group"], baizak["entered"], baizak["left"]) == (8, 3, 1)


def test_risk_group_for_the_public_and_the_analyst(region, risk_group):
    for viewer in (None, region.analyst):
        table = risk_group_table(region_id=region.region.pk, viewer=viewer, period=Q1)
        baizak = row(table, region.baizak.pk)
        assert (baizak["in_group"], baizak["entered"], baizak["left"]) == (9, HIDDEN, HIDDEN)
        assert baizak["category_depression"] == 7
        assert row(table, region.korday.pk)["in_group"] is HIDDEN
        assert table.total["in_group"] is HIDDEN  # withheld: Korday's one would follow
        assert table.total["entered"] is HIDDEN
        assert table.suppressed
        assert all(not r.links for r in [*table.rows, table.total])


def test_risk_group_by_school_for_the_specialist_and_the_school_psychologist(region, risk_group):
    table = risk_group_table(region_id=region.region.pk, viewer=region.specialist, period=Q1,
                             district_id=region.baizak.pk)
    assert table.level == "school"
    assert row(table, region.school.pk)["in_group"] == 4
    assert row(table, region.other_school.pk)["in_group"] == 5
    assert table.total["in_group"] == 9
    # the psychologist knows who is in the group but sees no case: counts suppressed
    table = risk_group_table(region_id=region.region.pk, viewer=region.psychologist,
                             period=Q1, district_id=region.baizak.pk)
    assert row(table, region.school.pk)["in_group"] is HIDDEN
    assert table.total["in_group"] is HIDDEN
    # the specialist of Baizak is not entitled to Korday or to the region as a whole
    table = risk_group_table(region_id=region.region.pk, viewer=region.specialist, period=Q1)
    assert row(table, region.korday.pk)["in_group"] is HIDDEN
    assert row(table, region.baizak.pk)["entered"] == 3


def test_risk_group_links_to_the_cases_it_counts(region, risk_group):
    table = risk_group_table(region_id=region.region.pk, viewer=region.head, period=Q1)
    baizak = row(table, region.baizak.pk)
    assert query(baizak.links["in_group"]) == {
        "district": str(region.baizak.pk), "period": "2025-q1", "counted": "group",
        "owner": "all"}
    assert query(baizak.links["left"])["counted"] == "left"
    assert query(baizak.links["category_suicide_risk"]) == {
        "district": str(region.baizak.pk), "period": "2025-q1", "counted": "group",
        "category": "suicide_risk", "owner": "all"}
    assert "category_exploitation" not in baizak.links  # nothing to list
    assert "district" not in query(table.total.links["in_group"])
    schools = risk_group_table(region_id=region.region.pk, viewer=region.specialist,
                               period=Q1, district_id=region.baizak.pk)
    assert query(row(schools, region.school.pk).links["entered"]) == {
        "district": str(region.baizak.pk), "school": str(region.school.pk),
        "period": "2025-q1", "counted": "entered", "owner": "all"}
    # no case list for the psychologist or the analyst
    for viewer in (region.psychologist, region.analyst):
        t = risk_group_table(region_id=region.region.pk, viewer=viewer, period=Q1,
                             district_id=region.baizak.pk)
        assert all(not r.links for r in [*t.rows, t.total])


def transfer(pupil, to_school):
    """Move ``pupil`` to ``to_school`` today, as their school's psychologist does."""
    psychologist = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=pupil.school)
    pupil_transfer(actor=actor_for(psychologist.user), pupil=pupil, to_school=to_school,
                   grade=pupil.grade, on_date=timezone.localdate())


def test_a_case_counts_at_the_pupils_current_school(region, risk_group):
    transfer(RiskCase.objects.get(categories=["substance_use"]).pupil, region.other_school)
    table = risk_group_table(region_id=region.region.pk, viewer=region.head, period=Q1)
    assert row(table, region.korday.pk)["in_group"] == 0
    assert row(table, region.baizak.pk)["in_group"] == 10
    schools = risk_group_table(region_id=region.region.pk, viewer=region.head, period=Q1,
                               district_id=region.baizak.pk)
    assert row(schools, region.other_school.pk)["category_substance_use"] == 1


# --- crisis alerts ------------------------------------------------------------------------------


def alert(region, school, raised, acknowledged_minutes=None, contacts=()):
    """An alert raised at ``raised`` for a new pupil of ``school``, acknowledged after so many
    minutes (None: still open), with a case of the pupil and contacts ``(hours after raising,
    who was present)``."""
    pupil = PupilFactory(school=school)
    response = Response.objects.create(pupil=pupil, school=school, instrument="phq-a",
                                       version="1", source=Response.Source.PAPER,
                                       status=Response.Status.SUBMITTED, critical=True)
    acknowledged = (raised + dt.timedelta(minutes=acknowledged_minutes)
                    if acknowledged_minutes is not None else None)
    crisis = CrisisAlert.objects.create(
        pupil=pupil, response=response, school=school, district=school.district,
        raised_at=raised, deadline=raised + dt.timedelta(hours=4), acknowledged_at=acknowledged,
        status=CrisisAlert.Status.ACKNOWLEDGED if acknowledged else CrisisAlert.Status.OPEN)
    if contacts:
        owned = RiskCaseFactory(pupil=pupil, alert=crisis, active=True,
                                opened_at=raised - dt.timedelta(hours=3),
                                opened_by=region.head.user)
        for hours, present in contacts:
            ContactFactory(case=owned, held_at=raised + dt.timedelta(hours=hours),
                           present=present)
    return crisis


CHILD, PARENTS = [Contact.Present.CHILD.value], [Contact.Present.MOTHER.value]


@pytest.fixture
def alerts(region):
    """Baizak, first school, raised in Q1: acknowledged after 30, 10, 50, 20 minutes and one
    still open; the child seen 4, 24 and 10 hours after raising (for the 24: the parents after
    one hour first), one contact two hours *before* raising only, one alert with no case. One
    alert just before the quarter. Korday: one alert."""
    school = region.school
    alert(region, school, at(2025, 1, 10, 10), 30, [(4, CHILD)])
    alert(region, school, at(2025, 2, 1, 9), 10, [(1, PARENTS), (24, CHILD), (30, CHILD)])
    alert(region, school, at(2025, 3, 1, 8), 50)
    alert(region, school, at(2025, 3, 5, 8), None, [(-2, CHILD)])
    alert(region, school, at(2025, 3, 10, 8), 20, [(10, CHILD)])
    alert(region, school, at(2024, 12, 31, 23), 5, [(1, CHILD)])
    korday_school = SchoolFactory(settlement=SettlementFactory(district=region.korday))
    alert(region, korday_school, at(2025, 3, 31, 23, 59), 15, [(2, CHILD)])


def test_alerts_for_the_centre_head(region, alerts):
    table = alerts_table(region_id=region.region.pk, viewer=region.head, period=Q1)
    baizak = row(table, region.baizak.pk)
    assert (baizak["raised"], baizak["acknowledged"]) == (5, 4)
    assert baizak["minutes_to_acknowledge"] == 25  # median of 10, 20, 30, 50
    assert baizak["hours_to_contact"] == 10  # median of 4, 10, 24
    korday = row(table, region.korday.pk)
    assert (korday["raised"], korday["minutes_to_acknowledge"], korday["hours_to_contact"]) == (
        1, 15, 2)
    assert row(table, region.taraz.pk)["minutes_to_acknowledge"] is None
    assert (table.total["raised"], table.total["acknowledged"]) == (6, 5)
    assert table.total["minutes_to_acknowledge"] == 20  # 10, 15, 20, 30, 50
    assert table.total["hours_to_contact"] == 7  # 2, 4, 10, 24


def test_alerts_for_the_public_hide_small_counts_and_their_medians(region, alerts):
    table = alerts_table(region_id=region.region.pk, viewer=None, period=Q1)
    baizak = row(table, region.baizak.pk)
    assert baizak["raised"] == 5
    assert baizak["acknowledged"] is HIDDEN
    assert baizak["minutes_to_acknowledge"] is HIDDEN  # a median of 4 times
    assert baizak["hours_to_contact"] is HIDDEN
    assert table.total["raised"] is HIDDEN  # Korday's one alert would follow
    assert table.total["minutes_to_acknowledge"] == 20  # 5 times
    assert all(not r.links for r in [*table.rows, table.total])


def test_alerts_by_school_link_to_the_alert_list(region, alerts):
    table = alerts_table(region_id=region.region.pk, viewer=region.psychologist, period=Q1,
                         district_id=region.baizak.pk)
    mine = row(table, region.school.pk)
    assert (mine["raised"], mine["acknowledged"], mine["minutes_to_acknowledge"]) == (5, 4, 25)
    assert query(mine.links["raised"]) == {"district": str(region.baizak.pk),
                                           "school": str(region.school.pk), "period": "2025-q1"}
    assert query(mine.links["acknowledged"])["status"] == "acknowledged"
    assert row(table, region.other_school.pk).links == {}  # nothing raised there
    analyst = alerts_table(region_id=region.region.pk, viewer=region.analyst, period=Q1)
    assert all(not r.links for r in [*analyst.rows, analyst.total])


# --- referrals ----------------------------------------------------------------------------------


def referral(region, school, sent, status=Referral.Status.SENT, due=None):
    owned = RiskCaseFactory(pupil=PupilFactory(school=school), active=True,
                            opened_at=at(2024, 6, 1), opened_by=region.head.user)
    return ReferralFactory(case=owned, sent_at=sent, status=status,
                           next_step_due=due or timezone.localdate() + dt.timedelta(days=10))


@pytest.fixture
def referrals(region):
    """The first Baizak school, sent in Q1: one with feedback, one overdue, one accepted, one
    declined, one on the last minute; one sent at the first moment of April. Korday: 2 sent,
    one with feedback."""
    school = region.school
    F = Referral.Status
    referral(region, school, at(2025, 1, 5), F.FEEDBACK)
    referral(region, school, at(2025, 2, 5), F.SENT, due=dt.date(2025, 2, 20))
    referral(region, school, at(2025, 3, 5), F.ACCEPTED)
    referral(region, school, at(2025, 3, 20), F.DECLINED)
    referral(region, school, at(2025, 3, 31, 23, 59))
    referral(region, school, at(2025, 4, 1))
    korday_school = SchoolFactory(settlement=SettlementFactory(district=region.korday))
    referral(region, korday_school, at(2025, 2, 1), F.FEEDBACK)
    referral(region, korday_school, at(2025, 2, 2), F.ATTENDED)


def test_referrals_for_the_centre_head(region, referrals):
    table = referrals_table(region_id=region.region.pk, viewer=region.head, period=Q1)
    baizak = row(table, region.baizak.pk)
    assert [baizak[c] for c in ("made", "completed", "overdue", "completed_percent")] == [
        5, 1, 1, 20]
    korday = row(table, region.korday.pk)
    assert (korday["made"], korday["completed"], korday["completed_percent"]) == (2, 1, 50)
    assert [table.total[c] for c in ("made", "completed", "overdue", "completed_percent")] == [
        7, 2, 1, 29]
    assert query(baizak.links["overdue"]) == {"district": str(region.baizak.pk),
                                              "period": "2025-q1", "show": "overdue"}
    assert query(baizak.links["made"]) == {"district": str(region.baizak.pk),
                                           "period": "2025-q1"}


def test_a_referral_counts_at_the_pupils_current_school(region, referrals):
    moved = Referral.objects.get(status=Referral.Status.ATTENDED).case.pupil  # in Korday
    transfer(moved, region.school)
    table = referrals_table(region_id=region.region.pk, viewer=region.head, period=Q1)
    assert (row(table, region.korday.pk)["made"], row(table, region.baizak.pk)["made"]) == (1, 6)
    schools = referrals_table(region_id=region.region.pk, viewer=region.head, period=Q1,
                              district_id=region.baizak.pk)
    assert row(schools, region.school.pk)["made"] == 6


def test_referrals_for_the_public(region, referrals):
    table = referrals_table(region_id=region.region.pk, viewer=None, period=Q1)
    baizak = row(table, region.baizak.pk)
    assert [baizak[c] for c in ("made", "completed", "overdue", "completed_percent")] == [
        5, HIDDEN, HIDDEN, HIDDEN]
    assert table.total["made"] is HIDDEN
    assert all(not r.links for r in [*table.rows, table.total])


def test_every_table_answers_the_region_in_a_few_queries(region, risk_group,
                                                         django_assert_max_num_queries):
    for _code, function in TABLES:
        with django_assert_max_num_queries(4):
            function(region_id=region.region.pk, viewer=region.head, period=Q1)
        with django_assert_max_num_queries(4):
            function(region_id=region.region.pk, viewer=region.specialist, period=Q1,
                     district_id=region.baizak.pk)


# --- the links open lists of exactly the records counted ----------------------------------------


def listed(client, address: str) -> int:
    response = client.get(address)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def every_link(table):
    for r in [*table.rows, table.total]:
        for measure, address in r.links.items():
            yield r[measure], address


def test_each_risk_group_figure_opens_the_cases_it_counts(client, region, risk_group):
    client.force_login(region.head.user)
    for kwargs in ({}, {"district_id": region.baizak.pk},
                   {"district_id": region.baizak.pk, "school_id": region.school.pk}):
        table = risk_group_table(region_id=region.region.pk, viewer=region.head, period=Q1,
                                 **kwargs)
        links = list(every_link(table))
        assert links
        for value, address in links:
            assert listed(client, address) == value, address


def test_each_alert_and_referral_figure_opens_the_records_it_counts(client, region, alerts,
                                                                     referrals):
    client.force_login(region.head.user)
    for function in (alerts_table, referrals_table):
        for kwargs in ({}, {"district_id": region.baizak.pk}):
            table = function(region_id=region.region.pk, viewer=region.head, period=Q1,
                             **kwargs)
            links = list(every_link(table))
            assert links
            for value, address in links:
                assert listed(client, address) == value, address


def test_no_link_where_the_list_would_show_only_some_of_the_records(region, risk_group):
    table = risk_group_table(region_id=region.region.pk, viewer=region.specialist, period=Q1)
    assert row(table, region.baizak.pk).links  # their district
    korday = RiskCase.objects.filter(pupil__school__district=region.korday).get()
    for _ in range(5):  # enough for Korday's count to be shown to anyone
        case(region, korday.pupil.school, at(2024, 6, 1))
    table = risk_group_table(region_id=region.region.pk, viewer=region.specialist, period=Q1)
    assert row(table, region.korday.pk)["in_group"] == 6
    assert row(table, region.korday.pk).links == {}
    assert table.total.links == {}  # the region is more than the specialist's districts


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_alert_and_referral_figures_open_lists_that_say_what_they_show(page, axe, region, alerts,
                                                                        referrals):
    from safechildhood.accounts.tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(region.head.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    baizak = row(alerts_table(region_id=region.region.pk, viewer=region.head, period=Q1),
                 region.baizak.pk)
    page.goto(baizak.links["acknowledged"])
    shown = page.locator("#alert-filters-shown").inner_text()
    assert "raised in Q1 2025" in shown and "district: Baizak district" in shown
    assert page.get_by_label("Show").locator("option:checked").inner_text() == (
        "acknowledged alerts")
    axe(page, "cases_ind-alert-list")
    page.screenshot(path="/tmp/cases_ind/alert-list.png", full_page=True)  # noqa: S108
    baizak = row(referrals_table(region_id=region.region.pk, viewer=region.head, period=Q1),
                 region.baizak.pk)
    page.goto(baizak.links["made"])
    assert "sent in Q1 2025" in page.locator("#referral-filters-shown").inner_text()
    assert "5 referrals, latest first" in page.content()
    axe(page, "cases_ind-referral-list")
    page.screenshot(path="/tmp/cases_ind/referral-list.png", full_page=True)  # noqa: S108
