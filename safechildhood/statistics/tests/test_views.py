"""The public page (no login, three languages, cache headers, small counts hidden) and the staff
pages of official figures (list, template, upload → preview → confirm)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import Assignment
from safechildhood.screening.tests.factories import make_assignment, make_campaign
from safechildhood.statistics.models import CrimeFigure, FigureImport
from safechildhood.statistics.tests.conftest import HEADER_EN, upload

pytestmark = pytest.mark.django_db
PUBLIC = "/statistics/public/"


@pytest.fixture
def published(region):
    source = FigureImport.objects.create(
        region=region.region, document_name="Legal statistics 1-M", document_number="7",
        document_date=dt.date(2025, 2, 1), file_name="f.xlsx",
        status=FigureImport.Status.COMMITTED, uploaded_by=region.analyst.user)
    for district, year, value in ((region.taraz, 2023, 40), (region.taraz, 2024, 28),
                                  (region.baizak, 2023, 10), (region.baizak, 2024, 12),
                                  (region.korday, 2024, 3)):
        CrimeFigure.objects.create(region=region.region, district=district,
                                   indicator="crimes_by_minors", year=year, period_kind="year",
                                   value=value, source=source)
    campaign = make_campaign(region=region.region, centre=region.centre,
                             created_by=region.head.user)
    for status in [Assignment.Status.COMPLETED] * 6 + [Assignment.Status.REFUSED] * 2:
        pupil = PupilFactory(school=region.school, grade=8, last_name="Нұрланов")
        make_assignment(campaign, pupil, status=status)
    return region


def test_public_page_redirects_to_the_visitors_language(client, published):
    response = client.get(PUBLIC, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302
    assert response["Location"] == f"{PUBLIC}?lang=ru"


@pytest.mark.parametrize(("language", "words"), [
    ("kk", "Жамбыл облысы"), ("ru", "Жамбылская область"), ("en", "Zhambyl region")])
def test_public_page_in_three_languages_without_login(client, published, language, words):
    response = client.get(PUBLIC, {"lang": language, "region": published.region.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert words in body
    assert response["Content-Language"] == language
    assert "−30\u00a0%" in body  # Taraz: 40 → 28
    assert "&lt;5" in body  # Korday's 3, and the region's total that would reveal it
    assert "<svg" in body and "<table" in body
    assert "Нұрланов" not in body
    assert "csrfmiddlewaretoken" not in body
    assert "<script" not in body


def test_public_page_is_cacheable_with_validators(client, published):
    response = client.get(PUBLIC, {"lang": "en", "region": published.region.pk})
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["ETag"]
    assert response["Last-Modified"]
    assert "Set-Cookie" not in response or not response.cookies.get("sessionid")
    again = client.get(PUBLIC, {"lang": "en", "region": published.region.pk},
                       HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.head(PUBLIC, {"lang": "en", "region": published.region.pk}).status_code == 200


def test_public_page_is_rendered_once_per_language(client, published,
                                                   django_assert_max_num_queries):
    query = {"lang": "kk", "region": published.region.pk}
    client.get(PUBLIC, query)
    with django_assert_max_num_queries(4):  # the region list and the figures' stamp
        assert client.get(PUBLIC, query).status_code == 200


def test_new_figures_show_at_once(client, published):
    query = {"lang": "en", "region": published.region.pk}
    before = client.get(PUBLIC, query)
    figure = CrimeFigure.objects.get(district=published.taraz, year=2024)
    figure.value = 20
    figure.save()
    after = client.get(PUBLIC, query)
    assert after["ETag"] != before["ETag"]
    assert "−50\u00a0%" in after.content.decode()


def test_public_page_with_several_regions_asks_for_one(client, published):
    response = client.get(PUBLIC, {"lang": "en"})  # the fixture made a second region
    body = response.content.decode()
    assert "Choose a region" in body
    assert f"region={published.region.pk}" in body
    response = client.get(PUBLIC, {"lang": "en", "region": published.region.pk})
    assert "Zhambyl region" in response.content.decode()
    assert client.get(PUBLIC, {"lang": "en", "region": 999999}).status_code == 404


# --- staff pages --------------------------------------------------------------------------------


def _login(client, actor):
    client.force_login(actor.user)
    return client


def test_staff_pages_need_login(client, region):
    response = client.get(reverse("statistics:figure-list"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_figure_list_filters_and_is_scoped(client, published):
    _login(client, published.analyst)
    response = client.get(reverse("statistics:figure-list"),
                          {"year": 2024, "district": published.taraz.pk})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r["figure"].year, r["figure"].value) for r in rows] == [(2024, 28)]
    assert "Legal statistics 1-M" in response.content.decode()
    response = client.get(reverse("statistics:figure-list"),
                          {"period_kind": "quarter", "period_number": 1})
    assert response.context["rows"] == []
    response = client.get(reverse("statistics:figure-list"), {"year": "many"})
    assert response.status_code == 200  # a wrong filter shows everything, with its error
    assert len(response.context["rows"]) == 5
    client.force_login(published.other_analyst.user)
    assert client.get(reverse("statistics:figure-list")).context["rows"] == []


def test_figure_list_queries_do_not_grow_with_rows(client, published,
                                                   django_assert_max_num_queries):
    _login(client, published.analyst)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("statistics:figure-list")).status_code == 200


def test_others_cannot_see_the_figures(client, region):
    for actor in (region.specialist, region.psychologist, region.admin):
        client.force_login(actor.user)
        assert client.get(reverse("statistics:figure-list")).status_code == 403


def test_upload_preview_confirm(client, region):
    _login(client, region.analyst)
    response = client.get(reverse("statistics:figure-template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.post(reverse("statistics:figure-import-create"), {
        "file": upload([HEADER_EN, [2024, None, None, "Taraz", 40, 12, 1, 3]]),
        "document_name": "Legal statistics", "document_number": "12",
        "document_date": "2025-03-01"})
    assert response.status_code == 302
    figure_import = FigureImport.objects.get()
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert len(preview.context["changes"]) == 4
    assert CrimeFigure.objects.count() == 0
    response = client.post(reverse("statistics:figure-import-commit", args=[figure_import.pk]))
    assert response.status_code == 302
    assert CrimeFigure.objects.count() == 4


def test_upload_with_problems_shows_them(client, region):
    _login(client, region.head)
    response = client.post(reverse("statistics:figure-import-create"), {
        "file": upload([HEADER_EN, [2024, None, None, "Atlantis", "x", 1, 1, 1]]),
        "document_name": "Legal statistics", "document_date": "2025-03-01"}, follow=True)
    body = response.content.decode()
    assert "Atlantis" in body and "is not a count" in body
    assert "Confirm and import" not in body
    assert CrimeFigure.objects.count() == 0


def test_invalid_upload_form(client, region):
    _login(client, region.analyst)
    response = client.post(reverse("statistics:figure-import-create"),
                           {"document_name": "", "document_date": "2999-01-01"})
    assert response.status_code == 400
    assert FigureImport.objects.count() == 0


def test_another_regions_import_is_not_found(client, region):
    _login(client, region.analyst)
    client.post(reverse("statistics:figure-import-create"), {
        "file": upload([HEADER_EN, [2024, None, None, "Taraz", 1, 1, 1, 1]]),
        "document_name": "Legal statistics", "document_date": "2025-03-01"})
    figure_import = FigureImport.objects.get()
    client.force_login(region.other_analyst.user)
    assert client.get(reverse("statistics:figure-import-detail",
                              args=[figure_import.pk])).status_code == 404
    assert client.post(reverse("statistics:figure-import-commit",
                               args=[figure_import.pk])).status_code == 404
    assert CrimeFigure.objects.count() == 0


def test_the_statistics_pages_start_at_the_dashboard(client, region):
    _login(client, region.analyst)
    response = client.get(reverse("statistics:overview"), {"year": 2024})
    assert response["Location"] == reverse("statistics:dashboard") + "?period=2024"
    response = client.get(reverse("statistics:overview"), {"year": "soon"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("statistics:dashboard")
    assert response.status_code == 200
    # the dashboard names the official figures, the reports and the public page
    page = response.content.decode()
    for name in ("statistics:figure-list", "statistics:report-list", "statistics:public"):
        assert f'href="{reverse(name)}"' in page
    client.force_login(region.psychologist.user)
    assert client.get(reverse("statistics:overview")).status_code == 403
