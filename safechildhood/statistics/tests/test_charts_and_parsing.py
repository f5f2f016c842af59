"""Charts drawn on the server and the reading of cells: hidden values are never drawn to
scale, names are escaped, and no cell content makes the reader fail."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safechildhood.statistics.charts import bar_chart, hbar_chart
from safechildhood.statistics.imports import figures_check, parse_count
from safechildhood.statistics.indicators import HIDDEN
from safechildhood.statistics.tests.conftest import HEADER_EN, xlsx


def test_a_hidden_value_is_a_stub_labelled_less_than_five():
    svg = str(bar_chart("Suicides", [("2023", HIDDEN), ("2024", 10), ("2025", None)]))
    assert svg.count("<rect") == 2
    assert "&lt;5" in svg and "—" in svg
    assert 'stroke-dasharray="3 2"' in svg
    heights = [float(h) for h in re.findall(r'height="([\d.]+)"', svg)[:2]]
    assert heights[0] == 8.0  # the stub, not 3/10 of the tallest bar


def test_names_are_escaped():
    svg = str(hbar_chart("<b>x</b>", [("<script>alert(1)</script>", 50)], unit="%"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "&lt;b&gt;" in svg
    assert "50%" in svg


@given(st.integers(min_value=0, max_value=10_000_000))
def test_any_count_reads_back_however_it_is_written(number):
    assert parse_count(number) == number
    assert parse_count(float(number)) == number
    assert parse_count(str(number)) == number
    assert parse_count(f"{number:,}".replace(",", " ")) == number


cells = st.one_of(st.none(), st.integers(-10, 10**9), st.floats(allow_nan=False,
                                                                    allow_infinity=False),
                  st.text(max_size=20), st.booleans())


@pytest.mark.django_db
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, min_size=8, max_size=8), min_size=1, max_size=4))
def test_no_cell_content_breaks_the_reader(db, rows):
    from safechildhood.geography.tests.factories import DistrictFactory

    district = DistrictFactory(name_en="Taraz")
    checked = figures_check(xlsx([HEADER_EN, *[[_storable(c) for c in r] for r in rows]]),
                            "f.xlsx", region=district.region)
    assert checked.rows == [] or checked.errors == []
    assert all(isinstance(e["code"], str) for e in checked.errors)


def _storable(value):
    """openpyxl refuses control characters in text cells."""
    if isinstance(value, str):
        return re.sub(r"[\x00-\x1f]", "", value)
    return value
