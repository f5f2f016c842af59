"""Screening at the scale of a region: bulk results import, export, and pupils answering over HTTP.

Usage (from the repository root):
    SC_TESTING=1 .venv/bin/python bench/bench_screening.py                  # the full sizes below
    SC_TESTING=1 .venv/bin/python bench/bench_screening.py --import-rows 20000 \\
        --export-rows 50000 --http-seconds 10                               # a quick run
    SC_TESTING=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/safechildhood_bench \\
        .venv/bin/python bench/bench_screening.py
    bench/run                                                               # every benchmark

It works in a throw-away database made the way the test runner makes one (a temporary SQLite file
in WAL mode, or test_<name> on PostgreSQL) and drops it afterwards; the configured database is
never touched; after each bulk load it runs ANALYZE, as autovacuum would in production. The
questionnaire is a synthetic 30-item instrument ("bench-30": two scales with
bands, a critical item, skip logic, triage rules) written to a temporary SC_INSTRUMENTS_DIR.

(a) Bulk import: ``--import-rows`` (100,000) pupils of one school, each with a one-time code; a
    CSV of one 30-item questionnaire per pupil (about 2 % blanks, about 3 % critical answers)
    goes through ``results_import_start`` and the task (run at once: HUEY_IMMEDIATE): one
    transaction in which each batch of rows is read, checked and scored while a second thread
    writes the batch before (COPY / executemany, triage proposals, assignments completed; the
    crisis alerts at the end). Printed next to it, in the same run: the database's ceiling for the
    same rows, i.e. the stored response rows inserted again into a copy of the table without its
    indexes (executemany on SQLite, COPY on PostgreSQL). Then the same import of
    ``--trace-rows`` (20,000) rows at a second school under tracemalloc, for the peak Python
    memory (timed separately: tracing slows Python down).
(b) Export: the campaign is filled up to ``--export-rows`` (270,000) submitted responses across
    ten districts, then the centre head's pseudonymised export is written as CSV and as XLSX
    (time, file size; each again under tracemalloc for the peak Python memory).
(c) Answering over HTTP: gunicorn with ``--http-workers`` (2) workers of ``--http-threads`` (4;
    1 gives sync workers) threads, as the README recommends, on a free loopback port serves the
    bench database; ``--http-clients`` (2) separate processes (this script with
    ``--http-client``) run ``--http-users`` (8) pupils between them for ``--http-seconds`` (30),
    after a warm-up of 40 questionnaires: each pupil enters a fresh one-time code at /q/ and
    answers PHQ-A and ASQ page by page (real form posts, keeping the connection open when the
    server does). Printed: answer pages posted per second with the 50th and 99th percentile
    latency, questionnaires finished per second, and the CPU time each answer page costs the web
    workers, the database server and the load client (from /proc), with the rate two free
    cores would carry: the client shares the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent

# --- (c)'s load generator: a separate process, no Django ------------------------------------------

_FIELD = re.compile(r'name="(q_[a-z0-9_]+)"[^>]*?value="([^"]*)"|value="([^"]*)"[^>]*?'
                    r'name="(q_[a-z0-9_]+)"')
_HIDDEN = re.compile(r'name="(csrfmiddlewaretoken|instrument|position)"[^>]*?value="([^"]*)"'
                     r'|value="([^"]*)"[^>]*?name="(csrfmiddlewaretoken|instrument|position)"')
_NUMBER = re.compile(r'type="number"[^>]*?name="(q_[a-z0-9_]+)"|name="(q_[a-z0-9_]+)"[^>]*?'
                     r'type="number"')


class Pupil:
    """One pupil's browser: cookies, and one connection kept open between requests when the
    server allows it (gthread workers keep it alive; sync workers close it after each
    response, and then each request opens a new one)."""

    def __init__(self, port: int, rng: random.Random):
        self.port = port
        self.rng = rng
        self.cookies: dict[str, str] = {}
        self.connection = None

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "Host": "127.0.0.1", "Accept-Language": "ru"}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # a kept-alive connection the server closed meanwhile: open a new one once
                self.close()
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.close()
        return response.status, response.getheader("Location") or "", text

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    @staticmethod
    def hidden(text: str) -> dict[str, str]:
        found = {}
        for a, b, c, d in _HIDDEN.findall(text):
            found[a or d] = b or c
        return found

    def answers(self, text: str) -> dict[str, str]:
        options: dict[str, list[str]] = {}
        for a, b, c, d in _FIELD.findall(text):
            options.setdefault(a or d, []).append(b or c)
        chosen = {}
        for name in {a or b for a, b in _NUMBER.findall(text)}:
            chosen[name] = "0"
        for name, values in options.items():
            values = [v for v in values if v]
            if name in chosen or not values:
                continue
            # mostly the calmest answers, sometimes any, sometimes none
            roll = self.rng.random()
            if roll < 0.02:
                continue
            chosen[name] = values[-1 if values[-1] == "no" else 0] if roll < 0.85 else \
                self.rng.choice(values)
        return chosen

    def questionnaire(self, code: str, post_times: list[float]) -> bool:
        status, _location, text = self.request("GET", "/q/")
        token = self.hidden(text).get("csrfmiddlewaretoken", "")
        status, location, _text = self.request("POST", "/q/", {
            "csrfmiddlewaretoken": token, "code": code, "language": "ru"})
        if status != 302:
            return False
        for _page in range(40):
            status, location, text = self.request("GET", "/q/answer/")
            if status == 302:
                return location.rstrip("/").endswith("/q/done")
            form = {**self.hidden(text), **self.answers(text)}
            started = time.perf_counter()
            status, location, _text = self.request("POST", "/q/answer/", form)
            post_times.append(time.perf_counter() - started)
            if status != 302:
                return False
            if location.rstrip("/").endswith("/q/done"):
                return True
        return False


def http_client(options: dict) -> None:
    """Run ``users`` pupils for ``seconds`` against the port; print a JSON summary."""
    codes = list(options["codes"])
    lock = threading.Lock()
    post_times: list[float] = []
    finished = failed = 0
    deadline = time.perf_counter() + options["seconds"]

    def one_pupil(n: int) -> None:
        nonlocal finished, failed
        pupil_rng = random.Random(n)
        while time.perf_counter() < deadline:
            with lock:
                if not codes:
                    return
                code = codes.pop()
            times: list[float] = []
            pupil = Pupil(options["port"], pupil_rng)
            ok = pupil.questionnaire(code, times)
            pupil.close()
            with lock:
                post_times.extend(times)
                finished += ok
                failed += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=one_pupil, args=(n,)) for n in range(options["users"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "seconds": elapsed, "posts": len(post_times), "finished": finished, "failed": failed,
        "times": post_times, "cpu": usage.ru_utime + usage.ru_stime,
    }))


if __name__ == "__main__" and "--http-client" in sys.argv:
    http_client(json.loads(sys.stdin.read()))
    sys.exit(0)

# --- the bench itself -----------------------------------------------------------------------------

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SC_TESTING", "1")
os.environ["HUEY_IMMEDIATE"] = "1"  # the import and export tasks run in this process, at commit
_tmp = tempfile.TemporaryDirectory(prefix="sc-bench-screening-")
os.environ.setdefault("SC_TEST_SQLITE_NAME", str(Path(_tmp.name) / "bench.sqlite3"))
INSTRUMENTS_DIR = Path(_tmp.name) / "instruments"
os.environ["SC_INSTRUMENTS_DIR"] = str(INSTRUMENTS_DIR)
os.environ["SC_VAR_DIR"] = str(Path(_tmp.name) / "var")  # exports are written here


def write_instrument(directory: Path) -> None:
    """bench-30: 30 four-option items, a total and a subscale with bands, a critical item
    (30) with a flag, an item asked only after a positive answer (29), and triage rules."""
    directory.mkdir(parents=True, exist_ok=True)
    label = 'label = {{ kk = "{0}", ru = "{0}", en = "{0}" }}'
    lines = [
        "format = 1", 'code = "bench-30"', 'version = "1.0"', 'texts = "included"',
        "age_min = 10", "age_max = 17",
        'name = { kk = "Бенч-30", ru = "Бенч-30", en = "Bench-30" }',
        'citation = "Synthetic instrument for benchmarks"', 'licence = "Public domain"',
        'translation = { kk = "working", ru = "working", en = "original" }',
        "[option_sets.freq4]",
        "options = [" + ", ".join(
            f'{{ code = "{v}", value = {v}, {label.format(f"вариант {v}")} }}'
            for v in range(4)) + "]",
    ]
    for n in range(1, 31):
        lines += ["[[items]]", f'id = "b30_{n}"', 'options = "freq4"',
                  f'text = {{ kk = "Сұрақ {n}", ru = "Вопрос {n}", en = "Question {n}" }}']
        if n == 29:
            lines.append('show_if = { item = "b30_28", min = 1 }')
        if n == 30:
            lines.append("critical = true")
    bands = ('bands = [ { code = "low", max = 20, label = { kk = "т", ru = "н", en = "low" } }, '
             '{ code = "moderate", max = 45, label = { kk = "о", ru = "с", en = "moderate" } }, '
             '{ code = "high", max = 90, label = { kk = "ж", ru = "в", en = "high" } } ]')
    lines += [
        "[[scales]]", 'id = "total"', 'label = { kk = "Барлығы", ru = "Итог", en = "Total" }',
        "items = [" + ", ".join(f'"b30_{n}"' for n in range(1, 31) if n != 29) + "]", bands,
        "[[scales]]", 'id = "sub_a"', 'label = { kk = "А", ru = "А", en = "A" }',
        "items = [" + ", ".join(f'"b30_{n}"' for n in range(1, 11)) + "]",
        "[[flags]]", 'id = "self_harm"', 'label = { kk = "з", ru = "в", en = "self-harm" }',
        "critical = true", 'when = { item = "b30_30", min = 2 }',
        "[[triage]]", 'category = "suicide_risk"', 'level = "high"',
        'when = { flag = "self_harm" }',
        "[[triage]]", 'category = "depression"', 'level = "medium"',
        'when = { band = "total", in = ["moderate"] }',
        "[[triage]]", 'category = "depression"', 'level = "high"',
        'when = { band = "total", in = ["high"] }',
    ]
    (directory / "bench-30.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


write_instrument(INSTRUMENTS_DIR)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from measure import analyze, database, machine, rss_mib  # noqa: E402

from safechildhood.access.policy import Actor  # noqa: E402
from safechildhood.accounts.models import Membership, Role, User  # noqa: E402
from safechildhood.directory.models import School, SupportCentre  # noqa: E402
from safechildhood.geography.models import District, Region, Settlement  # noqa: E402
from safechildhood.people.models import Pupil as PupilRecord  # noqa: E402
from safechildhood.people.names import match_key  # noqa: E402
from safechildhood.screening.imports import results_import_start  # noqa: E402
from safechildhood.screening.models import (  # noqa: E402
    Assignment,
    Campaign,
    CrisisAlert,
    JobStatus,
    Response,
    ResponseExport,
)
from safechildhood.screening.services.codes import code_hash, code_new  # noqa: E402
from safechildhood.screening.services.exports import (  # noqa: E402
    response_export_request,
)
from safechildhood.screening.services.instruments import instrument_get  # noqa: E402
from safechildhood.screening.services.responses import scored_fields  # noqa: E402

ITEMS = [f"b30_{n}" for n in range(1, 31)]
BATCH = 5000
LAST = ["Әбдіров", "Сейітов", "Жұмабаев", "Құрманов", "Нұрланов", "Омаров", "Төлеуов", "Ким"]
FIRST = ["Нұрлан", "Әйгерім", "Асан", "Гүлнар", "Марат", "Дана", "Тимур", "Аружан"]



# --- the world ------------------------------------------------------------------------------------


def make_world(rng: random.Random) -> dict:
    region = Region.objects.create(name_kk="Жамбыл облысы", name_ru="Жамбылская область",
                                   name_en="Zhambyl region")
    districts, schools = [], []
    for n in range(10):
        district = District.objects.create(region=region, name_kk=f"Аудан {n}",
                                           name_ru=f"Район {n}", name_en=f"District {n}")
        village = Settlement.objects.create(district=district, name_kk=f"Ауыл {n}",
                                            name_ru=f"Село {n}", name_en=f"Village {n}")
        districts.append(district)
        for m in range(10):
            schools.append(School.objects.create(
                settlement=village, name_kk=f"№{n}{m} мектеп", name_ru=f"Школа №{n}{m}",
                name_en=f"School {n}{m}"))
    centre = SupportCentre.objects.create(region=region, name_kk="Орталық", name_ru="Центр",
                                          name_en="Centre")
    head = User.objects.create_user("bench-head", password=None)
    Membership.objects.create(user=head, role=Role.CENTRE_HEAD, centre=centre)
    psychologist = User.objects.create_user("bench-psychologist", password=None)
    for school in schools[:2]:
        Membership.objects.create(user=psychologist, role=Role.SCHOOL_PSYCHOLOGIST, school=school)
    instrument = instrument_get("bench-30")
    campaign = Campaign.objects.create(
        region=region, centre=centre, name="Bench", created_by=head,
        instruments=[{"code": instrument.code, "version": instrument.version},
                     {"code": "phq-a", "version": instrument_get("phq-a").version},
                     {"code": "asq", "version": instrument_get("asq").version}],
        starts_on=timezone.localdate(), ends_on=timezone.localdate(),
        status=Campaign.Status.OPEN)
    return {"region": region, "schools": schools, "head": head, "psychologist": psychologist,
            "campaign": campaign, "instrument": instrument}


_USED_CODES: set[str] = set()


def _fresh_code() -> str:
    """A code not yet handed out in this run (the campaign's own assignment retries on the rare
    collision of random codes: 23^8 of them; the bench writes its rows directly)."""
    while (code := code_new()) in _USED_CODES:
        pass
    _USED_CODES.add(code)
    return code


def add_pupils(campaign: Campaign, school: School, count: int, rng: random.Random,
               instruments: list[str], *, sealed: bool = True) -> list[tuple[int, str]]:
    """``count`` pupils of ``school`` assigned to the campaign; their assignments and codes."""
    out = []
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        pupils = []
        for _n in range(size):
            last, first = rng.choice(LAST), rng.choice(FIRST)
            birth = dt.date(2011, 1 + rng.randrange(12), 1 + rng.randrange(28))
            pupils.append(PupilRecord(school=school, last_name=last, first_name=first,
                                      birth_date=birth, sex="M", grade=8, class_letter="А",
                                      match_key=match_key(last, first, birth)))
        pupils = PupilRecord.objects.bulk_create(pupils, batch_size=1000)
        codes = [_fresh_code() for _p in pupils]
        assignments = Assignment.objects.bulk_create([
            Assignment(campaign=campaign, pupil=p, school=school, district_id=school.district_id,
                       grade=8, class_letter="А", instruments=instruments,
                       code_hash=code_hash(code), code_sealed=code if sealed else "")
            for p, code in zip(pupils, codes, strict=True)], batch_size=1000)
        out += [(a.pk, code) for a, code in zip(assignments, codes, strict=True)]
    return out


def random_answers(rng: random.Random) -> list[str]:
    """Most pupils calm, about 15 % with a moderate total, 4 % high, 3 % a critical answer;
    about 2 % of answers left blank."""
    profile = rng.choices(("0000001", "0011112", "1122233"), weights=(81, 15, 4))[0]
    values = []
    for n in range(1, 31):
        roll = rng.random()
        if roll < 0.02:
            values.append("")  # not answered
        elif n == 30:
            values.append("2" if roll > 0.97 else "0")
        else:
            values.append(rng.choice(profile))
    return values


def results_csv(codes: list[tuple[int, str]], rng: random.Random) -> bytes:
    lines = [";".join(["code", "instrument", *ITEMS])]
    lines += [";".join([code, "bench-30", *random_answers(rng)]) for _pk, code in codes]
    return ("\r\n".join(lines) + "\r\n").encode()


def run_import(psychologist: User, school: School, campaign: Campaign, content: bytes):
    actor = Actor(user=psychologist, membership=psychologist.memberships.get(school=school))
    started = time.perf_counter()
    results_import = results_import_start(actor=actor, campaign=campaign,
                                          uploaded_file=SimpleUploadedFile("r.csv", content))
    seconds = time.perf_counter() - started
    results_import.refresh_from_db()
    if results_import.status != JobStatus.DONE:
        raise SystemExit(f"import ended {results_import.status}: {results_import.errors[:5]}")
    return results_import, seconds


# --- (a) the database's ceiling for the same rows -------------------------------------------------

_RAW_COLUMNS = ("pupil_id", "campaign_id", "assignment_id", "school_id", "instrument", "version",
                "answers", "position", "source", "status", "language", "scores", "band", "total",
                "completeness", "critical", "level", "entered_by_id", "import_batch_id",
                "created_at", "submitted_at")


def raw_ceiling(import_id: int) -> float:
    """Insert the import's stored rows again into an index-less copy of the table; seconds spent
    in the inserts and the commit only."""
    table = Response._meta.db_table
    columns = ", ".join(_RAW_COLUMNS)
    selected = ", ".join(f"{c}::text" if c in ("answers", "scores") and
                         connection.vendor == "postgresql" else c for c in _RAW_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_raw AS SELECT {columns} FROM {table} "  # noqa: S608
                       "WHERE 1 = 0")
    spent, last = 0.0, 0
    with transaction.atomic():
        while True:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT id, {selected} FROM {table} "  # noqa: S608
                               "WHERE import_batch_id = %s AND id > %s ORDER BY id LIMIT %s",
                               [import_id, last, BATCH])
                rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            values = [r[1:] for r in rows]
            started = time.perf_counter()
            if connection.vendor == "postgresql":
                raw = connection.connection.cursor()
                with raw.copy(f"COPY bench_raw ({columns}) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                marks = ", ".join(["%s"] * len(_RAW_COLUMNS))
                with connection.cursor() as cursor:
                    cursor.executemany(f"INSERT INTO bench_raw ({columns}) "  # noqa: S608
                                       f"VALUES ({marks})", values)
            spent += time.perf_counter() - started
        started = time.perf_counter()
    spent += time.perf_counter() - started  # the commit
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw")
    return spent


# --- (b) filling the campaign up ------------------------------------------------------------------


def fill_campaign(world: dict, total: int, rng: random.Random) -> None:
    """Submitted responses up to ``total``, spread over the other schools: scored from a pool
    of answer sets (scoring each of them would time the scoring core, not the export)."""
    campaign, instrument = world["campaign"], world["instrument"]
    pool = []
    for _n in range(500):
        answers = {i: v for i, v in zip(ITEMS, random_answers(rng), strict=True) if v}
        pool.append((answers, scored_fields(instrument, answers)[1]))
    missing = total - Response.objects.filter(campaign=campaign).count()
    schools = world["schools"][2:]
    per_school = -(-missing // len(schools)) if missing > 0 else 0
    now = timezone.now()
    for school in schools:
        count = min(per_school, missing)
        if count <= 0:
            break
        assigned = add_pupils(campaign, school, count, rng, ["bench-30"], sealed=False)
        pupil_of = dict(Assignment.objects.filter(pk__in=[a for a, _c in assigned])
                        .values_list("pk", "pupil_id"))
        rows = []
        for assignment_id, _code in assigned:
            answers, fields = rng.choice(pool)
            rows.append(Response(
                pupil_id=pupil_of[assignment_id], campaign=campaign, assignment_id=assignment_id,
                school=school, instrument=instrument.code, version=instrument.version,
                answers=answers, source=Response.Source.PAPER, status=Response.Status.SUBMITTED,
                submitted_at=now, **fields))
        Response.objects.bulk_create(rows, batch_size=1000)
        Assignment.objects.filter(pk__in=[a for a, _c in assigned]).update(
            status=Assignment.Status.COMPLETED, completed_at=now)
        missing -= count


def run_export(head: User, campaign: Campaign, file_format: str) -> tuple[ResponseExport, float]:
    actor = Actor(user=head, membership=head.memberships.get())
    started = time.perf_counter()
    with transaction.atomic():
        export = response_export_request(actor=actor, campaign=campaign,
                                         variant=ResponseExport.Variant.PSEUDONYMISED,
                                         file_format=file_format)
    seconds = time.perf_counter() - started
    export.refresh_from_db()
    if export.status != JobStatus.DONE:
        raise SystemExit(f"export ended {export.status}")
    return export, seconds


# --- (c) pupils over HTTP -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}")
    return f"sqlite:///{db['NAME']}"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc; 0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(p) for p in found]


def database_backends() -> list[int]:
    """The PostgreSQL server processes serving the bench's database (the web workers'
    connections), other than this process's own."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        return [row[0] for row in cursor.fetchall()]


def load_clients(port: int, users: int, processes: int, seconds: float,
                 shares: list[list[str]]) -> list[dict]:
    """``processes`` load generators (this script with ``--http-client``) sharing ``users``
    pupils; each answers with its own share of the codes. Their JSON summaries."""
    clients = [subprocess.Popen(  # noqa: S603
        [sys.executable, str(Path(__file__).resolve()), "--http-client"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        for _k in range(processes)]
    for k, client in enumerate(clients):
        client.stdin.write(json.dumps({
            "port": port, "seconds": seconds, "codes": shares[k],
            "users": users // processes + (k < users % processes)}))
        client.stdin.close()
    results = [json.loads(c.stdout.read().strip().splitlines()[-1]) for c in clients]
    for client in clients:
        if client.wait() != 0:
            raise SystemExit("a load client failed")
    return results


def run_http(world: dict, options: argparse.Namespace, rng: random.Random) -> dict:
    campaign = world["campaign"]
    seconds = options.http_seconds
    codes = add_pupils(campaign, world["schools"][1], max(200, int(seconds * 100)), rng,
                       ["phq-a", "asq"], sealed=False)
    analyze()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "ALLOWED_HOSTS": "127.0.0.1",
           "SC_TESTING": "1", "HUEY_IMMEDIATE": "1", "AXES_ENABLED": "0"}
    env.pop("SC_TEST_SQLITE_NAME", None)
    log = Path(_tmp.name) / "gunicorn.log"
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application",
         "--workers", str(options.http_workers), "--threads", str(options.http_threads),
         "--bind", f"127.0.0.1:{port}", "--error-logfile", str(log)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn did not start: {log.read_text()[-2000:]}")
        # warm up first: each worker imports the URLs (the whole project), compiles templates
        # and loads the instruments on its first requests (seconds of CPU); 40 questionnaires
        # from 8 pupils reach both workers, then the clock starts
        load_clients(port, 8, 1, 600, [[c for _a, c in codes[:40]]])
        web = [server.pid, *children(server.pid)]
        web_before = sum(cpu_seconds(p) for p in web)
        backends = database_backends()
        database_before = sum(cpu_seconds(p) for p in backends)
        n = max(1, options.http_clients)
        results = load_clients(port, options.http_users, n, seconds,
                               [[c for _a, c in codes[40 + k::n]] for k in range(n)])
        web_cpu = sum(cpu_seconds(p) for p in web) - web_before
        backends_after = database_backends()
        database_cpu = (sum(cpu_seconds(p) for p in backends_after) - database_before
                        + sum(cpu_seconds(p) for p in backends if p not in backends_after))
    finally:
        server.terminate()
        server.wait(timeout=30)
    times = sorted(t for r in results for t in r["times"])
    return {
        "seconds": max(r["seconds"] for r in results), "posts": len(times),
        "finished": sum(r["finished"] for r in results),
        "failed": sum(r["failed"] for r in results),
        "p50": statistics.median(times) if times else None,
        "p99": times[min(len(times) - 1, int(len(times) * 0.99))] if times else None,
        "client_cpu": sum(r["cpu"] for r in results), "web_cpu": web_cpu,
        "database_cpu": database_cpu,
    }


# --- main -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--trace-rows", type=int, default=20_000)
    parser.add_argument("--export-rows", type=int, default=270_000)
    parser.add_argument("--http-users", type=int, default=8)
    parser.add_argument("--http-seconds", type=float, default=30)
    parser.add_argument("--http-workers", type=int, default=2)
    parser.add_argument("--http-threads", type=int, default=4,
                        help="gunicorn threads per worker (1: sync workers)")
    parser.add_argument("--http-clients", type=int, default=2,
                        help="load generator processes sharing --http-users")
    parser.add_argument("--seed", type=int, default=2026)
    args, _unknown = parser.parse_known_args()  # bench/run passes its extra args to every script

    rng = random.Random(args.seed)
    configured = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    out = {}
    try:
        world = make_world(rng)
        campaign, school = world["campaign"], world["schools"][0]
        started = time.perf_counter()
        codes = add_pupils(campaign, school, args.import_rows, rng, ["bench-30"])
        out["setup"] = time.perf_counter() - started
        content = results_csv(codes, rng)
        analyze()
        rss_before = rss_mib()
        done, out["import"] = run_import(world["psychologist"], school, campaign, content)
        out["import_rss"] = rss_mib() - rss_before
        out["alerts"] = CrisisAlert.objects.count()
        out["raw"] = raw_ceiling(done.pk)
        out["file_kib"] = len(content) / 1024

        traced_codes = add_pupils(campaign, world["schools"][1], args.trace_rows, rng,
                                  ["bench-30"])
        traced_content = results_csv(traced_codes, rng)
        analyze()
        tracemalloc.start()
        _traced, out["traced_seconds"] = run_import(world["psychologist"], world["schools"][1],
                                                    campaign, traced_content)
        out["import_peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()

        started = time.perf_counter()
        fill_campaign(world, args.export_rows, rng)
        analyze()
        out["fill"] = time.perf_counter() - started
        out["export_rows"] = Response.objects.filter(campaign=campaign,
                                                     status=Response.Status.SUBMITTED).count()
        for file_format in ("csv", "xlsx"):
            export, seconds = run_export(world["head"], campaign, file_format)
            size = (Path(settings.EXPORT_DIR) / export.file_path).stat().st_size
            out[file_format] = (seconds, size, export.total_rows)
        for file_format in ("csv", "xlsx"):
            tracemalloc.start()
            _export, seconds = run_export(world["head"], campaign, file_format)
            out[f"{file_format}_traced"] = (seconds, tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()

        if args.http_seconds > 0:
            out["http"] = run_http(world, args, rng)
        db = database()
    finally:
        connection.creation.destroy_test_db(configured, verbosity=0)
        _tmp.cleanup()

    rows = args.import_rows
    print(f"screening on {db}:")
    print(f"  (a) results import of {rows:,} questionnaires of 30 items "
          f"({out['file_kib']:,.0f} KiB CSV; {out['alerts']:,} crisis alerts raised): "
          f"{out['import']:.1f} s, {rows / out['import']:,.0f} rows/s")
    print(f"      database ceiling, the same rows inserted into an index-less copy "
          f"({'COPY' if connection.vendor == 'postgresql' else 'executemany'}): "
          f"{out['raw']:.1f} s, {rows / out['raw']:,.0f} rows/s")
    print(f"      {args.trace_rows:,} rows under tracemalloc: {out['traced_seconds']:.1f} s, peak "
          f"Python memory {out['import_peak'] / 1024 / 1024:,.1f} MiB; process peak grew "
          f"{out['import_rss']:,.0f} MiB during the {rows:,}-row import (ru_maxrss)")
    print(f"  (b) export of {out['export_rows']:,} responses (campaign filled in "
          f"{out['fill']:.0f} s):")
    for file_format in ("csv", "xlsx"):
        seconds, size, total = out[file_format]
        print(f"      {file_format.upper():4} {seconds:6.1f} s, {total / seconds:8,.0f} rows/s, "
              f"{size / 1024 / 1024:,.0f} MiB")
    for file_format in ("csv", "xlsx"):
        seconds, peak = out[f"{file_format}_traced"]
        print(f"      {file_format.upper()} under tracemalloc: {seconds:.1f} s, peak Python memory "
              f"{peak / 1024 / 1024:,.1f} MiB")
    if "http" in out:
        h = out["http"]
        pages = max(h["posts"], 1)
        model = (f"{args.http_workers} sync workers" if args.http_threads <= 1 else
                 f"{args.http_workers} workers x {args.http_threads} threads (gthread)")
        print(f"  (c) answering over HTTP, gunicorn {model}, {args.http_users} pupils at once "
              f"from {args.http_clients} client processes for {h['seconds']:.0f} s: "
              f"{h['posts'] / h['seconds']:,.1f} answer pages/s "
              f"(p50 {h['p50'] * 1000:,.0f} ms, p99 {h['p99'] * 1000:,.0f} ms), "
              f"{h['finished'] / h['seconds']:,.2f} questionnaires finished/s "
              f"({h['finished']} finished, {h['failed']} failed)")
        web, db, client = (h[k] * 1000 / pages for k in ("web_cpu", "database_cpu",
                                                          "client_cpu"))
        cores = os.cpu_count() or 1
        print(f"      CPU per answer page (its GET and POST, code entry shared out): web "
              f"{web:.1f} ms, database server {db:.1f} ms, load client {client:.1f} ms "
              f"({100 * client / max(web + db + client, 1e-9):.0f} % of the three); "
              f"{cores} free cores would carry {cores * 1000 / max(web + db + client, 1e-9):,.0f}"
              f" pages/s with the client here, {cores * 1000 / max(web + db, 1e-9):,.0f} with "
              f"it elsewhere")
    print(f"  process peak memory {rss_mib():,.0f} MiB (ru_maxrss)")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()
