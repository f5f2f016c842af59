"""Prevention pages in a real browser (Debian's Chromium): the centre head records a training and
an event on a desktop screen; a school psychologist on a phone finds their certificate and
records a parents' meeting. Every page is checked by axe-core and screenshotted."""

import pytest

from safechildhood.accounts.tests.factories import PASSWORD
from safechildhood.prevention import services
from safechildhood.prevention.models import Event, ParentMeeting, Training
from safechildhood.prevention.tests.fixtures import days_ago, training

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/prevention-{}.png"  # noqa: S108 - screenshots to look at, per the brief


def _login(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.endswith("/"))


def _shot(page, axe, name):
    axe(page, f"prevention-{name}")
    page.screenshot(path=SHOTS.format(name), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name


def test_the_centre_head_records_a_training_and_an_event(page, axe, world):
    _login(page, world.head.user)
    page.goto("/prevention/")
    _shot(page, axe, "overview")
    page.goto("/prevention/trainings/")
    page.get_by_role("link", name="New training").click()
    page.get_by_label("Topic").fill("Буллингтің алдын алу: мұғалімдерге")
    page.get_by_label("First day").fill(days_ago(2).isoformat())
    page.get_by_label("Last day").fill(days_ago(1).isoformat())
    page.get_by_label("Hours").fill("12")
    page.get_by_label("Trainer").fill("Өмірзақова Һ. І.")
    _shot(page, axe, "training-form")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add participants").click()
    page.get_by_label("District", exact=True).select_option(str(world.north.pk))
    page.get_by_role("button", name="Show").click()
    page.get_by_label(f"{world.psychologist_n.user} · {world.school_n.name}").check()
    _shot(page, axe, "participant-add")
    page.get_by_role("button", name="Add the ones ticked").click()
    page.get_by_label(f"Attendance of {world.psychologist_n.user}").select_option("attended")
    page.get_by_role("button", name="Save").first.click()
    page.get_by_role("link", name="(PDF)").wait_for()
    _shot(page, axe, "training-detail")
    assert Training.objects.get().participants.get().has_certificate

    page.goto("/prevention/events/new/")
    page.get_by_label("Type of event").select_option("master_class")
    page.get_by_label("Title").fill("Мұғалімдерге шеберлік сыныбы")
    page.get_by_label("Date", exact=True).fill(days_ago(1).isoformat())
    page.get_by_label("District", exact=True).select_option(str(world.north.pk))
    page.get_by_label("psychological support centre").check()
    page.get_by_label("university experts").check()
    page.get_by_label("Teachers").fill("35")
    _shot(page, axe, "event-form")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Мұғалімдерге шеберлік сыныбы").wait_for()
    page.set_input_files("input[type=file]", files=[{
        "name": "Бағдарлама.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\n"}])
    page.get_by_role("button", name="Attach").click()
    page.get_by_role("link", name="Бағдарлама.pdf").wait_for()
    _shot(page, axe, "event-detail")
    assert Event.objects.get().organisers == ["centre", "university"]
    page.goto("/prevention/events/")
    _shot(page, axe, "event-list")


def test_a_psychologist_on_a_phone_finds_the_certificate_and_records_a_meeting(page, axe,
                                                                                world):
    t = training(world.head)
    services.participants_add(actor=world.head, training=t, users=[world.psychologist_n.user])
    services.attendance_mark(actor=world.head, participant=t.participants.get(),
                             attendance="attended")
    page.set_viewport_size({"width": 360, "height": 740})
    _login(page, world.psychologist_n.user)
    page.goto("/prevention/trainings/")
    _shot(page, axe, "training-list-phone")
    with page.expect_download() as download:
        page.get_by_role("link", name="Certificate (PDF)").click()
    assert download.value.suggested_filename.startswith("certificate-")

    page.goto("/prevention/parents/meetings/new/")
    page.get_by_label("Topic").fill("Балалардың интернеттегі қауіпсіздігі")
    page.get_by_label("Parents present").fill("0")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Ensure this value is greater than or equal to 1.").wait_for()
    _shot(page, axe, "meeting-form-error-phone")
    page.get_by_label("Parents present").fill("38")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The meeting is saved.").wait_for()
    _shot(page, axe, "meeting-detail-phone")
    assert ParentMeeting.objects.get().school == world.school_n
    page.goto("/prevention/parents/meetings/")
    _shot(page, axe, "meeting-list-phone")


def test_a_consultation_on_a_phone(page, axe, world):
    page.set_viewport_size({"width": 360, "height": 740})
    _login(page, world.psychologist_n.user)
    page.goto("/prevention/parents/consultations/new/")
    page.get_by_label("Find the parent or the pupil by name").fill("Әбдір")
    page.get_by_role("button", name="Find").click()
    page.get_by_label("Parent or guardian").select_option(str(world.guardian_n.pk))
    page.get_by_label("Topic").fill("Сабаққа қатысу")
    _shot(page, axe, "consultation-form-phone")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The consultation is saved.").wait_for()
    _shot(page, axe, "consultation-detail-phone")
    from safechildhood.prevention.models import ParentConsultation

    assert ParentConsultation.objects.get().guardian == world.guardian_n
