"""Filters of the prevention lists that the statistics pages link to (an area and a period):
trainings by where their trained participants work and when they ended, events, group meetings
and consultations by school and district; the filters in force are shown above each list and
the viewer's scope still holds."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from safechildhood.prevention import services
from safechildhood.prevention.models import Event
from safechildhood.prevention.tests.fixtures import (
    consultation,
    event,
    meeting,
    training,
)

pytestmark = pytest.mark.django_db
D = dt.date


def listed(client, actor, name, **params) -> set[int]:
    client.force_login(actor.user)
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return {item.pk for item in response.context["page"].object_list}


def _course(world, ends_on, attended=(), absent=()):
    t = training(world.head, start=ends_on - dt.timedelta(days=1), ends_on=ends_on)
    services.participants_add(actor=world.head, training=t,
                              users=[a.user for a in (*attended, *absent)])
    for actor in attended:
        services.attendance_mark(actor=world.head, attendance="attended",
                                 participant=t.participants.get(user=actor.user))
    return t


def test_trainings_by_where_the_trained_work_and_when_they_ended(client, world):
    w = world
    north = _course(w, D(2026, 2, 2), attended=[w.psychologist_n])
    south_absent = _course(w, D(2026, 3, 1), absent=[w.psychologist_s])
    later = _course(w, D(2026, 4, 1), attended=[w.psychologist_n2])
    name = "prevention:training-list"
    q1 = {"date_from": "2026-01-01", "date_to": "2026-03-31"}
    assert listed(client, w.head, name, **q1) == {north.pk, south_absent.pk}
    assert listed(client, w.head, name, district=w.north.pk) == {north.pk, later.pk}
    assert listed(client, w.head, name, district=w.north.pk, **q1) == {north.pk}
    assert listed(client, w.head, name, district=w.south.pk) == set()  # absent: not trained
    assert listed(client, w.head, name, school=w.school_n2.pk) == {later.pk}
    assert len(listed(client, w.head, name)) == 3


def test_events_by_school_with_the_filters_shown(client, world):
    w = world
    at_school = event(w.head, district=w.north, school=w.school_n, held_on=D(2026, 2, 1))
    district_wide = event(w.head, district=w.north, held_on=D(2026, 2, 1),
                          kind=Event.Kind.MASTER_CLASS)
    event(w.head, district=w.south, school=w.school_s, held_on=D(2026, 2, 1))
    name = "prevention:event-list"
    assert listed(client, w.head, name, school=w.school_n.pk) == {at_school.pk}
    assert listed(client, w.head, name, district=w.north.pk) == {at_school.pk,
                                                                   district_wide.pk}
    response = client.get(reverse(name), {"district": w.north.pk, "kind": "master_class",
                                          "date_from": "2026-01-01", "date_to": "2026-03-31"})
    assert {e.pk for e in response.context["page"].object_list} == {district_wide.pk}
    active = dict(response.context["active"])
    assert active["District"] == w.north.name
    assert active["Type"] == "master class for teachers"
    assert active["From"] == date_format(D(2026, 1, 1), "SHORT_DATE_FORMAT")
    assert active["To"] == date_format(D(2026, 3, 31), "SHORT_DATE_FORMAT")
    assert "Shown only:" in response.content.decode()


def test_meetings_and_consultations_by_school_and_district(client, world):
    w = world
    at_school = meeting(w.head, district=w.north, school=w.school_n, parents=30)
    meeting(w.head, district=w.north, parents=20)
    south = meeting(w.head, district=w.south, school=w.school_s, parents=15)
    assert listed(client, w.head, "prevention:meeting-list", school=w.school_n.pk) == {
        at_school.pk}
    assert listed(client, w.head, "prevention:meeting-list", district=w.south.pk) == {south.pk}
    north_talk = consultation(w.psychologist_n, guardian=w.guardian_n)
    south_talk = consultation(w.psychologist_s, guardian=w.guardian_s)
    name = "prevention:consultation-list"
    assert listed(client, w.head, name, district=w.north.pk) == {north_talk.pk}
    assert listed(client, w.head, name, school=w.school_s.pk) == {south_talk.pk}
    # a specialist of the south sees nothing of the north, filtered or not
    assert listed(client, w.specialist_s, name, district=w.north.pk) == set()
    assert listed(client, w.specialist_s, name) == {south_talk.pk}


def test_an_unfiltered_list_shows_no_filter_line(client, world):
    client.force_login(world.head.user)
    response = client.get(reverse("prevention:event-list"))
    assert response.context["active"] == []
    assert "Shown only:" not in response.content.decode()
