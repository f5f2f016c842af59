"""The demo's disclosures: a handful of concerns and police reports of the demo schools in the
states a school psychologist, an inspector and the prosecutor's analyst meet, written through
the services of ``disclosures``.

Per demo school: a report to send today, one past its deadline (escalated), one awaiting the
police's acknowledgement for two days, one registered in the ERDR, an investigation without a
change for 40 days (with the prosecutor's note requiring a response), a refusal with its
reason, a case sent to court, and a bullying concern that needed no report. The services stamp
"now"; so that the demo has a history, the report's dates are moved back with plain updates
afterwards (nothing else). Seeded: the same children every time.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from safechildhood.access.policy import Actor, actor_for
from safechildhood.accounts.models import Role, User
from safechildhood.directory.models import School
from safechildhood.disclosures import services
from safechildhood.disclosures.models import Concern, OversightNote, PoliceReport
from safechildhood.geography.models import Region
from safechildhood.people.models import Pupil

C = Concern.Category
S = PoliceReport.Status

NARRATIVE = ("Ребёнок рассказал психологу, что отчим бьёт его ремнём, когда выпьет; на руке "
             "синяк. / Бала психологқа өгей әкесі ішкенде белдікпен ұратынын айтты.")
SAFETY = ("Ребёнок остаётся у школьного психолога, пока тётя не заберёт его; центр "
          "предупреждён. / Бала апайы келгенше мектеп психологында.")
REFUSAL = ("Проверка не выявила признаков уголовного правонарушения; материалы переданы в "
           "службу пробации для профилактической работы.")
NOTE = ("Прошу сообщить, почему по сообщению нет движения более 30 дней, и приложить план "
        "следственных действий.")

# (category, the status it reaches, days since the concern, days since its last step)
SITUATIONS: tuple[tuple[str, str, float, float], ...] = (
    (C.FAMILY_VIOLENCE, S.PENDING, 0.1, 0.1),
    (C.NEGLECT, S.PENDING, 2, 2),  # past its deadline: escalated
    (C.EXPLOITATION, S.SENT, 3, 2),  # acknowledgement overdue
    (C.SEXUAL_ABUSE, S.REGISTERED, 12, 9),
    (C.FAMILY_VIOLENCE, S.INVESTIGATION, 60, 40),  # no change for 40 days
    (C.NEGLECT, S.REFUSED, 30, 20),
    (C.FAMILY_VIOLENCE, S.COURT, 120, 15),
    (C.BULLYING, "", 5, 5),  # no report needed
)
POLICE_PATH = (S.ACKNOWLEDGED, S.REGISTERED, S.INVESTIGATION, S.COURT)


@dataclass
class DemoDisclosures:
    concerns: int
    reports: int
    notes: int


def _member(staff: dict[str, User], role: str, **scope) -> Actor | None:
    for user in staff.values():
        for membership in user.memberships.all():
            if membership.role == role and all(
                    getattr(membership, f"{key}_id") == value for key, value in scope.items()):
                return actor_for(user, membership.pk)
    return None


def _erdr(school: School, n: int) -> str:
    """A made-up but well-formed 15-digit ERDR number (year 25, unique per school and child)."""
    return f"25{school.pk % 1000:03d}{n:010d}"


def _play(report: PoliceReport, status: str, *, sender: Actor, inspector: Actor,
          school: School, n: int) -> PoliceReport:
    if status == S.PENDING:
        return report
    report = services.report_send(actor=sender, report=report)
    if status == S.SENT:
        return report
    report = services.report_acknowledge(actor=inspector, report=report)
    if status == S.REFUSED:
        return services.report_status_change(actor=inspector, report=report, status=S.REFUSED,
                                             reason=REFUSAL)
    for step in POLICE_PATH[1:POLICE_PATH.index(status) + 1]:
        extra = {"erdr_number": _erdr(school, n)} if step == S.REGISTERED else {}
        report = services.report_status_change(actor=inspector, report=report, status=step,
                                               **extra)
    return report


def _backdate(concern: Concern, days: float, last_step_days: float) -> None:
    """Move the concern, its report and its steps back: the report opened ``days`` ago, its
    steps spread evenly until ``last_step_days`` ago."""
    now = timezone.now()
    opened = now - dt.timedelta(days=days)
    Concern.objects.filter(pk=concern.pk).update(created_at=opened,
                                                 disclosed_at=opened - dt.timedelta(hours=2))
    report = PoliceReport.objects.filter(concern=concern).first()
    if report is None:
        return
    steps = list(report.steps.order_by("at", "id"))
    last = now - dt.timedelta(days=last_step_days)
    gap = (last - opened) / max(len(steps) - 1, 1)
    for i, step in enumerate(steps):
        step.at = opened + gap * i if len(steps) > 1 else opened
        step.save(update_fields=["at"])
    at = {step.status: step.at for step in steps}
    PoliceReport.objects.filter(pk=report.pk).update(
        created_at=opened, deadline=services.report_deadline(opened),
        status_changed_at=steps[-1].at, sent_at=at.get(S.SENT),
        acknowledged_at=at.get(S.ACKNOWLEDGED))


def demo_disclosures(*, seed: int, region: Region, schools: list[School],
                     staff: dict[str, User]) -> DemoDisclosures:
    """Concerns and police reports in varied states for each of ``schools`` (the demo schools,
    each with a school psychologist in ``staff`` and a police unit in its district), escalated
    where their deadline has passed, and the prosecutor's notes on the stalled ones. ``staff``
    maps usernames to the demo's users."""
    rng = random.Random(seed + 6)  # noqa: S311 (a demo, not a secret)
    analyst = _member(staff, Role.PROSECUTOR_ANALYST, region=region.pk)
    counts = DemoDisclosures(concerns=0, reports=0, notes=0)
    for school in schools:
        reporter = _member(staff, Role.SCHOOL_PSYCHOLOGIST, school=school.pk)
        unit = services.unit_for_school(school)
        inspector = unit and _member(staff, Role.POLICE_INSPECTOR, police_unit=unit.pk)
        if reporter is None or not inspector:
            continue
        pupils = list(Pupil.objects.filter(school=school, status=Pupil.Status.ACTIVE,
                                           grade__gte=5).order_by("pk")
                      .values_list("pk", flat=True)[:400])
        if len(pupils) < len(SITUATIONS):
            continue
        chosen = rng.sample(pupils, len(SITUATIONS))
        for n, ((category, status, days, last), pupil_id) in enumerate(
                zip(SITUATIONS, chosen, strict=True)):
            pupil = Pupil.objects.select_related("school").get(pk=pupil_id)
            concern = services.concern_create(
                actor=reporter, pupil=pupil, category=category,
                disclosed_by=rng.choice([Concern.DisclosedBy.CHILD, Concern.DisclosedBy.CHILD,
                                         Concern.DisclosedBy.STAFF]),
                channel=rng.choice([Concern.Channel.IN_PERSON, Concern.Channel.SCREENING]),
                disclosed_at=timezone.now() - dt.timedelta(hours=3),
                safety_actions=SAFETY, narrative=NARRATIVE,
                immediate_danger=category == C.SEXUAL_ABUSE)
            counts.concerns += 1
            report = PoliceReport.objects.filter(concern=concern).first()
            if report is not None:
                report = _play(report, status, sender=reporter, inspector=inspector,
                               school=school, n=n)
                counts.reports += 1
                if status == S.INVESTIGATION and analyst is not None:
                    services.oversight_note_add(
                        actor=analyst, report=report, text=NOTE,
                        addressed_to=OversightNote.AddressedTo.POLICE,
                        response_due=timezone.localdate() + dt.timedelta(days=5))
                    counts.notes += 1
            _backdate(concern, days, last)
    services.reports_escalate()
    return counts

