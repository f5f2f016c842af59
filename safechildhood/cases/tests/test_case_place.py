"""A risk case's place: the pupil's current school and its district, kept on the case. It is set
when the case is opened (from where the pupil studies then, not where they were screened), moves
with the pupil's transfer in the same transaction (closed cases too), and the case lists filter
by it."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.cases import selectors
from safechildhood.cases.models import RiskCase
from safechildhood.cases.services import triage
from safechildhood.cases.tests import case_world
from safechildhood.cases.tests.case_world import REASON
from safechildhood.cases.tests.factories import RiskCaseFactory, TriageProposalFactory
from safechildhood.people import services as people_services
from safechildhood.people.tests.factories import PupilFactory

world = case_world.world


def _place(case: RiskCase) -> tuple[int, int]:
    case.refresh_from_db()
    return case.school_id, case.district_id


def _move(w, pupil, to_school):
    return people_services.pupil_transfer(
        actor=actor_for(w.psychologist), pupil=pupil, to_school=to_school, grade=pupil.grade,
        on_date=timezone.localdate())


def test_a_case_opens_at_the_pupils_school(world):
    case = triage.proposal_accept(actor=world.actors["head"],
                                  proposal=TriageProposalFactory(pupil=world.pupil),
                                  categories=["depression"], level="high", reason=REASON)
    assert _place(case) == (world.school.pk, world.baizak.pk)


def test_a_case_opens_where_the_pupil_studies_now_not_where_they_were_screened(world):
    proposal = TriageProposalFactory(pupil=world.pupil)  # screened at the Baizak school
    _move(world, world.pupil, world.merke_school)
    case = triage.proposal_accept(actor=world.actors["head"], proposal=proposal,
                                  categories=["depression"], level="high", reason=REASON)
    assert _place(case) == (world.merke_school.pk, world.merke.pk)


def test_a_transfer_moves_the_pupils_cases_at_once_closed_ones_too(world):
    open_case = RiskCaseFactory(pupil=world.pupil, active=True)
    old_case = RiskCaseFactory(pupil=world.pupil, closed=True,
                               opened_at=timezone.now() - dt.timedelta(days=400))
    classmate = RiskCaseFactory(pupil=PupilFactory(school=world.school), active=True)
    head = world.actors["head"]
    assert list(selectors.case_list(actor=head, district=world.merke)) == []

    _move(world, world.pupil, world.merke_school)

    assert _place(open_case) == _place(old_case) == (world.merke_school.pk, world.merke.pk)
    assert _place(classmate) == (world.school.pk, world.baizak.pk)
    # the head's list filtered by district follows the child
    assert [c.pk for c in selectors.case_list(actor=head, district=world.merke)] == [
        open_case.pk]
    assert [c.pk for c in selectors.case_list(actor=head, district=world.baizak)] == [
        classmate.pk]
    assert {c.pk for c in selectors.case_list(actor=head, school=world.merke_school,
                                              open_only=False)} == {open_case.pk, old_case.pk}


def test_a_failed_transfer_leaves_the_case_where_it_was(world, monkeypatch):
    case = RiskCaseFactory(pupil=world.pupil, active=True)
    monkeypatch.setattr(people_services, "audit_record", lambda **kw: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        _move(world, world.pupil, world.merke_school)
    assert _place(case) == (world.school.pk, world.baizak.pk)


def test_the_migration_fills_every_case_from_its_pupil_in_batches(world, monkeypatch):
    migration = importlib.import_module(
        "safechildhood.cases.migrations.0003_case_school_and_district")
    monkeypatch.setattr(migration, "BATCH", 2)
    cases = [RiskCaseFactory(pupil=PupilFactory(school=school), closed=True)
             for school in (world.school, world.merke_school, world.school, world.merke_school,
                            world.school)]
    RiskCase.objects.update(school=world.merke_school, district=world.merke)  # all wrong
    editor = SimpleNamespace(connection=connection,
                             execute=lambda sql: connection.cursor().execute(sql))
    migration.backfill(django_apps, editor)
    assert [_place(c) for c in cases] == [
        (c.pupil.school_id, c.pupil.school.district_id) for c in cases]
    assert {_place(c) for c in cases} == {(world.school.pk, world.baizak.pk),
                                          (world.merke_school.pk, world.merke.pk)}
