"""Roster import pages: list, upload, template download, progress and result."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.directory.tests.factories import SchoolFactory
from safechildhood.people.imports.problems import MESSAGES
from safechildhood.people.models import Pupil, RosterImport
from safechildhood.people.tests.test_roster_import_service import csv_file, roster_rows

pytestmark = pytest.mark.django_db

LIST = reverse("people:roster-import-list")
CREATE = reverse("people:roster-import-create")
TEMPLATE = reverse("people:roster-template")


def detail(roster_import) -> str:
    return reverse("people:roster-import-detail", args=[roster_import.pk])


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def psychologist(school):
    return MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=school).user


@pytest.fixture
def signed_in(client, psychologist):
    client.force_login(psychologist)
    return client


def make_import(school, user, **fields) -> RosterImport:
    return RosterImport.objects.create(
        **{"school": school, "uploaded_by": user, "file_name": "roster.csv", "content": b""}
        | fields)


# --- who gets in -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, CREATE, TEMPLATE])
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_visitors_cannot_open_an_import(client, school, psychologist):
    response = client.get(detail(make_import(school, psychologist)))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_another_schools_import_is_not_found(signed_in, psychologist):
    other = make_import(SchoolFactory(), psychologist)
    assert signed_in.get(detail(other)).status_code == 404


@pytest.mark.parametrize("role", [Role.CENTRE_SPECIALIST, Role.CENTRE_HEAD, Role.POLICE_INSPECTOR,
                                  Role.PROSECUTOR_ANALYST, Role.REGIONAL_ADMIN])
def test_staff_outside_schools_may_not_import(client, role, school, psychologist):
    client.force_login(MembershipFactory(role=role).user)
    for url in (LIST, CREATE, TEMPLATE):
        assert client.get(url).status_code == 403
    assert client.get(detail(make_import(school, psychologist))).status_code in (403, 404)


def test_school_administrators_see_their_schools_imports(client, school, psychologist):
    admin = MembershipFactory(role=Role.SCHOOL_ADMIN, school=school).user
    client.force_login(admin)
    roster_import = make_import(school, psychologist)
    assert client.get(LIST).status_code == 200
    assert client.get(detail(roster_import)).status_code == 200


# --- list --------------------------------------------------------------------------------------


def test_list_shows_the_schools_imports_with_status_and_counts(signed_in, school, psychologist,
                                                               django_assert_max_num_queries):
    make_import(school, psychologist, status=RosterImport.Status.DONE, total_rows=30,
                created_count=25, updated_count=5)
    for _ in range(5):
        make_import(school, psychologist, status=RosterImport.Status.FAILED)
    make_import(SchoolFactory(), psychologist, file_name="other-school.csv")
    with django_assert_max_num_queries(10):  # session, user, membership, school, count, page
        response = signed_in.get(LIST)
    body = response.content.decode()
    assert body.count("badge-bad") == 5
    assert "badge-ok" in body and ">25<" in body
    assert "other-school.csv" not in body


def test_an_empty_list_points_to_the_template(signed_in):
    body = signed_in.get(LIST).content.decode()
    assert TEMPLATE in body and CREATE in body


# --- upload ------------------------------------------------------------------------------------


def test_upload_page_explains_the_columns_and_links_the_template(signed_in):
    body = signed_in.get(CREATE).content.decode()
    assert 'type="file"' in body and 'enctype="multipart/form-data"' in body
    assert TEMPLATE in body
    assert "date of birth" in body


def test_uploading_a_good_roster_imports_it_and_shows_the_result(signed_in, school,
                                                                 django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("roster.csv", csv_file(roster_rows(3)), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(CREATE, {"file": upload})
    roster_import = RosterImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(roster_import)
    assert Pupil.objects.filter(school=school).count() == 3
    body = signed_in.get(detail(roster_import)).content.decode()
    assert "The roster has been imported." in body
    assert "hx-trigger" not in body


def test_uploading_without_a_file_is_an_error_on_the_form(signed_in):
    response = signed_in.post(CREATE, {})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_uploading_an_empty_file_says_so_and_stores_nothing(signed_in):
    response = signed_in.post(CREATE, {"file": SimpleUploadedFile("roster.xlsx", b"")})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_uploading_a_pdf_is_refused_in_the_users_language(signed_in):
    response = signed_in.post(CREATE, {"file": SimpleUploadedFile("roster.pdf", b"%PDF-1.4 x")})
    assert "This is not an Excel (.xlsx) or CSV file." in response.content.decode()
    assert not RosterImport.objects.exists()


# --- template ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "first"), [("kk", "Тегі"), ("ru", "Фамилия"),
                                                 ("en", "Last name")])
def test_template_has_the_header_in_the_users_language_and_an_example(signed_in, language,
                                                                      first):
    signed_in.cookies["django_language"] = language
    response = signed_in.get(TEMPLATE)
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == first
    assert len(rows) == 2 and rows[1][0]


# --- progress and result -----------------------------------------------------------------------


def test_a_running_import_shows_progress_and_polls_with_htmx(signed_in, school, psychologist):
    running = make_import(school, psychologist, status=RosterImport.Status.RUNNING,
                          total_rows=400, processed_rows=200)
    body = signed_in.get(detail(running)).content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert 'aria-valuenow="50"' in body
    assert "200 of about 400 rows checked." in body
    assert f'href="{detail(running)}"' in body  # the link that works without JavaScript


def test_htmx_gets_only_the_progress_partial(signed_in, school, psychologist):
    running = make_import(school, psychologist, status=RosterImport.Status.QUEUED)
    response = signed_in.get(detail(running), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith("<section") and "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_htmx_polling_stops_when_the_import_has_finished(signed_in, school, psychologist):
    done = make_import(school, psychologist, status=RosterImport.Status.DONE, total_rows=3,
                       created_count=3)
    body = signed_in.get(detail(done), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in body
    assert "The roster has been imported." in body


def failed_import(school, user, count=1):
    errors = [{"row": n + 2, "column": "iin", "code": "iin_checksum", "params": {}}
              for n in range(count)]
    return make_import(school, user, status=RosterImport.Status.FAILED, errors=errors)


def test_problems_are_listed_with_row_column_and_reason_in_english(signed_in, school,
                                                                   psychologist):
    body = signed_in.get(detail(failed_import(school, psychologist))).content.decode()
    assert "The IIN&#x27;s check digit is wrong" in body
    assert "<th scope=\"row\">2</th>" in body
    assert "Nothing has been changed." in body


def test_problems_are_shown_in_russian_to_a_russian_reader(signed_in, school, psychologist):
    signed_in.cookies["django_language"] = "ru"
    body = signed_in.get(detail(failed_import(school, psychologist))).content.decode()
    with translation.override("ru"):
        expected = str(MESSAGES["iin_checksum"]).replace("'", "&#x27;")
    assert '<html lang="ru">' in body
    assert expected in body
    assert "<th scope=\"row\">2</th>" in body


def test_a_long_problem_list_is_paginated(signed_in, school, psychologist):
    roster_import = failed_import(school, psychologist, count=120)
    first = signed_in.get(detail(roster_import)).content.decode()
    assert first.count("iin_checksum") == 0  # codes are never shown, messages are
    assert "<th scope=\"row\">51</th>" in first and "<th scope=\"row\">52</th>" not in first
    third = signed_in.get(detail(roster_import), {"page": 3}).content.decode()
    assert "<th scope=\"row\">121</th>" in third
    assert "Page 3 of 3" in third


def test_a_file_problem_is_shown_for_the_whole_file(signed_in, school, psychologist):
    roster_import = make_import(
        school, psychologist, status=RosterImport.Status.FAILED,
        errors=[{"row": None, "column": None, "code": "missing_columns",
                 "params": {"columns": ["birth_date", "sex"]}}])
    body = signed_in.get(detail(roster_import)).content.decode()
    assert "whole file" in body
    assert "Required columns are missing: date of birth, sex." in body
