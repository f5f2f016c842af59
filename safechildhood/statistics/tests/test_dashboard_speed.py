"""The dashboard's cost per page: its tables share one reading of the area's districts or
schools (statistics/areas.py ``shared_places``), and the figures are those of each table
computed on its own."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.periods import ReportPeriod
from safechildhood.statistics.dashboard import dashboard_get, table_functions

URL = "/statistics/dashboard/"


def _reads(queries, table: str) -> int:
    """Statements that read the rows of ``table`` (counts over it aside)."""
    source = re.compile(r'^SELECT .* FROM "(\w+)"')
    return sum(1 for q in queries if (m := source.match(q["sql"])) and m.group(1) == table
               and "COUNT" not in q["sql"])


def test_the_region_page_reads_its_districts_once_for_all_tables(client, region):
    client.force_login(region.head.user)
    client.get(URL)  # warm the caches of the session and the policy
    with CaptureQueriesContext(connection) as page:
        response = client.get(URL)
    assert response.status_code == 200
    # once for the seven tables and the tile map, once for the official figures
    assert _reads(page.captured_queries, "geography_district") == 2


def test_the_district_page_reads_its_schools_once(client, region):
    client.force_login(region.head.user)
    url = f"{URL}?district={region.baizak.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as page:
        response = client.get(url)
    assert response.status_code == 200
    assert _reads(page.captured_queries, "directory_school") == 1
    assert region.school.name in response.content.decode()


def test_shared_tables_equal_the_tables_computed_alone(region):
    actor = actor_for(region.head.user)
    period = ReportPeriod(timezone.localdate().year)
    for area in ({}, {"district_id": region.baizak.pk}):
        board = dashboard_get(actor=actor, period=period, **area)
        alone = [f(region_id=region.region.pk, viewer=actor, period=period, **area)
                 for _code, f in table_functions()]
        assert [t.code for t in board.tables] == [t.code for t in alone]
        for shown, table in zip(board.tables, alone, strict=True):
            assert [r.name for r in shown.rows] == [r.name for r in table.rows]
            assert [[c.link for c in r.cells] for r in shown.rows] == [
                [r.links.get(m.code, "") for m in table.measures] for r in table.rows]
