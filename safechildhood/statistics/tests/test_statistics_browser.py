"""In Debian's Chromium: the public page in the three languages, on a desk and on a phone, without
login; and the analyst's upload → preview → confirm of official figures."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from django.utils import translation

from safechildhood.accounts.tests.factories import PASSWORD
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import Assignment
from safechildhood.screening.tests.factories import make_assignment, make_campaign
from safechildhood.statistics.models import CrimeFigure, FigureImport
from safechildhood.statistics.tests.conftest import HEADER_RU, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = {"kk": "Қауіпсіз балалық шақ", "ru": "Безопасное детство", "en": "Safe Childhood"}
SHOTS = Path(tempfile.gettempdir())  # looked at by the engineer; the axe helper keeps its own
REGION = {"kk": "Жамбыл облысы", "ru": "Жамбылская область", "en": "Zhambyl region"}


def _publish(region):
    source = FigureImport.objects.create(
        region=region.region, document_name="Form 1-M legal statistics", document_number="15",
        document_date=dt.date(2025, 1, 20), file_name="f.xlsx",
        status=FigureImport.Status.COMMITTED, uploaded_by=region.analyst.user)
    series = {  # crimes by minors, against minors, suicides, attempts
        region.taraz: {2021: (52, 30, 2, 6), 2022: (47, 28, 1, 5), 2023: (44, 31, 2, 7),
                       2024: (40, 26, 1, 4), 2025: (28, 22, 0, 3)},
        region.baizak: {2021: (17, 10, 0, 3), 2022: (15, 9, 1, 2), 2023: (14, 9, 0, 2),
                        2024: (12, 8, 1, 1), 2025: (9, 6, 0, 2)},
        region.korday: {2021: (13, 8, 0, 2), 2022: (12, 8, 0, 1), 2023: (11, 7, 1, 1),
                        2024: (10, 6, 0, 2), 2025: (6, 5, 0, 1)},
    }
    codes = ("crimes_by_minors", "crimes_against_minors", "suicides", "suicide_attempts")
    for district, years in series.items():
        for year, values in years.items():
            for code, value in zip(codes, values, strict=True):
                CrimeFigure.objects.create(region=region.region, district=district,
                                           indicator=code, year=year, period_kind="year",
                                           value=value, source=source)
    campaign = make_campaign(region=region.region, centre=region.centre,
                             created_by=region.head.user)
    statuses = [Assignment.Status.COMPLETED] * 9 + [Assignment.Status.REFUSED] * 2 + \
        [Assignment.Status.PENDING] * 3
    for status in statuses:
        make_assignment(campaign, PupilFactory(school=region.school, grade=8), status=status)


@pytest.mark.parametrize("width", [1280, 360])
def test_public_page_in_three_languages(chromium, live_server, region, axe, width):
    _publish(region)
    context = chromium.new_context(viewport={"width": width, "height": 900},
                                   base_url=live_server.url, locale="ru-RU")
    page = context.new_page()
    page.goto(f"/statistics/public/?region={region.region.pk}")
    assert page.locator("html").get_attribute("lang") == "ru"
    for code, label in (("kk", "Қазақша"), ("en", "English"), ("ru", "Русский")):
        page.get_by_role("navigation", name=None).get_by_role("link", name=label).click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == code
        assert REGION[code] in page.locator("h1").inner_text()
        assert page.locator("svg.chart").count() == 5
        assert "−30" in page.locator("main").inner_text()  # Taraz: 40 → 28
        screening = page.locator("section[aria-labelledby='coverage-title'] tbody tr")
        names = screening.locator("th").all_inner_texts()
        with translation.override(code):
            assert region.baizak.name in names and "None" not in names  # the districts, named
        assert any("14" in row and "64" in row for row in screening.all_inner_texts())
        page.screenshot(path=SHOTS / f"statistics-public-{code}-{width}.png", full_page=True)
        # nothing spills sideways on a phone but the scrolling tables
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{code} at {width}px scrolls sideways"
        axe(page, f"statistics-public-{code}-{width}")
    context.close()


def test_analyst_imports_figures_with_a_preview(page, region, axe):
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(region.analyst.user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto("/statistics/figures/import/")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "figures.xlsx"
        path.write_bytes(xlsx([HEADER_RU, [2024, None, None, "Тараз", 40, 26, 1, 4],
                               [2024, None, None, "Кордайский район", 10, 6, 0, 2]]))
        page.locator("input[name=file]").set_input_files(str(path))
        page.locator("input[name=document_name]").fill("Form 1-M legal statistics")
        page.locator("input[name=document_date]").fill("2025-01-20")
        page.locator("main form button.primary").click()
        page.wait_for_load_state()
    assert "Confirm and import" in page.locator("main").inner_text()
    page.screenshot(path=SHOTS / "statistics-preview-1280.png", full_page=True)
    axe(page, "statistics-preview")
    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_load_state()
    assert CrimeFigure.objects.count() == 8
    page.screenshot(path=SHOTS / "statistics-figures-1280.png", full_page=True)
    axe(page, "statistics-figures")
    CrimeFigure.objects.all().delete()  # five years of figures instead
    _publish(region)
    page.goto("/statistics/?year=2025")  # the statistics pages start at the dashboard
    page.wait_for_url("**/statistics/dashboard/?period=2025")
    assert "Official figures, 2025" in page.locator("main").inner_text()
    page.screenshot(path=SHOTS / "statistics-dashboard-1280.png", full_page=True)
    axe(page, "statistics-dashboard")
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/statistics/figures/")
    page.screenshot(path=SHOTS / "statistics-figures-360.png", full_page=True)
    axe(page, "statistics-figures-360")
