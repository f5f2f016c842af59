"""The demo's risk group: a few dozen cases of the demo region in every state a centre
specialist and the head meet on a working day, written through the services of ``cases``.

Each specialist gets the same set of situations (a child never seen yet, one not seen for 45
days, a review that has come, a plan waiting for the head, a plan in force with actions falling
due, referrals at every step of their loop, a case under monitoring, a closure waiting and a
closed case) and a field trip planned for the day after tomorrow; a few accepted cases wait for a
specialist and a few proposals wait for the head's decision.

The services stamp their own times ("now"). So that the demo has a history, a case's entry (and
its first events) is moved back by its age before any contact is recorded, and a review date is
moved back where a review is to be due: plain updates of those dates, nothing else. Seeded: the
same children every time.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.cases.models import CaseEvent, Category, Level, Referral, RiskCase
from safechildhood.cases.services import lifecycle, referrals, trips
from safechildhood.cases.services.contacts import ContactInput, contact_record
from safechildhood.cases.services.triage import alert_accept, proposal_accept
from safechildhood.directory.models import ServiceProvider
from safechildhood.geography.models import District
from safechildhood.people.models import Pupil
from safechildhood.screening.models import CrisisAlert, TriageProposal

R = Referral.Status

# (situation, categories, level, days in the risk group)
SITUATIONS: tuple[tuple[str, tuple[str, ...], str, int], ...] = (
    ("never_seen", (Category.DEPRESSION,), Level.HIGH, 3),
    ("lapsed", (Category.FAMILY_VIOLENCE, Category.ANXIETY), Level.HIGH, 75),
    ("review_due", (Category.BULLYING,), Level.MEDIUM, 50),
    ("plan_waiting", (Category.ANXIETY,), Level.MEDIUM, 20),
    ("plan_in_force", (Category.DEPRESSION, Category.SUICIDE_RISK), Level.CRITICAL, 40),
    ("referral_attended", (Category.SUBSTANCE_USE,), Level.HIGH, 45),
    ("referral_closed", (Category.NEGLECT,), Level.MEDIUM, 90),
    ("monitoring", (Category.BEHAVIOUR,), Level.LOW, 120),
    ("closure_waiting", (Category.RUNNING_AWAY,), Level.MEDIUM, 150),
    ("closed", (Category.OFFENDING,), Level.LOW, 200),
)
UNASSIGNED = ((Category.BULLYING,), Level.MEDIUM), ((Category.NEGLECT,), Level.HIGH)
PROPOSALS_WAITING = ((Category.ANXIETY, Level.MEDIUM), (Category.FAMILY_VIOLENCE, Level.HIGH),
                     (Category.DEPRESSION, Level.LOW))

REASON = ("Школьный психолог: ребёнок замкнулся, пропускает уроки; результаты скрининга выше "
          "порога. / Мектеп психологы: бала тұйықталып, сабақтан қалып жүр.")
NOTES = ("Беседа с ребёнком: говорили о школе и о доме, договорились о следующей встрече. / "
         "Баламен әңгіме: мектеп пен үй туралы сөйлестік.")
GOALS = ("Снизить тревогу и вернуть посещаемость; вовлечь родителей; повторный скрининг через "
         "два месяца.")


@dataclass
class DemoCases:
    cases: int
    proposals_waiting: int
    trips: int


def _ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _backdate(case: RiskCase, days: int) -> RiskCase:
    """Move the case's entry (and the events of its entry) ``days`` back."""
    opened = _ago(days)
    RiskCase.objects.filter(pk=case.pk).update(opened_at=opened)
    CaseEvent.objects.filter(case=case).update(at=opened)
    case.refresh_from_db()
    return case


def _contact(actor, case: RiskCase, days_ago: float, *, kind=None, parents=False) -> None:
    present = ["child", "mother"] if parents else ["child"]
    contact_record(actor=actor, case=case, data=ContactInput(
        kind=kind or ("family" if parents else "child"), held_at=_ago(days_ago),
        duration_minutes=45, present=present, notes=NOTES,
        settlement=case.pupil.school.settlement))


def _step(actor, referral: Referral, status: str, days_ago: int, **text) -> Referral:
    on = timezone.localdate() - dt.timedelta(days=days_ago)
    return referrals.referral_step_record(actor=actor, referral=referral, status=status, on=on,
                                          **text)


def _play(situation: str, *, case: RiskCase, spec, head, providers: list[ServiceProvider],
          rng: random.Random) -> None:
    """Bring an assigned case to its situation, as the specialist and the head would have."""
    today = timezone.localdate()
    if situation == "never_seen":
        return
    if situation == "lapsed":
        _contact(spec, case, 60, parents=True)
        _contact(spec, case, 45)
        return
    _contact(spec, case, min(case_age(case) - 1, rng.randint(6, 12)), parents=True)
    if situation == "review_due":
        RiskCase.objects.filter(pk=case.pk).update(next_review_on=today - dt.timedelta(days=2))
        return
    plan = lifecycle.plan_submit(
        actor=spec, case=case, goals=GOALS, review_every_days=30,
        actions=[("Встреча с родителями дома / Ата-анасымен үйде кездесу",
                  today + dt.timedelta(days=1)),
                 ("Занятие с ребёнком в школе / Баламен мектепте сабақ",
                  today + dt.timedelta(days=2)),
                 ("Повторный скрининг / Қайта скрининг", today + dt.timedelta(days=40))])
    if situation == "plan_waiting":
        return
    lifecycle.plan_approve(actor=head, plan=plan)
    _contact(spec, case, 2)
    provider = providers[rng.randrange(len(providers))] if providers else None
    if situation == "plan_in_force":
        if provider is not None:
            referral = referrals.referral_send(actor=spec, case=case, provider=provider,
                                               reason="Консультация специалиста.",
                                               on=today - dt.timedelta(days=16))
            _step(spec, referral, R.ACCEPTED, 12)  # the next step falls due in two days
        return
    if situation in ("referral_attended", "referral_closed") and provider is not None:
        referral = referrals.referral_send(actor=spec, case=case, provider=provider,
                                           reason="Обследование и лечение.",
                                           on=today - dt.timedelta(days=30))
        _step(spec, referral, R.ACCEPTED, 22)
        _step(spec, referral, R.ATTENDED, 15)  # feedback is a day late
        if situation == "referral_closed":
            _step(spec, referral, R.FEEDBACK, 3, feedback="Рекомендации получены.")
            declined = referrals.referral_send(actor=spec, case=case, provider=provider,
                                               reason="Группа поддержки.",
                                               on=today - dt.timedelta(days=10))
            _step(spec, declined, R.DECLINED, 8, note="Нет мест в группе.")
        return
    if situation in ("monitoring", "closure_waiting", "closed"):
        to = RiskCase.Status.MONITORING if situation == "monitoring" else RiskCase.Status.CLOSED
        closure = lifecycle.closure_propose(
            actor=spec, case=case, to_status=to,
            reason=RiskCase.CloseReason.IMPROVED if to == RiskCase.Status.CLOSED else "",
            note="Состояние улучшилось, результаты повторного скрининга в норме.")
        if situation != "closure_waiting":
            lifecycle.closure_approve(actor=head, closure=closure)


def case_age(case: RiskCase) -> int:
    return max(1, (timezone.now() - case.opened_at).days)


def _proposal(pupil: Pupil, category: str, level: str) -> TriageProposal:
    """A staff concern about the pupil, waiting for the centre (screening's proposals come from
    answers; these come from what the school noticed)."""
    return TriageProposal.objects.create(
        pupil=pupil, school=pupil.school, district=pupil.school.district,
        source=TriageProposal.Source.CONCERN, category=category, level=level,
        evidence={"concern": True})


def demo_cases(*, seed: int, region, centre, head, specialists: dict, districts: dict[str,
               District], schools) -> DemoCases:
    """The risk group of the demo region (see the module's docstring). ``specialists`` maps a
    specialist (user) to the keys of their districts; ``schools`` are the demo schools, whose
    pupils come first so that the demo accounts of those schools see them too."""
    rng = random.Random(seed + 7)  # noqa: S311 - seeded demo data, not a secret
    head_actor = actor_for(head)
    providers = list(ServiceProvider.objects.filter(region=region, is_active=True)
                     .order_by("pk"))
    demo_school_ids = {s.pk for s in schools}
    made = waiting = trip_count = 0
    taken: set[int] = set(RiskCase.objects.values_list("pupil_id", flat=True))
    for user, keys in specialists.items():
        spec = actor_for(user)
        own = [districts[k] for k in keys]
        pool = list(Pupil.objects.filter(school__district__in=own)
                    .exclude(pk__in=taken).select_related("school__district")
                    .order_by("pk")[:400])
        pool.sort(key=lambda p: (p.school_id not in demo_school_ids, rng.random()))
        # a crisis alert of the specialist's districts becomes a case straight away
        alert = (CrisisAlert.objects.filter(district__in=own, cases__isnull=True)
                 .order_by("raised_at", "pk").first())
        if alert is not None and alert.pupil_id not in taken:
            case = alert_accept(actor=head_actor, alert=alert,
                                categories=[Category.SUICIDE_RISK], level=Level.CRITICAL,
                                reason=REASON, specialist=user)
            _contact(spec, case, 0)
            taken.add(case.pupil_id)
            made += 1
        pool = [p for p in pool if p.pk not in taken]
        for (situation, categories, level, age), pupil in zip(SITUATIONS, pool, strict=False):
            proposal = _proposal(pupil, categories[0], level)
            case = proposal_accept(actor=head_actor, proposal=proposal, categories=categories,
                                   level=level, reason=REASON, specialist=user)
            case = _backdate(case, age)
            _play(situation, case=case, spec=spec, head=head_actor, providers=providers,
                  rng=rng)
            taken.add(pupil.pk)
            made += 1
        rest = [p for p in pool if p.pk not in taken]
        for (categories, level), pupil in zip(UNASSIGNED, rest, strict=False):
            proposal = _proposal(pupil, categories[0], level)
            _backdate(proposal_accept(actor=head_actor, proposal=proposal,
                                      categories=categories, level=level, reason=REASON), 2)
            taken.add(pupil.pk)
            made += 1
        rest = [p for p in rest if p.pk not in taken]
        for (category, level), pupil in zip(PROPOSALS_WAITING, rest, strict=False):
            _proposal(pupil, category, level)
            taken.add(pupil.pk)
            waiting += 1
        if pool:
            today = timezone.localdate()
            trips.trip_plan(actor=spec, district=own[0], starts_on=today + dt.timedelta(days=2),
                            ends_on=today + dt.timedelta(days=3))
            trip_count += 1
    return DemoCases(cases=made, proposals_waiting=waiting, trips=trip_count)
