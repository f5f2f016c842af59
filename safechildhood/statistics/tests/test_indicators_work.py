"""Concerns, police reports and prevention work as area tables, on hand-built data with known
answers: district and school rows, the period's first and last moments, statuses, guardians
counted once, the small-count rule for the unentitled and the entitled, and links by role
(each link opens the list of exactly the records counted)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from safechildhood.accounts.models import Role
from safechildhood.disclosures.models import Concern, PoliceReport
from safechildhood.disclosures.tests.fixtures import (  # noqa: F401 (fixtures)
    _no_second_factor,
    concern_in,
    report_in,
    world,
)
from safechildhood.geography.tests.factories import DistrictFactory
from safechildhood.people.tests.factories import GuardianFactory, PupilFactory
from safechildhood.periods import ReportPeriod
from safechildhood.prevention.models import (
    Event,
    ParentConsultation,
    ParentMeeting,
    Training,
    TrainingParticipant,
)
from safechildhood.screening.tests.alerts_fixtures import school_in, staff
from safechildhood.statistics.indicators import HIDDEN
from safechildhood.statistics.indicators_work import (
    TABLES,
    disclosures_table,
    police_reports_table,
    prevention_table,
)

pytestmark = pytest.mark.django_db

Q1 = ReportPeriod.parse("2026-q1")
Status = PoliceReport.Status
Category = Concern.Category


def at(*parts) -> dt.datetime:
    """A moment in the server's time zone (Asia/Almaty)."""
    return timezone.make_aware(dt.datetime(*parts))


@pytest.fixture
def w(world):  # noqa: F811 (the disclosure tests' world, widened)
    world.korday = DistrictFactory(region=world.region, name_en="Korday", name_ru="Кордай")
    world.school_a2 = school_in(world.baizak)
    world.psy_a2 = staff(Role.SCHOOL_PSYCHOLOGIST, school=world.school_a2)
    return world


# --- concerns -----------------------------------------------------------------------------------


def _recorded(concern: Concern, when: dt.datetime) -> Concern:
    Concern.objects.filter(pk=concern.pk).update(created_at=when)
    return concern


@pytest.fixture
def concerns(w):
    # Baizak, school A: three in the period (its first and last minute), two just outside
    _recorded(concern_in(w, category=Category.FAMILY_VIOLENCE), at(2026, 1, 1, 0, 0))  # pending
    sent = report_in(w, category=Category.SEXUAL_ABUSE)  # report sent
    _recorded(sent.concern, at(2026, 2, 10))
    _recorded(concern_in(w, category=Category.BULLYING, channel=Concern.Channel.TRUST_BOX),
              at(2026, 3, 31, 23, 59))  # no report
    _recorded(concern_in(w, category=Category.NEGLECT), at(2025, 12, 31, 23, 59))
    _recorded(concern_in(w, category=Category.BULLYING), at(2026, 4, 1, 0, 0))
    # Merke, school B: five bullying, one exploitation reported
    for _ in range(5):
        _recorded(concern_in(w, w.school_b, category=Category.BULLYING), at(2026, 2, 1))
    _recorded(report_in(w, w.school_b, category=Category.EXPLOITATION).concern, at(2026, 2, 2))
    # another region
    _recorded(concern_in(w, w.school_far, category=Category.BULLYING), at(2026, 2, 1))
    return w


def test_concerns_by_district_category_and_report_for_the_centre_head(concerns):
    w = concerns
    table = disclosures_table(region_id=w.region.pk, viewer=w.head, period=Q1)
    assert table.level == "district"
    rows = {row.key: row for row in table.rows}
    assert set(rows) == {w.baizak.pk, w.merke.pk, w.korday.pk}
    baizak, merke = rows[w.baizak.pk], rows[w.merke.pk]
    assert baizak["concerns"] == 3
    assert (baizak["category_family_violence"], baizak["category_sexual_abuse"],
            baizak["category_bullying"], baizak["category_neglect"]) == (1, 1, 1, 0)
    assert baizak["trust_box"] == 1
    assert (baizak["reported"], baizak["report_pending"], baizak["no_report"]) == (1, 1, 1)
    assert (merke["concerns"], merke["category_bullying"], merke["category_exploitation"]) == (
        6, 5, 1)
    assert (merke["reported"], merke["report_pending"], merke["no_report"]) == (1, 0, 5)
    assert rows[w.korday.pk]["concerns"] == 0
    assert table.total["concerns"] == 9 and table.total["reported"] == 2
    assert not table.suppressed


def test_concerns_small_counts_are_hidden_from_the_public_and_give_nothing_away(concerns):
    w = concerns
    table = disclosures_table(region_id=w.region.pk, viewer=None, period=Q1)
    rows = {row.key: row for row in table.rows}
    assert rows[w.baizak.pk]["concerns"] is HIDDEN
    assert rows[w.merke.pk]["concerns"] == 6 and rows[w.merke.pk]["category_bullying"] == 5
    assert rows[w.merke.pk]["category_exploitation"] is HIDDEN
    # one hidden district among the summed: the total would give it away
    assert table.total["concerns"] is HIDDEN
    assert table.suppressed
    assert all(not row.links for row in [*table.rows, table.total])


def test_a_specialist_sees_their_districts_small_counts_only(concerns):
    w = concerns
    table = disclosures_table(region_id=w.region.pk, viewer=w.spec_a, period=Q1)
    rows = {row.key: row for row in table.rows}
    assert rows[w.baizak.pk]["concerns"] == 3
    assert rows[w.merke.pk]["category_exploitation"] is HIDDEN
    assert table.total["concerns"] == 9  # no row hidden
    assert table.total["category_exploitation"] is HIDDEN


def test_concerns_by_school_of_a_district_and_one_school(concerns):
    w = concerns
    table = disclosures_table(region_id=w.region.pk, viewer=w.psy_a, period=Q1,
                              district_id=w.baizak.pk)
    assert table.level == "school"
    rows = {row.key: row for row in table.rows}
    assert set(rows) == {w.school_a.pk, w.school_a2.pk}
    assert rows[w.school_a.pk]["concerns"] == 3  # their own school: shown
    assert rows[w.school_a2.pk]["concerns"] == 0
    assert table.total["concerns"] is HIDDEN  # the district as a whole is not theirs
    other = disclosures_table(region_id=w.region.pk, viewer=w.psy_b, period=Q1,
                              district_id=w.baizak.pk)
    assert other.rows[[r.key for r in other.rows].index(w.school_a.pk)]["concerns"] is HIDDEN
    one = disclosures_table(region_id=w.region.pk, viewer=w.head, period=Q1,
                            district_id=w.baizak.pk, school_id=w.school_a.pk)
    assert [row.key for row in one.rows] == [w.school_a.pk]
    assert one.total["concerns"] == 3


def test_concern_links_follow_the_policy(concerns, client):
    w = concerns
    head = disclosures_table(region_id=w.region.pk, viewer=w.head, period=Q1)
    baizak = head.rows[[r.key for r in head.rows].index(w.baizak.pk)]
    link = baizak.links["category_sexual_abuse"]
    assert urlsplit(link).path == "/disclosures/concerns/"
    assert parse_qs(urlsplit(link).query) == {
        "district": [str(w.baizak.pk)], "date_from": ["2026-01-01"], "date_to": ["2026-03-31"],
        "category": ["sexual_abuse"]}
    # the prosecutor's analyst never reads concerns: figures without links
    analyst = disclosures_table(region_id=w.region.pk, viewer=w.analyst, period=Q1)
    assert all(not row.links for row in [*analyst.rows, analyst.total])
    # every link of the head's table opens exactly the records counted
    client.force_login(w.head.user)
    _assert_links_open_what_they_count(client, head)


def _assert_links_open_what_they_count(client, table):
    checked = 0
    for row in [*table.rows, table.total]:
        for code, link in row.links.items():
            response = client.get(link)
            assert response.status_code == 200, link
            assert response.context["page"].paginator.count == row[code], (code, link)
            checked += 1
    assert checked


# --- police reports -----------------------------------------------------------------------------


def _placed(report: PoliceReport, created: dt.datetime, sent: dt.datetime | None
            ) -> PoliceReport:
    PoliceReport.objects.filter(pk=report.pk).update(
        created_at=created, deadline=created + dt.timedelta(hours=24), sent_at=sent)
    return report


@pytest.fixture
def reports(w):
    # Baizak, school A: five sent in the period, one after, one before; one never sent
    _placed(report_in(w, status=Status.SENT), at(2026, 1, 5, 8), at(2026, 1, 5, 10))  # 2 h
    _placed(report_in(w, status=Status.REGISTERED), at(2026, 2, 1), at(2026, 2, 1, 6))  # 6 h
    _placed(report_in(w, status=Status.VERDICT), at(2026, 2, 1, 12),
            at(2026, 2, 2, 18))  # 30 h: late
    _placed(report_in(w, status=Status.REFUSED), at(2026, 3, 1), at(2026, 3, 1, 1))  # 1 h
    _placed(report_in(w, status=Status.ACKNOWLEDGED), at(2026, 3, 31, 20),
            at(2026, 3, 31, 23, 59))  # 3.98 h
    _placed(report_in(w, status=Status.SENT), at(2026, 3, 31, 0, 30), at(2026, 4, 1, 0, 0))
    # due on the period's first moment, sent in time the minute before: neither sent nor late
    _placed(report_in(w, status=Status.SENT), at(2025, 12, 31), at(2025, 12, 31, 23, 59))
    _placed(report_in(w, status=Status.PENDING), at(2026, 3, 10), None)  # never sent: late
    # Merke, school B: five registered, 4 hours each
    for _ in range(5):
        _placed(report_in(w, w.school_b, status=Status.REGISTERED), at(2026, 2, 10),
                at(2026, 2, 10, 4))
    _placed(report_in(w, w.school_far, status=Status.REFUSED), at(2026, 2, 10),
            at(2026, 2, 10, 4))  # another region
    return w


def test_reports_sent_by_status_for_the_prosecutors_analyst(reports):
    w = reports
    table = police_reports_table(region_id=w.region.pk, viewer=w.analyst, period=Q1)
    rows = {row.key: row for row in table.rows}
    baizak, merke = rows[w.baizak.pk], rows[w.merke.pk]
    assert (baizak["sent"], baizak["awaiting"], baizak["acknowledged"], baizak["registered"],
            baizak["refused"], baizak["court"]) == (5, 1, 1, 2, 1, 1)
    assert baizak["registered_percent"] == 40
    assert baizak["overdue"] == 2
    assert baizak["hours_to_send"] == 4  # median of 1, 2, 3.98, 6, 30
    assert (merke["sent"], merke["registered"], merke["registered_percent"],
            merke["overdue"], merke["hours_to_send"]) == (5, 5, 100, 0, 4)
    assert rows[w.korday.pk]["sent"] == 0 and rows[w.korday.pk]["registered_percent"] is None
    total = table.total
    assert (total["sent"], total["registered"], total["refused"], total["overdue"]) == (
        10, 7, 1, 2)
    assert total["registered_percent"] == 70
    # the analyst oversees the reports: links to the report list, none to concerns
    link = baizak.links["registered"]
    assert urlsplit(link).path == "/disclosures/reports/"
    assert parse_qs(urlsplit(link).query) == {
        "district": [str(w.baizak.pk)], "sent_from": ["2026-01-01"], "sent_to": ["2026-03-31"],
        "stage": ["registered"]}
    assert parse_qs(urlsplit(baizak.links["overdue"]).query)["due_to"] == ["2026-03-31"]


def test_reports_small_counts_hidden_from_an_inspector_and_the_public(reports):
    w = reports
    for viewer in (None, w.insp_a):
        table = police_reports_table(region_id=w.region.pk, viewer=viewer, period=Q1)
        baizak = table.rows[[r.key for r in table.rows].index(w.baizak.pk)]
        assert baizak["sent"] == 5
        assert all(baizak[code] is HIDDEN for code in (
            "awaiting", "acknowledged", "registered", "refused", "court", "overdue",
            "registered_percent"))
        assert baizak["hours_to_send"] == 4  # five sending times: a shown median
        assert table.total["sent"] == 10
        assert table.total["registered"] is HIDDEN  # Baizak's 2 would follow from 7 - 5
        # no links: the public opens nothing; the inspector's list (their own unit's
        # reports) would show only some of what the row counts
        assert not baizak.links and not table.total.links


def test_report_links_open_what_they_count(reports, client):
    w = reports
    table = police_reports_table(region_id=w.region.pk, viewer=w.head, period=Q1)
    client.force_login(w.head.user)
    _assert_links_open_what_they_count(client, table)
    by_school = police_reports_table(region_id=w.region.pk, viewer=w.head, period=Q1,
                                     district_id=w.baizak.pk)
    assert by_school.total["sent"] == 5 and by_school.total["overdue"] == 2
    _assert_links_open_what_they_count(client, by_school)


# --- prevention ---------------------------------------------------------------------------------


@pytest.fixture
def prevention(w):
    author = w.head.user
    region = w.region

    def course(ends_on, rows):
        t = Training.objects.create(region=region, centre=w.centre, topic="t",
                                    starts_on=ends_on - dt.timedelta(days=1), ends_on=ends_on,
                                    hours=8, trainer="x", created_by=author)
        for user, school, attendance in rows:
            TrainingParticipant.objects.create(training=t, user=user, region=region,
                                               district=school.district, school=school,
                                               attendance=attendance)

    mover = staff(Role.SCHOOL_PSYCHOLOGIST, school=w.school_b).user  # was at school A before
    course(dt.date(2026, 2, 2), [(w.psy_a.user, w.school_a, "attended"),
                                 (w.psy_b.user, w.school_b, "attended"),
                                 (mover, w.school_a, "attended"),
                                 (w.psy_a2.user, w.school_a2, "absent")])
    course(dt.date(2026, 3, 31), [(w.psy_a.user, w.school_a, "attended"),
                                  (mover, w.school_b, "attended")])
    course(dt.date(2026, 4, 1), [(w.psy_a2.user, w.school_a2, "attended")])  # after

    def event(day, district, kind, school=None):
        Event.objects.create(kind=kind, title="e", held_on=day, region=district.region,
                             district=district, school=school, created_by=author)

    for day in (dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 31)):
        event(day, w.baizak, Event.Kind.CONFERENCE, w.school_a)
    event(dt.date(2026, 2, 1), w.baizak, Event.Kind.MASTER_CLASS)  # district-wide
    event(dt.date(2026, 4, 1), w.baizak, Event.Kind.CONFERENCE, w.school_a)  # after
    for _ in range(6):
        event(dt.date(2026, 2, 1), w.merke, Event.Kind.AWARENESS, w.school_b)
    event(dt.date(2026, 2, 1), w.far_district, Event.Kind.AWARENESS)  # another region

    def group(day, district, parents, school=None):
        ParentMeeting.objects.create(held_on=day, topic="t", region=district.region,
                                     district=district, school=school, parents_count=parents,
                                     created_by=author)

    group(dt.date(2026, 2, 1), w.baizak, 30, w.school_a)
    group(dt.date(2026, 3, 1), w.baizak, 20)  # district-wide
    group(dt.date(2025, 12, 31), w.baizak, 100, w.school_a)  # before
    group(dt.date(2026, 1, 20), w.merke, 15, w.school_b)

    def consult(guardian, day, school):
        ParentConsultation.objects.create(held_on=day, guardian=guardian, topic="t",
                                          region=region, district=school.district,
                                          school=school, created_by=author)

    g1 = GuardianFactory(pupil=PupilFactory(school=w.school_a))
    g2 = GuardianFactory(pupil=PupilFactory(school=w.school_a))
    moved = GuardianFactory(pupil=PupilFactory(school=w.school_b))
    g3 = GuardianFactory(pupil=PupilFactory(school=w.school_b))
    consult(g1, dt.date(2026, 1, 10), w.school_a)
    consult(g1, dt.date(2026, 3, 31), w.school_a)  # the same parent again
    consult(g2, dt.date(2026, 1, 1), w.school_a)
    consult(moved, dt.date(2026, 2, 1), w.school_a)  # before the child moved
    consult(moved, dt.date(2026, 2, 15), w.school_b)
    consult(g3, dt.date(2026, 3, 1), w.school_b)
    consult(g3, dt.date(2026, 4, 1), w.school_b)  # after
    return w


def test_prevention_by_district_counts_people_once(prevention):
    w = prevention
    table = prevention_table(region_id=w.region.pk, viewer=w.analyst, period=Q1)
    rows = {row.key: row for row in table.rows}
    baizak, merke = rows[w.baizak.pk], rows[w.merke.pk]
    assert (baizak["trained"], merke["trained"]) == (2, 2)  # psy A and the mover; psy B, mover
    assert table.total["trained"] == 3  # the mover once
    assert (baizak["events"], baizak["events_conference"], baizak["events_master_class"]) == (
        4, 3, 1)
    assert (merke["events"], merke["events_awareness"]) == (6, 6)
    assert table.total["events"] == 10
    assert (baizak["parents_identified"], baizak["parents_in_groups"], baizak["parents"]) == (
        3, 50, 53)
    assert (merke["parents_identified"], merke["parents_in_groups"], merke["parents"]) == (
        2, 15, 17)
    assert (table.total["parents_identified"], table.total["parents_in_groups"],
            table.total["parents"]) == (4, 65, 69)  # the moved child's parent once
    assert rows[w.korday.pk]["parents"] == 0


def test_prevention_by_school_takes_district_wide_work_into_the_total(prevention):
    w = prevention
    table = prevention_table(region_id=w.region.pk, viewer=w.head, period=Q1,
                             district_id=w.baizak.pk)
    rows = {row.key: row for row in table.rows}
    school_a = rows[w.school_a.pk]
    assert (school_a["trained"], school_a["events"], school_a["parents_in_groups"],
            school_a["parents_identified"]) == (2, 3, 30, 3)
    assert rows[w.school_a2.pk]["trained"] == 0  # absent, or trained after the period
    # the district's row one level up and the total of its schools agree
    assert (table.total["events"], table.total["parents_in_groups"], table.total["parents"]) == (
        4, 50, 53)


def test_prevention_small_counts_by_viewer(prevention):
    w = prevention
    public = prevention_table(region_id=w.region.pk, viewer=None, period=Q1)
    baizak = public.rows[[r.key for r in public.rows].index(w.baizak.pk)]
    assert baizak["trained"] is HIDDEN and baizak["events"] is HIDDEN
    assert baizak["parents_identified"] is HIDDEN and baizak["parents_in_groups"] == 50
    assert public.total["trained"] is HIDDEN  # 3
    assert public.total["events"] is HIDDEN  # 10 - Merke's 6 would give Baizak's 4 away
    assert public.total["parents_identified"] is HIDDEN  # 4, from two hidden rows
    assert public.total["parents"] == 69
    # a school's psychologist reads their school's figures, not the district's
    own = prevention_table(region_id=w.region.pk, viewer=w.psy_a, period=Q1,
                           district_id=w.baizak.pk)
    rows = {row.key: row for row in own.rows}
    assert rows[w.school_a.pk]["events"] == 3 and rows[w.school_a.pk]["trained"] == 2
    assert own.total["events"] is HIDDEN
    # a juvenile inspector reads their unit's district; the regional administrator the region
    inspector = prevention_table(region_id=w.region.pk, viewer=w.insp_a, period=Q1)
    rows = {row.key: row for row in inspector.rows}
    assert rows[w.baizak.pk]["trained"] == 2 and rows[w.merke.pk]["trained"] is HIDDEN
    assert set(rows[w.baizak.pk].links) == {"events", "events_conference",
                                            "events_master_class", "parents_in_groups"}
    admin = prevention_table(region_id=w.region.pk, viewer=w.regional_admin, period=Q1)
    assert admin.total["trained"] == 3 and not admin.suppressed


def test_prevention_links_by_role(prevention, client):
    w = prevention
    analyst = prevention_table(region_id=w.region.pk, viewer=w.analyst, period=Q1)
    merke = analyst.rows[[r.key for r in analyst.rows].index(w.merke.pk)]
    # the analyst reads trainings, events and meetings, not the consultations that name parents
    assert set(merke.links) == {"trained", "events", "events_awareness", "parents_in_groups"}
    assert parse_qs(urlsplit(merke.links["events_awareness"]).query) == {
        "district": [str(w.merke.pk)], "date_from": ["2026-01-01"], "date_to": ["2026-03-31"],
        "kind": ["awareness"]}
    head = prevention_table(region_id=w.region.pk, viewer=w.head, period=Q1)
    assert "parents_identified" in head.rows[[r.key for r in head.rows].index(w.baizak.pk)].links
    assert "parents" not in head.total.links  # no single list of both
    client.force_login(w.head.user)
    for table in (head, prevention_table(region_id=w.region.pk, viewer=w.head, period=Q1,
                                         district_id=w.baizak.pk)):
        _assert_prevention_links(client, table)


def _assert_prevention_links(client, table):
    """Events and meetings links list exactly the records counted; trainings and consultations
    list the trainings and consultations behind the people counted."""
    for row in [*table.rows, table.total]:
        for code, link in row.links.items():
            response = client.get(link)
            assert response.status_code == 200, link
            count = response.context["page"].paginator.count
            if code.startswith("events") or code == "parents_identified":
                if code == "parents_identified":
                    guardians = {c.guardian_id for c in response.context["page"].paginator
                                 .object_list}
                    assert len(guardians) == row[code], link
                else:
                    assert count == row[code], (code, link)
            elif code == "parents_in_groups":
                meetings = response.context["page"].paginator.object_list
                assert sum(m.parents_count for m in meetings) == row[code], link
            else:
                assert count >= 1, link


# the rows (1), the specialist's districts (1, once), then the grouped queries
QUERIES = {"disclosures": 3, "police_reports": 4, "prevention": 8}


def test_each_table_is_a_few_queries_whatever_the_rows(prevention, reports,
                                                       django_assert_max_num_queries):
    w = prevention
    for code, function in TABLES:
        for kwargs in ({}, {"district_id": w.baizak.pk}):
            with django_assert_max_num_queries(QUERIES[code]):
                function(region_id=w.region.pk, viewer=w.spec_a, period=Q1, **kwargs)


def test_tables_are_listed_in_display_order():
    assert [code for code, _function in TABLES] == ["disclosures", "police_reports",
                                                     "prevention"]
