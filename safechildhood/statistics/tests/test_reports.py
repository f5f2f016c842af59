"""Official reports: asked for on the page, written in the background (Huey runs tasks at once
in tests), read back (XLSX with openpyxl, compared with the indicator functions; PDF through
poppler), no formula in any cell, progress, failure and retry, idempotent runs, the audit trail
and who may see which report.

The region (conftest.py): Taraz, Baizak (two schools) and Korday, plus two districts added
here: one whose Kazakh name has every Kazakh letter, one named like a spreadsheet formula."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from safechildhood.audit.models import AuditEvent
from safechildhood.geography.models import District
from safechildhood.geography.tests.factories import DistrictFactory
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.periods import ReportPeriod
from safechildhood.screening.models import Assignment, Campaign
from safechildhood.screening.tests.factories import make_assignment, make_campaign
from safechildhood.statistics.indicators import official_figures
from safechildhood.statistics.models import CrimeFigure, FigureImport, Report
from safechildhood.statistics.reports import content as report_content_module
from safechildhood.statistics.reports import services
from safechildhood.statistics.reports.content import (
    cell,
    change_cell,
    report_tables,
    total_label,
)

Q1 = ReportPeriod.parse("2025-q1")
KAZAKH_LETTERS = "әғқңөұүһі"
KAZAKH_DISTRICT = "Ұлытау Ғарыш Қоңыр Өзен Үйшік Һәм Әулие ауданы"
FORMULA_DISTRICT = "=cmd|' /C calc'!A0"
FORMULA_STARTS = ("=", "+", "-", "@")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def w(region):
    """Screening in February 2025 (6 completed and 2 refused in Baizak, 2 completed in Korday:
    small counts to hide) and official figures for Q1 2025 and Q1 2024 of every district; a
    document named like a formula."""
    DistrictFactory(region=region.region, name_kk=KAZAKH_DISTRICT, name_ru="Улытау",
                    name_en="Ulytau")
    DistrictFactory(region=region.region, name_kk=FORMULA_DISTRICT, name_ru=FORMULA_DISTRICT,
                    name_en="+SUM(A1)")
    campaign = make_campaign(region=region.region, centre=region.centre,
                             created_by=region.head.user)
    Campaign.objects.filter(pk=campaign.pk).update(starts_on=dt.date(2025, 2, 1),
                                                   ends_on=dt.date(2025, 2, 28))
    statuses = [Assignment.Status.COMPLETED] * 6 + [Assignment.Status.REFUSED] * 2
    for status in statuses:
        make_assignment(campaign, PupilFactory(school=region.school), status=status)
    source = FigureImport.objects.create(
        region=region.region, document_name="-2+3 legal statistics", document_number="@7",
        document_date=dt.date(2025, 4, 10), file_name="f.xlsx",
        status=FigureImport.Status.COMMITTED, uploaded_by=region.head.user)
    districts = District.objects.filter(region=region.region).order_by("kind", "name_ru")
    for index, district in enumerate(districts):
        for year, value in ((2025, 10 + index), (2024, 3 + index)):
            CrimeFigure.objects.create(
                region=region.region, district=district, indicator="crimes_by_minors",
                year=year, period_kind="quarter", period_number=1, value=value, source=source)
    return region


def ask(actor, *, language="ru", file_format=Report.Format.BOTH, period=Q1) -> Report:
    return Report.objects.create(
        region_id=actor.membership.region_id, kind=period.kind, period=period.code,
        language=language, format=file_format, requested_by=actor.user,
        membership=actor.membership)


def generated(actor, **kwargs) -> Report:
    report = services.report_generate(report_id=ask(actor, **kwargs).pk)
    assert report.status == Report.Status.DONE, report.error_code
    return Report.objects.get(pk=report.pk)


def workbook(report: Report) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(bytes(report.xlsx_content)))


def pdf_text(data: bytes, tmp_path: Path) -> str:
    program = _tool("pdftotext")
    source = tmp_path / "report.pdf"
    source.write_bytes(data)
    return subprocess.run([program, "-layout", str(source), "-"], check=True,
                          capture_output=True).stdout.decode()


def _tool(name: str) -> str:
    program = shutil.which(name)
    if program is None:
        pytest.skip(f"{name} is not installed (scripts/test installs poppler-utils)")
    return program


# --- asking, following, downloading ---------------------------------------------------------


def test_the_head_asks_follows_and_downloads_both_files(w, client,
                                                         django_capture_on_commit_callbacks):
    client.force_login(w.head.user)
    page = client.get(reverse("statistics:report-list"))
    assert page.status_code == 200
    assert b"2025-q1" in page.content and b"2025-03" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("statistics:report-create"),
                               {"period": "2025-q1", "language": "kk", "format": "both"})
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("statistics:report-detail", args=[report.pk])
    assert (report.status, report.progress, report.kind, report.period, report.language) == \
        (Report.Status.DONE, 100, "quarter", "2025-q1", "kk")
    detail = client.get(response["Location"]).content.decode()
    assert reverse("statistics:report-xlsx", args=[report.pk]) in detail
    assert reverse("statistics:report-pdf", args=[report.pk]) in detail
    assert "hx-trigger" not in detail  # finished: no more polling
    xlsx = client.get(reverse("statistics:report-xlsx", args=[report.pk]))
    assert xlsx.status_code == 200 and "no-store" in xlsx["Cache-Control"]
    assert xlsx["Content-Disposition"] == \
        f'attachment; filename="safe-childhood-report-2025-q1-kk-{report.pk}.xlsx"'
    openpyxl.load_workbook(io.BytesIO(xlsx.content))  # opens
    pdf = client.get(reverse("statistics:report-pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    listing = client.get(reverse("statistics:report-list")).content.decode()
    assert reverse("statistics:report-detail", args=[report.pk]) in listing
    actions = list(AuditEvent.objects.filter(action__startswith="statistics.report.")
                   .order_by("pk").values_list("action", "data__file"))
    assert actions == [("statistics.report.requested", None),
                       ("statistics.report.generated", None),
                       ("statistics.report.downloaded", "xlsx"),
                       ("statistics.report.downloaded", "pdf")]


def test_an_invalid_request_is_shown_on_the_form(w, client):
    client.force_login(w.analyst.user)
    response = client.post(reverse("statistics:report-create"),
                           {"period": "2025", "language": "en", "format": "doc"})
    assert response.status_code == 400
    assert not Report.objects.exists()
    assert len(response.context["form"].errors) == 3


def test_a_period_not_yet_started_is_refused(w):
    next_year = ReportPeriod(dt.date.today().year + 1, "quarter", 1)
    with pytest.raises(services.DomainError):
        services.report_request(actor=w.head, period=next_year, language="ru",
                                file_format="pdf")


def test_a_running_report_shows_its_progress_and_polls(w, client):
    report = ask(w.analyst)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING, progress=40)
    client.force_login(w.analyst.user)
    page = client.get(reverse("statistics:report-detail", args=[report.pk])).content.decode()
    assert 'aria-valuenow="40"' in page and 'hx-trigger="every 2s"' in page
    part = client.get(reverse("statistics:report-detail", args=[report.pk]),
                      headers={"HX-Request": "true"})
    assert part.content.decode().lstrip().startswith("<section id=\"report-progress\"")
    not_ready = client.get(reverse("statistics:report-pdf", args=[report.pk]))
    assert not_ready.status_code == 302  # back to the report's page


def test_progress_is_stored_section_by_section(w, monkeypatch):
    seen = []
    original = services._progress

    def recording(report_id, percent):
        original(report_id, percent)
        seen.append(Report.objects.get(pk=report_id).progress)

    monkeypatch.setattr(services, "_progress", recording)
    report = generated(w.head, file_format=Report.Format.PDF)
    assert len(seen) == 1 + len(report_tables()) + 1
    assert seen == sorted(seen) and seen[0] > 0 and seen[-1] == 99
    assert report.progress == 100


# --- the XLSX -------------------------------------------------------------------------------


def test_the_xlsx_reads_back_with_the_values_of_the_indicator_functions(w):
    report = generated(w.analyst, language="ru", file_format=Report.Format.XLSX)
    assert report.pdf_content is None
    book = workbook(report)
    with translation.override("ru"):
        figures = official_figures(region_id=w.region.pk, viewer=None, year=2025,
                                   period_kind="quarter", period_number=1)
        tables = [function(region_id=w.region.pk, viewer=None, period=Q1)
                  for _code, function in report_tables()]
        names = [*[str(t.title)[:31] for t in tables]]
        total = total_label()
    sheets = book.worksheets
    assert len(sheets) == 2 + len(tables)
    title = [[c for c in row if c is not None] for row in sheets[0].iter_rows(values_only=True)]
    assert [row[1] for row in title if len(row) == 2][:2] == \
        [w.region.name_ru, "1 кв. 2025 (01.01.2025 – 31.03.2025)"]
    figure_rows = list(sheets[1].iter_rows(values_only=True))
    assert sheets[1].freeze_panes == "B2"
    assert len(figure_rows) == 1 + len(figures.rows) + 1
    for row, sheet_row in zip([*figures.rows, figures.total], figure_rows[1:], strict=True):
        c = row.cells["crimes_by_minors"]
        assert sheet_row[1:4] == (cell(c.value), cell(c.previous), change_cell(c.change))
    assert figure_rows[-1][0] == total
    for table, sheet, name in zip(tables, sheets[2:], names, strict=True):
        assert sheet.title.startswith(name[:20].strip())
        assert sheet.freeze_panes == "B2"
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == 1 + len(table.rows) + 1
        for area, sheet_row in zip([*table.rows, table.total], rows[1:], strict=True):
            assert sheet_row[0] in (area.name, total, "'" + area.name)
            assert list(sheet_row[1:]) == [cell(area.values.get(m.code))
                                           for m in table.measures]


def test_a_small_count_is_the_text_less_than_five(w):
    book = workbook(generated(w.head, file_format=Report.Format.XLSX))
    values = [v for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
              for v in row]
    assert "<5" in values  # two refusals in Baizak, even for the centre head
    assert 2 not in [v for sheet in book.worksheets[2:3]
                     for row in sheet.iter_rows(min_row=2, values_only=True) for v in row[1:]]


def test_no_cell_of_the_xlsx_starts_with_a_formula_character(w):
    book = workbook(generated(w.head, language="kk", file_format=Report.Format.XLSX))
    texts = []
    for sheet in book.worksheets:
        assert not sheet.title.startswith(FORMULA_STARTS)
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", c.coordinate
                if isinstance(c.value, str):
                    texts.append(c.value)
                    assert not c.value.startswith(FORMULA_STARTS), (sheet.title, c.value)
    assert "'" + FORMULA_DISTRICT in texts  # the district named like a formula, as text
    # the source document is named (where, depends on the language's word order)
    assert any("-2+3 legal statistics" in t for t in texts)


# --- the PDF --------------------------------------------------------------------------------


def test_a_kazakh_pdf_carries_kazakh_letters_as_text_and_renders(w, tmp_path):
    report = generated(w.head, language="kk", file_format=Report.Format.PDF)
    assert report.xlsx_content is None
    data = bytes(report.pdf_content)
    text = pdf_text(data, tmp_path)
    for word in KAZAKH_DISTRICT.split():  # the name wraps in its cell
        assert word in text, word
    assert w.region.name_kk in text
    for letter in KAZAKH_LETTERS:
        assert letter in text.casefold(), letter
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report-kk.pdf").write_bytes(data)
    subprocess.run([_tool("pdftoppm"), "-png", "-r", "70", "-f", "1", "-l", "3",
                    str(ARTIFACTS / "report-kk.pdf"), str(tmp_path / "page")], check=True,
                   capture_output=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 3 and all(p.stat().st_size > 5000 for p in pages)
    for page in pages:
        shutil.copy(page, ARTIFACTS / f"report-kk-{page.name}")  # to look at


def test_the_pdf_has_a_section_per_table_with_the_districts_and_the_total(w, tmp_path):
    report = generated(w.analyst, language="ru", file_format=Report.Format.PDF)
    text = pdf_text(bytes(report.pdf_content), tmp_path)
    with translation.override("ru"):
        titles = [str(function(region_id=w.region.pk, viewer=None, period=Q1).title)
                  for _code, function in report_tables()]
        total = total_label()
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 2 + len(titles)
    for title, page in zip(titles, pages[2:], strict=False):
        assert title.split()[0] in page
        assert "Байзакский район" in page and total in page
    assert "Улытау" in pages[1]


# --- failures, retries, running twice ------------------------------------------------------


def test_a_failure_is_stored_shown_translated_and_may_be_retried(w, client, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(report_content_module, "report_tables",
                        lambda: [("broken", broken)])
    report = services.report_generate(report_id=ask(w.head).pk)
    assert (report.status, report.error_code) == (Report.Status.FAILED, "failed")
    client.force_login(w.analyst.user)
    response = client.get(reverse("statistics:report-detail", args=[report.pk]))
    with translation.override(response["Content-Language"]):
        assert str(Report.Error.FAILED.label) in response.content.decode()
    page = response.content.decode()
    assert reverse("statistics:report-retry", args=[report.pk]) in page
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("statistics:report-retry", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.error_code, report.requested_by) == \
        (Report.Status.DONE, "", w.analyst.user)
    assert AuditEvent.objects.filter(action="statistics.report.failed").count() == 1
    assert AuditEvent.objects.get(action="statistics.report.retried").data["previous"] == \
        "failed"


def test_a_finished_report_is_not_retried(w):
    report = generated(w.head)
    with pytest.raises(services.DomainError):
        services.report_retry(actor=w.head, report=report)


def test_a_requester_whose_role_ended_meanwhile_gets_a_failed_report(w):
    report = ask(w.analyst)
    w.analyst.membership.is_active = False
    w.analyst.membership.save()
    report = services.report_generate(report_id=report.pk)
    assert (report.status, report.error_code) == (Report.Status.FAILED, "not_allowed")
    assert report.get_error_code_display() == Report.Error.NOT_ALLOWED.label


def test_running_again_leaves_a_finished_report_as_it_is(w):
    report = generated(w.head)
    content = bytes(report.xlsx_content)
    again = services.report_generate(report_id=report.pk)
    assert again.status == Report.Status.DONE
    assert bytes(Report.objects.get(pk=report.pk).xlsx_content) == content
    assert AuditEvent.objects.filter(action="statistics.report.generated").count() == 1


def test_a_report_another_run_has_claimed_is_left_to_it(w):
    report = ask(w.head)
    assert services._claim(report.pk)
    again = services.report_generate(report_id=report.pk)
    assert again.status == Report.Status.RUNNING
    assert Report.objects.get(pk=report.pk).xlsx_content is None


def test_an_abandoned_run_may_be_claimed_again(w):
    report = ask(w.head)
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.RUNNING,
        started_at=report.requested_at - services.STALE_AFTER - dt.timedelta(minutes=1))
    assert services.report_generate(report_id=report.pk).status == Report.Status.DONE


# --- who sees which report ------------------------------------------------------------------


def test_both_statistics_roles_of_the_region_see_its_reports(w, client):
    report = generated(w.head)
    client.force_login(w.analyst.user)
    assert client.get(reverse("statistics:report-detail", args=[report.pk])).status_code == 200
    assert client.get(reverse("statistics:report-pdf", args=[report.pk])).status_code == 200


def test_another_regions_report_is_not_found(w, client):
    report = generated(w.head)
    client.force_login(w.other_analyst.user)
    for name in ("report-detail", "report-xlsx", "report-pdf"):
        assert client.get(reverse(f"statistics:{name}", args=[report.pk])).status_code == 404
    assert client.post(reverse("statistics:report-retry", args=[report.pk])).status_code == 404
    listing = client.get(reverse("statistics:report-list")).content.decode()
    assert reverse("statistics:report-detail", args=[report.pk]) not in listing


@pytest.mark.parametrize("who", ["specialist", "psychologist", "admin"])
def test_roles_without_reports_are_refused(w, client, who):
    report = generated(w.head)
    client.force_login(getattr(w, who).user)
    assert client.get(reverse("statistics:report-list")).status_code == 403
    assert client.post(reverse("statistics:report-create"),
                       {"period": "2025-q1", "language": "ru",
                        "format": "pdf"}).status_code == 403
    assert client.get(reverse("statistics:report-detail", args=[report.pk])).status_code in \
        (403, 404)
    assert not AuditEvent.objects.filter(action="statistics.report.downloaded").exists()


def test_anonymous_visitors_are_sent_to_log_in(w, client):
    response = client.get(reverse("statistics:report-list"))
    assert response.status_code == 302 and "login" in response["Location"]
