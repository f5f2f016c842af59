"""Reads of referrals, the provider directory, re-screenings and the child's score trajectory.

Every read starts from the access policy's scope. Opening a referral or a re-screening, and
reading the child's screening results for the trajectory, are written to the audit log, as the
screening part does for a pupil's answers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, can, require, scope
from safechildhood.accounts.models import Role
from safechildhood.audit.services import audit_record
from safechildhood.cases import counting
from safechildhood.cases.chart import Point, trajectory_svg, zones_from_bands
from safechildhood.cases.models import FollowUpScreening, Referral, RiskCase
from safechildhood.cases.services.referrals import OPEN_STATUSES, is_overdue
from safechildhood.cases.services.rescreening import rescreening_overdue, rescreening_status
from safechildhood.directory.models import ServiceProvider
from safechildhood.errors import NotFound
from safechildhood.geography.models import District
from safechildhood.screening.models import Response
from safechildhood.screening.selectors_answers import instrument_for, instrument_name, language


def _not_found() -> NotFound:
    return NotFound(_("Not found."), code="not_found")


# --- the provider directory --------------------------------------------------------------------


def provider_list(*, actor: Actor, kind: str | None = None,
                  district: District | None = None) -> QuerySet[ServiceProvider]:
    """Active providers of the actor's region, with the referrals under way to each (of the
    cases the actor may see). ``district``: the providers there and those serving the whole
    region."""
    require(actor, Action.PROVIDER_VIEW)
    open_referrals = (scope(actor, Referral.objects.filter(provider=OuterRef("pk"),
                                                           status__in=OPEN_STATUSES))
                      .order_by().values("provider").annotate(n=Count("pk")).values("n"))
    qs = scope(actor, ServiceProvider.objects.filter(is_active=True))
    if kind:
        qs = qs.filter(kind=kind)
    if district is not None:
        qs = qs.filter(Q(district=district) | Q(district__isnull=True))
    return (qs.select_related("district")
            .annotate(open_referrals=Coalesce(Subquery(open_referrals,
                                                       output_field=IntegerField()), 0))
            .order_by("kind", "district__name_ru", "name_ru", "pk"))


def provider_districts(*, actor: Actor) -> QuerySet[District]:
    return scope(actor, District.objects.all()).order_by("name_ru")


def provider_choices(*, actor: Actor, case: RiskCase) -> QuerySet[ServiceProvider]:
    """Providers a case's child can be referred to: active, of the pupil's region; those of the
    pupil's district first, then the region-wide ones, then the other districts'."""
    district_id = case.pupil.school.district_id
    return (scope(actor, ServiceProvider.objects.filter(
        is_active=True, region_id=case.pupil.school.district.region_id))
        .select_related("district")
        .annotate(nearness=Case(When(district_id=district_id, then=Value(0)),
                                When(district__isnull=True, then=Value(1)), default=Value(2),
                                output_field=IntegerField()))
        .order_by("nearness", "kind", "name_ru", "pk"))


# --- referrals ---------------------------------------------------------------------------------


def referral_get(*, actor: Actor, pk: int) -> Referral:
    """One referral with its steps. Outside the actor's scope: ``NotFound``. Audited."""
    referral = (scope(actor, Referral.objects.all())
                .select_related("case__pupil__school__district", "provider__district", "sent_by")
                .filter(pk=pk).first())
    if referral is None:
        raise _not_found()
    require(actor, Action.CASE_VIEW, referral.case)
    audit_record(actor=actor, action="cases.referral.viewed", target=referral,
                 data={"referral_id": referral.pk, "case_id": referral.case_id,
                       "pupil_id": referral.case.pupil_id})
    return referral


def referral_find(*, actor: Actor, pk: int) -> Referral:
    """A referral to act on (no audit: the service audits the change)."""
    referral = scope(actor, Referral.objects.all()).select_related("case").filter(pk=pk).first()
    if referral is None:
        raise _not_found()
    return referral


def referral_steps(referral: Referral) -> QuerySet:
    return referral.steps.select_related("by").order_by("at", "id")


def referrals_waiting(*, actor: Actor, today: dt.date | None = None) -> QuerySet[Referral]:
    """Referrals under way on open cases, overdue first, then by the next step's due date: a
    specialist's own cases, the centre head's whole region."""
    require(actor, Action.CASE_LIST)
    today = today or timezone.localdate()
    qs = scope(actor, Referral.objects.filter(status__in=OPEN_STATUSES)
               .exclude(case__status=RiskCase.Status.CLOSED))
    if not actor.has_role(Role.CENTRE_HEAD):
        qs = qs.filter(case__owner=actor.user)
    return (qs.select_related("case__pupil__school__district", "provider", "case__owner")
            .annotate(overdue=Case(When(next_step_due__lt=today, then=Value(1)),
                                   default=Value(0), output_field=IntegerField()))
            .order_by("-overdue", "next_step_due", "sent_at", "pk"))


def referrals_counted(*, actor: Actor, period: counting.Period | None = None,
                      district_id: int | None = None, school_id: int | None = None,
                      show: str = "", today: dt.date | None = None) -> QuerySet[Referral]:
    """The referrals a statistics figure counts (cases/counting.py): sent in the period, at the
    pupil's current district or school, all of them or only the ``completed`` or ``overdue``
    ones; of every case in the actor's scope, latest first."""
    require(actor, Action.CASE_LIST)
    today = today or timezone.localdate()
    qs = scope(actor, Referral.objects.all())
    if period is not None:
        qs = qs.filter(counting.sent_in(period))
    if district_id is not None:
        qs = qs.filter(case__district_id=district_id)  # the pupil's current one, on the case
    if school_id is not None:
        qs = qs.filter(case__school_id=school_id)
    if show == counting.COMPLETED:
        qs = qs.filter(counting.completed())
    elif show == counting.OVERDUE:
        qs = qs.filter(counting.overdue(today))
    return (qs.select_related("case__pupil__school__district", "provider", "case__owner")
            .order_by("-sent_at", "-pk"))


def referral_row(referral: Referral, today: dt.date) -> dict[str, Any]:
    return {"referral": referral, "overdue": is_overdue(referral, today=today),
            "open": referral.status in OPEN_STATUSES}


def case_referrals_section(actor: Actor, case: RiskCase) -> dict[str, Any]:
    """The case page's referrals and re-screenings."""
    require(actor, Action.CASE_VIEW, case)
    today = timezone.localdate()
    referrals = (scope(actor, Referral.objects.filter(case=case))
                 .select_related("provider").order_by("-sent_at", "-id"))
    rescreenings = (scope(actor, FollowUpScreening.objects.filter(case=case))
                    .select_related("assignment").order_by("-due_on", "-id"))
    lang = language()
    return {
        "case": case,
        "referral_rows": [referral_row(r, today) for r in referrals],
        "rescreening_rows": [rescreening_row(f, today, lang) for f in rescreenings],
        "may_work_referrals": can(actor, Action.CASE_WORK, case),
    }


# --- re-screenings -----------------------------------------------------------------------------


def _instrument_label(code: str, lang: str) -> str:
    return instrument_name(instrument_for(code), code, lang)


def rescreening_row(rescreening: FollowUpScreening, today: dt.date, lang: str) -> dict[str, Any]:
    status = rescreening_status(rescreening)
    return {
        "rescreening": rescreening,
        "status": status,
        "status_label": FollowUpScreening.Status(status).label,
        "overdue": rescreening_overdue(rescreening, today=today),
        "instruments": [_instrument_label(c, lang) for c in rescreening.instruments],
        "waiting": status in (FollowUpScreening.Status.SCHEDULED,
                              FollowUpScreening.Status.ASSIGNED),
    }


def rescreening_get(*, actor: Actor, pk: int) -> FollowUpScreening:
    """One re-screening of a case. Outside the actor's scope: ``NotFound``. Audited."""
    rescreening = (scope(actor, FollowUpScreening.objects.all())
                   .select_related("case__pupil__school__district", "assignment__campaign",
                                   "created_by")
                   .filter(pk=pk).first())
    if rescreening is None:
        raise _not_found()
    require(actor, Action.CASE_VIEW, rescreening.case)
    audit_record(actor=actor, action="cases.rescreening.viewed", target=rescreening,
                 data={"rescreening_id": rescreening.pk, "case_id": rescreening.case_id,
                       "pupil_id": rescreening.case.pupil_id})
    return rescreening


def rescreening_find(*, actor: Actor, pk: int) -> FollowUpScreening:
    rescreening = (scope(actor, FollowUpScreening.objects.all()).select_related("case")
                   .filter(pk=pk).first())
    if rescreening is None:
        raise _not_found()
    return rescreening


def rescreening_responses(*, actor: Actor, rescreening: FollowUpScreening) -> QuerySet[Response]:
    """The submitted answers of a re-screening (their scores), as the actor may read them."""
    if rescreening.assignment_id is None:
        return Response.objects.none()
    return (scope(actor, Response.objects.filter(assignment_id=rescreening.assignment_id,
                                                 status=Response.Status.SUBMITTED))
            .order_by("submitted_at", "id"))


# --- the score trajectory ----------------------------------------------------------------------


def _band_label(instrument, scale, code: str, lang: str) -> str:
    if scale is not None:
        band = next((b for b in scale.bands if b.code == code), None)
        if band is not None:
            return instrument.localized(band.label, lang)
    return code or gettext("no band")


def case_trajectory_section(actor: Actor, case: RiskCase) -> dict[str, Any]:
    """The child's totals across screenings, per instrument, as charts and tables. Reading the
    child's results is audited, as opening a pupil's answers is."""
    require(actor, Action.CASE_VIEW, case)
    responses = list(
        scope(actor, Response.objects.filter(pupil_id=case.pupil_id,
                                             status=Response.Status.SUBMITTED))
        .select_related("campaign").order_by("submitted_at", "id")
        .only("pk", "instrument", "version", "total", "band", "submitted_at", "assignment_id",
              "campaign__name", "critical"))
    audit_record(actor=actor, action="screening.response.viewed", target=case.pupil,
                 data={"pupil_id": case.pupil_id, "case_id": case.pk,
                       "responses": [r.pk for r in responses]})
    follow_ups = set(FollowUpScreening.objects.filter(case__pupil_id=case.pupil_id,
                                                      assignment__isnull=False)
                     .values_list("assignment_id", flat=True))
    lang = language()
    by_instrument: dict[str, list[Response]] = defaultdict(list)
    for response in responses:
        by_instrument[response.instrument].append(response)
    charts = []
    for code, rows in by_instrument.items():
        instrument = instrument_for(code, rows[-1].version)
        scale = instrument.scales[0] if instrument is not None and instrument.scales else None
        name = instrument_name(instrument, code, lang)
        zones = (zones_from_bands(scale.bands, lambda b, i=instrument: i.localized(b.label, lang))
                 if scale is not None else [])
        table, points = [], []
        for r in rows:
            day = timezone.localdate(r.submitted_at)
            label = date_format(day, "SHORT_DATE_FORMAT")
            band = _band_label(instrument, scale, r.band, lang) if r.band else ""
            table.append({"response": r, "date": label, "total": r.total, "band": band,
                          "follow_up": r.assignment_id in follow_ups,
                          "source": (gettext("re-screening") if r.assignment_id in follow_ups
                                     else (r.campaign.name if r.campaign else ""))})
            if r.total is not None:
                points.append(Point(on=day, total=r.total, band=band, label=label))
        description = (gettext("%(name)s totals, oldest first: %(values)s.") % {
            "name": name,
            "values": "; ".join(f"{p.label} — {p.total} ({p.band})" for p in points)}
            if points else gettext("No scored results yet."))
        charts.append({
            "code": code,
            "name": name,
            "svg": trajectory_svg(
                chart_id=f"trajectory-{case.pk}-{code}",
                title=gettext("%(name)s: totals over time") % {"name": name},
                description=description, points=points, zones=zones),
            "rows": table,
            "zones": zones,
        })
    return {"case": case, "trajectory_charts": charts,
            "trajectory_count": len(responses)}
