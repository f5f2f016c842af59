"""Data for the statistics benchmark: a region or the whole country in PostgreSQL, loaded with COPY.

Usage (from the repository root; PostgreSQL only):
    SC_TESTING=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_bench_stats \\
        .venv/bin/python bench/statistics_data.py --scale small|region|country [--reuse]

The database is ``<configured name>_<scale>`` (sc_bench_stats_country, ...): made, migrated and
loaded here; the configured database is never touched. ``--reuse`` keeps a database whose load
finished (a row in its ``bench_meta`` table says so) and only reads what the timing needs.

Sizes (``SCALES``): country = 17 regions of 13 districts × 34 schools (221 districts, 7,514
schools), 4,000,000 pupils in grades 5-11 (regions of different sizes, the first and largest
~370,000), two autumn screening campaigns per region (2025, 2026: 8 million assignments, ~8.2
million responses scored by the real scoring engine), crisis alerts for 0.63 % of the PHQ-A
answers (~40,000), 100,000 risk cases with their events, contacts, referrals and referral steps,
concerns and police reports with their steps, trainings with participants, prevention events,
parents' meetings and consultations, and the official figures (2024-2026, year/quarter/month,
each district and the region). region = one region of 270,000 pupils; small = 20,000.

How: identifiers are assigned here, rows are written as COPY text (psycopg 3
``cursor.copy``) with foreign-key triggers off (``session_replication_role = replica``) and, on
the three big tables, the secondary indexes and unique constraints dropped during the load and
built afterwards; encrypted columns hold one real ciphertext (made with the project's field
encryption) reused. Finally VACUUM ANALYZE (bench/measure.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import sys
import time
from array import array
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SC_TESTING", "1")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from measure import analyze  # noqa: E402

from safechildhood.fields import encrypt  # noqa: E402
from safechildhood.people.names import normalise_name  # noqa: E402
from safechildhood.screening.scoring import load_directory, next_unanswered, score  # noqa: E402

UTC = dt.UTC
BIG_TABLES = ("people_pupil", "screening_assignment", "screening_response")
LAST = ["Әбдіров", "Сейітов", "Жұмабаев", "Құрманов", "Нұрланов", "Омаров", "Төлеуов", "Ким",
        "Иванов", "Ахметов", "Серікбаев", "Бекова"]
FIRST = ["Нұрлан", "Әйгерім", "Асан", "Гүлнар", "Марат", "Дана", "Тимур", "Аружан", "Алихан",
         "Мадина", "Ерлан", "Жанар"]
CATEGORIES = ["suicide_risk", "depression", "anxiety", "substance_use", "trauma_violence",
              "behaviour", "family_violence", "bullying", "neglect"]
CAMPAIGNS = [(dt.date(2025, 10, 6), dt.date(2025, 11, 28)),
             (dt.date(2026, 10, 5), dt.date(2026, 11, 27))]
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
START = dt.datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Scale:
    regions: int
    districts: int  # per region
    schools: int  # per district
    pupils: int  # in all


SCALES = {"small": Scale(1, 5, 10, 20_000), "region": Scale(1, 13, 34, 270_000),
          "country": Scale(17, 13, 34, 4_000_000)}
# per pupil of a region
CASES, ALERTS_PER_PHQ, CONCERNS, REPORT_SHARE = 0.025, 0.0063, 0.0075, 0.45


def q(value) -> str:
    """One COPY text field."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


class Loader:
    """Identifiers per table and COPY into them, in chunks."""

    def __init__(self):
        self.next_id: dict[str, int] = {}
        self.rows: dict[str, int] = {}

    def ids(self, table: str, count: int) -> range:
        if table not in self.next_id:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608
                self.next_id[table] = cursor.fetchone()[0]
        start = self.next_id[table]
        self.next_id[table] = start + count
        return range(start, start + count)

    def copy(self, table: str, columns: str, rows) -> None:
        """``rows``: an iterable of tuples (already ``q``-able values) or of ready lines."""
        buffer, n = [], 0
        raw = connection.connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as cp:
            for row in rows:
                buffer.append(row if isinstance(row, str) else "\t".join(map(q, row)) + "\n")
                if len(buffer) >= 20_000:
                    cp.write("".join(buffer))
                    n += len(buffer)
                    buffer.clear()
            if buffer:
                cp.write("".join(buffer))
                n += len(buffer)
        self.rows[table] = self.rows.get(table, 0) + n

    def finish(self) -> None:
        with connection.cursor() as cursor:
            for table in self.next_id:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                               f"(SELECT coalesce(max(id), 1) FROM {table}))")


# --- the database -------------------------------------------------------------------------------


def use_database(scale: str, reuse: bool) -> tuple[str, bool]:
    """Point Django at ``<configured>_<scale>``; (name, fresh). Drops and migrates unless reused
    and complete."""
    if connection.vendor != "postgresql":
        raise SystemExit("statistics benchmark: PostgreSQL only (set DATABASE_URL)")
    base = connection.settings_dict["NAME"]
    name = f"{base}_{scale}"
    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reuse:
            connection.close()
            connection.settings_dict["NAME"] = name
            if meta().get("complete") == "1":
                return name, False
        connection.close()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    connection.settings_dict["NAME"] = name
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text)")
    return name, True


def meta() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_meta')")
        if cursor.fetchone()[0] is None:
            return {}
        cursor.execute("SELECT key, value FROM bench_meta")
        return dict(cursor.fetchall())


def set_meta(**values) -> None:
    with connection.cursor() as cursor:
        for key, value in values.items():
            cursor.execute("INSERT INTO bench_meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE "
                           "SET value = excluded.value", [key, str(value)])


def drop_indexes(tables) -> list[str]:
    """Drop secondary indexes and unique constraints of ``tables``; return the SQL that makes
    them again."""
    remake = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE conrelid = %s::regclass AND contype = 'u'", [table])
            for name, definition in cursor.fetchall():
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                remake.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE "
                           "i.tablename = %s AND i.indexname NOT IN (SELECT conname FROM "
                           "pg_constraint WHERE conrelid = %s::regclass)", [table, table])
            for name, definition in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
                remake.append(definition)
    return remake


# --- screening answers: a pool scored by the real engine ----------------------------------------


def answer_pool(rng: random.Random, size: int = 600) -> dict[str, dict[bool, list[str]]]:
    """Per instrument, COPY-ready tails of a response row (answers, scores, band, total,
    completeness, critical, level), split into not critical / critical."""
    instruments = load_directory()
    pool: dict[str, dict[bool, list[str]]] = {}
    for code in ("phq-a", "gad-7"):
        inst = instruments[code]
        pool[code] = {False: [], True: []}
        tries = 0
        while ((len(pool[code][False]) < size or len(pool[code][True]) < size // 4)
               and tries < 50 * size):
            tries += 1
            mood = rng.random() ** 2.5  # most pupils answer low
            answers: dict[str, str] = {}
            while (item := next_unanswered(inst, answers)) is not None:
                options = item.option_set.options if item.option_set else ()
                if not options:
                    answers[item.id] = str(item.number_min)
                    continue
                k = min(len(options) - 1, int(rng.random() * mood * len(options) * 1.6))
                answers[item.id] = options[k].code
            result = score(inst, answers)
            main = result.scales.get(inst.scales[0].id) if inst.scales else None
            bucket = pool[code][bool(result.critical)]
            if len(bucket) >= (size if not result.critical else size // 4):
                continue
            bucket.append("\t".join(map(q, (
                answers, result.as_dict(), (main.band or "") if main else "",
                main.total if main else None, result.status, bool(result.critical),
                result.top_level or ""))))
    return pool


# --- one region ---------------------------------------------------------------------------------


def make_region(n: int, sc: Scale, rng: random.Random) -> dict:
    """Geography, organisations and staff of region ``n`` (ORM: a few thousand rows)."""
    from safechildhood.accounts.models import Membership, Role, User
    from safechildhood.directory.models import (
        PoliceUnit,
        ProsecutorOffice,
        School,
        ServiceProvider,
        SupportCentre,
    )
    from safechildhood.geography.models import District, Region, Settlement

    region = Region.objects.create(name_kk=f"{n}-облыс", name_ru=f"Область {n}",
                                   name_en=f"Region {n}", kato=f"{10 + n}0000000")
    centre = SupportCentre.objects.create(region=region, name_kk=f"Орталық {n}",
                                          name_ru=f"Центр {n}", name_en=f"Centre {n}")
    office = ProsecutorOffice.objects.create(region=region, name_kk=f"Прокуратура {n}",
                                             name_ru=f"Прокуратура {n}",
                                             name_en=f"Prosecutor {n}")
    districts = District.objects.bulk_create([
        District(region=region, name_kk=f"Аудан {n}-{d}", name_ru=f"Район {n}-{d}",
                 name_en=f"District {n}-{d}",
                 kind=District.Kind.CITY if d < 2 else District.Kind.DISTRICT)
        for d in range(sc.districts)])
    settlements = Settlement.objects.bulk_create([
        Settlement(district=d, name_kk=f"Ауыл {d.pk}-{k}", name_ru=f"Село {d.pk}-{k}",
                   name_en=f"Village {d.pk}-{k}") for d in districts for k in range(3)])
    schools = School.objects.bulk_create([
        School(settlement=settlements[3 * i + m % 3], district=d,
               name_kk=f"№{d.pk}-{m} мектеп", name_ru=f"Школа №{d.pk}-{m:02}",
               name_en=f"School {d.pk}-{m}")
        for i, d in enumerate(districts) for m in range(sc.schools)])
    units = PoliceUnit.objects.bulk_create([
        PoliceUnit(district=d, name_kk=f"ПБ {d.pk}", name_ru=f"ОП {d.pk}", name_en=f"Police {d.pk}")
        for d in districts])
    providers = ServiceProvider.objects.bulk_create([
        ServiceProvider(kind=kind, region=region, name_kk=kind, name_ru=kind, name_en=kind)
        for kind in ("psychiatrist", "narcologist", "paediatrician", "social", "ngo")])

    def users(prefix: str, count: int) -> list:
        return User.objects.bulk_create([
            User(username=f"bench-{prefix}-{n}-{k}", password="!",  # noqa: S106 (unusable)
                 first_name=rng.choice(FIRST), last_name=rng.choice(LAST))
            for k in range(count)])

    head, analyst = users("head", 1)[0], users("analyst", 1)[0]
    specialists = users("spec", 2 * len(districts))
    inspectors = users("police", len(districts))
    psychologists = users("psy", len(schools))
    members = [Membership(user=head, role=Role.CENTRE_HEAD, centre=centre, region=region),
               Membership(user=analyst, role=Role.PROSECUTOR_ANALYST, prosecutor_office=office,
                          region=region)]
    members += [Membership(user=u, role=Role.CENTRE_SPECIALIST, centre=centre, region=region)
                for u in specialists]
    members += [Membership(user=u, role=Role.POLICE_INSPECTOR, police_unit=units[k],
                           region=region) for k, u in enumerate(inspectors)]
    members += [Membership(user=u, role=Role.SCHOOL_PSYCHOLOGIST, school=schools[k],
                           region=region) for k, u in enumerate(psychologists)]
    members = Membership.objects.bulk_create(members)
    Membership.districts.through.objects.bulk_create([
        Membership.districts.through(membership_id=m.pk, district_id=districts[k // 2].pk)
        for k, m in enumerate(members[2:2 + len(specialists)])])
    return {
        "region": region.pk, "centre": centre.pk, "head": head.pk, "analyst": analyst.pk,
        "districts": [d.pk for d in districts],
        "schools": [(s.pk, s.district_id, s.settlement_id) for s in schools],
        "unit_of": {u.district_id: u.pk for u in units},
        "inspector_of": {d.pk: inspectors[k].pk for k, d in enumerate(districts)},
        "specialists_of": {d.pk: [specialists[2 * k].pk, specialists[2 * k + 1].pk]
                           for k, d in enumerate(districts)},
        "psychologist_of": {s.pk: psychologists[k].pk for k, s in enumerate(schools)},
        "providers": [p.pk for p in providers],
    }


def _at(rng: random.Random, low: dt.datetime, high: dt.datetime) -> dt.datetime:
    span = (high - low).total_seconds()
    return low + dt.timedelta(seconds=int(rng.random() * span))


def _day_at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A school-hours moment (03:00-10:00 UTC = 08:00-15:00 in Kazakhstan) of ``day``."""
    return dt.datetime(day.year, day.month, day.day, 3, tzinfo=UTC) + dt.timedelta(
        seconds=int(rng.random() * 7 * 3600))


def add_pupils(world: dict, count: int, ld: Loader, rng: random.Random) -> None:
    """Pupils, school by school (schools of different sizes); keeps each pupil's school and grade
    in arrays (ids are contiguous per region)."""
    schools = world["schools"]
    weights = [0.3 + rng.random() * 1.7 for _s in schools]
    total = sum(weights)
    sizes = [int(count * w / total) for w in weights]
    sizes[0] += count - sum(sizes)
    ids = ld.ids("people_pupil", count)
    world["pupil_ids"] = ids
    world["pupil_school"] = school_of = array("i")
    world["pupil_grade"] = grade_of = array("b")
    keys = {(a, b): f"{normalise_name(a)}|{normalise_name(b)}|" for a in LAST for b in FIRST}
    created = NOW.isoformat(sep=" ")

    def rows():
        pid = ids.start
        for (school, _district, _settlement), size in zip(schools, sizes, strict=True):
            for _k in range(size):
                grade = 5 + int(rng.random() * 7)
                last, first = LAST[int(rng.random() * 12)], FIRST[int(rng.random() * 12)]
                birth = dt.date(2020 - grade, 1 + int(rng.random() * 12),
                                1 + int(rng.random() * 28)).isoformat()
                school_of.append(school)
                grade_of.append(grade)
                yield (f"{pid}\t{last}\t{first}\t\t{birth}\t{'MF'[pid & 1]}\t{school}\t{grade}\t"
                       f"{'АБВ'[pid % 3]}\tactive\t{keys[last, first]}{birth}\t{created}\t"
                       f"{created}\n")
                pid += 1

    ld.copy("people_pupil", "id, last_name, first_name, middle_name, birth_date, sex, school_id, "
            "grade, class_letter, status, match_key, created_at, updated_at", rows())



def add_screening(world: dict, ld: Loader, rng: random.Random, pool: dict) -> None:
    """Two autumn campaigns: every pupil assigned, ~80 % completed (PHQ-A; GAD-7 too from grade
    10), crisis alerts for the critical PHQ-A answers picked at ALERTS_PER_PHQ."""
    versions = {code: inst.version for code, inst in load_directory().items()}
    world["alerts"] = []  # (alert id, pupil, school, district, raised)
    for starts, ends in CAMPAIGNS:
        _campaign(world, ld, rng, pool, starts, ends, versions)


def _campaign(world: dict, ld: Loader, rng: random.Random, pool: dict, starts: dt.date,
              ends: dt.date, versions: dict[str, str]) -> None:
    """One campaign of the region: its assignments, responses and crisis alerts."""
    from safechildhood.screening.models import Campaign

    district_of = {s: d for s, d, _x in world["schools"]}
    school_of, grade_of = world["pupil_school"], world["pupil_grade"]
    first, sealed, alerts = world["pupil_ids"].start, world["sealed"], world["alerts"]
    campaign = Campaign.objects.create(
        region_id=world["region"], centre_id=world["centre"], created_by_id=world["head"],
        name=f"Скрининг {starts.year}", grades=list(range(5, 12)),
        instruments=[{"code": c, "version": versions[c]} for c in ("phq-a", "gad-7")],
        starts_on=starts, ends_on=ends, status=Campaign.Status.CLOSED,
        opened_at=_day_at(starts, rng), closed_at=_day_at(ends, rng),
        assign_status="done", assign_total=len(school_of), assign_done=len(school_of))
    days = (ends - starts).days
    done_i, done_aid, done_at = array("i"), array("q"), array("q")
    aids = ld.ids("screening_assignment", len(school_of))
    recent = starts.year == 2026

    def assignments():
        for i, school in enumerate(school_of):
            aid = aids.start + i
            grade = grade_of[i]
            r = rng.random()
            status = ("completed" if r < 0.80 else "absent" if r < 0.85 else "refused"
                      if r < 0.88 else "no_consent" if r < 0.93 else "in_progress"
                      if r < 0.94 else "pending" if recent else "absent")
            instruments = '["phq-a", "gad-7"]' if grade >= 10 else '["phq-a"]'
            started = completed = r"\N"
            if status in ("completed", "in_progress"):
                at = _day_at(starts + dt.timedelta(days=int(rng.random() * days)), rng)
                started = at.isoformat(sep=" ")
                if status == "completed":
                    done = at + dt.timedelta(seconds=240 + int(rng.random() * 600))
                    completed = done.isoformat(sep=" ")
                    done_i.append(i)
                    done_aid.append(aid)
                    done_at.append(int(done.timestamp()))
            yield (f"{aid}\t{campaign.pk}\t{first + i}\t{school}\t{district_of[school]}\t"
                   f"{grade}\t{'АБВ'[(first + i) % 3]}\t{instruments}\t"
                   f"{hashlib.sha256(b'%d' % aid).hexdigest()}\t{sealed}\t{status}\t"
                   f"{'kr'[i & 1]}{'ku'[i & 1]}\t{started}\t{completed}\n")

    ld.copy("screening_assignment", "id, campaign_id, pupil_id, school_id, district_id, "
            "grade, class_letter, instruments, code_hash, code_sealed, status, language, "
            "started_at, completed_at", assignments())
    count = sum(2 if grade_of[i] >= 10 else 1 for i in done_i)
    rids = ld.ids("screening_response", count)
    critical_at = []

    def responses():
        rid = rids.start
        for i, aid, at in zip(done_i, done_aid, done_at, strict=True):
            school = school_of[i]
            when = dt.datetime.fromtimestamp(at, UTC).isoformat(sep=" ")
            for code in (("phq-a", "gad-7") if grade_of[i] >= 10 else ("phq-a",)):
                critical = code == "phq-a" and rng.random() < ALERTS_PER_PHQ
                tail = rng.choice(pool[code][critical])
                if critical:
                    critical_at.append((rid, first + i, school, at))
                yield (f"{rid}\t{first + i}\t{campaign.pk}\t{aid}\t{school}\t{code}\t"
                       f"{versions[code]}\t{tail}\t13\tonline\tsubmitted\tkk\t{when}\t"
                       f"{when}\n")
                rid += 1

    ld.copy("screening_response", "id, pupil_id, campaign_id, assignment_id, school_id, "
            "instrument, version, answers, scores, band, total, completeness, critical, "
            "level, position, source, status, language, created_at, submitted_at",
            responses())
    alert_ids = ld.ids("screening_crisisalert", len(critical_at))

    def alert_rows():
        for aid, (rid, pupil, school, at) in zip(alert_ids, critical_at, strict=True):
            raised = dt.datetime.fromtimestamp(at, UTC)
            open_ = rng.random() < 0.01
            ack = raised + dt.timedelta(minutes=rng.expovariate(1 / 50))
            escalated = raised + dt.timedelta(hours=4) if ack > raised + dt.timedelta(
                hours=4) else None
            district = district_of[school]
            alerts.append((aid, pupil, school, district, raised))
            yield (aid, pupil, rid, school, district, '["phq_a_sa2"]', False,
                   "open" if open_ else "acknowledged", raised,
                   raised + dt.timedelta(hours=4), None, escalated,
                   None if open_ else rng.choice(world["specialists_of"][district]),
                   None if open_ else ack)

    ld.copy("screening_crisisalert", "id, pupil_id, response_id, school_id, district_id, "
            "flags, acute, status, raised_at, deadline, on_duty_id, escalated_at, "
            "acknowledged_by_id, acknowledged_at", alert_rows())


# --- the risk group -----------------------------------------------------------------------------


def add_cases(world: dict, count: int, ld: Loader, rng: random.Random) -> None:
    """Risk cases (a third of the alerts opened one), with events, contacts, referrals and their
    steps, consistent with each other (first and last contact, closing date and event)."""
    first, school_of = world["pupil_ids"].start, world["pupil_school"]
    district_of = {s: d for s, d, _x in world["schools"]}
    settlement_of = {s: x for s, _d, x in world["schools"]}
    chosen, rows = set(), []
    for aid, pupil, _school, _district, raised in world["alerts"][::3]:
        if pupil not in chosen and len(rows) < count:
            chosen.add(pupil)
            rows.append((pupil, aid, raised + dt.timedelta(hours=1 + rng.random() * 19)))
    while len(rows) < count:
        pupil = first + int(rng.random() * len(school_of))
        if pupil not in chosen:
            chosen.add(pupil)
            rows.append((pupil, None, _at(rng, START, NOW - dt.timedelta(days=5))))
    ids = ld.ids("cases_riskcase", count)
    cases, contacts, events, referrals, steps = [], [], [], [], []
    reason, head = world["sealed"], world["head"]
    contact_kinds = ("child", "child", "parents", "family", "school", "home_visit", "phone")
    for cid, (pupil, alert, opened) in zip(ids, rows, strict=True):
        school = school_of[pupil - first]
        owner = rng.choice(world["specialists_of"][district_of[school]])
        r = rng.random()
        status = ("proposed" if r < 0.08 else "active" if r < 0.55 else "monitoring"
                  if r < 0.67 else "closed")
        closed = None
        if status == "closed":
            closed = opened + dt.timedelta(days=30 + rng.random() * 270)
            if closed > NOW:
                status, closed = "active", None
        worked = status != "proposed"
        end = closed or NOW
        events.append((cid, "accepted", opened, head, {}))
        held = []
        if worked:
            events.append((cid, "assigned", opened + dt.timedelta(hours=1), head,
                           {"owner": owner}))
            if rng.random() < 0.93:
                at = opened + dt.timedelta(hours=rng.expovariate(1 / 40))
                while at < end and len(held) < 8:
                    held.append(at)
                    at += dt.timedelta(days=3 + rng.random() * 40)
        for at in held:
            kind = rng.choice(contact_kinds)
            contacts.append((cid, kind, at, settlement_of[school],
                             ["child"] if kind == "child" else ["child", "mother"],
                             1 if kind in ("parents", "family", "home_visit") else 0,
                             30 + int(rng.random() * 4) * 15, reason, "", None, owner, at))
            events.append((cid, "contact", at, owner, {}))
        if closed:
            events.append((cid, "status_changed", closed, head, {"from": "active",
                                                                  "to": "closed"}))
        for _k in range(rng.choice((0, 1, 1, 2, 3)) if worked else 0):
            sent = opened + dt.timedelta(days=1 + rng.random() * 60)
            if sent >= NOW:
                continue
            r = rng.random()
            rstatus = ("feedback" if r < 0.45 else "attended" if r < 0.55 else "accepted"
                       if r < 0.65 else "sent" if r < 0.85 else "declined" if r < 0.9
                       else "no_show" if r < 0.95 else "withdrawn")
            last = min(NOW, sent + dt.timedelta(days=3 + rng.random() * 40))
            referrals.append((cid, rng.choice(world["providers"]), reason, rstatus, sent, owner,
                              (sent + dt.timedelta(days=14)).date()
                              if rstatus in ("sent", "accepted", "attended") else None,
                              reason if rstatus == "feedback" else "",
                              last if rstatus != "sent" else sent))
            events.append((cid, "referral", sent, owner, {}))
        cases.append((cid, pupil, school, district_of[school],
                       rng.sample(CATEGORIES[:6], 1 + (rng.random() < 0.35)),
                       rng.choice(("low", "medium", "high", "critical")), status,
                       owner if worked else None, reason, alert, opened, head, closed,
                       "improved" if closed else "", 30,
                       (NOW + dt.timedelta(days=rng.randint(-10, 40))).date()
                       if worked and not closed else None,
                       held[0] if held else None, held[-1] if held else None, end))
    ld.copy("cases_riskcase", "id, pupil_id, school_id, district_id, categories, level, status, "
            "owner_id, reason, "
            "alert_id, opened_at, opened_by_id, closed_at, close_reason, review_every_days, "
            "next_review_on, first_contact_at, last_contact_at, updated_at", cases)
    ld.copy("cases_contact", "id, case_id, kind, held_at, settlement_id, present, "
            "parents_reached, duration_minutes, notes, next_step, trip_id, recorded_by_id, "
            "created_at", ((i, *row) for i, row in zip(ld.ids("cases_contact", len(contacts)),
                                                        contacts, strict=True)))
    ld.copy("cases_caseevent", "id, case_id, kind, at, actor_id, data, comment",
            ((i, *row, "") for i, row in zip(ld.ids("cases_caseevent", len(events)), events,
                                             strict=True)))
    rids = ld.ids("cases_referral", len(referrals))
    for rid, row in zip(rids, referrals, strict=True):
        steps.append((rid, "sent", row[4], row[5]))
        if row[3] != "sent":
            steps.append((rid, row[3], row[8], row[5]))
    ld.copy("cases_referral", "id, case_id, provider_id, reason, status, sent_at, sent_by_id, "
            "next_step_due, feedback, updated_at",
            ((i, *row) for i, row in zip(rids, referrals, strict=True)))
    ld.copy("cases_referralstep", "id, referral_id, status, at, by_id, note",
            ((i, *row, "") for i, row in zip(ld.ids("cases_referralstep", len(steps)), steps,
                                             strict=True)))


# --- concerns and police reports ----------------------------------------------------------------

POLICE_CHAIN = ("sent", "acknowledged", "registered", "investigation", "court", "verdict")
POLICE_DAYS = (0.1, 1, 7, 40, 120, 200)


def add_disclosures(world: dict, count: int, ld: Loader, rng: random.Random) -> None:
    first, school_of = world["pupil_ids"].start, world["pupil_school"]
    district_of = {s: d for s, d, _x in world["schools"]}
    sealed = world["sealed"]
    cids = ld.ids("disclosures_concern", count)
    concerns, reports = [], []
    categories = ("family_violence", "sexual_abuse", "neglect", "exploitation", "bullying",
                  "bullying", "other")
    for cid in cids:
        i = int(rng.random() * len(school_of))
        school = school_of[i]
        district = district_of[school]
        psy = world["psychologist_of"][school]
        disclosed = _at(rng, START, NOW - dt.timedelta(hours=6))
        created = disclosed + dt.timedelta(hours=rng.random() * 4)
        category = rng.choice(categories)
        required = category != "bullying" and rng.random() < REPORT_SHARE / 0.7
        concerns.append((cid, first + i, school, district, category,
                         "behaviour" if category == "other" else "",
                         rng.choice(("child", "peer", "relative", "staff")),
                         rng.choice(("in_person", "writing", "phone", "trust_box", "observed")),
                         disclosed, rng.random() < 0.1, sealed, sealed, required, psy,
                         "school_psychologist", created, None))
        if required:
            reports.append((cid, first + i, school, district, category, psy, created))
    ld.copy("disclosures_concern", "id, pupil_id, school_id, district_id, category, "
            "triage_category, disclosed_by, channel, disclosed_at, immediate_danger, "
            "safety_actions, narrative, report_required, reported_by_id, reporter_role, "
            "created_at, triage_proposal_id", concerns)
    rows, steps = [], []
    for rid, (cid, pupil, school, district, category, psy, created) in zip(
            ld.ids("disclosures_policereport", len(reports)), reports, strict=True):
        late = rng.random() < 0.08
        deadline = created + dt.timedelta(hours=24)
        r = rng.random()
        target = (0 if r < 0.05 else 1 if r < 0.15 else 2 if r < 0.45 else 3 if r < 0.65
                  else 4 if r < 0.8 else 5)
        refused = target >= 2 and rng.random() < 0.25
        inspector = world["inspector_of"][district]
        status, changed, sent, ack, erdr = "pending", created, None, None, ""
        at = created + dt.timedelta(hours=30 if late else 2 + rng.random() * 6)
        for k, step in enumerate(POLICE_CHAIN[:target + 1]):
            if k > 0:
                at = created + dt.timedelta(days=POLICE_DAYS[k] * (0.5 + rng.random()))
            if at > NOW:
                break
            if k == 2 and refused:
                step = "refused"
            status, changed = step, at
            sent = sent or at
            if step == "acknowledged":
                ack = at
            if step == "registered":
                erdr = f"{261000000000000 + rid}"
            steps.append((rid, step, at, psy if k == 0 else inspector, ""))
            if step == "refused":
                break
        rows.append((rid, cid, pupil, school, district, category, True,
                     world["unit_of"][district] if sent else None, status, changed, psy, created,
                     deadline, deadline if late else None, sent, psy if sent else None, ack,
                     inspector if ack else None, erdr,
                     world["sealed"] if status == "refused" else ""))
    ld.copy("disclosures_policereport", "id, concern_id, pupil_id, school_id, district_id, "
            "category, required, unit_id, status, status_changed_at, created_by_id, created_at, "
            "deadline, escalated_at, sent_at, sent_by_id, acknowledged_at, acknowledged_by_id, "
            "erdr_number, refusal_reason", rows)
    ld.copy("disclosures_policereportstep", "id, report_id, status, at, by_id, note",
            ((i, *row) for i, row in zip(ld.ids("disclosures_policereportstep", len(steps)),
                                          steps, strict=True)))


# --- prevention and official figures ------------------------------------------------------------


def _recorded(by: int, day: dt.date) -> tuple:
    at = dt.datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return (by, at, at, "")


def add_prevention(world: dict, share: float, ld: Loader, rng: random.Random) -> None:
    """Per year (2025, 2026 to date), for a region of 270,000 pupils (``share`` 1): 12 trainings
    of 25 psychologists, 1,500 events, 800 parents' meetings, 2,000 consultations of 1,500
    guardians."""
    head, region = world["head"], world["region"]
    schools = world["schools"]
    psychologists = list(world["psychologist_of"].items())
    first, school_of = world["pupil_ids"].start, world["pupil_school"]
    district_of = {s: d for s, d, _x in world["schools"]}
    days = (NOW.date() - dt.date(2025, 1, 1)).days

    def day() -> dt.date:
        return dt.date(2025, 1, 1) + dt.timedelta(days=int(rng.random() * days))

    trainings, participants = [], []
    for tid in ld.ids("prevention_training", 24):
        starts = day()
        trainings.append((tid, *_recorded(head, starts), region, world["centre"],
                          "Суицид профилактикасы", starts, starts + dt.timedelta(days=1), 16,
                          "Тренер", ""))
        for school, user in rng.sample(psychologists, min(25, len(psychologists))):
            attended = rng.random() < 0.9
            participants.append((tid, user, region, district_of[school], school,
                                 "attended" if attended else "absent",
                                 f"C-{tid}-{user}" if attended else "", _recorded(head, starts)[1]))
    ld.copy("prevention_training", "id, created_by_id, created_at, updated_at, submission_token, "
            "region_id, centre_id, topic, starts_on, ends_on, hours, trainer, place", trainings)
    ld.copy("prevention_trainingparticipant", "id, training_id, user_id, region_id, district_id, "
            "school_id, attendance, certificate_number, added_at",
            ((i, *row) for i, row in zip(ld.ids("prevention_trainingparticipant",
                                                len(participants)), participants, strict=True)))
    kinds = ("conference", "master_class", "law_enforcement", "parent_meeting", "awareness",
             "awareness", "other")
    events = []
    for eid in ld.ids("prevention_event", int(2 * 1500 * share)):
        school, district, settlement = rng.choice(schools)
        held = day()
        events.append((eid, *_recorded(world["psychologist_of"][school], held),
                       rng.choice(kinds), "Іс-шара", held, region, district, settlement,
                       school if rng.random() < 0.7 else None, ["school"], None, None,
                       int(rng.random() * 120), int(rng.random() * 40), int(rng.random() * 15),
                       int(rng.random() * 3), 0, ""))
    ld.copy("prevention_event", "id, created_by_id, created_at, updated_at, submission_token, "
            "kind, title, held_on, region_id, district_id, settlement_id, school_id, organisers, "
            "police_unit_id, prosecutor_office_id, pupils, parents, teachers, psychologists, "
            "others, description", events)
    meetings = []
    for mid in ld.ids("prevention_parentmeeting", int(2 * 800 * share)):
        school, district, _settlement = rng.choice(schools)
        held = day()
        meetings.append((mid, *_recorded(world["psychologist_of"][school], held), held,
                         "Ата-аналар жиналысы", region, district, school,
                         5 + int(rng.random() * 40)))
    ld.copy("prevention_parentmeeting", "id, created_by_id, created_at, updated_at, "
            "submission_token, held_on, topic, region_id, district_id, school_id, parents_count",
            meetings)
    gids = ld.ids("people_guardian", int(1500 * share))
    pupils = [first + int(rng.random() * len(school_of)) for _g in gids]
    ld.copy("people_guardian", "id, pupil_id, relation, full_name, phone",
            ((g, p, "mother", "Ана", "") for g, p in zip(gids, pupils, strict=True)))
    consultations = []
    for cid in ld.ids("prevention_parentconsultation", int(2 * 2000 * share)):
        k = int(rng.random() * len(gids))
        school = school_of[pupils[k] - first]
        held = day()
        consultations.append((cid, *_recorded(world["psychologist_of"][school], held), held,
                              gids[k], region, district_of[school], school, "Кеңес"))
    ld.copy("prevention_parentconsultation", "id, created_by_id, created_at, updated_at, "
            "submission_token, held_on, guardian_id, region_id, district_id, school_id, topic",
            consultations)


def add_figures(world: dict, ld: Loader, rng: random.Random) -> None:
    """Official figures 2024-2026 (2026: 3 quarters, 10 months): each district and the region,
    each indicator, year, quarters and months."""
    from safechildhood.statistics.models import FigureImport

    source = FigureImport.objects.create(
        region_id=world["region"], document_name="Правовая статистика", document_number="1",
        document_date=dt.date(2026, 11, 10), file_name="figures.xlsx", status="committed",
        uploaded_by_id=world["analyst"], committed_at=NOW)
    scale = {"crimes_by_minors": 12, "crimes_against_minors": 9, "suicides": 1.2,
             "suicide_attempts": 3}
    periods = [(y, "year", 0) for y in (2024, 2025, 2026)]
    periods += [(y, "quarter", k) for y in (2024, 2025, 2026) for k in range(1, 5)
                if (y, k) != (2026, 4)]
    periods += [(y, "month", k) for y in (2024, 2025, 2026) for k in range(1, 13)
                if y < 2026 or k <= 10]
    rows = []
    for year, kind, number in periods:
        part = {"year": 1, "quarter": 0.25, "month": 1 / 12}[kind]
        for indicator, mean in scale.items():
            values = [int(rng.random() * 2 * mean * part + 0.5) for _d in world["districts"]]
            rows += [(d, indicator, year, kind, number, v)
                     for d, v in zip(world["districts"], values, strict=True)]
            rows.append((None, indicator, year, kind, number, sum(values)))
    ld.copy("statistics_crimefigure", "id, region_id, district_id, indicator, year, period_kind, "
            "period_number, value, source_id, updated_at",
            ((i, world["region"], *row, source.pk, NOW)
             for i, row in zip(ld.ids("statistics_crimefigure", len(rows)), rows, strict=True)))


# --- the whole load -----------------------------------------------------------------------------


def build(scale: str, reuse: bool = False, log=print) -> dict[str, str]:
    """The database for ``scale`` (made and loaded, or reused): returns its bench_meta."""
    name, fresh = use_database(scale, reuse)
    if not fresh:
        log(f"reusing {name} (loaded {meta().get('loaded_at')})")
        return meta()
    sc = SCALES[scale]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    remake = drop_indexes(BIG_TABLES)
    ld = Loader()
    rng = random.Random(2026)
    sealed = encrypt("Ребёнок рассказал о ситуации дома; согласовали следующую встречу.")
    pool = answer_pool(rng)
    weights = [1.8 - 1.3 * n / max(1, sc.regions - 1) for n in range(sc.regions)]
    sizes = [int(sc.pupils * w / sum(weights)) for w in weights]
    sizes[0] += sc.pupils - sum(sizes)
    for n, size in enumerate(sizes):
        rng = random.Random(2026 + n)
        t0 = time.perf_counter()
        world = make_region(n, sc, rng)
        world["sealed"] = sealed
        add_pupils(world, size, ld, rng)
        add_screening(world, ld, rng, pool)
        add_cases(world, int(size * CASES), ld, rng)
        add_disclosures(world, int(size * CONCERNS), ld, rng)
        add_prevention(world, size / 270_000, ld, rng)
        add_figures(world, ld, rng)
        log(f"  region {n}: {size:,} pupils in {time.perf_counter() - t0:.0f} s")
    rows_seconds = time.perf_counter() - started
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for sql in remake:
            cursor.execute(sql)
        cursor.execute("SET session_replication_role = origin")
    index_seconds = time.perf_counter() - t0
    ld.finish()
    t0 = time.perf_counter()
    analyze()
    analyze_seconds = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size_bytes = cursor.fetchone()[0]
    set_meta(complete=1, scale=scale, rows=json.dumps(ld.rows), rows_seconds=f"{rows_seconds:.0f}",
             index_seconds=f"{index_seconds:.0f}", analyze_seconds=f"{analyze_seconds:.0f}",
             size_gib=f"{size_bytes / 2**30:.1f}", loaded_at=dt.datetime.now(UTC).isoformat())
    return meta()


def describe(info: dict[str, str]) -> str:
    rows = json.loads(info["rows"])
    parts = ", ".join(f"{table.split('_', 1)[1]} {count:,}" for table, count in rows.items())
    return (f"{info['scale']}: rows {info['rows_seconds']} s (COPY, FK triggers off), indexes "
            f"{info['index_seconds']} s, VACUUM ANALYZE {info['analyze_seconds']} s; "
            f"{info['size_gib']} GiB on disk; {parts}")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--reuse", action="store_true")
    args, _unknown = parser.parse_known_args()
    print(describe(build(args.scale, args.reuse)))


if __name__ == "__main__":
    main()
