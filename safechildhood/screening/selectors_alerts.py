"""Reads of crisis alerts and the centre's duty roster. Every read starts from the access
policy's scope; reading one alert writes an audit event in the same request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.accounts.models import Role
from safechildhood.audit.services import audit_record
from safechildhood.errors import NotFound
from safechildhood.geography.models import District
from safechildhood.screening.models import CrisisAlert, DutyShift

LIST_ALL = "all"
LIST_OPEN = "open"
LIST_ACKNOWLEDGED = "acknowledged"


def _not_found() -> NotFound:
    return NotFound(_("Not found."), code="not_found")


# --- crisis alerts -----------------------------------------------------------------------------


def alert_list(*, actor: Actor, status: str = LIST_ALL, district_id: int | None = None,
               school_id: int | None = None, raised_from: dt.datetime | None = None,
               raised_before: dt.datetime | None = None) -> QuerySet[CrisisAlert]:
    """The alerts the actor may see: open ones first by deadline (a specialist's own alerts,
    those they are on duty for, first of all), then the acknowledged ones, latest first.
    Optionally only those raised at a district or school (kept on the alert) and in
    [``raised_from``, ``raised_before``): the alerts a statistics figure counts."""
    require(actor, Action.ALERT_VIEW)
    qs = scope(actor, CrisisAlert.objects.all())
    if status == LIST_OPEN:
        qs = qs.filter(status=CrisisAlert.Status.OPEN)
    elif status == LIST_ACKNOWLEDGED:
        qs = qs.filter(acknowledged_at__isnull=False)
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    if school_id is not None:
        qs = qs.filter(school_id=school_id)
    if raised_from is not None:
        qs = qs.filter(raised_at__gte=raised_from)
    if raised_before is not None:
        qs = qs.filter(raised_at__lt=raised_before)
    open_first = Case(When(status=CrisisAlert.Status.OPEN, then=Value(0)), default=Value(1),
                      output_field=IntegerField())
    order: list[Any] = [open_first]
    if actor.has_role(Role.CENTRE_SPECIALIST):
        order.append(Case(When(status=CrisisAlert.Status.OPEN, on_duty_id=actor.user.pk,
                               then=Value(0)), default=Value(1), output_field=IntegerField()))
    order += [Case(When(status=CrisisAlert.Status.OPEN, then=F("deadline"))).asc(),
              F("raised_at").desc(), F("id").desc()]
    return (qs.select_related("pupil", "school", "district", "on_duty", "acknowledged_by",
                              "response")
            .order_by(*order))


def alert_open_counts(*, actor: Actor) -> dict[str, int]:
    """{"open": n, "overdue": n, "mine": n} for a home panel (one query)."""
    require(actor, Action.ALERT_VIEW)
    now = timezone.now()
    return scope(actor, CrisisAlert.objects.filter(status=CrisisAlert.Status.OPEN)).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=now)),
        mine=Count("pk", filter=Q(on_duty_id=actor.user.pk)))


def alert_get(*, actor: Actor, pk: int) -> CrisisAlert:
    """One alert with its pupil and response. Outside the actor's scope: ``NotFound``. The read
    is audited."""
    alert = (scope(actor, CrisisAlert.objects.all())
             .select_related("pupil__school__district", "school__district", "district",
                             "response__campaign", "on_duty", "acknowledged_by")
             .filter(pk=pk).first())
    if alert is None:
        raise _not_found()
    require(actor, Action.ALERT_VIEW, alert)
    audit_record(actor=actor, action="screening.alert.viewed", target=alert,
                 data={"alert_id": alert.pk, "pupil_id": alert.pupil_id,
                       "response_id": alert.response_id})
    return alert


def alert_find(*, actor: Actor, pk: int) -> CrisisAlert:
    """One alert to act on (no audit: acting is audited by the service)."""
    require(actor, Action.ALERT_VIEW)
    alert = scope(actor, CrisisAlert.objects.all()).filter(pk=pk).first()
    if alert is None:
        raise _not_found()
    return alert


# --- the duty roster --------------------------------------------------------------------------


@dataclass
class DutyRow:
    district: District
    today: DutyShift | None = None  # the shift that answers today's alerts
    next: DutyShift | None = None  # the next shift to start after today
    upcoming: int = 0  # shifts not yet over


def duty_overview(*, actor: Actor, districts: Iterable[District]) -> list[DutyRow]:
    """For a page of districts: who is on duty today and next (one query for the shifts)."""
    require(actor, Action.DUTY_MANAGE)
    rows = {d.pk: DutyRow(district=d) for d in districts}
    today = timezone.localdate()
    shifts = (scope(actor, DutyShift.objects.filter(district_id__in=list(rows),
                                                    ends_on__gte=today))
              .select_related("specialist").order_by("district_id", "starts_on", "id"))
    for shift in shifts:
        row = rows[shift.district_id]
        row.upcoming += 1
        if shift.starts_on <= today:
            # the latest-starting shift covering today wins, as when an alert is raised
            if row.today is None or (shift.starts_on, shift.pk) > (row.today.starts_on,
                                                                    row.today.pk):
                row.today = shift
        elif row.next is None:
            row.next = shift
    return list(rows.values())


def duty_districts(*, actor: Actor) -> QuerySet[District]:
    require(actor, Action.DUTY_MANAGE)
    return scope(actor, District.objects.filter(region_id=actor.membership.region_id)).order_by(
        "kind", "name_ru", "id")


def duty_district_get(*, actor: Actor, pk: int) -> District:
    district = scope(actor, District.objects.all()).filter(pk=pk).first()
    if district is None:
        raise _not_found()
    require(actor, Action.DUTY_MANAGE, district)
    return district


def duty_shift_list(*, actor: Actor, district: District, past: bool = False
                    ) -> QuerySet[DutyShift]:
    """A district's shifts from today on (``past``: the earlier ones too, latest first)."""
    require(actor, Action.DUTY_MANAGE, district)
    qs = scope(actor, DutyShift.objects.filter(district=district)).select_related(
        "specialist", "created_by")
    if past:
        return qs.order_by("-starts_on", "-id")
    return qs.filter(ends_on__gte=timezone.localdate()).order_by("starts_on", "id")
