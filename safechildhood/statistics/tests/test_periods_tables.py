"""Reporting periods and the area tables every indicator is shown in (no database)."""

import datetime as dt

import pytest

from safechildhood.periods import PeriodKind, ReportPeriod, period_choices
from safechildhood.statistics.indicators import HIDDEN
from safechildhood.statistics.tables import COUNT, MEDIAN, PERCENT, Area, Measure, area_table


@pytest.mark.parametrize(("code", "start", "end"), [
    ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ("2025-q1", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    ("2024-Q4", dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
    ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ("2025-12", dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
])
def test_a_period_covers_its_days(code, start, end):
    period = ReportPeriod.parse(code)
    assert (period.start, period.end) == (start, end)
    assert period.ends_at - period.starts_at == dt.timedelta(days=(end - start).days + 1)
    assert ReportPeriod.parse(period.code) == period


@pytest.mark.parametrize("code", ["", "25", "2025-13", "2025-q5", "2025-00", "abcd", "1999",
                                  "2025-q1x", None])
def test_anything_else_is_no_period(code):
    assert ReportPeriod.parse(code) is None


def test_neighbours_cross_the_new_year():
    assert ReportPeriod.parse("2025-01").previous() == ReportPeriod.parse("2024-12")
    assert ReportPeriod.parse("2024-12").next() == ReportPeriod.parse("2025-01")
    assert ReportPeriod.parse("2025-q1").previous() == ReportPeriod.parse("2024-q4")
    assert ReportPeriod.parse("2024-q4").next() == ReportPeriod.parse("2025-q1")
    assert ReportPeriod.parse("2025-q2").year_before() == ReportPeriod.parse("2024-q2")
    assert [p.code for p in ReportPeriod.parse("2025-q2").parts()] == [
        "2025-04", "2025-05", "2025-06"]
    assert ReportPeriod.containing(dt.date(2025, 8, 9), PeriodKind.QUARTER).code == "2025-q3"


def test_choices_run_back_to_the_first_year_newest_first():
    choices = period_choices(kind=PeriodKind.QUARTER, first_year=2025,
                             today=dt.date(2026, 5, 1))
    assert [p.code for p in choices] == ["2026-q2", "2026-q1", "2025-q4", "2025-q3",
                                         "2025-q2", "2025-q1"]


MEASURES = [Measure("open", "open"), Measure("closed", "closed"),
            Measure("share", "closed of open", kind=PERCENT, of=("closed", "open")),
            Measure("wait", "median wait", kind=MEDIAN, unit="hours")]


def test_small_counts_are_hidden_from_the_unentitled_and_what_they_give_away():
    table = area_table(
        code="t", title="t", level="district", measures=MEASURES,
        areas=[Area(1, "A", entitled=False), Area(2, "B", entitled=False),
               Area(3, "C", entitled=False)],
        entitled_total=False,
        counts={1: {"open": 10, "closed": 3}, 2: {"open": 20, "closed": 10}, 3: {}},
        samples={1: {"wait": [1, 2, 3]}, 2: {"wait": [1, 2, 3, 4, 5, 6]}},
        link=lambda key, code: f"/list/{key}/{code}")
    a, b, c = table.rows
    assert a["closed"] is HIDDEN and a["share"] is HIDDEN and a["wait"] is HIDDEN
    assert (b["closed"], b["share"], b["wait"]) == (10, 50, 4)
    assert (c["open"], c["share"], c["wait"]) == (0, None, None)
    # one hidden row among the summed: the total would give it away
    assert table.total["closed"] is HIDDEN and table.total["open"] == 30
    assert table.total["wait"] == 3  # nine waits pooled
    assert table.suppressed
    # links only where a count is shown and not zero
    assert "closed" not in a.links and a.links["open"] == "/list/1/open"
    assert "open" not in c.links and table.total.links["open"] == "/list/None/open"


def test_the_entitled_see_every_count():
    table = area_table(
        code="t", title="t", level="school", measures=MEASURES,
        areas=[Area(1, "A", entitled=True)], entitled_total=True,
        counts={1: {"open": 2, "closed": 1}}, samples={1: {"wait": [5]}},
        total_counts={"open": 2, "closed": 1})
    assert table.rows[0].values == {"open": 2, "closed": 1, "share": 50, "wait": 5}
    assert not table.suppressed and table.measures[0].kind == COUNT
