"""The demo holds official figures: three years of every district, yearly and by quarter, each
from an imported document, with crimes by minors falling by about 30 % in the programme's year;
the dashboard shows them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import User
from safechildhood.audit.models import AuditEvent
from safechildhood.geography.models import District
from safechildhood.statistics.indicators import official_figures
from safechildhood.statistics.models import CrimeFigure, FigureImport

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.REQUIRE_OTP = False
    call_command("load_demo", pupils=50, stdout=StringIO(), stderr=StringIO())


def test_demo_has_three_years_of_official_figures_by_district_and_quarter(demo):
    this_year = timezone.localdate().year
    districts = District.objects.count()
    for year in range(this_year - 3, this_year):
        yearly = CrimeFigure.objects.filter(year=year, period_kind="year",
                                            district__isnull=False)
        assert yearly.values("district").distinct().count() == districts == 11
        assert CrimeFigure.objects.filter(year=year, period_kind="quarter").values(
            "period_number").distinct().count() == 4
    imports = FigureImport.objects.filter(status=FigureImport.Status.COMMITTED)
    assert imports.count() >= 3
    assert AuditEvent.objects.filter(action="statistics.figures.imported").count() == \
        imports.count()
    assert not CrimeFigure.objects.filter(source__isnull=True).exists()


def test_crimes_by_minors_fall_by_about_30_percent_in_the_programme_year(demo):
    analyst = actor_for(User.objects.get(username="analyst"))
    year = timezone.localdate().year - 1
    table = official_figures(region_id=analyst.membership.region_id, viewer=analyst, year=year)
    change = table.total.cells["crimes_by_minors"].change
    assert -35 <= change <= -25
    before = official_figures(region_id=analyst.membership.region_id, viewer=analyst,
                              year=year - 1).total.cells["crimes_by_minors"].change
    assert before > -10  # the fall is the programme's year, not a trend before it


def test_the_demo_dashboard_shows_the_fall(demo, client):
    client.force_login(User.objects.get(username="head"))
    year = timezone.localdate().year - 1
    response = client.get("/statistics/dashboard/", {"kind": "year", "period": str(year)})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Crimes committed by minors: change from a year before" in text
    assert "\u2212" in text.split('class="dash-tiles"')[1].split("</ul>")[0]
