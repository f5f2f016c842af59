"""What every benchmark prints beside its figures: the machine, the database, the process's
peak memory; and fresh planner statistics after a bulk load. Imported by the bench_*.py scripts
after they have set Django up."""

from __future__ import annotations

import os
import platform
import resource
from pathlib import Path

from django.db import connection


def machine() -> str:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    return (f"{platform.system()} {platform.release()} {platform.machine()}, "
            f"{os.cpu_count()} cores{memory}, Python {platform.python_version()}")


def database() -> str:
    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version} (file, WAL)"


def analyze() -> None:
    """Fresh statistics and visibility map after a bulk load, as autovacuum would leave them in
    production (the bench's PostgreSQL may run with autovacuum off; without statistics the
    planner guesses, and without the visibility map no index-only scan pays)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
