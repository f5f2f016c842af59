"""Filters of the concern and police report lists (the statistics pages link to them, filtered
to an area, a period and a category): each filter narrows the list, the filters in force are
shown above it, a filter that does not parse is reported while the others still apply, and the
viewer's scope still holds."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from safechildhood.disclosures.models import Concern, PoliceReport
from safechildhood.disclosures.tests import fixtures
from safechildhood.disclosures.tests.fixtures import concern_in, report_in

world = fixtures.world
_no_second_factor = fixtures._no_second_factor

Status = PoliceReport.Status
Category = Concern.Category
pytestmark = pytest.mark.django_db


def at(*parts) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*parts))


def recorded(concern: Concern, when: dt.datetime) -> Concern:
    Concern.objects.filter(pk=concern.pk).update(created_at=when)
    return concern


def placed(report: PoliceReport, created: dt.datetime, sent: dt.datetime | None
           ) -> PoliceReport:
    PoliceReport.objects.filter(pk=report.pk).update(
        created_at=created, deadline=created + dt.timedelta(hours=24), sent_at=sent)
    return report


def listed(client, actor, name, **params) -> set[int]:
    client.force_login(actor.user)
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return {item.pk for item in response.context["page"].object_list}


@pytest.fixture
def concerns(world):
    w = world
    return {
        "a_violence": recorded(concern_in(w, category=Category.FAMILY_VIOLENCE),
                               at(2026, 1, 1, 0, 0)),  # report to be sent
        "a_bullying": recorded(concern_in(w, category=Category.BULLYING,
                                          channel=Concern.Channel.TRUST_BOX),
                               at(2026, 3, 31, 23, 59)),  # no report
        "a_late": recorded(concern_in(w, category=Category.BULLYING), at(2026, 4, 1, 0, 0)),
        "a_sent": recorded(report_in(w, category=Category.NEGLECT).concern, at(2026, 2, 1)),
        "b_bullying": recorded(concern_in(w, w.school_b, category=Category.BULLYING),
                               at(2026, 2, 1)),
    }


def test_the_concern_list_narrows_to_an_area_a_period_and_a_category(world, concerns, client):
    w, c = world, concerns
    name = "disclosures:concern-list"
    q1 = {"date_from": "2026-01-01", "date_to": "2026-03-31"}
    assert listed(client, w.head, name, district=w.baizak.pk, **q1) == {
        c["a_violence"].pk, c["a_bullying"].pk, c["a_sent"].pk}
    assert listed(client, w.head, name, school=w.school_b.pk) == {c["b_bullying"].pk}
    assert listed(client, w.head, name, category="bullying", **q1) == {
        c["a_bullying"].pk, c["b_bullying"].pk}
    assert listed(client, w.head, name, channel="trust_box") == {c["a_bullying"].pk}
    assert listed(client, w.head, name, report="pending") == {c["a_violence"].pk}
    assert listed(client, w.head, name, report="sent") == {c["a_sent"].pk}
    assert listed(client, w.head, name, report="none", district=w.baizak.pk) == {
        c["a_bullying"].pk, c["a_late"].pk}
    assert len(listed(client, w.head, name)) == 5  # no filter: as before


def test_the_filters_in_force_are_shown_above_the_list(world, concerns, client):
    client.force_login(world.head.user)
    response = client.get(reverse("disclosures:concern-list"), {
        "school": world.school_a.pk, "category": "bullying", "date_from": "2026-01-01",
        "date_to": "2026-03-31"})
    active = dict(response.context["active"])
    assert active["School"] == world.school_a.name
    assert active["Category"] == "bullying"
    assert active["Recorded from"] == date_format(dt.date(2026, 1, 1), "SHORT_DATE_FORMAT")
    page = response.content.decode()
    assert "Shown only:" in page and world.school_a.name in page
    assert 'href="/disclosures/concerns/">Show all' in page


def test_a_date_that_does_not_parse_is_reported_and_the_other_filters_apply(world, concerns,
                                                                           client):
    client.force_login(world.head.user)
    response = client.get(reverse("disclosures:concern-list"),
                          {"district": world.merke.pk, "date_from": "31.02.2026"})
    assert response.status_code == 200
    assert "Check the filter" in response.content.decode()
    assert [x.pk for x in response.context["page"].object_list] == [
        concerns["b_bullying"].pk]


def test_a_school_outside_the_scope_lists_nothing_not_everything(world, concerns, client):
    assert listed(client, world.psy_a, "disclosures:concern-list",
                  school=world.school_b.pk) == set()
    assert listed(client, world.psy_a, "disclosures:concern-list",
                  district=world.merke.pk) == set()


@pytest.fixture
def reports(world):
    w = world
    return {
        "awaiting": placed(report_in(w, status=Status.SENT), at(2026, 1, 5), at(2026, 1, 5, 2)),
        "registered": placed(report_in(w, status=Status.INVESTIGATION), at(2026, 2, 1),
                             at(2026, 2, 1, 3)),
        "court": placed(report_in(w, status=Status.VERDICT), at(2026, 2, 1),
                        at(2026, 2, 3)),  # sent late
        "refused": placed(report_in(w, w.school_b, status=Status.REFUSED), at(2026, 3, 1),
                          at(2026, 3, 1, 1)),
        "unsent": placed(report_in(w, status=Status.PENDING), at(2026, 3, 10), None),
        "after": placed(report_in(w, status=Status.ACKNOWLEDGED), at(2026, 3, 31, 23),
                        at(2026, 4, 1, 0, 0)),
    }


def test_the_report_list_narrows_to_a_stage_sent_in_a_period(world, reports, client):
    w, r = world, reports
    name = "disclosures:report-list"
    q1 = {"sent_from": "2026-01-01", "sent_to": "2026-03-31"}
    assert listed(client, w.head, name, **q1) == {
        r["awaiting"].pk, r["registered"].pk, r["court"].pk, r["refused"].pk}
    assert listed(client, w.head, name, stage="registered", **q1) == {
        r["registered"].pk, r["court"].pk}
    assert listed(client, w.head, name, stage="court") == {r["court"].pk}
    assert listed(client, w.head, name, stage="awaiting") == {r["awaiting"].pk}
    assert listed(client, w.head, name, stage="acknowledged") == {r["after"].pk}
    assert listed(client, w.head, name, stage="refused", district=w.merke.pk) == {
        r["refused"].pk}
    assert listed(client, w.head, name, stage="overdue", due_from="2026-01-01",
                  due_to="2026-03-31") == {r["court"].pk, r["unsent"].pk}
    # with the existing "show" filter too (final: a verdict or a refusal)
    assert listed(client, w.head, name, show="final", district=w.baizak.pk, **q1) == {
        r["court"].pk}
    assert len(listed(client, w.head, name)) == 6


def test_the_prosecutor_and_the_inspector_keep_their_scope_under_a_filter(world, reports,
                                                                          client):
    w, r = world, reports
    name = "disclosures:report-list"
    assert listed(client, w.analyst, name, stage="registered") == {
        r["registered"].pk, r["court"].pk}
    assert listed(client, w.insp_b, name, district=w.baizak.pk) == set()
    assert listed(client, w.insp_b, name, stage="refused") == {r["refused"].pk}


def test_the_export_follows_the_filters(world, reports, client):
    client.force_login(world.head.user)
    response = client.get(reverse("disclosures:report-export"),
                          {"stage": "registered", "district": world.baizak.pk})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content)
                                       .decode("utf-8-sig"))))
    assert {int(row[0]) for row in rows[1:]} == {reports["registered"].pk, reports["court"].pk}
