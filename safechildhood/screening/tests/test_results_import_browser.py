"""The results import in Debian's Chromium on a phone-sized screen: the school psychologist
uploads a file of paper questionnaires, the import (check and writes at once, in the background
task) ends on its result page, a critical answer has raised a crisis alert; a file with a wrong
code is refused with the row named and nothing saved. Every page checked by axe-core."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safechildhood.accounts.tests.factories import PASSWORD
from safechildhood.screening.models import CrisisAlert, JobStatus, Response, ResponseImport
from safechildhood.screening.tests.test_results_import import (  # noqa: F401 - fixtures
    CALM_ASQ,
    CALM_PHQ,
    _no_second_factor,
    csv_file,
    row,
    w,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(page, w):  # noqa: F811
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(w["psy"].user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    return page


def _upload(page, path) -> None:
    page.get_by_label("Results file (.xlsx or .csv)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url("**/imports/*/")


def test_a_psychologist_imports_paper_questionnaires_on_a_phone(phone, axe, w,  # noqa: F811
                                                                 tmp_path):
    phone.goto(reverse("screening:results-import-create", args=[w["campaign"].pk]))
    axe(phone, "results-import-create")
    good = tmp_path / "results.csv"
    good.write_bytes(csv_file([
        row(w["b_code"], **{**CALM_PHQ, "phq_a_9": "2"}),  # item 9: a crisis alert
        row(w["d_code"], **CALM_PHQ),
        row(w["b_code"], instrument="asq", **CALM_ASQ),
    ]))
    _upload(phone, good)
    phone.get_by_text("3 questionnaires have been imported and scored.").wait_for()
    assert phone.get_by_role("alert").get_by_text("1 crisis alert has been raised.").is_visible()
    axe(phone, "results-import-done")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert Response.objects.filter(source=Response.Source.IMPORT).count() == 3
    alert = CrisisAlert.objects.get()
    assert alert.pupil == w["b"].pupil
    phone.get_by_role("link", name="Open the crisis alerts").click()
    assert phone.locator("#alert-results tbody tr").count() == 1

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file([row(w["a_code"], **CALM_PHQ), row("ACDEFHJK", **CALM_PHQ)]))
    phone.goto(reverse("screening:results-import-create", args=[w["campaign"].pk]))
    _upload(phone, bad)
    problems = phone.get_by_role("region", name="Problems")
    problems.wait_for()
    assert problems.get_by_role("rowheader", name="3").is_visible()
    assert problems.get_by_text("No pupil has this code.").is_visible()
    axe(phone, "results-import-failed")
    assert ResponseImport.objects.latest("id").status == JobStatus.FAILED
    assert Response.objects.filter(source=Response.Source.IMPORT).count() == 3
