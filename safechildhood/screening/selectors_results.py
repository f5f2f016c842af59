"""Reads of screening results, crisis alerts and the duty roster. Every read starts from the
access policy's scope; reading one child's answers or alert writes an audit event in the same
request.

Answers are stored as option codes; what a question asked and what the pupil chose are read
back from the instrument file, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import get_language, gettext
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
    CrisisAlert,
    DutyShift,
    Response,
    TriageProposal,
)
from safechildhood.screening.scoring import (
    COMPLETE,
    FOLLOW_UP,
    PARTIAL,
    AnswerError,
    Instrument,
    Item,
    is_shown,
)
from safechildhood.screening.services.instruments import instrument_get

# Triage levels from which a response needs a school psychologist's follow-up.
FOLLOW_UP_LEVELS = (TriageProposal.Level.MEDIUM, TriageProposal.Level.HIGH,
                    TriageProposal.Level.CRITICAL)
COMPLETENESS_LABELS = {
    COMPLETE: _("complete"),
    PARTIAL: _("some questions unanswered"),
    FOLLOW_UP: _("incomplete: a critical question unanswered, follow up"),
}
LIST_ALL = "all"
LIST_OPEN = "open"


def language() -> str:
    return (get_language() or "ru")[:2]


def _not_found() -> NotFound:
    return NotFound(_("Not found."), code="not_found")


# --- instruments as read back -----------------------------------------------------------------


def instrument_for(code: str, version: str | None = None) -> Instrument | None:
    """The instrument a response was scored with: that version if still on file, else the
    current one, else ``None`` (a centre's own instrument removed since: shown by its code)."""
    for wanted in (version, None):
        try:
            return instrument_get(code, wanted)
        except NotFound:
            continue
    return None


def instrument_name(instrument: Instrument | None, code: str, lang: str) -> str:
    if instrument is None:
        return code
    text = instrument.short_name or instrument.name
    return instrument.localized(text, lang) or code


def flag_labels(instrument: Instrument | None, flag_ids: Iterable[str], lang: str) -> list[str]:
    """Flags in the reader's language, in the instrument's order; unknown ones by their id."""
    flag_ids = list(flag_ids)
    if instrument is None:
        return flag_ids
    known = {f.id: f for f in instrument.flags}
    ordered = [f.id for f in instrument.flags if f.id in flag_ids]
    ordered += [f for f in flag_ids if f not in known]
    return [instrument.localized(known[f].label, lang) if f in known else f for f in ordered]


def raised_flags(response: Response) -> list[str]:
    """The ids of the flags a response raised (stored with its scores)."""
    flags = (response.scores or {}).get("flags") or {}
    return [k for k, v in flags.items() if isinstance(v, dict) and v.get("state") is True]


def band_label(instrument: Instrument | None, band: str, lang: str) -> str:
    if not band:
        return ""
    if instrument is not None and instrument.scales:
        for b in instrument.scales[0].bands:
            if b.code == band:
                return instrument.localized(b.label, lang)
    return band


def _answer_label(item: Item, code: str | None, lang: str) -> str | None:
    if code is None or code == "":
        return None
    if item.option_set is None:
        return str(code)
    option = item.option_set.by_code(str(code))
    if option is None:
        return str(code)
    return option.label.get(lang) or option.label.get("en") or str(code)


def _question_text(instrument: Instrument, item: Item, lang: str) -> str:
    return instrument.localized(item.text, lang) if item.text else (item.topic or item.id)


@dataclass(frozen=True)
class AnswerRow:
    item: Item
    question: str
    code: str | None
    answer: str | None  # the chosen answer's label in the reader's language; None: no answer
    triggered: bool = False  # this answer meets a raised critical flag's condition
    asked: bool = True  # False: skipped after earlier answers (skip logic)


def _option_value(item: Item, code: str) -> int | None:
    if item.option_set is None:
        try:
            return int(code)
        except ValueError:
            return None
    option = item.option_set.by_code(code)
    if option is None:
        return None
    if item.reverse:
        return item.option_set.max_value + item.option_set.min_value - option.value
    return option.value


def _leaf_met(item: Item, cond: dict[str, Any], code: str | None) -> bool:
    if code is None:
        return False
    if "in" in cond and code not in cond["in"]:
        return False
    if "min" in cond or "max" in cond:
        value = _option_value(item, code)
        if value is None:
            return False
        if "min" in cond and value < cond["min"]:
            return False
        if "max" in cond and value > cond["max"]:
            return False
    return True


def _positive_leaves(instrument: Instrument, cond: dict[str, Any], seen: set[str]
                     ) -> list[dict[str, Any]]:
    """The item conditions that can make ``cond`` true (through any/all and flags; a negated
    part never counts as a reason)."""
    if "item" in cond:
        return [cond]
    if "any" in cond or "all" in cond:
        return [leaf for c in cond.get("any", cond.get("all", []))
                for leaf in _positive_leaves(instrument, c, seen)]
    if "flag" in cond and cond["flag"] not in seen:
        seen.add(cond["flag"])
        flag = next((f for f in instrument.flags if f.id == cond["flag"]), None)
        return _positive_leaves(instrument, flag.when, seen) if flag else []
    return []


def alert_triggers(instrument: Instrument | None, response: Response, lang: str
                   ) -> list[AnswerRow]:
    """Which answers raised the alert: every critical question, and every question a raised
    critical flag looks at, with the answer given; ``triggered`` marks the answers that meet
    the flag's condition."""
    if instrument is None:
        return []
    answers = response.answers or {}
    raised = set(raised_flags(response))
    leaves: list[dict[str, Any]] = []
    for flag in instrument.flags:
        if flag.critical and flag.id in raised:
            leaves += _positive_leaves(instrument, flag.when, {flag.id})
    wanted = set(instrument.critical_item_ids) | {leaf["item"] for leaf in leaves}
    rows = []
    for item in instrument.items:
        if item.id not in wanted:
            continue
        code = answers.get(item.id)
        code = None if code in (None, "") else str(code)
        met = any(_leaf_met(item, leaf, code) for leaf in leaves if leaf["item"] == item.id)
        rows.append(AnswerRow(item=item, question=_question_text(instrument, item, lang),
                              code=code, answer=_answer_label(item, code, lang), triggered=met))
    return rows


def answer_rows(instrument: Instrument | None, response: Response, lang: str) -> list[AnswerRow]:
    """Every question of the instrument with the chosen answer's label (``None``: not
    answered, or not asked after earlier answers)."""
    if instrument is None:
        return []
    answers = response.answers or {}
    triggers = {row.item.id for row in alert_triggers(instrument, response, lang)
                if row.triggered}
    rows = []
    for item in instrument.items:
        code = answers.get(item.id)
        code = None if code in (None, "") else str(code)
        rows.append(AnswerRow(item=item, question=_question_text(instrument, item, lang),
                              code=code, answer=_answer_label(item, code, lang),
                              triggered=item.id in triggers,
                              asked=code is not None or _asked(instrument, item, answers)))
    return rows


def _asked(instrument: Instrument, item: Item, answers: dict[str, Any]) -> bool:
    if item.show_if is None:
        return True
    try:
        return is_shown(instrument, item, answers) is not False
    except AnswerError:
        return True


@dataclass(frozen=True)
class ScaleRow:
    label: str
    total: int | None
    band: str


def scale_rows(instrument: Instrument | None, response: Response, lang: str) -> list[ScaleRow]:
    if instrument is None:
        return []
    stored = (response.scores or {}).get("scales") or {}
    rows = []
    for scale in instrument.scales:
        result = stored.get(scale.id) or {}
        band = next((b for b in scale.bands if b.code == result.get("band")), None)
        rows.append(ScaleRow(label=instrument.localized(scale.label, lang),
                             total=result.get("total"),
                             band=instrument.localized(band.label, lang) if band else ""))
    return rows


# --- crisis alerts -----------------------------------------------------------------------------


def alert_list(*, actor: Actor, status: str = LIST_ALL) -> QuerySet[CrisisAlert]:
    """The alerts the actor may see: open ones first by deadline (a specialist's own alerts,
    those they are on duty for, first of all), then the acknowledged ones, latest first."""
    require(actor, Action.ALERT_VIEW)
    qs = scope(actor, CrisisAlert.objects.all())
    if status == LIST_OPEN:
        qs = qs.filter(status=CrisisAlert.Status.OPEN)
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
