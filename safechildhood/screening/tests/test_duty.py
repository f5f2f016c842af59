"""The duty roster service: adding and removing shifts, who may be on duty, audit, rollback,
and today's open alerts following the roster."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.audit.models import AuditEvent
from safechildhood.directory.tests.factories import SupportCentreFactory
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.screening.models import CrisisAlert, DutyShift
from safechildhood.screening.services.duty import duty_remove, duty_set, duty_specialists
from safechildhood.screening.services.responses import on_duty_for
from safechildhood.screening.tests import alerts_fixtures
from safechildhood.screening.tests.alerts_fixtures import alert_in, shift

pytestmark = pytest.mark.django_db

# the region, its staff and the second factor switched off (see alerts_fixtures)
world = alerts_fixtures.world
_no_second_factor = alerts_fixtures._no_second_factor

DAY = dt.timedelta(days=1)


def today():
    return timezone.localdate()


def add(w, specialist, district=None, start=0, end=0, actor=None):
    return duty_set(actor=actor or w.head, district=district or w.baizak,
                    specialist=specialist.user, starts_on=today() + start * DAY,
                    ends_on=today() + end * DAY)


# --- adding ------------------------------------------------------------------------------------


def test_the_head_puts_a_specialist_on_duty(world):
    added = add(world, world.spec_a, start=0, end=6)
    assert (added.district, added.specialist, added.created_by) == (
        world.baizak, world.spec_a.user, world.head.user)
    assert on_duty_for(world.baizak.pk, today() + 3 * DAY) == world.spec_a.user
    event = AuditEvent.objects.get(action="screening.duty.set")
    assert event.actor_id == world.head.user.pk
    assert event.target_id == str(added.pk)
    assert event.district_id == world.baizak.pk
    assert event.data["change"] == "added"
    assert event.data["specialist_id"] == world.spec_a.user.pk
    assert event.data["starts_on"] == today().isoformat()


def test_only_specialists_assigned_to_the_district_may_be_on_duty(world):
    with pytest.raises(DomainError) as refused:
        add(world, world.spec_b)  # assigned to Merke, not Baizak
    assert refused.value.field == "specialist"
    far = MembershipFactory(role=Role.CENTRE_SPECIALIST,
                            centre=SupportCentreFactory(region=world.far_district.region),
                            districts=[world.far_district])
    with pytest.raises(DomainError):
        duty_set(actor=world.head, district=world.baizak, specialist=far.user,
                 starts_on=today(), ends_on=today())
    with pytest.raises(DomainError):
        add(world, world.psy_a)
    assert not DutyShift.objects.exists()


def test_an_inactive_membership_cannot_be_on_duty(world):
    world.spec_a.membership.is_active = False
    world.spec_a.membership.save()
    assert world.spec_a.user not in duty_specialists(world.baizak)
    with pytest.raises(DomainError):
        add(world, world.spec_a)


def test_the_dates_must_be_in_order_and_not_over(world):
    with pytest.raises(DomainError) as reversed_dates:
        add(world, world.spec_a, start=3, end=1)
    assert reversed_dates.value.code == "dates_order"
    with pytest.raises(DomainError) as past:
        add(world, world.spec_a, start=-3, end=-1)
    assert past.value.code == "in_the_past"
    assert not DutyShift.objects.exists()


def test_a_specialist_is_not_put_on_duty_twice_for_the_same_days(world):
    add(world, world.spec_a, start=0, end=6)
    with pytest.raises(DomainError) as refused:
        add(world, world.spec_a, start=5, end=8)
    assert refused.value.code == "overlap"
    add(world, world.spec_a, start=7, end=8)  # the next week is fine
    assert DutyShift.objects.count() == 2


def test_a_stand_in_for_one_day_takes_that_day(world):
    world.spec_b.membership.districts.add(world.baizak)
    add(world, world.spec_a, start=0, end=6)
    add(world, world.spec_b, start=2, end=2)
    assert on_duty_for(world.baizak.pk, today() + 2 * DAY) == world.spec_b.user
    assert on_duty_for(world.baizak.pk, today() + 3 * DAY) == world.spec_a.user


@pytest.mark.parametrize("who", ["spec_a", "psy_a", "regional_admin"])
def test_only_the_centre_head_keeps_the_roster(world, who):
    with pytest.raises(Forbidden):
        add(world, world.spec_a, actor=getattr(world, who))
    assert not DutyShift.objects.exists()


def test_the_head_of_another_region_cannot_touch_this_roster(world):
    with pytest.raises(NotFound):
        add(world, world.spec_a, actor=world.far_head)
    planned = add(world, world.spec_a)
    with pytest.raises(NotFound):
        duty_remove(actor=world.far_head, shift=planned)
    assert DutyShift.objects.count() == 1


def test_adding_rolls_back_when_the_audit_fails(world):
    with mock.patch("safechildhood.screening.services.duty.audit_record",
                    side_effect=RuntimeError("disk full")), pytest.raises(RuntimeError):
        add(world, world.spec_a)
    assert not DutyShift.objects.exists()


def test_todays_shift_takes_the_open_alerts_nobody_was_on_duty_for(world):
    waiting = alert_in(world)
    assert waiting.on_duty is None
    other_district = alert_in(world, world.school_b)
    add(world, world.spec_a, start=0, end=2)
    waiting.refresh_from_db()
    other_district.refresh_from_db()
    assert waiting.on_duty == world.spec_a.user
    assert other_district.on_duty is None
    assert AuditEvent.objects.get(action="screening.duty.set").data["alerts_reassigned"] == 1


def test_a_future_shift_leaves_todays_alerts_alone(world):
    waiting = alert_in(world)
    add(world, world.spec_a, start=1, end=2)
    waiting.refresh_from_db()
    assert waiting.on_duty is None


# --- removing ----------------------------------------------------------------------------------


def test_removing_a_shift(world):
    planned = add(world, world.spec_a, start=2, end=4)
    duty_remove(actor=world.head, shift=planned)
    assert not DutyShift.objects.exists()
    event = AuditEvent.objects.filter(action="screening.duty.set").order_by("id").last()
    assert event.data["change"] == "removed"
    assert event.data["shift_id"] == planned.pk
    assert event.district_id == world.baizak.pk


def test_a_shift_that_is_over_stays_as_a_record(world):
    old = shift(world, world.spec_a, world.baizak, days=(-4, -1))
    with pytest.raises(DomainError) as refused:
        duty_remove(actor=world.head, shift=old)
    assert refused.value.code == "shift_over"
    assert DutyShift.objects.filter(pk=old.pk).exists()


def test_removing_a_shift_already_removed_says_so(world):
    planned = add(world, world.spec_a, start=1, end=1)
    copy = DutyShift.objects.get(pk=planned.pk)
    duty_remove(actor=world.head, shift=planned)
    with pytest.raises(NotFound):
        duty_remove(actor=world.head, shift=copy)


def test_only_the_centre_head_removes_shifts(world):
    planned = add(world, world.spec_a)
    with pytest.raises(Forbidden):
        duty_remove(actor=world.spec_a, shift=planned)
    assert DutyShift.objects.exists()


def test_removing_todays_shift_hands_its_open_alerts_to_whoever_is_on_duty(world):
    world.spec_b.membership.districts.add(world.baizak)
    week = add(world, world.spec_b, start=0, end=6)
    today_only = add(world, world.spec_a, start=0, end=0)
    alert = alert_in(world)
    assert alert.on_duty == world.spec_a.user
    duty_remove(actor=world.head, shift=today_only)
    alert.refresh_from_db()
    assert alert.on_duty == world.spec_b.user
    duty_remove(actor=world.head, shift=week)
    alert.refresh_from_db()
    assert alert.on_duty is None
    acknowledged = CrisisAlert.objects.filter(status=CrisisAlert.Status.ACKNOWLEDGED)
    assert not acknowledged.exists()


def test_removing_rolls_back_when_the_audit_fails(world):
    planned = add(world, world.spec_a, start=0, end=1)
    alert = alert_in(world)
    with mock.patch("safechildhood.screening.services.duty.audit_record",
                    side_effect=RuntimeError("disk full")), pytest.raises(RuntimeError):
        duty_remove(actor=world.head, shift=planned)
    assert DutyShift.objects.filter(pk=planned.pk).exists()
    alert.refresh_from_db()
    assert alert.on_duty == world.spec_a.user
