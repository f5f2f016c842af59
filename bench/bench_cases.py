"""The risk group at the scale of a region: a centre specialist's day page and the centre head's
overview, timed over many requests.

Usage (from the repository root):
    SC_TESTING=1 .venv/bin/python bench/bench_cases.py                      # the full sizes below
    SC_TESTING=1 .venv/bin/python bench/bench_cases.py --pupils 20000 --cases 500   # a quick run
    SC_TESTING=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/safechildhood_bench \\
        .venv/bin/python bench/bench_cases.py
    bench/run                                                               # every benchmark

It works in a throw-away database made the way the test runner makes one (a temporary SQLite file
in WAL mode, or test_<name> on PostgreSQL) and drops it afterwards; the configured database is
never touched; after the bulk load it runs ANALYZE, as autovacuum would in production.

The region: 10 districts of 30 schools, ``--pupils`` (270,000) pupils, 2 centre specialists per
district and the head; ``--cases`` (5,000) risk cases (10 % waiting for a specialist, 65 % active,
15 % monitoring, 10 % closed) with about 4 contacts, a plan with 3 actions, 1.5 referrals, 6
case events and a "last seen" mark each; 1,500 crisis alerts over the past year (a third of them
opened a case), 300 proposals waiting, 3 field trips per specialist. Rows go in with
``bulk_create`` in batches (narratives encrypted as the model encrypts them).

Then ``--requests`` (300) GETs of each page through Django's test client (the whole stack:
middleware, session, policy, selectors, templates; no network): the day page of a specialist
(taking turns among all of them) and the head's overview (taking turns among: the region over
90 days, one district, the region over 12 months, page 2 of the list). Printed: p50, p95 and
max latency, queries per request, and the time of each overview block on its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SC_TESTING", "1")
_tmp = tempfile.TemporaryDirectory(prefix="sc-bench-cases-")
os.environ.setdefault("SC_TEST_SQLITE_NAME", str(Path(_tmp.name) / "bench.sqlite3"))
os.environ["SC_VAR_DIR"] = str(Path(_tmp.name) / "var")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from measure import analyze, database, machine, rss_mib  # noqa: E402

from safechildhood.access.policy import actor_for  # noqa: E402
from safechildhood.accounts.models import Membership, Role, User  # noqa: E402
from safechildhood.cases import selectors_overview as overview  # noqa: E402
from safechildhood.cases.models import (  # noqa: E402
    CaseClosure,
    CaseEvent,
    CasePlan,
    CaseView,
    Category,
    Contact,
    Decision,
    FieldTrip,
    Level,
    PlanAction,
    Referral,
    RiskCase,
    TripStop,
)
from safechildhood.directory.models import School, ServiceProvider, SupportCentre  # noqa: E402
from safechildhood.geography.models import District, Region, Settlement  # noqa: E402
from safechildhood.people.models import Pupil  # noqa: E402
from safechildhood.people.names import match_key  # noqa: E402
from safechildhood.screening.models import CrisisAlert, Response, TriageProposal  # noqa: E402

BATCH = 5000
DISTRICTS = 10
SCHOOLS_PER_DISTRICT = 30
SPECIALISTS_PER_DISTRICT = 2
ALERTS = 1500
PROPOSALS_WAITING = 300
LAST = ["Әбдіров", "Сейітов", "Жұмабаев", "Құрманов", "Нұрланов", "Омаров", "Төлеуов", "Ким"]
FIRST = ["Нұрлан", "Әйгерім", "Асан", "Гүлнар", "Марат", "Дана", "Тимур", "Аружан"]
CATEGORIES = [c for c, _label in Category.choices]
LEVELS = [c for c, _label in Level.choices]
NOTE = "Беседа с ребёнком и матерью; договорились о следующей встрече."



def _ago(now: dt.datetime, rng: random.Random, low: float, high: float) -> dt.datetime:
    return now - dt.timedelta(days=rng.uniform(low, high))


# --- the region -----------------------------------------------------------------------------


def make_region(args, rng: random.Random) -> dict:
    region = Region.objects.create(name_kk="Жамбыл облысы", name_ru="Жамбылская область",
                                   name_en="Zhambyl region")
    centre = SupportCentre.objects.create(region=region, name_kk="Орталық", name_ru="Центр",
                                          name_en="Centre")
    head = User.objects.create_user("bench-head", password=None, first_name="Сәуле",
                                    last_name="Омарова")
    Membership.objects.create(user=head, role=Role.CENTRE_HEAD, centre=centre)
    districts, schools, specialists = [], [], {}
    for n in range(DISTRICTS):
        district = District.objects.create(region=region, name_kk=f"Аудан {n}",
                                           name_ru=f"Район {n}", name_en=f"District {n}")
        village = Settlement.objects.create(district=district, name_kk=f"Ауыл {n}",
                                            name_ru=f"Село {n}", name_en=f"Village {n}")
        districts.append(district)
        schools += School.objects.bulk_create([
            School(settlement=village, district=district, name_kk=f"№{n}-{m} мектеп",
                   name_ru=f"Школа №{n}-{m}", name_en=f"School {n}-{m}")
            for m in range(SCHOOLS_PER_DISTRICT)])
        for k in range(SPECIALISTS_PER_DISTRICT):
            user = User.objects.create_user(f"bench-spec-{n}-{k}", password=None,
                                            first_name=FIRST[k], last_name=f"{LAST[n % 8]}")
            membership = Membership.objects.create(user=user, role=Role.CENTRE_SPECIALIST,
                                                   centre=centre)
            membership.districts.set([district])
            specialists.setdefault(district.pk, []).append(user)
    ServiceProvider.objects.bulk_create([
        ServiceProvider(kind=kind, region=region, district=districts[0], name_kk=kind,
                        name_ru=kind, name_en=kind)
        for kind in ("psychiatrist", "narcologist", "paediatrician", "ngo")])
    schools = list(School.objects.filter(district__region=region).order_by("pk"))
    return {"region": region, "centre": centre, "head": head, "districts": districts,
            "schools": schools, "specialists": specialists,
            "providers": list(ServiceProvider.objects.filter(region=region))}


def add_pupils(world: dict, count: int, rng: random.Random) -> None:
    schools = world["schools"]
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        rows = []
        for n in range(made, made + size):
            last, first = rng.choice(LAST), rng.choice(FIRST)
            birth = dt.date(2009 + rng.randrange(8), 1 + rng.randrange(12), 1 + rng.randrange(28))
            rows.append(Pupil(school=schools[n % len(schools)], last_name=last,
                              first_name=first, birth_date=birth, sex=rng.choice("MF"),
                              grade=5 + rng.randrange(7), class_letter="А",
                              match_key=match_key(last, first, birth)))
        Pupil.objects.bulk_create(rows, batch_size=1000)
        made += size


def add_cases(world: dict, count: int, rng: random.Random) -> dict:
    """``count`` cases with their parts; returns how many of each were written."""
    now = timezone.now()
    today = timezone.localdate()
    head = world["head"]
    district_of = {s.pk: s.district_id for s in world["schools"]}
    pupils = list(Pupil.objects.order_by("?").values_list("pk", "school_id")[:count + ALERTS
                                                                              + PROPOSALS_WAITING])
    rng.shuffle(pupils)
    case_pupils = pupils[:count]
    alert_pupils = pupils[:ALERTS // 3] + pupils[count:count + ALERTS - ALERTS // 3]
    waiting_pupils = pupils[count + ALERTS - ALERTS // 3:][:PROPOSALS_WAITING]

    # crisis alerts over the past year: a response each (the alert's evidence)
    responses = Response.objects.bulk_create([
        Response(pupil_id=p, school_id=s, instrument="phq-a", version="1.0",
                 answers={"phq_a_9": "1"}, source=Response.Source.PAPER,
                 status=Response.Status.SUBMITTED, submitted_at=now)
        for p, s in alert_pupils], batch_size=1000)
    alerts = []
    for response in responses:
        raised = _ago(now, rng, 0, 365)
        acknowledged = rng.random() > 0.02
        alerts.append(CrisisAlert(
            pupil_id=response.pupil_id, response=response, school_id=response.school_id,
            district_id=district_of[response.school_id], flags=["phq_a_item9"],
            raised_at=raised, deadline=raised + dt.timedelta(hours=4),
            status=CrisisAlert.Status.ACKNOWLEDGED if acknowledged else CrisisAlert.Status.OPEN,
            acknowledged_by=head if acknowledged else None,
            acknowledged_at=raised + dt.timedelta(hours=rng.expovariate(1 / 3))
            if acknowledged else None))
    alerts = CrisisAlert.objects.bulk_create(alerts, batch_size=1000)
    alert_of = {a.pupil_id: a for a in alerts}

    TriageProposal.objects.bulk_create([
        TriageProposal(pupil_id=p, school_id=s, district_id=district_of[s],
                       source=TriageProposal.Source.SCREENING, category=rng.choice(CATEGORIES),
                       level=rng.choice(LEVELS), evidence={"instrument": "phq-a"})
        for p, s in waiting_pupils], batch_size=1000)

    cases = []
    for p, s in case_pupils:
        roll = rng.random()
        status = (RiskCase.Status.PROPOSED if roll < 0.10 else RiskCase.Status.ACTIVE
                  if roll < 0.75 else RiskCase.Status.MONITORING if roll < 0.90
                  else RiskCase.Status.CLOSED)
        alert = alert_of.get(p)
        opened = (alert.raised_at + dt.timedelta(hours=rng.uniform(1, 20)) if alert
                  else _ago(now, rng, 5, 400))
        worked = status != RiskCase.Status.PROPOSED
        first = None
        last = None
        if worked and rng.random() > 0.08:
            first = min(now, opened + dt.timedelta(hours=rng.expovariate(1 / 40)))
            last = max(first, _ago(now, rng, 0, 70))
        cases.append(RiskCase(
            pupil_id=p, school_id=s, district_id=district_of[s],
            categories=rng.sample(CATEGORIES, 1 + (rng.random() < 0.4)),
            level=rng.choice(LEVELS), status=status,
            owner=rng.choice(world["specialists"][district_of[s]]) if worked else None,
            reason=NOTE, alert=alert, opened_at=opened, opened_by=head,
            closed_at=_ago(now, rng, 0, 300) if status == RiskCase.Status.CLOSED else None,
            close_reason="improved" if status == RiskCase.Status.CLOSED else "",
            next_review_on=today + dt.timedelta(days=rng.randint(-10, 40)) if worked else None,
            first_contact_at=first, last_contact_at=last))
    cases = RiskCase.objects.bulk_create(cases, batch_size=1000)
    # bulk_create gives no auto_now to ``updated_at`` issues; opened_at kept as set
    worked = [c for c in cases if c.status != RiskCase.Status.PROPOSED]
    open_worked = [c for c in worked if c.status != RiskCase.Status.CLOSED]

    contacts = []
    for case in worked:
        if case.last_contact_at is None:
            continue
        for _n in range(rng.randint(2, 6)):
            contacts.append(Contact(case=case, kind="child", held_at=_ago(now, rng, 0, 200),
                                    present=["child"], duration_minutes=45, notes=NOTE,
                                    recorded_by_id=case.owner_id))
    Contact.objects.bulk_create(contacts, batch_size=2000)

    plans, plan_cases = [], []
    for case in worked:
        submitted = rng.random() < 0.05 and case in open_worked
        plans.append(CasePlan(case=case, status=Decision.SUBMITTED if submitted
                              else Decision.APPROVED, goals=NOTE, created_by_id=case.owner_id,
                              submitted_at=case.opened_at,
                              decided_by=None if submitted else head,
                              decided_at=None if submitted else case.opened_at))
        plan_cases.append(case)
    plans = CasePlan.objects.bulk_create(plans, batch_size=1000)
    actions = []
    for plan in plans:
        for n in range(3):
            due = today + dt.timedelta(days=rng.randint(-15, 45))
            actions.append(PlanAction(plan=plan, description=NOTE, due_on=due, position=n,
                                      done_on=due if due < today and rng.random() < 0.7
                                      else None))
    PlanAction.objects.bulk_create(actions, batch_size=2000)
    closures = [CaseClosure(case=c, to_status=RiskCase.Status.CLOSED, reason="improved",
                            note=NOTE, requested_by_id=c.owner_id)
                for c in open_worked if rng.random() < 0.02]
    CaseClosure.objects.bulk_create(closures, batch_size=1000)

    statuses = [s for s, _label in Referral.Status.choices]
    referrals = []
    for case in worked:
        for _n in range(rng.choice((0, 1, 1, 2, 3))):
            status = rng.choice(statuses)
            referrals.append(Referral(
                case=case, provider=rng.choice(world["providers"]), reason=NOTE, status=status,
                sent_at=_ago(now, rng, 0, 120), sent_by_id=case.owner_id,
                next_step_due=today + dt.timedelta(days=rng.randint(-10, 20))
                if status in ("sent", "accepted", "attended") else None))
    Referral.objects.bulk_create(referrals, batch_size=2000)

    kinds = [k for k, _label in CaseEvent.Kind.choices]
    events = []
    for case in cases:
        for _n in range(6):
            events.append(CaseEvent(case=case, kind=rng.choice(kinds), at=_ago(now, rng, 0, 60),
                                    actor_id=rng.choice((head.pk, case.owner_id or head.pk)),
                                    data={}))
    CaseEvent.objects.bulk_create(events, batch_size=5000)
    CaseView.objects.bulk_create([CaseView(case=c, user_id=c.owner_id,
                                           seen_at=_ago(now, rng, 0, 20))
                                  for c in open_worked if rng.random() < 0.8], batch_size=2000)

    trips, stops = [], []
    by_owner: dict[int, list[RiskCase]] = {}
    for case in open_worked:
        by_owner.setdefault(case.owner_id, []).append(case)
    for district in world["districts"]:
        for user in world["specialists"][district.pk]:
            for k in range(3):
                start = today + dt.timedelta(days=7 * k + rng.randint(0, 5))
                trips.append(FieldTrip(specialist=user, district=district, starts_on=start,
                                       ends_on=start + dt.timedelta(days=1)))
    trips = FieldTrip.objects.bulk_create(trips)
    school_of = dict(case_pupils)
    settlement_of = {s.pk: s.settlement_id for s in world["schools"]}
    for trip in trips:
        for n, case in enumerate(by_owner.get(trip.specialist_id, [])[:8]):
            school = school_of[case.pupil_id]
            stops.append(TripStop(trip=trip, case=case, school_id=school,
                                  settlement_id=settlement_of[school], position=n))
    TripStop.objects.bulk_create(stops, batch_size=2000)
    return {"cases": len(cases), "alerts": len(alerts), "contacts": len(contacts),
            "plans": len(plans), "actions": len(actions), "referrals": len(referrals),
            "events": len(events), "trips": len(trips), "proposals": len(waiting_pupils)}


# --- timing ---------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * share))]


def time_pages(client: Client, urls_for, requests: int) -> dict:
    """GET ``urls_for(n)`` (user, url) ``requests`` times after 10 warm-up requests."""
    times, queries = [], []
    logged_in = None
    for n in range(-10, requests):
        user, url = urls_for(n)
        if user != logged_in:
            client.force_login(user)
            logged_in = user
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            spent = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
        if n >= 0:
            times.append(spent)
            queries.append(len(ctx.captured_queries))
    return {"p50": statistics.median(times), "p95": percentile(times, 0.95),
            "max": max(times), "queries": (min(queries), max(queries)), "n": len(times)}


def time_blocks(world: dict, repeat: int = 20) -> list[tuple[str, float]]:
    """The median time of each overview block on its own (the region, 90 days)."""
    actor = actor_for(world["head"])
    period = overview.Period.last(90)
    districts = overview.overview_districts(actor=actor)
    blocks = {
        "caseloads": lambda: overview.overview_caseloads(actor, None),
        "no contact (page 1 + count)": lambda: (
            list(overview.overview_no_contact(actor, None)[:20]),
            overview.overview_no_contact(actor, None).count()),
        "alert timings": lambda: overview.overview_timings(actor, period, None, districts),
        "categories": lambda: overview.overview_categories(actor, period, None, districts),
        "proposals": lambda: overview.overview_proposals(actor, None),
        "plans and closures": lambda: [list(b.rows) for b in
                                       overview.overview_approvals(actor, None)],
    }
    out = []
    for name, run in blocks.items():
        spent = []
        for _n in range(repeat):
            started = time.perf_counter()
            run()
            spent.append(time.perf_counter() - started)
        out.append((name, statistics.median(spent)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=270_000)
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true",
                        help="keep the database afterwards, to EXPLAIN its queries")
    args, _unknown = parser.parse_known_args()  # bench/run passes its extra args to every script

    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # Django's test client
    rng = random.Random(args.seed)
    configured = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    out = {}
    try:
        started = time.perf_counter()
        world = make_region(args, rng)
        add_pupils(world, args.pupils, rng)
        out["pupils_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        out["rows"] = add_cases(world, args.cases, rng)
        out["cases_seconds"] = time.perf_counter() - started
        analyze()
        client = Client()
        load_before = os.getloadavg()[0]
        specialists = [u for users in world["specialists"].values() for u in users]
        day_url = reverse("cases:day")
        out["day"] = time_pages(client, lambda n: (specialists[n % len(specialists)], day_url),
                                args.requests)
        overview_url = reverse("cases:overview")
        variants = [overview_url, f"{overview_url}?district={world['districts'][3].pk}",
                    f"{overview_url}?period=365", f"{overview_url}?page=2"]
        out["overview"] = time_pages(client, lambda n: (world["head"],
                                                        variants[n % len(variants)]),
                                     args.requests)
        out["blocks"] = time_blocks(world)
        out["load"] = (load_before, os.getloadavg()[0])
        db = database()
    finally:
        if args.keep:
            print(f"kept the database {connection.settings_dict['NAME']}")
        else:
            connection.creation.destroy_test_db(configured, verbosity=0)
            _tmp.cleanup()

    rows = out["rows"]
    print(f"risk group on {db}:")
    print(f"  region: {args.pupils:,} pupils in {out['pupils_seconds']:.0f} s; "
          f"{rows['cases']:,} cases, {rows['contacts']:,} contacts, {rows['plans']:,} plans "
          f"({rows['actions']:,} actions), {rows['referrals']:,} referrals, {rows['events']:,} "
          f"case events, {rows['alerts']:,} crisis alerts, {rows['proposals']:,} proposals "
          f"waiting, {rows['trips']:,} field trips in {out['cases_seconds']:.0f} s")
    for key, label in (("day", "specialist's day page"), ("overview", "head's overview")):
        r = out[key]
        print(f"  {label:22} {r['n']} requests: p50 {r['p50'] * 1000:6.1f} ms, "
              f"p95 {r['p95'] * 1000:6.1f} ms, max {r['max'] * 1000:6.1f} ms; "
              f"{r['queries'][0]}–{r['queries'][1]} queries per request")
    print("  overview blocks alone (median of 20): " + ", ".join(
        f"{name} {seconds * 1000:.1f} ms" for name, seconds in out["blocks"]))
    print(f"  process peak memory {rss_mib():,.0f} MiB (ru_maxrss)")
    print(f"machine: {machine()}; load average while timing {out['load'][0]:.1f} → "
          f"{out['load'][1]:.1f} (other work on the machine inflates the figures)")


if __name__ == "__main__":
    main()
