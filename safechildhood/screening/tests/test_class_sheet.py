"""The class sheet: a PDF with a slip per pupil who may still answer (name, one-time code, the
short address), instructions in the school's language, printing audited without names."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.audit.models import AuditEvent
from safechildhood.directory.tests.factories import SchoolFactory, SupportCentreFactory
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import Assignment, Campaign
from safechildhood.screening.pdf import Slip, class_sheet_pdf, sheet_languages
from safechildhood.screening.services.codes import code_display
from safechildhood.screening.tests.factories import make_assignment, make_campaign

pytestmark = pytest.mark.django_db

KAZAKH = "әғқңөұүһі"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


def pdf_text(data: bytes, tmp_path: Path) -> str | None:
    """The PDF's text through poppler's pdftotext, when the machine has it."""
    program = shutil.which("pdftotext")
    if program is None:
        return None
    source = tmp_path / "sheet.pdf"
    source.write_bytes(data)
    return subprocess.run([program, "-layout", str(source), "-"], check=True,
                          capture_output=True).stdout.decode()


@pytest.fixture
def sheet(db):
    school = SchoolFactory(language="kk")
    region = school.district.region
    centre = SupportCentreFactory(region=region)
    head = MembershipFactory(role=Role.CENTRE_HEAD, centre=centre).user
    campaign = make_campaign(region=region, centre=centre, created_by=head)
    psy = actor_for(MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=school).user)
    codes = {}
    for last, status in [("Әбдірова", Assignment.Status.PENDING),
                         ("Қасымов", Assignment.Status.ABSENT),
                         ("Үсенова", Assignment.Status.IN_PROGRESS),
                         ("Ғалымов", Assignment.Status.COMPLETED),
                         ("Өмірзақов", Assignment.Status.NO_CONSENT),
                         ("Іңкәр", Assignment.Status.REFUSED)]:
        pupil = PupilFactory(school=school, last_name=last, first_name="Һидаят", grade=8,
                             class_letter="Ә")
        codes[last] = make_assignment(campaign, pupil, status=status)[1]
    other_class = PupilFactory(school=school, last_name="Басқа", grade=8, class_letter="Б")
    codes["Басқа"] = make_assignment(campaign, other_class)[1]
    return {"school": school, "campaign": campaign, "psy": psy, "codes": codes,
            "region": region, "centre": centre}


def sheet_url(campaign, **query):
    from urllib.parse import urlencode

    return reverse("screening:class-sheet", args=[campaign.pk]) + "?" + urlencode(query)


def test_the_pdf_has_a_slip_for_each_pupil_who_may_answer(client, sheet, tmp_path):
    client.force_login(sheet["psy"].user)
    response = client.get(sheet_url(sheet["campaign"], grade=8, letter="ә"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert "class-sheet" in response["Content-Disposition"]
    data = response.content
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    if text is None:
        pytest.skip("pdftotext is not installed; the raw test below checks the codes")
    for last in ("Әбдірова", "Қасымов", "Үсенова"):
        assert last in text
        assert code_display(sheet["codes"][last]) in text
    for last in ("Ғалымов", "Өмірзақов", "Іңкәр", "Басқа"):  # done, no consent, refused, other
        assert last not in text
        assert code_display(sheet["codes"][last]) not in text
    assert "http://testserver/q/" in text
    assert "8Ә" in text


def test_printing_is_audited_with_codes_and_no_names(client, sheet):
    client.force_login(sheet["psy"].user)
    client.get(sheet_url(sheet["campaign"], grade=8, letter="Ә"))
    [event] = AuditEvent.objects.filter(action="screening.classsheet.printed")
    assert event.data == {"campaign_id": sheet["campaign"].pk, "school_id": sheet["school"].pk,
                          "grade": 8, "letter": "Ә", "slips": 3}
    assert "Әбдірова" not in str(event.data)
    assert not any(code in str(event.data) for code in sheet["codes"].values())


def test_the_raw_pdf_carries_the_codes_when_uncompressed(sheet):
    """Without poppler: reportlab writes ASCII text readably when page compression is off."""
    code = sheet["codes"]["Әбдірова"]
    data = class_sheet_pdf(slips=[Slip(name="Әбдірова Һидаят", code=code)],
                           campaign_name="Күзгі скрининг", school_name="№5 мектеп",
                           class_name="8Ә", address="https://sc.example.kz/q/",
                           school_language="kk", compress=False)
    assert data.startswith(b"%PDF")
    assert f"({code_display(code)})".encode() in data
    assert b"(https://sc.example.kz/q/)" in data
    assert b"DejaVuSans" in data  # the vendored font is embedded


def test_kazakh_letters_are_printed_with_a_font_that_has_them(sheet, tmp_path):
    data = class_sheet_pdf(slips=[Slip(name=f"Тест {KAZAKH} {KAZAKH.upper()}", code="ACDEFHJK")],
                           campaign_name="Күз", school_name="Мектеп", class_name="5Ә",
                           address="https://sc.example.kz/q/", school_language="kk")
    text = pdf_text(data, tmp_path)
    if text is None:
        pytest.skip("pdftotext is not installed")
    assert KAZAKH in text and KAZAKH.upper() in text
    pdffonts = shutil.which("pdffonts")
    if pdffonts:
        fonts = subprocess.run([pdffonts, str(tmp_path / "sheet.pdf")], check=True,
                               capture_output=True).stdout.decode()
        names = [line.split()[0] for line in fonts.splitlines()[2:]]
        assert names and all("DejaVuSans" in name for name in names)


def test_many_pupils_spread_over_pages_of_ten(sheet, tmp_path):
    slips = [Slip(name=f"Оқушы {n}", code="ACDEFHJK") for n in range(23)]
    data = class_sheet_pdf(slips=slips, campaign_name="Күз", school_name="Мектеп",
                           class_name="5А", address="https://sc.example.kz/q/",
                           school_language="ru", compress=False)
    assert data.count(b"/Type /Page\n") == 3 or data.count(b"/Type /Page ") == 3 or \
        data.count(b"/Type /Page") - data.count(b"/Type /Pages") == 3


@pytest.mark.parametrize(("language", "expected"), [
    ("kk", ["kk"]), ("ru", ["ru"]), ("mixed", ["kk", "ru"]), ("other", ["kk", "ru"])])
def test_the_slips_speak_the_schools_language(language, expected):
    assert sheet_languages(language) == expected


def test_instructions_follow_the_schools_language_not_the_readers(sheet, monkeypatch):
    from safechildhood.screening import pdf

    seen = []
    original = pdf._pupil_texts

    def spy(language):
        seen.append(language)
        return original(language)

    monkeypatch.setattr(pdf, "_pupil_texts", spy)
    pdf.class_sheet_pdf(slips=[Slip(name="А", code="ACDEFHJK")], campaign_name="x",
                        school_name="y", class_name="1", address="http://x/q/",
                        school_language="mixed")
    assert seen == ["kk", "ru"]


# --- refusals ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client, sheet):
    response = client.get(sheet_url(sheet["campaign"], grade=8, letter="Ә"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_another_schools_psychologist_gets_no_slips_of_this_school(client, sheet):
    other_school = SchoolFactory(settlement=sheet["school"].settlement)
    other = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=other_school).user
    client.force_login(other)
    response = client.get(sheet_url(sheet["campaign"], grade=8, letter="Ә"))
    assert response.status_code == 302  # nothing to print for their school
    assert not AuditEvent.objects.filter(action="screening.classsheet.printed").exists()


def test_another_regions_campaign_is_not_found(client, sheet):
    far = SchoolFactory()
    centre = SupportCentreFactory(region=far.district.region)
    campaign = make_campaign(region=far.district.region, centre=centre,
                             created_by=MembershipFactory(role=Role.CENTRE_HEAD,
                                                          centre=centre).user)
    client.force_login(sheet["psy"].user)
    assert client.get(sheet_url(campaign, grade=8, letter="Ә")).status_code == 404


def test_centre_staff_do_not_print_codes(client, sheet):
    head = MembershipFactory(role=Role.CENTRE_HEAD, centre=sheet["centre"]).user
    client.force_login(head)
    assert client.get(sheet_url(sheet["campaign"], grade=8, letter="Ә")).status_code == 403


@pytest.mark.parametrize("query", [{}, {"grade": "x"}, {"grade": 8, "letter": "toolong"}])
def test_an_invalid_class_goes_back_with_a_message(client, sheet, query):
    client.force_login(sheet["psy"].user)
    response = client.get(sheet_url(sheet["campaign"], **query), follow=True)
    assert "Choose a class to print its sheet." in response.content.decode()
    assert not AuditEvent.objects.filter(action="screening.classsheet.printed").exists()


def test_a_closed_campaign_prints_nothing(client, sheet):
    Campaign.objects.filter(pk=sheet["campaign"].pk).update(status=Campaign.Status.CLOSED)
    client.force_login(sheet["psy"].user)
    response = client.get(sheet_url(sheet["campaign"], grade=8, letter="Ә"), follow=True)
    assert "The campaign is not open" in response.content.decode()
    assert not AuditEvent.objects.filter(action="screening.classsheet.printed").exists()


def test_a_class_where_nobody_can_answer_prints_nothing(client, sheet):
    client.force_login(sheet["psy"].user)
    response = client.get(sheet_url(sheet["campaign"], grade=11, letter="В"), follow=True)
    assert "No pupil of class 11В can answer now" in response.content.decode()
