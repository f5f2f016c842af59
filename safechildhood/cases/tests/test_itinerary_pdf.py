"""The itinerary PDF: the download (audited, not cached), Kazakh letters as text (pdftotext),
and a page that renders (pdftoppm)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from safechildhood.audit.models import AuditEvent
from safechildhood.cases.itinerary_pdf import itinerary_pdf
from safechildhood.cases.selectors_work import trip_itinerary
from safechildhood.cases.services.contacts import contact_record
from safechildhood.cases.services.trips import trip_plan
from safechildhood.cases.tests import field_fixtures
from safechildhood.cases.tests.factories import RiskCaseFactory
from safechildhood.cases.tests.field_fixtures import contact_input
from safechildhood.people.tests.factories import GuardianFactory, PupilFactory

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
field = field_fixtures.field


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


@pytest.fixture
def trip(field):
    """A trip today with two children in two villages; the first seen 40 days ago, with a next
    step in Kazakh."""
    long_ago = timezone.now() - dt.timedelta(days=40)
    field.case.opened_at = long_ago - dt.timedelta(days=1)
    field.case.save(update_fields=["opened_at"])
    contact_record(actor=field.spec, case=field.case,
                   data=contact_input(held_at=long_ago, next_step="Әкесімен сөйлесу, үйге бару"))
    second = PupilFactory(school=field.hamlet_school, last_name="Құрманғалиева",
                          first_name="Іңкәр", grade=5, class_letter="Ғ")
    GuardianFactory(pupil=second, full_name="Құрманғалиев Өмір", phone="+7 702 000 00 01")
    RiskCaseFactory(pupil=second, active=True, owner=field.specialist, opened_by=field.head)
    return trip_plan(actor=field.spec, district=field.district, starts_on=timezone.localdate(),
                     ends_on=timezone.localdate() + dt.timedelta(days=1))


def _tool(name: str) -> str:
    program = shutil.which(name)
    if program is None:
        pytest.skip(f"{name} is not installed")
    return program


def test_the_pdf_download_is_audited_and_not_cached(client, field, trip):
    client.force_login(field.specialist)
    response = client.get(reverse("cases:trip-itinerary-pdf", args=[trip.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="cases.trip.itinerary_printed")
    assert event.data["output"] == "pdf" and len(event.data["case_ids"]) == 2


def test_the_pdf_carries_kazakh_names_phones_and_next_steps(field, trip, tmp_path):
    itinerary = trip_itinerary(actor=field.spec, trip=trip, output="pdf")
    data = itinerary_pdf(itinerary, printed_at=timezone.localtime(), printed_by="Test")
    source = tmp_path / "itinerary.pdf"
    source.write_bytes(data)
    text = subprocess.run([_tool("pdftotext"), "-layout", str(source), "-"], check=True,
                          capture_output=True).stdout.decode()
    for expected in ("Әбдіқадыров Ерғали", "Құрманғалиева Іңкәр", "Әбдіқадырова Гүлжан",
                     "+7 701 111 22 33", "+7 702 000 00 01", "Әкесімен сөйлесу",
                     "Sarykemer", "Abai school", "no contact for over 30 days",
                     "never contacted"):
        assert expected in text, expected
    assert text.index("Kokbastau") < text.index("Sarykemer")  # settlements in name order


def test_the_pdf_renders_to_an_image(field, trip, tmp_path):
    itinerary = trip_itinerary(actor=field.spec, trip=trip, output="pdf")
    source = tmp_path / "itinerary.pdf"
    source.write_bytes(itinerary_pdf(itinerary, printed_at=timezone.localtime(),
                                     printed_by="Test"))
    subprocess.run([_tool("pdftoppm"), "-png", "-r", "60", "-f", "1", "-l", "1", str(source),
                    str(tmp_path / "page")], check=True, capture_output=True)
    image = next(Path(tmp_path).glob("page*.png"))
    assert image.stat().st_size > 5000
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(image, ARTIFACTS / "itinerary-pdf.png")  # to look at


def test_an_empty_itinerary_still_prints(field):
    trip = trip_plan(actor=field.spec, district=field.district,
                     starts_on=timezone.localdate(), ends_on=timezone.localdate())
    trip.stops.all().delete()
    itinerary = trip_itinerary(actor=field.spec, trip=trip, output="pdf")
    data = itinerary_pdf(itinerary, printed_at=timezone.localtime(), printed_by="Test",
                         compress=False)
    assert data.startswith(b"%PDF") and itinerary.count == 0
