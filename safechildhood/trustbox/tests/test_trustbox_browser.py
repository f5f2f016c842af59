"""The trust box in Debian's Chromium on a 360-pixel phone, in each language: a child opens the
poster's link, switches the language, writes, keeps the reply code; a centre specialist answers
in the inbox; the child reads the answer with the code. Screenshots:
test-artifacts/trustbox-*.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from safechildhood.trustbox.models import TrustMessage

PHONE = {"width": 360, "height": 740}
SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts"  # beside the axe screenshots
TEXTS = {
    "kk": "Өгей әкем мені ұрады, бүгін түнде үйге барғым келмейді.",
    "ru": "Отчим бьет меня, сегодня ночью не хочу идти домой.",
    "en": "My stepfather hits me and I do not want to go home tonight.",
}
ANSWER = {
    "kk": "Сәлем! Біз сені естідік. Ертең мектепке маман келеді.",
    "ru": "Здравствуй! Мы тебя услышали. Завтра в школу придёт специалист.",
    "en": "Hello! We hear you. A specialist comes to your school tomorrow.",
}


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _log_in(page, user):
    from safechildhood.accounts.tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.endswith("/"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_child_writes_the_centre_answers_the_child_reads_it_on_a_phone(
        chromium, live_server, axe, world, language):
    school = world.school_n
    child = chromium.new_context(viewport=PHONE, base_url=live_server.url)
    phone = child.new_page()
    phone.set_default_timeout(15000)
    phone.goto(f"{reverse('trustbox:write')}?school={school.pk}")
    phone.locator(f"nav.langs a[hreflang={language}]").click()
    phone.wait_for_url(re.compile(f"lang={language}"))
    assert phone.locator("html").get_attribute("lang") == language
    with translation.override(language):
        assert school.name in phone.locator("form").inner_text()  # the poster's link chose it
    assert "111" in phone.content() and phone.locator("script").count() == 0
    phone.locator("#id_body").fill(TEXTS[language])
    axe(phone, f"trustbox-write-{language}")
    phone.locator("form button[type=submit]").last.click()
    phone.locator("#reply-code").wait_for()
    code = phone.locator("#reply-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    axe(phone, f"trustbox-sent-{language}")
    message = TrustMessage.objects.get()
    assert message.language == language and message.school == school and message.is_urgent

    # the centre specialist of the district, also on a phone
    staff_context = chromium.new_context(viewport=PHONE, base_url=live_server.url)
    staff = staff_context.new_page()
    staff.set_default_timeout(15000)
    _log_in(staff, world.spec_n.user)
    staff.goto(reverse("trustbox:inbox"))
    _shot(staff, f"trustbox-inbox-{language}")
    staff.locator(f"a[href='{reverse('trustbox:message-detail', args=[message.pk])}']").click()
    staff.get_by_text(TEXTS[language]).wait_for()
    staff.get_by_label("Your answer to the child").fill(ANSWER[language])
    staff.get_by_role("button", name="Send the answer").click()
    staff.get_by_text("The answer is saved").wait_for()
    _shot(staff, f"trustbox-detail-{language}")
    staff_context.close()

    # the child comes back with the code
    phone.goto(f"{reverse('trustbox:read')}?lang={language}")
    assert phone.locator("html").get_attribute("lang") == language
    phone.locator("#id_code").fill(code.lower().replace("-", " "))
    phone.locator("form button[type=submit]").click()
    phone.get_by_text(ANSWER[language]).wait_for()
    axe(phone, f"trustbox-answer-{language}")
    child.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_specialist_turns_a_message_into_a_concern_on_a_phone(chromium, live_server, axe,
                                                                world):
    from safechildhood.disclosures.models import Concern
    from safechildhood.trustbox.tests.fixtures import send
    from safechildhood.trustbox.tests.test_convert import known_pupil

    pupil = known_pupil(world.school_n, last_name="Сейітова", first_name="Аружан")
    message = send("Мен Аружан Сейітова, 7Б. Өгей әкем мені ұрады.", language="kk",
                   school=world.school_n, contact="school", contact_details="7 Б").message
    context = chromium.new_context(viewport=PHONE, base_url=live_server.url)
    staff = context.new_page()
    staff.set_default_timeout(15000)
    _log_in(staff, world.spec_n.user)
    staff.goto(reverse("trustbox:message-detail", args=[message.pk]))
    staff.get_by_role("link", name="Record a concern about the child").click()
    staff.get_by_label("Find the child: name or IIN").fill("сейітова")
    staff.get_by_role("button", name="Find", exact=True).click()
    staff.get_by_label(re.compile("Сейітова Аружан")).check()
    staff.get_by_label("violence in the family").check()
    staff.get_by_label("What was done to keep the child safe now?").fill(
        "A specialist meets her at school today.")
    _shot(staff, "trustbox-convert")
    axe(staff, "trustbox-convert-axe")
    staff.get_by_role("button", name="Record the concern").click()
    staff.get_by_text("The concern is recorded").wait_for()
    _shot(staff, "trustbox-converted")
    concern = Concern.objects.get()
    assert concern.pupil == pupil and concern.trust_message == message
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}],
                         ids=["phone", "desktop"])
def test_a_specialist_looks_up_a_child_new_to_the_centre(chromium, live_server, axe, world,
                                                         viewport):
    from safechildhood.disclosures.models import Concern
    from safechildhood.people.tests.factories import PupilFactory
    from safechildhood.trustbox.tests.fixtures import send

    child = PupilFactory(school=world.school_n, last_name="Сейітова", first_name="Аружан",
                         with_iin=True)
    message = send("Мен Аружан Сейітова, 7Б. Өгей әкем мені ұрады.", language="kk",
                   school=world.school_n).message
    context = chromium.new_context(viewport=viewport, base_url=live_server.url)
    staff = context.new_page()
    staff.set_default_timeout(15000)
    _log_in(staff, world.spec_n.user)
    staff.goto(reverse("trustbox:message-convert", args=[message.pk]))
    staff.get_by_label("Last name").fill("сейітова")
    staff.get_by_label("First name").fill("аружан")
    staff.get_by_label("School", exact=True).select_option(str(world.school_n.pk))
    staff.get_by_role("button", name="Find by name").click()
    staff.get_by_label(re.compile("Сейітова Аружан")).check()
    staff.get_by_label("violence in the family").check()
    staff.get_by_label("What was done to keep the child safe now?").fill(
        "A specialist meets her at school today.")
    width = viewport["width"]
    _shot(staff, f"trustbox-lookup-{width}")
    axe(staff, f"trustbox-lookup-axe-{width}")
    staff.get_by_role("button", name="Record the concern").click()
    staff.get_by_text("The concern is recorded").wait_for()
    assert Concern.objects.get().pupil == child
    context.close()
