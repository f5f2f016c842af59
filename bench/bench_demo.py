"""Time `manage.py load_demo` on the configured database and print pupils per second.

Usage (from the repository root):
    .venv/bin/python bench/bench_demo.py                      # 20000 pupils
    .venv/bin/python bench/bench_demo.py --pupils 270000      # one whole region (~1.2 M rows)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safechildhood_bench \\
        .venv/bin/python bench/bench_demo.py --pupils 270000
    bench/run                                                 # every benchmark, both databases

It loads into a throw-away database made the way the test runner makes one (a temporary SQLite
file in WAL mode, or test_<name> on PostgreSQL) and drops it afterwards: the configured database
itself is never touched. Peak memory is printed too: the loader streams pupils in batches, so it
should stay flat as --pupils grows.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SC_TESTING", "1")
_tmp = tempfile.TemporaryDirectory(prefix="sc-bench-demo-")
os.environ.setdefault("SC_TEST_SQLITE_NAME", str(Path(_tmp.name) / "bench.sqlite3"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from measure import database, machine  # noqa: E402

from safechildhood.people.models import Consent, Enrollment, Guardian, Pupil  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch-size", type=int, default=5000)
    args, _unknown = parser.parse_known_args()  # bench/run passes its extra args to every script

    configured = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        call_command("load_demo", pupils=args.pupils, seed=args.seed,
                     batch_size=args.batch_size, stdout=StringIO(), stderr=StringIO())
        seconds = time.perf_counter() - started
        rows = sum(model.objects.count() for model in (Pupil, Enrollment, Guardian, Consent))
        db = database()
    finally:
        connection.creation.destroy_test_db(configured, verbosity=0)
        _tmp.cleanup()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"load_demo --pupils {args.pupils} on {db}: {seconds:.1f} s, "
          f"{args.pupils / seconds:,.0f} pupils/s ({rows:,} rows: pupils, enrolments, guardians, "
          f"consents; {rows / seconds:,.0f} rows/s), peak memory {peak_mib:,.0f} MiB")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()
