"""Indicators on hand-built data with known answers, and the small-count rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safechildhood.people.tests.factories import PupilFactory
from safechildhood.periods import ReportPeriod
from safechildhood.screening.models import Assignment, CrisisAlert
from safechildhood.screening.tests.factories import make_alert, make_assignment, make_campaign
from safechildhood.statistics.indicators import (
    HIDDEN,
    change_percent,
    official_figures,
    official_trend,
    percent,
    suppress,
    suppress_total,
)
from safechildhood.statistics.indicators_cases import alerts_table, coverage_table
from safechildhood.statistics.models import CrimeFigure, FigureImport

S = Assignment.Status


# --- the rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "shown"), [(0, 0), (1, HIDDEN), (4, HIDDEN), (5, 5),
                                              (317, 317)])
def test_counts_of_one_to_four_are_hidden_from_those_not_entitled(value, shown):
    assert suppress(value, entitled=False) == shown
    assert suppress(value, entitled=True) == value


def test_hidden_reads_as_less_than_five():
    assert str(HIDDEN) == "<5"


def test_a_total_that_would_reveal_one_hidden_row_is_withheld():
    assert suppress_total(23, [20, HIDDEN], entitled=False) is HIDDEN
    assert suppress_total(26, [20, HIDDEN, HIDDEN], entitled=False) == 26
    assert suppress_total(3, [HIDDEN, 0], entitled=False) is HIDDEN
    assert suppress_total(23, [20, 3], entitled=True) == 23


def test_derived_values_are_hidden_with_their_counts():
    assert percent(HIDDEN, 100) is HIDDEN
    assert percent(50, HIDDEN) is HIDDEN
    assert percent(0, 0) is None
    assert percent(45, 60) == 75
    assert change_percent(28, 40) == -30
    assert change_percent(HIDDEN, 40) is HIDDEN
    assert change_percent(12, 0) is None
    assert change_percent(12, None) is None


# --- screening coverage -------------------------------------------------------------------------


@pytest.fixture
def screened(region):
    """Baizak: 10 pupils in the first school (6 completed, 2 refused, 1 no consent, 1 absent)
    and 3 in the second (1 completed, 2 pending); Taraz and Korday none."""
    from safechildhood.directory.tests.factories import SchoolFactory  # noqa: F401

    campaign = make_campaign(region=region.region, centre=region.centre,
                             created_by=region.head.user)
    statuses = [S.COMPLETED] * 6 + [S.REFUSED] * 2 + [S.NO_CONSENT, S.ABSENT]
    for status in statuses:
        make_assignment(campaign, PupilFactory(school=region.school, grade=8), status=status)
    for status in (S.COMPLETED, S.PENDING, S.IN_PROGRESS):
        make_assignment(campaign, PupilFactory(school=region.other_school, grade=8),
                        status=status)
    return campaign


def test_coverage_by_district_for_the_centre_head(region, screened):
    coverage = coverage_table(region_id=region.region.pk, viewer=region.head,
                              period=ReportPeriod(screened.starts_on.year))
    rows = {row.key: row for row in coverage.rows}
    baizak = rows[region.baizak.pk]
    assert (baizak["assigned"], baizak["completed"], baizak["refused"], baizak["no_consent"],
            baizak["absent"], baizak["pending"]) == (13, 7, 2, 1, 1, 2)
    assert baizak["coverage"] == 54  # 7 of 13
    assert rows[region.taraz.pk]["assigned"] == 0
    assert rows[region.taraz.pk]["coverage"] is None
    assert coverage.total["assigned"] == 13
    assert not coverage.suppressed


def test_coverage_for_the_public_hides_small_counts(region, screened):
    coverage = coverage_table(region_id=region.region.pk, viewer=None,
                              period=ReportPeriod(screened.starts_on.year))
    baizak = next(row for row in coverage.rows if row.key == region.baizak.pk)
    assert (baizak["assigned"], baizak["completed"]) == (13, 7)
    assert baizak["refused"] is HIDDEN and baizak["no_consent"] is HIDDEN
    assert baizak["absent"] is HIDDEN and baizak["pending"] is HIDDEN
    assert baizak["coverage"] == 54
    # one district holds every refusal: the region total would give it away
    assert coverage.total["refused"] is HIDDEN
    assert coverage.suppressed


def test_coverage_by_school_and_who_is_entitled(region, screened):
    year = screened.starts_on.year
    for viewer, first_hidden, second_hidden in (
            (region.analyst, True, True),  # aggregates only
            (region.specialist, False, False),  # Baizak is assigned to the specialist
            (region.psychologist, False, True)):  # own school only
        coverage = coverage_table(region_id=region.region.pk, viewer=viewer,
                              period=ReportPeriod(year),
                                      district_id=region.baizak.pk)
        first, second = ({row.key: row for row in coverage.rows}[s.pk]
                         for s in (region.school, region.other_school))
        assert (first["refused"] is HIDDEN) == first_hidden, viewer.role
        assert (second["completed"] is HIDDEN) == second_hidden, viewer.role
        assert first["completed"] == 6


def test_coverage_of_another_year_is_empty(region, screened):
    coverage = coverage_table(region_id=region.region.pk, viewer=region.head,
                              period=ReportPeriod(screened.starts_on.year - 1))
    assert coverage.total["assigned"] == 0


# --- crisis alerts ------------------------------------------------------------------------------


def test_median_time_from_alert_to_acknowledgement(region):
    campaign = make_campaign(region=region.region, centre=region.centre,
                             created_by=region.head.user)
    raised = timezone.now() - dt.timedelta(days=2)
    minutes = [30, 60, 90, 240, 600, None]  # one still open
    for wait in minutes:
        assignment, _ = make_assignment(campaign, PupilFactory(school=region.school, grade=8))
        alert = make_alert(assignment, region.psychologist.user)
        CrisisAlert.objects.filter(pk=alert.pk).update(
            raised_at=raised,
            acknowledged_at=raised + dt.timedelta(minutes=wait) if wait else None,
            status=CrisisAlert.Status.ACKNOWLEDGED if wait else CrisisAlert.Status.OPEN)
    period = ReportPeriod(timezone.localdate(raised).year)

    def table(viewer):
        found = alerts_table(region_id=region.region.pk, viewer=viewer, period=period)
        return {r.key: r for r in found.rows}, found.total

    measures = ("raised", "acknowledged", "minutes_to_acknowledge")
    rows, total = table(region.head)
    assert tuple(rows[region.baizak.pk][m] for m in measures) == (6, 5, 90)
    assert tuple(total[m] for m in measures) == (6, 5, 90)
    assert (rows[region.taraz.pk]["raised"], rows[region.taraz.pk]["minutes_to_acknowledge"]) \
        == (0, None)
    # the analyst sees 5 acknowledged (not small) but would not see 4
    rows, total = table(region.analyst)
    assert rows[region.baizak.pk]["minutes_to_acknowledge"] == 90
    CrisisAlert.objects.filter(acknowledged_at__isnull=False).order_by("id").first().delete()
    rows, total = table(region.analyst)
    assert tuple(rows[region.baizak.pk][m] for m in measures) == (5, HIDDEN, HIDDEN)
    assert total["acknowledged"] is HIDDEN  # only one district has alerts


# --- official figures ---------------------------------------------------------------------------


def _figures(region, values: dict):
    """values: {(district or None, indicator, year): value}"""
    source = FigureImport.objects.create(
        region=region.region, document_name="Legal statistics", document_date=dt.date(2025, 2, 1),
        file_name="f.xlsx", status=FigureImport.Status.COMMITTED, uploaded_by=region.analyst.user)
    for (district, indicator, year), value in values.items():
        CrimeFigure.objects.create(region=region.region, district=district, indicator=indicator,
                                   year=year, period_kind="year", value=value, source=source)


def test_year_on_year_change_of_official_figures(region):
    _figures(region, {
        (region.taraz, "crimes_by_minors", 2023): 40,
        (region.taraz, "crimes_by_minors", 2024): 28,
        (region.baizak, "crimes_by_minors", 2023): 10,
        (region.baizak, "crimes_by_minors", 2024): 12,
        (region.korday, "crimes_by_minors", 2024): 3,
        (region.taraz, "suicides", 2024): 1, (region.taraz, "suicides", 2023): 2,
        (None, "crimes_against_minors", 2024): 60, (None, "crimes_against_minors", 2023): 80,
    })
    table = official_figures(region_id=region.region.pk, viewer=None, year=2024)
    rows = {row.district_id: row for row in table.rows}
    taraz = rows[region.taraz.pk].cells["crimes_by_minors"]
    assert (taraz.value, taraz.previous, taraz.change) == (28, 40, -30)
    baizak = rows[region.baizak.pk].cells["crimes_by_minors"]
    assert (baizak.value, baizak.previous, baizak.change) == (12, 10, 20)
    korday = rows[region.korday.pk].cells["crimes_by_minors"]
    assert (korday.value, korday.previous, korday.change) == (HIDDEN, None, HIDDEN)
    suicides = rows[region.taraz.pk].cells["suicides"]
    assert (suicides.value, suicides.previous, suicides.change) == (HIDDEN, HIDDEN, HIDDEN)
    # the region: the official total where there is one, else the districts' sum
    against = table.total.cells["crimes_against_minors"]
    assert (against.value, against.previous, against.change) == (60, 80, -25)
    by_minors = table.total.cells["crimes_by_minors"]
    assert by_minors.value is HIDDEN  # 43 = 28 + 12 + a hidden 3: withheld
    assert by_minors.previous is None  # Korday has no figure for 2023: no sum
    assert table.total.computed
    assert table.suppressed
    # the analyst, who imports the figures, sees them as they are
    table = official_figures(region_id=region.region.pk, viewer=region.analyst, year=2024)
    assert table.total.cells["crimes_by_minors"].value == 43
    assert table.total.cells["crimes_by_minors"].change is None
    assert not table.suppressed
    # another region's analyst is the public here
    table = official_figures(region_id=region.region.pk, viewer=region.other_analyst, year=2024)
    assert table.suppressed


def test_quarters_compare_with_the_same_quarter_a_year_before(region):
    source = FigureImport.objects.create(
        region=region.region, document_name="Q", document_date=dt.date(2025, 4, 1),
        file_name="f.xlsx", status=FigureImport.Status.COMMITTED, uploaded_by=region.head.user)
    for year, value in ((2024, 20), (2025, 15)):
        CrimeFigure.objects.create(region=region.region, district=region.taraz,
                                   indicator="crimes_by_minors", year=year,
                                   period_kind="quarter", period_number=1, value=value,
                                   source=source)
    table = official_figures(region_id=region.region.pk, viewer=None, year=2025,
                             period_kind="quarter", period_number=1)
    cell = next(r for r in table.rows if r.district_id == region.taraz.pk).cells[
        "crimes_by_minors"]
    assert (cell.value, cell.previous, cell.change) == (15, 20, -25)


def test_trend_year_by_year(region):
    _figures(region, {
        (None, "crimes_by_minors", 2022): 70, (None, "crimes_by_minors", 2023): 50,
        (region.taraz, "crimes_by_minors", 2024): 30, (region.baizak, "crimes_by_minors", 2024): 5,
        (region.korday, "crimes_by_minors", 2024): 6,
        (region.taraz, "crimes_by_minors", 2021): 30,  # the other districts missing: no sum
        (region.taraz, "suicides", 2024): 2, (region.baizak, "suicides", 2024): 0,
        (region.korday, "suicides", 2024): 0,
    })
    assert official_trend(region_id=region.region.pk, viewer=None, indicator="crimes_by_minors",
                          years=[2021, 2022, 2023, 2024]) == [
        (2021, None), (2022, 70), (2023, 50), (2024, 41)]
    assert official_trend(region_id=region.region.pk, viewer=None, indicator="suicides",
                          years=[2024]) == [(2024, HIDDEN)]
    assert official_trend(region_id=region.region.pk, viewer=region.head, indicator="suicides",
                          years=[2024]) == [(2024, 2)]
