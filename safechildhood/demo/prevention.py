"""The demo's prevention work: trainings of the demo schools' psychologists (with attendance and
certificates), events in every district (some recorded by the police and the prosecutor's
office), parents' group meetings and a few individual consultations. Seeded, so the same every
time; written through the services, so the audit trail holds it too."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Membership, Role, User
from safechildhood.directory.models import School
from safechildhood.geography.models import District, Region
from safechildhood.people.models import Guardian
from safechildhood.prevention import services
from safechildhood.prevention.models import Event, Organiser

TRAININGS = [
    # (topic, days ago it began, days, hours)
    ("Балалардағы суицидтік тәуекелді ерте анықтау / Раннее выявление суицидального риска у "
     "детей", 210, 3, 24),
    ("Мектептегі буллинг: алдын алу және араласу / Буллинг в школе: профилактика и "
     "вмешательство", 95, 2, 16),
    ("Скрининг нәтижелерімен жұмыс / Работа с результатами скрининга", 20, 1, 8),
]
EVENT_TITLES = {
    Event.Kind.CONFERENCE: "Қауіпсіз балалық шақ: аудандық конференция",
    Event.Kind.MASTER_CLASS: "Мұғалімдерге шеберлік сыныбы: қиын сөйлесу",
    Event.Kind.LAW_ENFORCEMENT: "Құқық қорғау органдарының оқушылармен кездесуі",
    Event.Kind.PARENT_MEETING: "Ата-аналар жиналысы: балалардың интернеттегі қауіпсіздігі",
    Event.Kind.AWARENESS: "111 желісі туралы ақпараттық акция",
}


def _members(region: Region, role: str) -> list[Membership]:
    return list(Membership.objects.filter(region=region, role=role, is_active=True)
                .select_related("user", "school__district", "police_unit__district")
                .order_by("pk"))


def demo_prevention(*, seed: int, region: Region, head: User, districts: dict[str, District],
                    schools: list[School]) -> dict[str, int]:
    """Record the demo's prevention work for ``region``; ``schools`` are the demo schools (with
    psychologists). Returns how many of each record were made."""
    rng = random.Random(seed)  # noqa: S311 - seeded demo data, not a secret
    today = timezone.localdate()
    head_actor = actor_for(head)
    psychologists = _members(region, Role.SCHOOL_PSYCHOLOGIST)
    counts = {"trainings": 0, "events": 0, "meetings": 0, "consultations": 0}

    for topic, ago, days, hours in TRAININGS:
        start = today - dt.timedelta(days=ago)
        training = services.training_create(actor=head_actor, data=services.TrainingInput(
            topic=topic, starts_on=start, ends_on=start + dt.timedelta(days=days - 1),
            hours=hours, trainer="Өмірзақова Һ. І.", place="Тараз"))
        services.participants_add(actor=head_actor, training=training,
                                  users=[m.user for m in psychologists])
        for row in training.participants.order_by("pk"):
            attendance = "absent" if rng.random() < 0.15 else "attended"
            services.attendance_mark(actor=head_actor, participant=row, attendance=attendance)
        counts["trainings"] += 1

    kinds = list(EVENT_TITLES)
    schools_by_district: dict[int, list[School]] = {}
    for school in School.objects.filter(district__region=region).order_by("pk"):
        schools_by_district.setdefault(school.district_id, []).append(school)
    for district in sorted(districts.values(), key=lambda d: d.pk):
        for _n in range(rng.randint(2, 4)):
            kind = rng.choice(kinds)
            school = rng.choice([*schools_by_district.get(district.pk, []), None])
            organisers = [Organiser.CENTRE, *rng.sample(
                [Organiser.UNIVERSITY, Organiser.SCHOOL, Organiser.POLICE], k=rng.randint(0, 2))]
            services.event_create(actor=head_actor, data=services.EventInput(
                kind=kind, title=EVENT_TITLES[kind],
                held_on=today - dt.timedelta(days=rng.randint(1, 300)), district=district,
                school=school, organisers=organisers,
                pupils=rng.randint(40, 400) if kind != Event.Kind.MASTER_CLASS else 0,
                parents=rng.randint(0, 80), teachers=rng.randint(5, 60),
                psychologists=rng.randint(1, 12)))
            counts["events"] += 1
    for m in _members(region, Role.POLICE_INSPECTOR):
        services.event_create(actor=actor_for(m.user), data=services.EventInput(
            kind=Event.Kind.LAW_ENFORCEMENT, title=EVENT_TITLES[Event.Kind.LAW_ENFORCEMENT],
            held_on=today - dt.timedelta(days=rng.randint(1, 120)),
            district=m.police_unit.district, organisers=[Organiser.POLICE],
            pupils=rng.randint(60, 300), teachers=rng.randint(3, 15)))
        counts["events"] += 1
    for m in _members(region, Role.PROSECUTOR_ANALYST)[:1]:
        services.event_create(actor=actor_for(m.user), data=services.EventInput(
            kind=Event.Kind.CONFERENCE, title="Облыстық конференция: «Қауіпсіз балалық шақ»",
            held_on=today - dt.timedelta(days=45), district=districts[sorted(districts)[0]],
            organisers=[Organiser.PROSECUTOR, Organiser.POLICE, Organiser.CENTRE,
                        Organiser.UNIVERSITY],
            teachers=120, psychologists=85, parents=40, others=30))
        counts["events"] += 1

    demo_school_ids = {s.pk for s in schools}
    for m in psychologists:
        if m.school_id not in demo_school_ids:
            continue
        actor = actor_for(m.user)
        for ago in (150, 40):
            services.meeting_create(actor=actor, data=services.MeetingInput(
                held_on=today - dt.timedelta(days=ago + rng.randint(0, 10)),
                topic="Ата-аналар жиналысы / Родительское собрание",
                district=m.school.district, school=m.school,
                parents_count=rng.randint(25, 140)))
            counts["meetings"] += 1
        guardians = list(Guardian.objects.filter(pupil__school=m.school).order_by("pk")[:6])
        for index, guardian in enumerate(guardians):
            visits = 2 if index == 0 else 1  # one parent came twice: counted once
            for visit in range(visits):
                services.consultation_create(actor=actor, data=services.ConsultationInput(
                    held_on=today - dt.timedelta(days=10 + 20 * visit + index),
                    guardian=guardian, topic="Сабаққа қатысу / Посещаемость"))
                counts["consultations"] += 1
    for district in sorted(districts.values(), key=lambda d: d.pk)[:4]:
        services.meeting_create(actor=head_actor, data=services.MeetingInput(
            held_on=today - dt.timedelta(days=rng.randint(5, 200)),
            topic="Аудандық ата-аналар жиналысы / Районное родительское собрание",
            district=district, parents_count=rng.randint(150, 600)))
        counts["meetings"] += 1
    return counts
