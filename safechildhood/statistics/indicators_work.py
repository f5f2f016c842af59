"""Indicators of the work against hidden violence and of prevention, as area tables (tables.py):
concerns recorded, police reports and what became of them, psychologists trained, events held
and parents reached.

Every function takes ``region_id``, the ``viewer`` (None: the public), a ``ReportPeriod`` and,
optionally, a district (rows: its schools) or a school (one row), and returns an ``AreaTable``
with the small-count rule applied by ``area_table``. Each runs one grouped query per group of
measures, never one per row.

What is counted, and where:

* **Concerns** (``disclosures_table``): concerns *recorded* in the period (``created_at``; the
  disclosure itself may be older), at the school and district the pupil was in when it was
  recorded (kept on the concern); by category (the six kinds of the concern form); *through the
  trust box*: those recorded from a trust box message (channel "through the trust box"); and by
  what became of the reporting duty, by now: *police report sent* (sent, whatever its status
  since), *report to be sent* (prepared, not yet sent), *no police report* (the category does
  not require one and none was prepared). The last three add up to the concerns.
  Trust box messages themselves are not counted: they are anonymous, and the school or district
  a child may name is neither required nor checked, so a count by area would be a count of what
  children chose to say about where they are. A message counts once a specialist turns it into
  a concern about a named pupil; it then counts at that pupil's school, in the column above.
  Entitlement: ``concerns_entitled`` (the centre head; a centre specialist in the assigned
  districts; the school's staff for their school).
* **Police reports** (``police_reports_table``): reports *sent* in the period (``sent_at``), at
  the school and district of their concern; by their status now: *awaiting acknowledgement*
  (sent, not yet received by the police), *received, no decision* (acknowledged), *registered in
  the ERDR* (registered with an ERDR number, and those gone on to investigation, court or a
  verdict, unless refused since), *refused* (refusal to open a case, also after registration);
  these four add up to the reports sent. *Sent to court* (court or verdict) is a part of
  "registered". *Registered %* = registered of sent. *Not sent in time*: reports whose send-by
  deadline (``SC_REPORT_DEADLINE_HOURS`` after the concern) fell in the period, before now, and
  that were not sent by it (sent late, or not yet: these are the reports escalated to the
  school director and the centre head). The median hours to send: from the report being put
  on the list (the concern's recording, for the categories the law requires; the reporter's
  choice, for an optional report) to sending, of the reports sent in the period.
  Entitlement: ``police_reports_entitled``: those entitled to the concerns, and the
  prosecutor's analyst, who oversees and opens every report of the region (without names).
  The juvenile inspector is not: their list holds only the reports sent to their unit, not
  every report of an area.
* **Prevention** (``prevention_table``), with the definitions of ``prevention/selectors.py``
  (``prevention_counts``, the grouped form of ``psychologists_trained``, ``events_held`` and
  ``parents_reached``): *psychologists trained*: school psychologists marked as attended on a
  training that ended in the period, counted once however many trainings, at the school they
  worked at when added (the total counts each person once, even if they changed district);
  *events held* in the period and by type; *parents reached*: *consulted individually* (distinct
  guardians with a consultation in the period; the total counts a guardian consulted in two
  areas once), *in group meetings* (head counts as recorded: anonymous, so the same parent at
  two meetings counts twice), and the two together. Events and group meetings held district-wide
  (no school) count in their district's row and in the total of that district's schools, not in
  any school row, so a district's row and the total of its schools agree.
  Entitlement: ``prevention_entitled`` (the part of the region whose prevention figures the
  viewer reads on the prevention pages: the centre, the prosecutor's analyst and the regional
  administrator the region; a school's staff their school; an inspector their district).

Links: a count links to the list of the records it counts, filtered to the row's area (district
or school), the period (its first and last day) and what the column counts, when the viewer may
open that list: concerns (``disclosures:concern-list``, Action.CONCERN_VIEW), police reports
(``disclosures:report-list``, Action.REPORT_LIST), trainings, events, parents' group meetings and
consultations (``prevention:*-list``, Action.PREVENTION_VIEW of the record kind). "Parents
reached" in total has no list of its own. The lists apply the viewer's scope again.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, can
from safechildhood.access.rules_statistics import (
    concerns_entitled,
    police_reports_entitled,
    prevention_entitled,
)
from safechildhood.disclosures.filters import CONCERN_REPORT_Q, stage_q
from safechildhood.disclosures.models import Concern, PoliceReport
from safechildhood.periods import ReportPeriod
from safechildhood.prevention.models import (
    Event,
    ParentConsultation,
    ParentMeeting,
    Training,
)
from safechildhood.prevention.selectors import prevention_counts
from safechildhood.statistics.areas import area_scope, grouped
from safechildhood.statistics.tables import (
    MEDIAN,
    PERCENT,
    AreaTable,
    Measure,
    area_table,
)


def _days(period: ReportPeriod, prefix: str = "date") -> dict[str, str]:
    return {f"{prefix}_from": period.start.isoformat(), f"{prefix}_to": period.end.isoformat()}


# --- concerns -----------------------------------------------------------------------------------

# measure -> the concern list's ``report`` filter, whose definitions are counted
CONCERN_STATE_PARAM = {"reported": "sent", "report_pending": "pending", "no_report": "none"}
CONCERN_STATES = {code: CONCERN_REPORT_Q[param] for code, param in CONCERN_STATE_PARAM.items()}


def _concern_measures() -> list[Measure]:
    return [
        Measure("concerns", _("Concerns recorded"),
                help=_("Concerns and disclosures about pupils recorded in the period.")),
        *[Measure(f"category_{value}", label) for value, label in Concern.Category.choices],
        Measure("trust_box", _("of them from the trust box"),
                help=_("Recorded from a trust box message once the child named themself.")),
        Measure("reported", _("police report sent")),
        Measure("report_pending", _("police report to be sent")),
        Measure("no_report", _("no police report")),
    ]


def disclosures_table(*, region_id: int, viewer: Actor | None, period: ReportPeriod,
                      district_id: int | None = None, school_id: int | None = None
                      ) -> AreaTable:
    """Concerns recorded in the period, by category, from the trust box, and by what became of
    the police report (see the module's note). One grouped query."""
    scope = area_scope(region_id=region_id, viewer=viewer, entitled=concerns_entitled,
                   district_id=district_id, school_id=school_id)
    concerns = scope.filter(Concern.objects.filter(created_at__gte=period.starts_at,
                                                   created_at__lt=period.ends_at))
    aggregates = {
        "concerns": Count("pk"),
        **{f"category_{c}": Count("pk", filter=Q(category=c))
           for c in Concern.Category.values},
        "trust_box": Count("pk", filter=Q(channel=Concern.Channel.TRUST_BOX)),
        **{code: Count("pk", filter=q) for code, q in CONCERN_STATES.items()},
    }
    counts = grouped(concerns, scope.group(), **aggregates)

    def params(code: str) -> dict[str, str]:
        params = _days(period)
        if code.startswith("category_"):
            params["category"] = code.removeprefix("category_")
        elif code == "trust_box":
            params["channel"] = Concern.Channel.TRUST_BOX
        elif code in CONCERN_STATE_PARAM:
            params["report"] = CONCERN_STATE_PARAM[code]
        return params

    link = scope.linker(viewer, Action.CONCERN_VIEW, "disclosures:concern-list", params)
    return area_table(code="disclosures", title=str(_("Concerns and disclosures")),
                      level=scope.level, measures=_concern_measures(), areas=scope.areas,
                      entitled_total=scope.entitled_total, counts=counts, link=link)


# --- police reports -----------------------------------------------------------------------------

# statuses counted among the reports sent: the report list's ``stage`` filter, by its definition
SENT_STAGES = ("awaiting", "acknowledged", "registered", "refused", "court")


def _report_measures() -> list[Measure]:
    return [
        Measure("sent", _("Police reports sent"),
                help=_("Reports sent to the police in the period.")),
        Measure("awaiting", _("awaiting acknowledgement")),
        Measure("acknowledged", _("received, no decision yet")),
        Measure("registered", _("registered in the ERDR"),
                help=_("With an ERDR number, including those under investigation, in court or "
                       "decided.")),
        Measure("refused", _("refusal to open a case")),
        Measure("court", _("sent to court")),
        Measure("registered_percent", _("registered, %"), kind=PERCENT,
                of=("registered", "sent")),
        Measure("overdue", _("not sent in time"),
                help=_("Reports due in the period that were not sent by the deadline (sent "
                       "late or not yet): escalated to the school director and the centre "
                       "head.")),
        Measure("hours_to_send", _("median hours to send"), kind=MEDIAN, unit="hours",
                help=_("From the report being put on the list (when the concern is recorded, "
                       "for the categories the law requires) to sending it.")),
    ]


def police_reports_table(*, region_id: int, viewer: Actor | None, period: ReportPeriod,
                         district_id: int | None = None, school_id: int | None = None,
                         now: dt.datetime | None = None) -> AreaTable:
    """Police reports sent in the period by their status now, and reports not sent by their
    deadline (see the module's note). One grouped query and one for the sending times."""
    now = now or timezone.now()
    scope = area_scope(region_id=region_id, viewer=viewer, entitled=police_reports_entitled,
                   district_id=district_id, school_id=school_id)
    in_period = Q(sent_at__gte=period.starts_at, sent_at__lt=period.ends_at)
    due = Q(deadline__gte=period.starts_at, deadline__lt=period.ends_at)
    overdue = due & stage_q("overdue", now)
    reports = scope.filter(PoliceReport.objects.filter(in_period | due))
    counts = grouped(reports, scope.group(), sent=Count("pk", filter=in_period),
                   **{code: Count("pk", filter=in_period & stage_q(code, now))
                      for code in SENT_STAGES},
                   overdue=Count("pk", filter=overdue))
    samples: dict[int, dict[str, list[float]]] = {}
    for key, created, sent in (scope.filter(PoliceReport.objects.filter(in_period))
                               .values_list(scope.group(), "created_at", "sent_at")):
        samples.setdefault(key, {}).setdefault("hours_to_send", []).append(
            (sent - created).total_seconds() / 3600)

    def params(code: str) -> dict[str, str]:
        if code == "overdue":
            return {"stage": "overdue", **_days(period, "due")}
        return {**_days(period, "sent"), **({"stage": code} if code != "sent" else {})}

    link = scope.linker(viewer, Action.REPORT_LIST, "disclosures:report-list", params)
    return area_table(code="police_reports", title=str(_("Police reports")),
                      level=scope.level, measures=_report_measures(), areas=scope.areas,
                      entitled_total=scope.entitled_total, counts=counts, samples=samples,
                      link=link)


# --- prevention ---------------------------------------------------------------------------------


def _prevention_measures() -> list[Measure]:
    return [
        Measure("trained", _("Psychologists trained"),
                help=_("School psychologists who attended a training that ended in the "
                       "period, each counted once.")),
        Measure("events", _("Events held")),
        *[Measure(f"events_{value}", label) for value, label in Event.Kind.choices],
        Measure("parents_identified", _("parents consulted individually"),
                help=_("Each parent or guardian counted once, however many consultations.")),
        Measure("parents_in_groups", _("parents at group meetings"),
                help=_("Head counts of the meetings: the same parent at two meetings counts "
                       "twice.")),
        Measure("parents", _("Parents reached")),
    ]


def prevention_table(*, region_id: int, viewer: Actor | None, period: ReportPeriod,
                     district_id: int | None = None, school_id: int | None = None
                     ) -> AreaTable:
    """Psychologists trained, events held (and by type), parents reached (consulted, in groups,
    together) in the period (see the module's note). Six grouped queries."""
    scope = area_scope(region_id=region_id, viewer=viewer, entitled=prevention_entitled,
                   district_id=district_id, school_id=school_id)
    figures = prevention_counts(region_id=region_id, period=period, by=scope.level,
                                district_id=scope.district_id, school_id=scope.school_id)
    lists = {
        "trained": ("prevention:training-list", Training),
        "events": ("prevention:event-list", Event),
        "parents_in_groups": ("prevention:meeting-list", ParentMeeting),
        "parents_identified": ("prevention:consultation-list", ParentConsultation),
    }
    allowed = {code for code, (_name, model) in lists.items()
               if can(viewer, Action.PREVENTION_VIEW, model)}

    def target(code: str) -> tuple[str, dict] | None:
        base = "events" if code.startswith("events_") else code
        if base not in allowed:
            return None
        params = _days(period)
        if code.startswith("events_"):
            params["kind"] = code.removeprefix("events_")
        return lists[base][0], params

    # The total counts people once across the rows, and (for a district's schools) takes in
    # the district-wide events and meetings, which belong to no school.
    return area_table(code="prevention", title=str(_("Prevention work")), level=scope.level,
                      measures=_prevention_measures(), areas=scope.areas,
                      entitled_total=scope.entitled_total, counts=figures.by_area,
                      total_counts=figures.total, link=scope.links(target) if allowed else None)


TABLES = [
    ("disclosures", disclosures_table),
    ("police_reports", police_reports_table),
    ("prevention", prevention_table),
]
