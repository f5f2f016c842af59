"""Time a roster import end to end through the service and print rows per second.

Usage (from the repository root):
    SC_TESTING=1 .venv/bin/python bench/bench_roster_import.py                 # 2000 rows
    SC_TESTING=1 .venv/bin/python bench/bench_roster_import.py --rows 20000
    SC_TESTING=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/safechildhood_bench \\
        .venv/bin/python bench/bench_roster_import.py
    bench/run                                                                   # every benchmark

It works in a throw-away database made the way the test runner makes one (a temporary SQLite file
in WAL mode, or test_<name> on PostgreSQL) and drops it afterwards: the configured database itself
is never touched. Inside it: a school, a psychologist at it, and ``--others`` pupils with IINs at
other schools of the region (so the "IIN belongs to another school" look-up has rows to search).

Three imports run through ``roster_import_start``, the task running at once (HUEY_IMMEDIATE):
  1. a new roster of ``--rows`` pupils as CSV: every pupil is added;
  2. the same pupils as .xlsx, a grade higher: every pupil is updated;
  3. the .xlsx again into a second school, under tracemalloc, for the peak Python memory of one
     import (timed separately, since tracing slows Python down).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SC_TESTING", "1")
os.environ["HUEY_IMMEDIATE"] = "1"  # the import task runs in this process, at commit
_tmp = tempfile.TemporaryDirectory(prefix="sc-bench-import-")
os.environ.setdefault("SC_TEST_SQLITE_NAME", str(Path(_tmp.name) / "bench.sqlite3"))

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from measure import database, machine  # noqa: E402

from safechildhood.access.policy import Actor  # noqa: E402
from safechildhood.accounts.models import Membership, Role, User  # noqa: E402
from safechildhood.directory.models import School  # noqa: E402
from safechildhood.geography.models import District, Region, Settlement  # noqa: E402
from safechildhood.people.iin import make_iin  # noqa: E402
from safechildhood.people.imports import roster_import_start  # noqa: E402
from safechildhood.people.models import Enrollment, Pupil, RosterImport  # noqa: E402
from safechildhood.people.names import match_key  # noqa: E402

HEADER = ["Тегі", "Аты", "Әкесінің аты", "Туған күні", "Жынысы", "Сынып", "Литер", "ЖСН"]
LAST = ["Әбдіров", "Сейітов", "Жұмабаев", "Құрманов", "Нұрланов", "Омаров", "Төлеуов", "Ғабитов",
        "Иванов", "Ким", "Мұхаметжанов", "Серікбаев"]
FIRST_M = ["Нұрлан", "Ерлан", "Асан", "Үсен", "Бауыржан", "Марат", "Дәурен", "Айбек", "Тимур"]
FIRST_F = ["Әйгерім", "Гүлнар", "Дана", "Салтанат", "Аружан", "Мөлдір", "Жанар", "Анна"]



class IINs:
    """Valid IINs, never the same one twice (across every roster and school of the bench)."""

    def __init__(self):
        self.used: set[str] = set()
        self.serial = 0

    def new(self, birth: dt.date, sex: str) -> str:
        while True:
            self.serial = (self.serial + 1) % 10000
            value = make_iin(birth, sex, self.serial)
            if value is not None and value not in self.used:
                self.used.add(value)
                return value


def roster(count: int, rng: random.Random, iins: IINs) -> list[list]:
    """``count`` different children of grades 1–11, each with a valid IIN."""
    rows = []
    for n in range(count):
        sex = "M" if n % 2 else "F"
        grade = 1 + n % 11
        birth = dt.date(2025 - 7 - grade, 1, 1) + dt.timedelta(days=rng.randrange(365))
        last = rng.choice(LAST) + ("а" if sex == "F" and rng.random() < 0.8 else "")
        first = rng.choice(FIRST_M if sex == "M" else FIRST_F)
        rows.append([last, first, "", birth.strftime("%d.%m.%Y"), "Ер" if sex == "M" else "Әйел",
                     str(grade), "АӘБВГ"[n % 5], iins.new(birth, sex)])
    return rows


def as_csv(rows: list[list]) -> bytes:
    lines = [";".join(HEADER), *(";".join(str(c) for c in row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def as_xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def make_world(others: int, rng: random.Random, iins: IINs):
    region = Region.objects.create(name_kk="Жамбыл облысы", name_ru="Жамбылская область",
                                   name_en="Zhambyl region")
    district = District.objects.create(region=region, name_kk="Меркі", name_ru="Меркенский",
                                       name_en="Merke")
    village = Settlement.objects.create(district=district, name_kk="Меркі", name_ru="Мерке",
                                        name_en="Merke")
    schools = [School.objects.create(settlement=village, name_kk=f"№{n} мектеп",
                                     name_ru=f"Школа №{n}", name_en=f"School No. {n}")
               for n in range(1, 4)]
    user = User.objects.create_user("bench-psychologist", password=None)
    for school in schools[:2]:
        Membership.objects.create(user=user, role=Role.SCHOOL_PSYCHOLOGIST, school=school)
    # Pupils at a third school, with IINs the import must look up.
    batch = []
    for n in range(others):
        sex = "M" if n % 2 else "F"
        birth = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(3650))
        last, first = rng.choice(LAST), rng.choice(FIRST_M if sex == "M" else FIRST_F)
        batch.append(Pupil(school=schools[2], last_name=last, first_name=first, birth_date=birth,
                           sex=sex, grade=5, iin=iins.new(birth, sex),
                           match_key=match_key(last, first, birth)))
        if len(batch) == 5000:
            Pupil.objects.bulk_create(batch)
            batch = []
    Pupil.objects.bulk_create(batch)
    return user, schools


def run(user, school, content: bytes, name: str) -> tuple[RosterImport, float]:
    actor = Actor(user=user, membership=user.memberships.get(school=school))
    started = time.perf_counter()
    roster_import = roster_import_start(actor=actor, school=school,
                                        uploaded_file=SimpleUploadedFile(name, content))
    seconds = time.perf_counter() - started
    roster_import.refresh_from_db()
    if roster_import.status != RosterImport.Status.DONE:
        raise SystemExit(f"import {roster_import.pk} ended {roster_import.status}: "
                         f"{roster_import.errors[:5]}")
    return roster_import, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--others", type=int, default=10000,
                        help="pupils with IINs at another school of the region")
    parser.add_argument("--seed", type=int, default=2026)
    args, _unknown = parser.parse_known_args()  # bench/run passes its extra args to every script

    rng = random.Random(args.seed)
    iins = IINs()
    configured = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        user, schools = make_world(args.others, rng, iins)
        rows = roster(args.rows, rng, iins)
        csv_content = as_csv(rows)
        promoted = [[*row[:5], str(int(row[5]) + 1), *row[6:]] for row in rows]
        xlsx_content = as_xlsx(promoted)

        added, add_seconds = run(user, schools[0], csv_content, "roster.csv")
        updated, update_seconds = run(user, schools[0], xlsx_content, "roster.xlsx")

        other_rows = roster(args.rows, rng, iins)  # other children, other IINs
        tracemalloc.start()
        _traced, traced_seconds = run(user, schools[1], as_xlsx(other_rows), "roster.xlsx")
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        promoted_count = Enrollment.objects.filter(school=schools[0], ended_on__isnull=True,
                                                   grade__gte=2).count()
        if (added.created_count, updated.updated_count, promoted_count) != (args.rows,) * 3:
            raise SystemExit("the imports did not add and update every pupil")
        db = database()
    finally:
        connection.creation.destroy_test_db(configured, verbosity=0)
        _tmp.cleanup()
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"roster import on {db}, {args.rows} rows, {args.others} pupils at other schools:")
    print(f"  new pupils from CSV:  {add_seconds:6.2f} s, {args.rows / add_seconds:8,.0f} rows/s "
          f"({len(csv_content) / 1024:,.0f} KiB)")
    print(f"  updates from .xlsx:   {update_seconds:6.2f} s, "
          f"{args.rows / update_seconds:8,.0f} rows/s ({len(xlsx_content) / 1024:,.0f} KiB)")
    print(f"  new pupils from .xlsx under tracemalloc: {traced_seconds:.2f} s, peak Python memory "
          f"{peak / 1024 / 1024:,.1f} MiB (tracemalloc)")
    print(f"  process peak memory {rss_mib:,.0f} MiB (ru_maxrss)")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()
