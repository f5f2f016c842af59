"""The pupil pages in a real browser (Debian's Chromium) on a phone-sized screen: the roster
searched with and without htmx, a pupil added, consent recorded, a duplicate resolved; every
page checked by axe-core."""

import datetime as dt

import pytest

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import PASSWORD, MembershipFactory
from safechildhood.people.models import Consent, DuplicateCandidate, Pupil
from safechildhood.people.tests.conftest import school_in
from safechildhood.people.tests.factories import GuardianFactory, PupilFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school(settings):
    settings.REQUIRE_OTP = False  # the second factor has its own browser test
    from safechildhood.directory.tests.factories import SchoolFactory

    return SchoolFactory()


@pytest.fixture
def phone(page, school):
    user = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=school).user
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    return page


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_roster_on_a_phone(phone, axe, school):
    pupil = PupilFactory(school=school, last_name="Сәрсенбаева", first_name="Өмірзая",
                         sex="F", grade=6, class_letter="Ә")
    PupilFactory(school=school, last_name="Қайратов", first_name="Ілияс", grade=6)
    GuardianFactory(pupil=pupil, full_name="Сәрсенбаева Гүлжан")

    other = PupilFactory(school=school, last_name="Бекова", first_name="Дана", grade=9)
    phone.goto("/pupils/")
    axe(phone, "pupil-list")
    _no_sideways_scroll(phone)
    results = phone.get_by_role("region", name="Pupils of the school")
    phone.get_by_label("Grade").select_option("6")  # a choice asks at once
    results.get_by_role("link", name=f"{other.last_name} {other.first_name}", exact=False) \
        .wait_for(state="detached")
    assert "grade=6" in phone.url
    phone.get_by_label("Search").fill("ӨМІР")  # htmx replaces the table as one types
    results.get_by_role("link", name="Қайратов Ілияс Серікұлы").wait_for(state="detached")
    assert "q=" in phone.url

    results.get_by_role("link", name="Сәрсенбаева Өмірзая Серікұлы").click()
    phone.wait_for_url(f"**/pupils/{pupil.pk}/")
    axe(phone, "pupil-detail")
    _no_sideways_scroll(phone)

    phone.get_by_role("link", name="Record consent").click()
    axe(phone, "consent-create")
    phone.get_by_label("Consent given").check()
    phone.get_by_label("Parent or guardian").select_option(label="Сәрсенбаева Гүлжан (mother)")
    phone.get_by_role("button", name="Save the decision").click()
    phone.wait_for_url(f"**/pupils/{pupil.pk}/")
    assert Consent.objects.get().decision == "given"


def test_the_roster_works_without_javascript(browser_without_js, live_server, school):
    PupilFactory(school=school, last_name="Сәрсенбаева", first_name="Өмірзая")
    PupilFactory(school=school, last_name="Қайратов", first_name="Ілияс")
    page = browser_without_js(school)
    page.goto(f"{live_server.url}/pupils/")
    page.get_by_label("Search").fill("қайратов")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/pupils/?q=*")
    assert page.get_by_role("link", name="Қайратов Ілияс Серікұлы").is_visible()
    assert page.get_by_text("Сәрсенбаева").count() == 0


@pytest.fixture
def browser_without_js(chromium, live_server, settings):
    settings.AXES_ENABLED = False
    contexts = []

    def open_page(school):
        user = MembershipFactory(role=Role.SCHOOL_ADMIN, school=school).user
        context = chromium.new_context(java_script_enabled=False,
                                       viewport={"width": 360, "height": 740})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Login").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: url.endswith("/"))
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_adding_a_pupil_and_an_iin_error_on_a_phone(phone, axe):
    phone.goto("/pupils/new/")
    axe(phone, "pupil-create")
    _no_sideways_scroll(phone)
    phone.get_by_label("Last name").fill("Бекова")
    phone.get_by_label("First name").fill("Аяулым")
    phone.get_by_label("Date of birth").fill("2014-02-03")
    phone.get_by_label("female").check()
    phone.get_by_label("Grade", exact=True).select_option("4")
    phone.get_by_label("IIN").fill("140203600001")
    phone.get_by_role("button", name="Add the pupil").click()
    assert phone.get_by_text("The IIN's check digit is wrong").is_visible()
    axe(phone, "pupil-create-invalid")
    phone.get_by_label("IIN").fill("")
    phone.get_by_role("button", name="Add the pupil").click()
    phone.wait_for_url("**/pupils/*/")
    assert Pupil.objects.get().last_name == "Бекова"


def test_resolving_a_duplicate_on_a_phone(phone, axe, school):
    ours = PupilFactory(school=school, last_name="Төлеген", first_name="Ақжол")
    other_school = school_in(school.district)
    theirs = PupilFactory(school=other_school, last_name="Төлеген", first_name="Ақжол",
                          birth_date=dt.date(2011, 3, 14), grade=5, class_letter="В")
    candidate = DuplicateCandidate.objects.create(first=ours, second=theirs, reason="name_birth")
    phone.goto("/pupils/duplicates/")
    axe(phone, "duplicate-list")
    phone.get_by_role("rowheader").get_by_role("link").click()
    phone.wait_for_url(f"**/pupils/duplicates/{candidate.pk}/")
    axe(phone, "duplicate-resolve")
    _no_sideways_scroll(phone)
    phone.get_by_role("radio", name="First record").check()
    phone.get_by_role("button", name="Merge the records").click()
    phone.wait_for_url("**/pupils/duplicates/")
    theirs.refresh_from_db()
    assert theirs.merged_into == ours
