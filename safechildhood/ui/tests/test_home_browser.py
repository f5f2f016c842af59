"""The home page and the audit trail in a real browser (Debian's Chromium) on a phone-sized
screen, checked by axe-core."""

import datetime as dt

import pytest

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import PASSWORD, MembershipFactory
from safechildhood.audit.services import audit_record
from safechildhood.directory.tests.factories import SchoolFactory, SupportCentreFactory
from safechildhood.people.models import Consent, RosterImport
from safechildhood.people.tests.factories import PupilFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _plain_login(settings):
    settings.REQUIRE_OTP = False  # the second factor has its own browser test


def _log_in_on_a_phone(page, user):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    return page


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_school_psychologists_day_on_a_phone(page, axe):
    school = SchoolFactory()
    user = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=school).user
    pupils = [PupilFactory(school=school, grade=grade) for grade in (5, 5, 6)]
    Consent.objects.create(pupil=pupils[0], decision=Consent.Decision.GIVEN,
                           decided_on=dt.date(2025, 9, 1), recorded_by=user)
    RosterImport.objects.create(school=school, uploaded_by=user, file_name="roster.xlsx",
                                content=b"", status=RosterImport.Status.DONE, created_count=3)

    phone = _log_in_on_a_phone(page, user)
    axe(phone, "home-school")
    _no_sideways_scroll(phone)
    grades = phone.get_by_role("region", name="Pupils by grade")
    grades.get_by_role("link", name="Grade 5").click()
    phone.wait_for_url("**/pupils/?grade=5")


def test_centre_head_reads_the_trail_on_a_phone(page, axe):
    school = SchoolFactory()
    psychologist = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=school)
    head = MembershipFactory(role=Role.CENTRE_HEAD,
                             centre=SupportCentreFactory(region=school.district.region)).user
    from safechildhood.access.policy import actor_for

    pupil = PupilFactory(school=school)
    for _ in range(3):
        audit_record(actor=actor_for(psychologist.user), action="people.pupil.viewed",
                     target=pupil)
    audit_record(actor=actor_for(psychologist.user), action="people.pupil.updated", target=pupil)

    phone = _log_in_on_a_phone(page, head)
    axe(phone, "home-centre-head")
    _no_sideways_scroll(phone)
    phone.get_by_role("link", name="Open the audit trail").click()
    phone.wait_for_url("**/audit/")
    axe(phone, "audit-trail")
    table = phone.get_by_role("region", name="Latest events")
    # The header, the four events and the head's own login.
    assert table.get_by_role("row").count() == 6
    assert table.get_by_role("cell", name="Logged in").count() == 1

    phone.get_by_text("Filter the events").click()
    phone.get_by_label("Action").select_option(label="Changed a pupil's record")
    phone.get_by_role("button", name="Show").click()
    phone.get_by_role("heading", name="Events matching the filters").wait_for()
    assert "action=people.pupil.updated" in phone.url
    assert phone.get_by_role("region", name="Events matching the filters") \
        .get_by_role("row").count() == 2
    axe(phone, "audit-trail-filtered")
