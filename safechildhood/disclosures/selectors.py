"""Reads of concerns, police reports and oversight notes. Every read starts from the access
policy's scope; opening a concern or a report (a child's record) writes an audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, can, require, scope
from safechildhood.audit.services import audit_record
from safechildhood.disclosures import workflow
from safechildhood.disclosures.filters import NO_FILTERS, ConcernFilters, ReportFilters
from safechildhood.disclosures.models import (
    Concern,
    OversightNote,
    PoliceReport,
    PoliceReportStep,
)
from safechildhood.errors import NotFound
from safechildhood.geography.models import District
from safechildhood.people.models import Pupil

Status = PoliceReport.Status

# list filters
SHOW_ALL = "all"
SHOW_ATTENTION = "attention"  # to be sent, or awaiting acknowledgement, or a note to answer
SHOW_PENDING = "pending"
SHOW_OPEN = "open"  # with the police, not yet final
SHOW_FINAL = "final"


def _not_found() -> NotFound:
    return NotFound(_("Not found."), code="not_found")


def sees_names(actor: Actor) -> bool:
    """Whether the actor's lists show the child's name: those who may read concerns (schools,
    the centre, the inspector); the prosecutor's analyst sees reports without names."""
    return can(actor, Action.CONCERN_VIEW)


def sees_police_material(actor: Actor, report: PoliceReport) -> bool:
    """The police's own material (step notes, the reason for a refusal): the inspector of the
    unit (the report is in their scope) and the prosecutor."""
    return can(actor, Action.REPORT_ACKNOWLEDGE) or can(actor, Action.OVERSIGHT_VIEW, report)


def ack_deadline(report: PoliceReport) -> dt.datetime | None:
    if report.sent_at is None:
        return None
    return report.sent_at + dt.timedelta(hours=settings.REPORT_DEADLINE_HOURS)


# --- concerns ----------------------------------------------------------------------------------


def concern_pupil(*, actor: Actor, pk: int) -> Pupil:
    """The pupil a concern is about, for the form: in the recorder's scope and enrolled."""
    require(actor, Action.CONCERN_CREATE)
    pupil = (scope(actor, Pupil.objects.all()).select_related("school__district")
             .filter(pk=pk).first())
    if pupil is None:
        raise _not_found()
    require(actor, Action.CONCERN_CREATE, pupil)
    return pupil


def concern_list(*, actor: Actor, filters: ConcernFilters | None = None) -> QuerySet[Concern]:
    """Concerns in the actor's scope (narrowed by ``filters``), newest first, with their
    report."""
    require(actor, Action.CONCERN_VIEW)
    return ((filters or ConcernFilters()).apply(scope(actor, Concern.objects.all()))
            .select_related("pupil", "school", "reported_by", "report")
            .order_by("-created_at", "-id"))


def concern_get(*, actor: Actor, pk: int) -> tuple[Concern, bool]:
    """One concern and whether the actor may read its narrative. The read is audited, noting
    whether the narrative was shown."""
    require(actor, Action.CONCERN_VIEW)
    concern = (scope(actor, Concern.objects.all())
               .select_related("pupil__school", "school__district", "district", "reported_by",
                               "triage_proposal")
               .filter(pk=pk).first())
    if concern is None:
        raise _not_found()
    require(actor, Action.CONCERN_VIEW, concern)
    narrative = can(actor, Action.CONCERN_NARRATIVE_VIEW, concern)
    audit_record(actor=actor, action="disclosures.concern.viewed", target=concern,
                 data={"concern_id": concern.pk, "pupil_id": concern.pupil_id,
                       "narrative": narrative})
    return concern, narrative


def concern_find(*, actor: Actor, pk: int) -> Concern:
    """One concern to act on (acting is audited by the service)."""
    require(actor, Action.CONCERN_VIEW)
    concern = scope(actor, Concern.objects.all()).filter(pk=pk).first()
    if concern is None:
        raise _not_found()
    return concern


def concern_report(concern: Concern) -> PoliceReport | None:
    return PoliceReport.objects.filter(concern=concern).select_related("unit").first()


# --- police reports ----------------------------------------------------------------------------


def report_list(*, actor: Actor, show: str = SHOW_ALL, filters: ReportFilters = NO_FILTERS,
                now: dt.datetime | None = None) -> QuerySet[PoliceReport]:
    """Reports in the actor's scope (narrowed by ``filters``): those still to be sent first by
    deadline, then those awaiting acknowledgement, then the rest by their latest change."""
    require(actor, Action.REPORT_LIST)
    now = now or timezone.now()
    qs = filters.apply(scope(actor, PoliceReport.objects.all()), now)
    if show == SHOW_PENDING:
        qs = qs.filter(status=Status.PENDING)
    elif show == SHOW_OPEN:
        qs = qs.filter(status__in=workflow.OPEN_WITH_POLICE)
    elif show == SHOW_FINAL:
        qs = qs.filter(status__in=workflow.FINAL)
    elif show == SHOW_ATTENTION:
        qs = qs.filter(_attention(actor))
    first = Case(When(status=Status.PENDING, then=Value(0)),
                 When(status=Status.SENT, then=Value(1)), default=Value(2),
                 output_field=IntegerField())
    return (qs.select_related("pupil", "school", "district", "unit")
            .annotate(notes_waiting=Count("oversight_notes", filter=Q(
                oversight_notes__response_due__isnull=False,
                oversight_notes__responded_at__isnull=True,
                oversight_notes__in=scope(actor, OversightNote.objects.all()).values("pk"))))
            .order_by(first, Case(When(status=Status.PENDING, then=F("deadline"))).asc(),
                      F("status_changed_at").desc(), F("id").desc()))


def _attention(actor: Actor) -> Q:
    """What waits for the actor: the inspector's reports to acknowledge, a school's or the
    centre's reports to send, and notes addressed to the actor's side awaiting a response."""
    waiting = scope(actor, OversightNote.objects.filter(
        response_due__isnull=False, responded_at__isnull=True)).values("report_id")
    own = Q(status=Status.SENT) if can(actor, Action.REPORT_ACKNOWLEDGE) else \
        Q(status=Status.PENDING)
    return own | Q(pk__in=waiting)


def report_get(*, actor: Actor, pk: int) -> PoliceReport:
    """One report with its school, unit and concern. The read is audited."""
    require(actor, Action.REPORT_VIEW)
    report = (scope(actor, PoliceReport.objects.all())
              .select_related("pupil__school", "school__district", "district", "unit",
                              "created_by", "sent_by", "acknowledged_by", "concern")
              .filter(pk=pk).first())
    if report is None:
        raise _not_found()
    require(actor, Action.REPORT_VIEW, report)
    audit_record(actor=actor, action="disclosures.report.viewed", target=report,
                 data={"report_id": report.pk, "pupil_id": report.pupil_id})
    return report


def report_find(*, actor: Actor, pk: int) -> PoliceReport:
    """One report to act on (acting is audited by the service)."""
    require(actor, Action.REPORT_VIEW)
    report = scope(actor, PoliceReport.objects.all()).filter(pk=pk).first()
    if report is None:
        raise _not_found()
    return report


def report_steps(*, actor: Actor, report: PoliceReport) -> list[PoliceReportStep]:
    return list(scope(actor, PoliceReportStep.objects.filter(report=report))
                .select_related("by").order_by("at", "id"))


def report_notes(*, actor: Actor, report: PoliceReport) -> list[OversightNote]:
    """The oversight notes on a report the actor may see (the prosecutor all, the police and
    the school those addressed to them)."""
    return list(scope(actor, OversightNote.objects.filter(report=report))
                .select_related("created_by", "responded_by").order_by("created_at", "id"))


def note_find(*, actor: Actor, pk: int) -> OversightNote:
    require(actor, Action.OVERSIGHT_RESPOND)
    note = scope(actor, OversightNote.objects.all()).filter(pk=pk).first()
    if note is None:
        raise _not_found()
    return note


def report_export(*, actor: Actor, show: str = SHOW_ALL, filters: ReportFilters = NO_FILTERS):
    """The rows of the actor's report list for a CSV file (header first), streamed. The export
    is audited when asked for, before the first row is written."""
    require(actor, Action.REPORT_LIST)
    names = sees_names(actor)
    qs = report_list(actor=actor, show=show, filters=filters)
    audit_record(actor=actor, action="disclosures.report.exported", target=None,
                 data={"show": show, "rows": qs.count(), "names": names})
    return _export_rows(qs, names, export_header(names))


def _export_rows(qs: QuerySet[PoliceReport], names: bool, header: list[str]):
    yield header
    for report in qs.iterator(chunk_size=500):
        row = [str(report.pk), _stamp(report.created_at), report.get_category_display(),
               report.district.name, report.school.name,
               report.unit.name if report.unit else "", report.get_status_display(),
               _stamp(report.status_changed_at), _stamp(report.sent_at),
               _stamp(report.acknowledged_at), report.erdr_number]
        if names:
            row[1:1] = [report.pupil.full_name, report.pupil.birth_date.isoformat()]
        yield [_cell(value) for value in row]


def _cell(value: str) -> str:
    """A spreadsheet must not take a name for a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def _stamp(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_header(names: bool) -> list[str]:
    header = [str(_("Report")), str(_("Created")), str(_("Category")), str(_("District")),
              str(_("School")), str(_("Police unit")), str(_("Status")), str(_("Status since")),
              str(_("Sent")), str(_("Acknowledged")), str(_("ERDR registration number"))]
    if names:
        header[1:1] = [str(_("Pupil")), str(_("Date of birth"))]
    return header


def report_home_counts(*, actor: Actor, now: dt.datetime | None = None) -> dict[str, int]:
    """{"to_send", "overdue", "escalated", "to_acknowledge", "notes_waiting"} for a home panel
    (two queries)."""
    require(actor, Action.REPORT_LIST)
    now = now or timezone.now()
    counts = scope(actor, PoliceReport.objects.all()).aggregate(
        to_send=Count("pk", filter=Q(status=Status.PENDING)),
        overdue=Count("pk", filter=Q(status=Status.PENDING, deadline__lt=now)),
        escalated=Count("pk", filter=Q(status=Status.PENDING, escalated_at__isnull=False)),
        to_acknowledge=Count("pk", filter=Q(status=Status.SENT)))
    counts["notes_waiting"] = scope(actor, OversightNote.objects.filter(
        response_due__isnull=False, responded_at__isnull=True)).count()
    return counts


# --- the prosecutor's overview -----------------------------------------------------------------

OVERVIEW_LIST_LIMIT = 50  # each list of the overview shows this many, oldest problem first
RECENT_LIMIT = 10  # the latest steps the police recorded


@dataclass
class DistrictFigures:
    district: District
    counts: dict[str, int] = field(default_factory=dict)  # by category
    total: int = 0
    refused: int = 0

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(c, 0) for c in Concern.Category.values]


@dataclass
class Overview:
    rows: list[DistrictFigures]
    total: DistrictFigures
    overdue_acks: list[PoliceReport]
    overdue_acks_count: int
    stale: list[PoliceReport]
    stale_count: int
    refusals: list[PoliceReport]
    refusals_count: int
    unsent_overdue: list[PoliceReport]
    unsent_overdue_count: int
    notes_waiting: list[OversightNote]
    stale_days: int
    by_status: dict[str, int]
    recent: list[PoliceReport] = field(default_factory=list)


def oversight_overview(*, actor: Actor, now: dt.datetime | None = None) -> Overview:
    """Every report of the region in figures (district × category, in one grouped query) and
    the lists the prosecutor acts on: acknowledgements past due, reports without a change of
    status for ``OVERSIGHT_STALE_DAYS``, refusals with their reasons, reports not sent in time,
    and notes whose response is due."""
    require(actor, Action.OVERSIGHT_VIEW)
    now = now or timezone.now()
    reports = scope(actor, PoliceReport.objects.all())
    districts = {d.pk: d for d in scope(actor, District.objects.filter(
        region_id=actor.membership.region_id)).order_by("kind", "name_ru")}
    rows = {pk: DistrictFigures(district=d) for pk, d in districts.items()}
    total = DistrictFigures(district=None)
    grouped = reports.values("district_id", "category").annotate(
        n=Count("pk"), refused=Count("pk", filter=Q(status=Status.REFUSED))).order_by()
    for item in grouped:
        row = rows.get(item["district_id"])
        for target in (row, total):
            if target is None:
                continue
            target.counts[item["category"]] = target.counts.get(item["category"], 0) + item["n"]
            target.total += item["n"]
            target.refused += item["refused"]
    by_status = dict(reports.values_list("status").annotate(n=Count("pk")).order_by())
    related = ("school", "district", "unit")
    ack_cutoff = now - dt.timedelta(hours=settings.REPORT_DEADLINE_HOURS)
    overdue_acks = reports.filter(status=Status.SENT, sent_at__lt=ack_cutoff)
    stale_days = settings.OVERSIGHT_STALE_DAYS
    stale = reports.filter(status__in=workflow.OPEN_WITH_POLICE,
                           status_changed_at__lt=now - dt.timedelta(days=stale_days))
    refusals = reports.filter(status=Status.REFUSED)
    unsent = reports.filter(status=Status.PENDING, deadline__lt=now)
    notes = (scope(actor, OversightNote.objects.filter(response_due__isnull=False,
                                                       responded_at__isnull=True))
             .select_related("report__district", "report__school", "report__unit")
             .order_by("response_due", "id"))
    limit = OVERVIEW_LIST_LIMIT
    return Overview(
        rows=[r for r in rows.values()], total=total,
        overdue_acks=list(overdue_acks.select_related(*related).order_by("sent_at")[:limit]),
        overdue_acks_count=overdue_acks.count(),
        stale=list(stale.select_related(*related).order_by("status_changed_at")[:limit]),
        stale_count=stale.count(),
        refusals=list(refusals.select_related(*related).order_by("-status_changed_at")[:limit]),
        refusals_count=refusals.count(),
        unsent_overdue=list(unsent.select_related(*related).order_by("deadline")[:limit]),
        unsent_overdue_count=unsent.count(),
        notes_waiting=list(notes[:limit]),
        stale_days=stale_days,
        by_status=by_status,
        recent=list(reports.exclude(status=Status.PENDING).select_related(*related)
                    .order_by("-status_changed_at", "-id")[:RECENT_LIMIT]),
    )
