"""The whole path in Debian's Chromium: a pupil answers PHQ-A with item 9 positive on a phone;
the specialist on duty sees the crisis alert and acknowledges it; the centre head's audit trail
shows each step."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safechildhood.audit.models import AuditEvent
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import CrisisAlert
from safechildhood.screening.tests import alerts_fixtures
from safechildhood.screening.tests.alerts_fixtures import shift
from safechildhood.screening.tests.factories import make_assignment

world = alerts_fixtures.world
_no_second_factor = alerts_fixtures._no_second_factor


def _log_in(page, user):
    from safechildhood.accounts.tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.endswith("/"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_pupils_item_9_answer_reaches_the_specialist_on_duty_and_the_audit_trail(
        chromium, live_server, axe, world, settings):
    shift(world, world.spec_a, world.baizak)
    child = PupilFactory(school=world.school_a, grade=8)
    _assignment, code = make_assignment(world.campaign, child, instruments=["phq-a"])

    # the pupil, on a cheap phone, without logging in
    pupil = chromium.new_context(viewport={"width": 360, "height": 740},
                                 base_url=live_server.url)
    phone = pupil.new_page()
    phone.goto(reverse("answer:code"))
    axe(phone, "answer-code")
    phone.get_by_label("English").check()
    phone.get_by_label("Your code").fill(code.lower())
    phone.get_by_role("button", name="Start").click()
    phone.get_by_role("heading", level=1).filter(has_text="PHQ-A").wait_for()
    axe(phone, "answer-page")
    while "/q/answer/" in phone.url:
        for group in phone.locator("fieldset").all():
            legend = group.locator("legend").inner_text()
            options = group.get_by_role("radio")
            if "better off dead" in legend:
                group.get_by_label("Several days").check()
            elif options.count():
                options.last.check() if "Yes" not in group.inner_text() else \
                    group.get_by_label("No").check()
        phone.get_by_role("button", name="Next").click()
        phone.wait_for_load_state()
    phone.get_by_role("heading", name="Thank you!").wait_for()
    assert "111" in phone.content()
    axe(phone, "answer-done")
    pupil.close()
    alert = CrisisAlert.objects.get(pupil=child)
    assert alert.on_duty == world.spec_a.user

    # the specialist on duty
    staff = chromium.new_context(viewport={"width": 360, "height": 740},
                                 base_url=live_server.url)
    page = staff.new_page()
    _log_in(page, world.spec_a.user)
    page.goto(reverse("screening:alert-list"))
    page.locator("#alert-results tbody a").first.click()
    page.get_by_role("heading", name="Answers that raised the alert").wait_for()
    page.get_by_role("button", name="Acknowledge: the centre is acting on it").click()
    page.get_by_text("The alert is acknowledged").wait_for()
    staff.close()
    alert.refresh_from_db()
    assert alert.status == CrisisAlert.Status.ACKNOWLEDGED

    # the centre head reads the trail
    head = chromium.new_context(viewport={"width": 1280, "height": 900},
                                base_url=live_server.url)
    page = head.new_page()
    _log_in(page, world.head.user)
    page.goto(reverse("audit:event-list"))
    body = page.content()
    for label in ("Pupil started a questionnaire", "Questionnaire submitted",
                  "Crisis alert raised", "Opened a crisis alert",
                  "Acknowledged a crisis alert"):
        assert label in body, label
    axe(page, "audit-trail-alert")
    head.close()
    steps = list(AuditEvent.objects.filter(action__startswith="screening.").order_by("id")
                 .values_list("action", flat=True))
    assert steps.index("screening.alert.raised") < steps.index("screening.alert.acknowledged")
