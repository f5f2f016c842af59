"""The dashboard page: who opens it, the drill-down region → district → school, the period
filters, small counts hidden from those not entitled to the records, and links to records only
where the viewer may open them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from safechildhood.directory.tests.factories import SchoolFactory
from safechildhood.geography.tests.factories import DistrictFactory, SettlementFactory
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.periods import ReportPeriod
from safechildhood.screening.models import Assignment
from safechildhood.screening.tests.factories import make_alert, make_assignment, make_campaign
from safechildhood.statistics.forms_dashboard import DashboardFilterForm
from safechildhood.statistics.models import CrimeFigure, FigureImport

URL = "/statistics/dashboard/"
THIS_YEAR = timezone.localdate().year


def _figures(region, year=THIS_YEAR):
    """Crimes by minors: Taraz 40 → 28 (−30 %), Baizak 12 → 3 (small), Korday 10 → 7."""
    source = FigureImport.objects.create(
        region=region.region, document_name="Form 1-M", document_date=dt.date(year, 1, 20),
        file_name="f.xlsx", status=FigureImport.Status.COMMITTED,
        uploaded_by=region.analyst.user)
    for district, before, now in ((region.taraz, 40, 28), (region.baizak, 12, 3),
                                  (region.korday, 10, 7)):
        for y, value in ((year - 1, before), (year, now)):
            CrimeFigure.objects.create(region=region.region, district=district, year=y,
                                       indicator="crimes_by_minors", period_kind="year",
                                       value=value, source=source)


def _screening(region):
    """Baizak: three pupils of the demo school screened (a small count), Taraz: eight."""
    campaign = make_campaign(region=region.region, centre=region.centre,
                             created_by=region.head.user)
    taraz_school = SchoolFactory(settlement=SettlementFactory(district=region.taraz))
    assignments = [make_assignment(campaign, PupilFactory(school=region.school, grade=8),
                                   status=Assignment.Status.PENDING)[0] for _ in range(3)]
    for _ in range(8):
        make_assignment(campaign, PupilFactory(school=taraz_school, grade=8),
                        status=Assignment.Status.COMPLETED)
    return campaign, assignments, taraz_school


def _get(client, actor, url=URL, **params):
    client.force_login(actor.user)
    return client.get(url, params)


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_anonymous_visitor_is_sent_to_login(client, region):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response["Location"]


@pytest.mark.parametrize("who", ["psychologist"])
def test_school_staff_may_not_open_it(client, region, who):
    assert _get(client, getattr(region, who)).status_code == 403


def test_head_sees_the_region_by_district_with_exact_counts(client, region):
    _screening(region)
    response = _get(client, region.head)
    assert response.status_code == 200
    body = response.content.decode()
    text = _text(response)
    assert "Zhambyl region" in text
    # each district's name drills down into it
    for district in (region.taraz, region.baizak, region.korday):
        assert f'href="?kind=year&amp;period={THIS_YEAR}&amp;district={district.pk}' in body \
            or f"district={district.pk}" in body
    assert "&lt;5" not in body.split('id="t-coverage"')[1].split("</section>")[0]
    assert "Counts from 1 to 4" not in text


def test_analyst_sees_small_counts_hidden_with_the_explanation(client, region):
    _screening(region)
    response = _get(client, region.analyst)
    body = response.content.decode()
    coverage = body.split('id="t-coverage"')[1].split("</section>")[0]
    assert '<span class="hidden-count">&lt;5</span>' in coverage  # Baizak's 3 pupils
    assert ">8<" in coverage  # Taraz's 8 screened
    assert "Counts from 1 to 4 of records you may not open" in _text(response)


def test_regional_admin_and_specialist_open_it_with_their_entitlements(client, region):
    _screening(region)
    admin = _get(client, region.admin)
    assert admin.status_code == 200
    assert "hidden-count" in admin.content.decode()
    client.logout()
    # the specialist of Baizak sees Baizak's small count as it is
    specialist = _get(client, region.specialist, district=region.baizak.pk)
    coverage = specialist.content.decode().split('id="t-coverage"')[1].split("</section>")[0]
    assert "&lt;5" not in coverage
    assert ">3<" in coverage


def test_drill_down_to_a_district_lists_its_schools_with_breadcrumbs(client, region):
    _screening(region)
    response = _get(client, region.head, district=region.baizak.pk)
    assert response.status_code == 200
    body = response.content.decode()
    crumbs = body.split('class="crumbs"')[1].split("</nav>")[0]
    assert region.region.name in crumbs and region.baizak.name in crumbs
    assert 'aria-current="page">' + region.baizak.name in crumbs
    assert f"school={region.school.pk}" in body and f"school={region.other_school.pk}" in body
    assert "School" in _text(response)
    assert "Districts on the map" not in body  # the map is the region's


def test_drill_down_to_a_school_shows_that_school_only(client, region):
    _screening(region)
    response = _get(client, region.head, district=region.baizak.pk, school=region.school.pk)
    assert response.status_code == 200
    body = response.content.decode()
    crumbs = body.split('class="crumbs"')[1].split("</nav>")[0]
    assert crumbs.count("<li>") == 3
    assert f'aria-current="page">{region.school.name}' in crumbs
    assert region.other_school.name not in body
    tiles = body.split('class="dash-tiles"')[1].split("</ul>")[0]
    assert "Coverage" in tiles and "0\u00a0%" in tiles  # none of its 3 pupils screened yet
    assert f"school={region.school.pk}" not in crumbs  # the last crumb is not a link


def test_another_regions_district_or_school_is_not_found(client, region):
    elsewhere = DistrictFactory(region=region.other_region)
    far_school = SchoolFactory(settlement=SettlementFactory(district=elsewhere))
    assert _get(client, region.head, district=elsewhere.pk).status_code == 404
    assert _get(client, region.head, school=far_school.pk).status_code == 404
    assert _get(client, region.analyst, district=region.korday.pk,
                school=region.school.pk).status_code == 404  # not Korday's school
    assert _get(client, region.head, district=999999).status_code == 404


def test_a_schools_official_figures_are_its_districts(client, region):
    _figures(region)
    response = _get(client, region.head, school=region.school.pk)
    tiles = response.content.decode().split('class="dash-tiles"')[1].split("</ul>")[0]
    assert f"{region.baizak.name}: 3 in {THIS_YEAR}, 12 a year before" in _text_of(tiles)
    assert "not for schools" in _text(response)


def _text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_official_figures_with_their_change_and_links_for_statisticians(client, region):
    _figures(region)
    response = _get(client, region.analyst)
    text = _text(response)
    assert "−30" in text  # Taraz 40 → 28
    body = response.content.decode()
    assert reverse("statistics:figure-list") + f"?year={THIS_YEAR}" in body
    # Baizak's 3 is a small count the analyst imported: shown to them
    figures = body.split('id="figures-title"')[1].split("</section>")[0]
    assert ">3<" in figures
    client.logout()
    specialist = _get(client, region.specialist)
    figures = specialist.content.decode().split('id="figures-title"')[1].split("</section>")[0]
    assert "&lt;5" in figures
    assert reverse("statistics:figure-list") not in figures  # not theirs to open


def test_headline_tiles_give_the_change_of_crimes_by_minors(client, region):
    _figures(region)
    response = _get(client, region.head)
    tiles = response.content.decode().split('class="dash-tiles"')[1].split("</ul>")[0]
    assert "Crimes committed by minors: change from a year before" in tiles
    assert "−39" in tiles  # 62 → 38 for the region (the sum of its districts)
    assert "In the risk group at the end of the period" in tiles
    assert "Parents reached" in tiles and "Coverage" in tiles
    client.logout()
    # Baizak's 3 is hidden from the specialist, so the region's sum is withheld, and its change
    tiles = _get(client, region.specialist).content.decode().split(
        'class="dash-tiles"')[1].split("</ul>")[0]
    assert "−39" not in tiles


def test_tile_map_links_each_district_and_hatches_hidden_values(client, region):
    _figures(region)
    response = _get(client, region.specialist, map="official.crimes_by_minors")
    body = response.content.decode()
    tiles = body.split('class="tilemap"')[1].split("</ul>")[0]
    assert tiles.count('class="tile ') == 3
    assert f"district={region.korday.pk}" in tiles
    assert "tile-hidden" in tiles and "&lt;5" in tiles  # Baizak's 3
    assert "tile-hidden" in body.split('class="legend"')[1]


def test_counts_link_to_records_only_for_viewers_who_may_open_them(client, region):
    _campaign, assignments, _school = _screening(region)
    alert_day = timezone.localdate()
    for assignment in assignments:
        make_alert(assignment, region.psychologist.user)
    response = _get(client, region.head)
    alerts = response.content.decode().split('id="t-alerts"')[1].split("</section>")[0]
    assert reverse("screening:alert-list") in alerts
    assert f"period={alert_day.year}" in alerts
    client.logout()
    analyst = _get(client, region.analyst)
    alerts = analyst.content.decode().split('id="t-alerts"')[1].split("</section>")[0]
    assert reverse("screening:alert-list") not in alerts
    assert "&lt;5" in alerts


def test_period_filters_pick_a_period_of_the_chosen_kind(client, region):
    response = _get(client, region.head, kind="quarter", period=str(THIS_YEAR))
    assert response.status_code == 200
    today = timezone.localdate()
    current = ReportPeriod.containing(today, "quarter")
    assert f'<option value="{current.code}" selected>' in response.content.decode()
    # a period in the future or unreadable falls back to the current one
    future = _get(client, region.head, kind="month", period=f"{THIS_YEAR + 1}-01")
    assert f'value="{ReportPeriod.containing(today, "month").code}" selected' in \
        future.content.decode()
    assert _get(client, region.head, kind="nonsense", period="x").status_code == 200


def test_form_makes_a_year_into_its_latest_started_quarter():
    today = dt.date(2026, 5, 10)
    form = DashboardFilterForm({"kind": "quarter", "period": "2026"}, today=today)
    assert form.chosen_period().code == "2026-q2"
    form = DashboardFilterForm({"kind": "month", "period": "2025-q3"}, today=today)
    assert form.chosen_period().code == "2025-09"
    form = DashboardFilterForm({"kind": "year", "period": "2025-03"}, today=today)
    assert form.chosen_period().code == "2025"
    assert DashboardFilterForm(None, today=today).chosen_period().code == "2026"


def test_nav_link_only_for_those_who_may_view(client, region):
    client.force_login(region.head.user)
    assert 'href="/statistics/dashboard/"' in client.get("/").content.decode()
    client.logout()
    client.force_login(region.psychologist.user)
    assert 'href="/statistics/dashboard/"' not in client.get("/").content.decode()


def test_htmx_request_gets_the_body_only(client, region):
    response = _get(client, region.head)
    assert "<html" in response.content.decode()
    partial = client.get(URL, {"kind": "quarter"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert 'id="dashboard"' in partial.content.decode()


def test_a_school_alone_in_the_address_opens_it_in_its_district(client, region):
    response = _get(client, region.head, school=region.school.pk)
    assert response.status_code == 200
    crumbs = response.content.decode().split('class="crumbs"')[1].split("</nav>")[0]
    assert region.baizak.name in crumbs and crumbs.count("<li>") == 3


def test_queries_do_not_grow_with_the_districts(client, region):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _screening(region)
    _figures(region)
    client.force_login(region.head.user)
    client.get(URL)  # warm the caches of the session and the policy
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for number in range(6):
        DistrictFactory(region=region.region, name_en=f"District {number}",
                        name_ru=f"Район {number}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.status_code == 200
    assert len(many) == len(few)
