"""Dashboards and reports of statistics at the scale of a region and of the country (PostgreSQL).

Usage (from the repository root):
    SC_TESTING=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_bench_stats \\
        .venv/bin/python bench/bench_statistics.py --scale region|country|small [--reuse]
    ... --explain    # also EXPLAIN ANALYZE every statement over 5 ms (plans to
                     # $TMPDIR/bench-statistics-<scale>-explain.txt, slowest first)
    ... --only pages,tables,reports --tables risk_group,referrals   # a part of it

The data (bench/statistics_data.py) go into the database ``<configured name>_<scale>``; with
``--reuse`` a finished load is kept between runs (the country takes about half an hour to load).
On SQLite the script says so and stops: the sizes are PostgreSQL's business.

Timed, in-process through Django's test client (the whole stack: middleware, session, policy,
indicator functions, templates; no network), ``--requests`` (30) GETs each after 3 warm-up
requests: the dashboard of the largest region as its centre head, at region, district and school
level, for the year 2026 and its 4th quarter, and as the prosecutor's analyst (small counts
hidden) at region level; the older statistics overview and the public page. Then each indicator
table function (``indicators_cases.TABLES``, ``indicators_work.TABLES``, the official figures)
called on its own, 10 times per level and period; and the generation of a monthly and a
quarterly report (XLSX and PDF), 3 times each. Printed: p50, p95, max, queries per request; the
slowest SQL statements seen (with ``--explain``: their plans).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("SC_TESTING", "1")
os.environ.setdefault("HUEY_IMMEDIATE", "1")

import statistics_data as data
from django.conf import settings
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from measure import database, machine, rss_mib

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import User
from safechildhood.directory.models import School
from safechildhood.geography.models import District, Region
from safechildhood.people.models import Pupil
from safechildhood.periods import ReportPeriod
from safechildhood.statistics import indicators

PERIODS = ("2026", "2026-q4")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * share))]


def summary(times: list[float]) -> dict:
    return {"p50": statistics.median(times), "p95": percentile(times, 0.95), "max": max(times),
            "n": len(times)}


SLOW: dict[str, tuple[float, str, str]] = {}  # statement shape -> (seconds, where, sql)


def remember(where: str, queries) -> None:
    """Keep each distinct SELECT seen (its slowest wall time) for ``--explain``."""
    for q in queries:
        sql, seconds = q["sql"], float(q["time"])
        if not sql.startswith("SELECT") or "django_session" in sql:
            continue
        shape = sql[:400]
        if shape not in SLOW or SLOW[shape][0] < seconds:
            SLOW[shape] = (seconds, where, sql)


def time_page(client: Client, user, url: str, requests: int) -> dict:
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    times, counts = [], []
    for n in range(-3, requests):
        reset_queries()  # the log keeps 9,000 queries; the capture indexes into it
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            spent = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
        if n == 0:
            remember(url, ctx.captured_queries)
        if n >= 0:
            times.append(spent)
            counts.append(len(ctx.captured_queries))
    return {**summary(times), "queries": (min(counts), max(counts))}


def time_call(run, repeat: int, where: str) -> dict:
    times = []
    for n in range(-1, repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            run()
            spent = time.perf_counter() - started
        if n == 0:
            remember(where, ctx.captured_queries)
        if n >= 0:
            times.append(spent)
    return {**summary(times), "queries": (len(ctx.captured_queries),) * 2}


def the_region() -> dict:
    """The largest region (number 0), its busiest district and that district's largest school,
    and its centre head and prosecutor's analyst."""
    region = Region.objects.get(name_en="Region 0")
    district = (District.objects.filter(region=region).order_by("kind", "name_ru").first())
    school = max(School.objects.filter(district=district),
                 key=lambda s: Pupil.objects.filter(school=s).count())
    return {"region": region, "district": district, "school": school,
            "head": User.objects.get(username="bench-head-0-0"),
            "analyst": User.objects.get(username="bench-analyst-0-0")}


def pages(w: dict, requests: int) -> list[tuple[str, dict]]:
    client = Client()
    out = []
    levels = [("region", ""), ("district", f"&district={w['district'].pk}"),
              ("school", f"&district={w['district'].pk}&school={w['school'].pk}")]
    for code in PERIODS:
        kind = "quarter" if "q" in code else "year"
        for level, area in levels:
            url = f"/statistics/dashboard/?kind={kind}&period={code}{area}"
            out.append((f"dashboard, head, {level}, {code}",
                        time_page(client, w["head"], url, requests)))
        url = f"/statistics/dashboard/?kind={kind}&period={code}"
        out.append((f"dashboard, analyst, region, {code}",
                    time_page(client, w["analyst"], url, requests)))
    out.append(("overview (/statistics/), head, 2026",
                time_page(client, w["head"], "/statistics/?year=2026", requests)))
    lang = settings.LANGUAGE_CODE[:2]
    out.append(("public page", time_page(client, None,
                                         f"/statistics/public/?lang={lang}&region="
                                         f"{w['region'].pk}", requests)))
    return out


def tables(w: dict, repeat: int, only: str = "") -> list[tuple[str, dict]]:
    from safechildhood.statistics.dashboard import table_functions

    actor = actor_for(w["head"])
    out = []
    areas = [("region", {}), ("district", {"district_id": w["district"].pk}),
             ("school", {"district_id": w["district"].pk, "school_id": w["school"].pk})]
    for code in PERIODS:
        period = ReportPeriod.parse(code)
        for name, function in table_functions():
            if only and name not in only.split(","):
                continue
            for level, area in areas:
                out.append((f"{name}, {level}, {code}", time_call(
                    lambda f=function, a=area, p=period: f(region_id=w["region"].pk,
                                                           viewer=actor, period=p, **a),
                    repeat, f"{name} {level} {code}")))
        out.append((f"official figures, region, {code}", time_call(
            lambda p=period: indicators.official_figures(
                region_id=w["region"].pk, viewer=actor, year=p.year, period_kind=p.kind,
                period_number=p.number), repeat, f"figures {code}")))
    return out


def reports(w: dict, repeat: int) -> list[tuple[str, dict]]:
    from safechildhood.statistics.models import Report
    from safechildhood.statistics.reports.services import report_generate

    membership = w["head"].memberships.get()
    out = []
    for kind, code in (("month", "2026-11"), ("quarter", "2026-q4")):
        times = []
        for _n in range(repeat):
            report = Report.objects.create(region=w["region"], kind=kind, period=code,
                                           language="ru", format="both",
                                           requested_by=w["head"], membership=membership)
            started = time.perf_counter()
            done = report_generate(report_id=report.pk)
            times.append(time.perf_counter() - started)
            if done.status != Report.Status.DONE:
                raise RuntimeError(f"report {code}: {done.status} {done.error_code}")
        out.append((f"report {kind} {code} (XLSX + PDF)", summary(times)))
    return out


def explain(scale: str, top: int = 10) -> tuple[str, list[tuple[float, str]]]:
    """EXPLAIN (ANALYZE, BUFFERS) of every distinct statement that took over 5 ms; all plans,
    slowest (by execution time) first, to a file; returns it and the ``top`` slowest."""
    path = Path(tempfile.gettempdir()) / f"bench-statistics-{scale}-explain.txt"
    plans = []
    with connection.cursor() as cursor:
        for seconds, where, sql in SLOW.values():
            if seconds < 0.005:
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(r[0] for r in cursor.fetchall())
            executed = float(plan.rsplit("Execution Time: ", 1)[1].split()[0]) / 1000
            plans.append((executed, where, sql, plan))
    plans.sort(key=lambda p: -p[0])
    path.write_text("\n".join(f"== {e * 1000:.1f} ms (EXPLAIN ANALYZE) in {where}\n{sql}\n{plan}\n"
                              for e, where, sql, plan in plans))
    return str(path), [(e, where) for e, where, _sql, _plan in plans[:top]]


def show(title: str, rows: list[tuple[str, dict]]) -> None:
    print(title)
    for name, r in rows:
        print(f"  {name:48} n={r['n']:3} p50 {r['p50'] * 1000:7.1f} ms  p95 "
              f"{r['p95'] * 1000:7.1f} ms  max {r['max'] * 1000:7.1f} ms  "
              f"queries {r['queries'][0]}-{r['queries'][1]}" if "queries" in r else
              f"  {name:48} n={r['n']:3} p50 {r['p50']:6.2f} s  p95 {r['p95']:6.2f} s  "
              f"max {r['max']:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=data.SCALES, default="small")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--reports", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", default="pages,tables,reports")
    parser.add_argument("--tables", default="", help="only these table codes (comma-separated)")
    args, _unknown = parser.parse_known_args()  # bench/run passes its extra args to every script
    if connection.vendor != "postgresql":
        print("statistics benchmark: PostgreSQL only (skipped on SQLite)")
        return
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    info = data.build(args.scale, args.reuse)
    call_command("migrate", verbosity=0)  # a reused database gets the migrations added since
    print(f"data {data.describe(info)}")
    w = the_region()
    pupils = Pupil.objects.filter(school__district__region=w["region"]).count()
    print(f"timed region: {w['region'].name_en}, {pupils:,} pupils; district {w['district'].pk} "
          f"({School.objects.filter(district=w['district']).count()} schools), school "
          f"{w['school'].pk} ({Pupil.objects.filter(school=w['school']).count()} pupils)")
    load = [os.getloadavg()[0]]
    if "pages" in args.only:
        show(f"pages ({args.requests} requests each):", pages(w, args.requests))
        load.append(os.getloadavg()[0])
    if "tables" in args.only:
        show(f"indicator functions alone ({args.repeat} calls each):",
             tables(w, args.repeat, args.tables))
        load.append(os.getloadavg()[0])
    if "reports" in args.only:
        show(f"reports ({args.reports} each):", reports(w, args.reports))
        load.append(os.getloadavg()[0])
    if args.explain:
        path, slowest = explain(args.scale)
        print(f"slowest statements (EXPLAIN ANALYZE; all plans in {path}):")
        for seconds, where in slowest:
            print(f"  {seconds * 1000:7.1f} ms  {where}")
    print(f"  process peak memory {rss_mib():,.0f} MiB (ru_maxrss)")
    print(f"machine: {machine()}; {database()}; load average while timing "
          f"{' → '.join(f'{x:.1f}' for x in load)} (other work on the machine inflates figures)")


if __name__ == "__main__":
    main()
