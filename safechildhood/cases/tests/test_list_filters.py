"""The case list's and the referral list's filters by school and by reporting period (what the
statistics' figures link to): the cases in the risk group at the end of a period, entered or left
in it, the referrals sent in it; the filters in force said in words; the actor's scope kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safechildhood.cases.models import Referral, RiskCase
from safechildhood.cases.tests import case_world
from safechildhood.cases.tests.factories import ReferralFactory, RiskCaseFactory
from safechildhood.directory.tests.factories import SchoolFactory
from safechildhood.geography.tests.factories import SettlementFactory
from safechildhood.people.tests.factories import PupilFactory

world = case_world.world
pytestmark = pytest.mark.django_db
NAMES = ("Алиев", "Бекова", "Жанова", "Кимов", "Омарова", "Досов")


@pytest.fixture(autouse=True)
def _plain_login(settings):
    settings.REQUIRE_OTP = False


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def _case(w, name, school, opened, closed=None, owner=None, categories=("depression",)):
    extra = ({"status": RiskCase.Status.CLOSED, "closed_at": closed} if closed
             else {"status": RiskCase.Status.ACTIVE})
    return RiskCaseFactory(pupil=PupilFactory(school=school, last_name=name), opened_at=opened,
                           owner=owner or w.specialist, opened_by=w.head,
                           categories=list(categories), **extra)


@pytest.fixture
def cases(world):
    """Baizak (Abai school): Алиев in the group since 2024; Бекова entered in February 2025
    (the colleague's case); Жанова closed in March 2025; Кимов entered in April. Baizak's second
    school: Досов since 2024 (anxiety). Merke: Омарова since 2024."""
    second = SchoolFactory(settlement=SettlementFactory(district=world.baizak),
                           name_en="Second school", name_ru="Вторая школа")
    _case(world, "Алиев", world.school, at(2024, 12, 1))
    _case(world, "Бекова", world.school, at(2025, 2, 1), owner=world.colleague)
    _case(world, "Жанова", world.school, at(2024, 11, 1), closed=at(2025, 3, 15))
    _case(world, "Кимов", world.school, at(2025, 4, 2))
    _case(world, "Досов", second, at(2024, 5, 1), categories=["anxiety"])
    _case(world, "Омарова", world.merke_school, at(2024, 5, 1), owner=world.merke_specialist)
    return second


def _names(response) -> set[str]:
    assert response.status_code == 200
    html = response.content.decode()
    return {n for n in NAMES if n in html}


def _shown(response) -> str:
    html = response.content.decode()
    start = html.index('id="case-filters-shown"')
    return html[start:html.index("</p>", start)]


def test_the_cases_in_the_risk_group_at_the_end_of_a_period(client, world, cases):
    client.force_login(world.head)
    url = reverse("cases:case-list")
    q1 = {"period": "2025-q1", "owner": "all"}
    assert _names(client.get(url, q1)) == {"Алиев", "Бекова", "Досов", "Омарова"}
    assert _names(client.get(url, {**q1, "counted": "group"})) == {
        "Алиев", "Бекова", "Досов", "Омарова"}
    assert _names(client.get(url, {**q1, "counted": "entered"})) == {"Бекова"}
    # a closed case is listed when the period asks for it
    assert _names(client.get(url, {**q1, "counted": "left"})) == {"Жанова"}
    assert _names(client.get(url, {**q1, "counted": "entered", "period": "2025-04"})) == {
        "Кимов"}
    assert _names(client.get(url, {"period": "2024", "counted": "group"})) == {
        "Алиев", "Жанова", "Досов", "Омарова"}


def test_the_period_combines_with_area_category_and_status(client, world, cases):
    client.force_login(world.head)
    url = reverse("cases:case-list")
    q1 = {"period": "2025-q1", "counted": "group", "owner": "all"}
    assert _names(client.get(url, {**q1, "district": world.baizak.pk})) == {
        "Алиев", "Бекова", "Досов"}
    assert _names(client.get(url, {**q1, "district": world.baizak.pk,
                                   "school": cases.pk})) == {"Досов"}
    assert _names(client.get(url, {"school": cases.pk})) == {"Досов"}  # open cases there
    assert _names(client.get(url, {**q1, "category": "anxiety"})) == {"Досов"}
    assert _names(client.get(url, {**q1, "status": "closed", "counted": "left"})) == {"Жанова"}


def test_the_list_says_what_it_shows(client, world, cases):
    client.force_login(world.head)
    url = reverse("cases:case-list")
    shown = _shown(client.get(url, {"period": "2025-q1", "counted": "entered", "owner": "all",
                                    "district": world.baizak.pk, "school": cases.pk,
                                    "category": "anxiety"}))
    assert "entered the risk group in the period: Q1 2025" in shown
    assert "district: Baizak" in shown and "school: Second school" in shown
    assert "category: anxiety" in shown
    assert "clear the filters" in shown
    assert "open cases" in _shown(client.get(url))


def test_a_period_that_does_not_parse_is_said_and_left_out(client, world, cases):
    client.force_login(world.head)
    response = client.get(reverse("cases:case-list"), {"period": "2025-q9", "owner": "all"})
    assert "Write the period as a year (2025)" in response.content.decode()
    assert _names(response) == {"Алиев", "Бекова", "Досов", "Омарова", "Кимов"}  # open ones


def test_a_specialist_following_a_link_sees_only_their_districts(client, world, cases):
    client.force_login(world.specialist)
    url = reverse("cases:case-list")
    q1 = {"period": "2025-q1", "counted": "group"}
    assert _names(client.get(url, q1)) == {"Алиев", "Досов"}  # their own cases by default
    assert _names(client.get(url, {**q1, "owner": "all"})) == {"Алиев", "Бекова", "Досов"}
    # Merke is not theirs: not offered, and nothing of it is listed
    response = client.get(url, {**q1, "owner": "all", "district": world.merke.pk})
    assert "Омарова" not in response.content.decode()
    client.force_login(world.psychologist)
    assert client.get(url, q1).status_code == 403


def test_the_referral_list_shows_the_referrals_of_a_period(client, world, cases):
    today = timezone.localdate()
    by_name = {c.pupil.last_name: c for c in RiskCase.objects.select_related("pupil")}
    ReferralFactory(case=by_name["Алиев"], sent_at=at(2025, 1, 5),
                    status=Referral.Status.FEEDBACK, next_step_due=None)
    ReferralFactory(case=by_name["Бекова"], sent_at=at(2025, 2, 5),
                    next_step_due=dt.date(2025, 2, 20))
    ReferralFactory(case=by_name["Досов"], sent_at=at(2025, 4, 5),
                    next_step_due=today + dt.timedelta(days=5))
    ReferralFactory(case=by_name["Омарова"], sent_at=at(2025, 3, 5),
                    next_step_due=today + dt.timedelta(days=5))
    url = reverse("cases:referral-list")
    client.force_login(world.head)
    waiting = client.get(url)  # unchanged without a filter: those under way on open cases
    assert _names(waiting) == {"Бекова", "Досов", "Омарова"}
    assert "Referrals under way" in waiting.content.decode()
    q1 = client.get(url, {"period": "2025-q1"})
    assert _names(q1) == {"Алиев", "Бекова", "Омарова"}
    assert "sent in Q1 2025" in q1.content.decode()
    assert _names(client.get(url, {"period": "2025-q1", "show": "completed"})) == {"Алиев"}
    assert _names(client.get(url, {"period": "2025-q1", "show": "overdue"})) == {"Бекова"}
    assert _names(client.get(url, {"period": "2025-q1", "district": world.merke.pk})) == {
        "Омарова"}
    assert _names(client.get(url, {"period": "2025", "school": cases.pk})) == {"Досов"}
    client.force_login(world.specialist)  # scope kept: Baizak's cases, not only their own
    assert _names(client.get(url, {"period": "2025-q1"})) == {"Алиев", "Бекова"}


# --- in a browser -------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 360])
def test_a_statistics_link_opens_a_filtered_list_that_says_so(page, axe, world, cases, width):
    from safechildhood.accounts.tests.factories import PASSWORD

    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(world.head.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/cases/?district={world.baizak.pk}&period=2025-q1&counted=group&owner=all")
    shown = page.locator("#case-filters-shown")
    assert "in the risk group at the end of the period: Q1 2025" in shown.inner_text()
    assert page.get_by_label("Period", exact=True).input_value() == "2025-q1"
    assert page.get_by_label("Status").locator("option:checked").inner_text() == "any status"
    assert page.get_by_role("heading", name="3 cases").is_visible()
    axe(page, f"cases_ind-case-list-{width}")
    page.screenshot(path=f"/tmp/cases_ind/case-list-{width}.png", full_page=True)  # noqa: S108
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shown.get_by_role("link", name="clear the filters").click()
    page.wait_for_url(lambda url: "period" not in url)
    assert "open cases" in page.locator("#case-filters-shown").inner_text()
