"""Reads of screening results: a campaign's responses counted by band, who needs a follow-up,
and one pupil's screening history across campaigns. Every read starts from the access policy's
scope; reading one child's answers writes an audit event in the same request.

Crisis alerts and the duty roster are read in ``selectors_alerts``; answers, scales, bands and
flags as the reader sees them in ``selectors_answers``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.accounts.models import Role
from safechildhood.audit.services import audit_record
from safechildhood.directory.models import School
from safechildhood.errors import NotFound
from safechildhood.geography.models import District
from safechildhood.people.models import Pupil
from safechildhood.screening.models import (
    Assignment,
    Campaign,
    Response,
    TriageProposal,
)
from safechildhood.screening.scoring import FOLLOW_UP, Instrument
from safechildhood.screening.selectors_answers import language

# Triage levels from which a response needs a school psychologist's follow-up.
FOLLOW_UP_LEVELS = (TriageProposal.Level.MEDIUM, TriageProposal.Level.HIGH,
                    TriageProposal.Level.CRITICAL)


def _not_found() -> NotFound:
    return NotFound(_("Not found."), code="not_found")


# --- results: counts by band ------------------------------------------------------------------


@dataclass
class BandRow:
    """Counts of one class, school or district. ``key`` is what the next level is asked with
    (a district id), or ``None``."""

    label: str
    key: Any = None
    bands: list[int] = field(default_factory=list)
    no_band: int = 0  # incomplete: no total, so no band
    critical: int = 0
    total: int = 0


@dataclass
class Distribution:
    level: str  # "class", "school" or "district"
    bands: list[tuple[str, str]]  # (code, label) in the instrument's order
    rows: list[BandRow]
    total: BandRow
    district: District | None = None
    by: str = "band"  # "band", or "level" for an instrument without bands


def _results_base(actor: Actor, campaign: Campaign, code: str) -> QuerySet[Response]:
    """Submitted responses of one campaign and instrument from the assignments the actor sees
    (a school psychologist: their school; centre staff: their districts). For counting only."""
    assignments = scope(actor, Assignment.objects.filter(campaign=campaign)).values("pk")
    return Response.objects.filter(campaign=campaign, instrument=code,
                                   status=Response.Status.SUBMITTED,
                                   assignment__in=assignments)


def results_distribution(*, actor: Actor, campaign: Campaign, instrument: Instrument,
                         district: District | None = None) -> Distribution:
    """The responses counted by band of the instrument's main scale (by triage level for an
    instrument without bands, such as the ASQ): per class for a school psychologist, per
    district (or per school of ``district``) for centre staff. Counts only, grouped in the
    database."""
    require(actor, Action.RESULTS_VIEW, campaign)
    lang = language()
    main = instrument.scales[0] if instrument.scales else None
    if main is not None and main.bands:
        by = "band"
        bands = [(b.code, instrument.localized(b.label, lang)) for b in main.bands]
    else:
        by = "level"
        bands = [("", gettext("no finding")),
                 *((code, str(label)) for code, label in TriageProposal.Level.choices)]
    index = {code: i for i, (code, _label) in enumerate(bands)}
    qs = _results_base(actor, campaign, instrument.code)
    if actor.has_role(Role.SCHOOL_PSYCHOLOGIST):
        level, group = "class", ["assignment__grade", "assignment__class_letter"]
    elif district is not None:
        level, group = "school", ["assignment__school_id"]
        qs = qs.filter(assignment__district_id=district.pk)
    else:
        level, group = "district", ["assignment__district_id"]
    grouped = (qs.values(*group, by)
               .annotate(n=Count("pk"), crit=Count("pk", filter=Q(critical=True))).order_by())
    rows: dict[Any, BandRow] = {}
    for r in grouped:
        key = tuple(r[g] for g in group) if len(group) > 1 else r[group[0]]
        row = rows.setdefault(key, BandRow(label="", key=key, bands=[0] * len(bands)))
        if r[by] in index:
            row.bands[index[r[by]]] += r["n"]
        else:
            row.no_band += r["n"]
        row.critical += r["crit"]
        row.total += r["n"]
    _label_rows(level, rows)
    if level == "class":
        ordered = sorted(rows.values(), key=lambda row: (row.key[0] or 0, row.key[1] or ""))
    else:
        ordered = sorted(rows.values(), key=lambda row: (row.label, str(row.key)))
    total = BandRow(label="", bands=[sum(r.bands[i] for r in ordered) for i in range(len(bands))],
                    no_band=sum(r.no_band for r in ordered),
                    critical=sum(r.critical for r in ordered), total=sum(r.total for r in ordered))
    return Distribution(level=level, bands=bands, rows=ordered, total=total, district=district,
                        by=by)


def _label_rows(level: str, rows: dict[Any, BandRow]) -> None:
    if level == "class":
        for (grade, letter), row in rows.items():
            row.label = f"{grade}{letter or ''}" if grade is not None else "—"
        return
    model = School if level == "school" else District
    names = {o.pk: o.name for o in model.objects.filter(pk__in=list(rows))}
    for key, row in rows.items():
        row.label = names.get(key, "—")
        if level == "school":
            row.key = None


def results_districts(*, actor: Actor) -> QuerySet[District]:
    """The districts whose results the actor may count by school: the head's region, a
    specialist's own districts."""
    require(actor, Action.RESULTS_VIEW)
    qs = scope(actor, District.objects.filter(region_id=actor.membership.region_id))
    if actor.has_role(Role.CENTRE_SPECIALIST):
        qs = qs.filter(specialists=actor.membership)
    elif not actor.has_role(Role.CENTRE_HEAD):
        return qs.none()
    return qs.order_by("kind", "name_ru", "id")


def results_counts(*, actor: Actor, campaign_ids: list[int]) -> dict[int, int]:
    """For a page of campaigns: {campaign id: submitted responses within scope} (one query)."""
    if not campaign_ids:
        return {}
    assignments = scope(actor, Assignment.objects.filter(campaign_id__in=campaign_ids))
    rows = (Response.objects.filter(campaign_id__in=campaign_ids,
                                    status=Response.Status.SUBMITTED,
                                    assignment__in=assignments.values("pk"))
            .values("campaign_id").annotate(n=Count("pk")).order_by())
    return {r["campaign_id"]: r["n"] for r in rows}


def follow_up_list(*, actor: Actor, campaign: Campaign, instrument_code: str,
                   district: District | None = None) -> QuerySet[Response]:
    """Responses that need a follow-up: a critical result, a critical question left
    unanswered, or a triage level of medium or above. Only children the actor may see by name
    (a school psychologist: their school's; centre staff: the children of their alerts and
    proposals)."""
    require(actor, Action.RESPONSE_VIEW)
    qs = scope(actor, Response.objects.filter(campaign=campaign, instrument=instrument_code,
                                              status=Response.Status.SUBMITTED))
    qs = qs.filter(Q(critical=True) | Q(completeness=FOLLOW_UP) | Q(level__in=FOLLOW_UP_LEVELS))
    if district is not None:
        qs = qs.filter(school__district_id=district.pk)
    return (qs.select_related("pupil", "school", "assignment")
            .order_by("-critical", "pupil__last_name", "pupil__first_name", "id"))


# --- one pupil's screening --------------------------------------------------------------------


def pupil_screening_get(*, actor: Actor, pk: int) -> Pupil:
    """A pupil whose screening the actor may read. Outside the actor's scope: ``NotFound``; a
    school administrator sees no answers (``Forbidden``). The read is audited."""
    pupil = (scope(actor, Pupil.objects.all()).select_related("school__district")
             .filter(pk=pk).first())
    if pupil is None:
        raise _not_found()
    require(actor, Action.RESPONSE_VIEW, pupil)
    audit_record(actor=actor, action="screening.response.viewed", target=pupil,
                 data={"pupil_id": pupil.pk})
    return pupil


def pupil_responses(*, actor: Actor, pupil: Pupil) -> QuerySet[Response]:
    """Every submitted response of the pupil the actor may read, across campaigns, newest
    first."""
    require(actor, Action.RESPONSE_VIEW)
    return (scope(actor, Response.objects.filter(pupil=pupil, status=Response.Status.SUBMITTED))
            .select_related("campaign", "school").order_by("-submitted_at", "-id"))


def pupil_proposals(*, actor: Actor, pupil: Pupil, response: Response | None = None
                    ) -> QuerySet[TriageProposal]:
    """The pupil's triage proposals the actor may see (``response``: from that response)."""
    require(actor, Action.TRIAGE_VIEW)
    qs = scope(actor, TriageProposal.objects.filter(pupil=pupil))
    if response is not None:
        qs = qs.filter(response=response)
    return qs.select_related("response", "decided_by").order_by("-created_at", "-id")


def response_get(*, actor: Actor, pk: int) -> Response:
    """One submitted response with its pupil. Outside the actor's scope: ``NotFound``. The
    read is audited."""
    response = (scope(actor, Response.objects.filter(status=Response.Status.SUBMITTED))
                .select_related("pupil__school__district", "school__district", "campaign",
                                "entered_by")
                .filter(pk=pk).first())
    if response is None:
        raise _not_found()
    require(actor, Action.RESPONSE_VIEW, response)
    audit_record(actor=actor, action="screening.response.viewed", target=response,
                 data={"response_id": response.pk, "pupil_id": response.pupil_id})
    return response
