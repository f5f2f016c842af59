"""The centre's duty roster: which specialist answers a district's crisis alerts on which days.

The centre head keeps it. A shift names one district, one centre specialist assigned to that
district and a run of days; a new alert goes to the specialist whose shift covers the day
(``responses.on_duty_for``: the latest-starting shift wins, so a one-day stand-in inside a
week's shift simply works). Changing today's roster also moves today's open alerts: an alert
nobody was on duty for goes to the new specialist, and the alerts of a removed specialist go to
whoever is now on duty.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require
from safechildhood.accounts.models import Role, User
from safechildhood.audit.services import audit_record
from safechildhood.errors import DomainError
from safechildhood.geography.models import District
from safechildhood.screening.models import CrisisAlert, DutyShift
from safechildhood.screening.services.responses import on_duty_for


def duty_specialists(district: District) -> QuerySet[User]:
    """Who may be on duty for a district: active centre specialists of its region with the
    district assigned."""
    return (User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__role=Role.CENTRE_SPECIALIST,
        memberships__region_id=district.region_id,
        memberships__districts=district,
    ).distinct().order_by("last_name", "first_name", "id"))


def _open_alerts(district: District) -> QuerySet[CrisisAlert]:
    return CrisisAlert.objects.filter(district=district, status=CrisisAlert.Status.OPEN)


def duty_set(*, actor: Actor, district: District, specialist: User, starts_on: dt.date,
             ends_on: dt.date) -> DutyShift:
    """Put ``specialist`` on duty for ``district`` from ``starts_on`` to ``ends_on``
    (inclusive)."""
    require(actor, Action.DUTY_MANAGE, district)
    today = timezone.localdate()
    if ends_on < starts_on:
        raise DomainError(_("The last day of the shift comes before its first day."),
                          code="dates_order", field="ends_on")
    if ends_on < today:
        raise DomainError(_("The shift would be over already. Choose days from today on."),
                          code="in_the_past", field="ends_on")
    with transaction.atomic():
        if not duty_specialists(district).filter(pk=specialist.pk).exists():
            raise DomainError(
                _("Only a centre specialist assigned to this district can be on duty for it."),
                code="not_a_specialist_of_district", field="specialist")
        overlapping = DutyShift.objects.filter(district=district, specialist=specialist,
                                               starts_on__lte=ends_on, ends_on__gte=starts_on)
        if overlapping.exists():
            raise DomainError(_("This specialist is already on duty for this district on some "
                                "of these days."), code="overlap", field="starts_on")
        shift = DutyShift.objects.create(district=district, specialist=specialist,
                                         starts_on=starts_on, ends_on=ends_on,
                                         created_by=actor.user)
        reassigned = 0
        if starts_on <= today <= ends_on:
            now_on_duty = on_duty_for(district.pk, today)
            reassigned = _open_alerts(district).filter(on_duty__isnull=True).update(
                on_duty=now_on_duty)
        audit_record(actor=actor, action="screening.duty.set", target=shift,
                     data={"change": "added", "shift_id": shift.pk, "district_id": district.pk,
                           "specialist_id": specialist.pk, "starts_on": starts_on.isoformat(),
                           "ends_on": ends_on.isoformat(), "alerts_reassigned": reassigned})
    return shift


def duty_remove(*, actor: Actor, shift: DutyShift) -> None:
    """Take a shift off the roster. Shifts already over stay, as the record of who was on
    duty."""
    require(actor, Action.DUTY_MANAGE, shift)
    today = timezone.localdate()
    with transaction.atomic():
        shift = (DutyShift.objects.select_for_update().select_related("district")
                 .filter(pk=shift.pk).first())
        if shift is None:
            raise DomainError(_("This shift has already been removed."), code="already_removed")
        if shift.ends_on < today:
            raise DomainError(_("A shift that is over stays on the roster as a record."),
                              code="shift_over")
        district = shift.district
        reassigned = 0
        if shift.starts_on <= today:
            # today's alerts of this specialist go to whoever is on duty without this shift
            replacement = (DutyShift.objects.filter(district=district, starts_on__lte=today,
                                                    ends_on__gte=today)
                           .exclude(pk=shift.pk).order_by("-starts_on", "-id")
                           .values_list("specialist_id", flat=True).first())
            if replacement != shift.specialist_id:
                reassigned = _open_alerts(district).filter(
                    on_duty_id=shift.specialist_id).update(on_duty_id=replacement)
        audit_record(actor=actor, action="screening.duty.set", target=shift,
                     data={"change": "removed", "shift_id": shift.pk,
                           "district_id": district.pk, "specialist_id": shift.specialist_id,
                           "starts_on": shift.starts_on.isoformat(),
                           "ends_on": shift.ends_on.isoformat(),
                           "alerts_reassigned": reassigned})
        shift.delete()
