"""Referrals and the provider directory: the closed loop in the service (change, history, audit,
rollback, refusals) and on the pages (anonymous → login, out of scope → 404, happy path,
invalid form, overdue steps flagged)."""

from __future__ import annotations

import datetime as dt
import json
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from safechildhood.audit.models import AuditEvent
from safechildhood.cases.models import CaseEvent, Referral, ReferralStep
from safechildhood.cases.services.referrals import referral_send, referral_step_record
from safechildhood.cases.tests import referrals_world
from safechildhood.cases.tests.factories import ReferralFactory, RiskCaseFactory
from safechildhood.cases.tests.referrals_world import school_in
from safechildhood.errors import DomainError, Forbidden
from safechildhood.people.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db
world = referrals_world.world
_no_second_factor = referrals_world._no_second_factor

REASON = "Баланың ұйқысы бұзылған; психиатр кеңесі қажет."
S = Referral.Status


# --- the service -------------------------------------------------------------------------------


def test_sending_a_referral_records_the_step_the_history_and_the_audit(world):
    referral = referral_send(actor=world.owner, case=world.case, provider=world.psychiatrist,
                             reason=REASON)
    referral.refresh_from_db()
    assert referral.status == S.SENT and referral.reason == REASON
    assert referral.next_step_due == timezone.localdate() + dt.timedelta(days=14)
    assert ReferralStep.objects.get(referral=referral).status == S.SENT
    assert CaseEvent.objects.filter(case=world.case, kind=CaseEvent.Kind.REFERRAL).exists()
    audit = AuditEvent.objects.get(action="cases.referral.sent")
    assert audit.data["referral_id"] == referral.pk
    assert "психиатр" not in json.dumps(audit.data, ensure_ascii=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM cases_referral WHERE id = %s", [referral.pk])
        assert "психиатр" not in cursor.fetchone()[0]


def test_the_loop_closes_with_the_providers_feedback(world):
    referral = referral_send(actor=world.owner, case=world.case, provider=world.psychiatrist,
                             reason=REASON)
    for status in (S.ACCEPTED, S.ATTENDED):
        referral_step_record(actor=world.owner, referral=referral, status=status)
    with pytest.raises(DomainError) as missing:
        referral_step_record(actor=world.owner, referral=referral, status=S.FEEDBACK)
    assert missing.value.code == "feedback_missing"
    referral = referral_step_record(actor=world.owner, referral=referral, status=S.FEEDBACK,
                                    feedback="Diagnosis: none; follow-up in 3 months.")
    assert referral.status == S.FEEDBACK and referral.next_step_due is None
    assert AuditEvent.objects.filter(action="cases.referral.step_recorded").count() == 3


def test_a_step_out_of_order_is_refused(world):
    referral = referral_send(actor=world.owner, case=world.case, provider=world.psychiatrist,
                             reason=REASON)
    with pytest.raises(DomainError) as error:
        referral_step_record(actor=world.owner, referral=referral, status=S.ATTENDED)
    assert error.value.code == "bad_transition"


def test_a_colleague_cannot_refer_the_owners_case(world):
    with pytest.raises(Forbidden):
        referral_send(actor=world.colleague, case=world.case, provider=world.ngo, reason=REASON)


@pytest.mark.parametrize("provider", ["inactive", "far_provider"])
def test_only_active_providers_of_the_region(world, provider):
    with pytest.raises(DomainError) as error:
        referral_send(actor=world.owner, case=world.case, provider=getattr(world, provider),
                      reason=REASON)
    assert error.value.code == "bad_provider"


def test_sending_rolls_back_when_the_audit_log_fails(world):
    with mock.patch("safechildhood.cases.services.referrals.audit_record",
                    side_effect=RuntimeError("audit down")), pytest.raises(RuntimeError):
        referral_send(actor=world.owner, case=world.case, provider=world.ngo, reason=REASON)
    assert not Referral.objects.exists() and not ReferralStep.objects.exists()


# --- the pages ---------------------------------------------------------------------------------


def _login(client, actor):
    client.force_login(actor.user)


@pytest.mark.parametrize("name,kind", [
    ("cases:provider-list", None), ("cases:referral-list", None),
    ("cases:referral-create", "case"), ("cases:referral-detail", "referral")])
def test_anonymous_visitors_are_sent_to_log_in(client, world, name, kind):
    referral = ReferralFactory(case=world.case, provider=world.psychiatrist)
    args = {"case": [world.case.pk], "referral": [referral.pk], None: []}[kind]
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_referrals_of_another_district_are_not_found(client, world):
    merke_case = RiskCaseFactory(pupil=PupilFactory(school=world.school_b), active=True,
                                 owner=world.spec_b.user, opened_by=world.head.user)
    referral = ReferralFactory(case=merke_case, provider=world.paediatrician)
    _login(client, world.owner)
    assert client.get(reverse("cases:referral-detail", args=[referral.pk])).status_code == 404
    assert client.get(reverse("cases:referral-create", args=[merke_case.pk])).status_code == 404
    assert client.post(reverse("cases:referral-step", args=[referral.pk]),
                       {"status": "accepted"}).status_code == 404


def test_the_directory_filters_by_kind_and_district(client, world):
    _login(client, world.owner)
    url = reverse("cases:provider-list")
    everything = client.get(url).content.decode()
    for name in ("Baizak child psychiatry", "Family support NGO", "Merke polyclinic"):
        assert name in everything
    assert "Closed clinic" not in everything and "Far clinic" not in everything
    baizak = client.get(url, {"district": world.baizak.pk}).content.decode()
    assert "Baizak child psychiatry" in baizak and "Family support NGO" in baizak
    assert "Merke polyclinic" not in baizak
    ngos = client.get(url, {"kind": "ngo"}, HTTP_HX_REQUEST="true",
                      HTTP_HX_TARGET="provider-results").content.decode()
    assert "Family support NGO" in ngos and "Baizak child psychiatry" not in ngos
    assert "<html" not in ngos  # the htmx partial


def test_sending_a_referral_and_recording_each_step_from_the_pages(client, world):
    _login(client, world.owner)
    url = reverse("cases:referral-create", args=[world.case.pk])
    form = client.get(url).content.decode()
    assert form.index("Baizak child psychiatry") < form.index("Merke polyclinic")
    response = client.post(url, {"provider": world.psychiatrist.pk, "reason": REASON})
    referral = Referral.objects.get()
    assert response["Location"] == reverse("cases:referral-detail", args=[referral.pk])
    detail = client.get(response["Location"]).content.decode()
    assert REASON in detail and "accepted" in detail
    assert AuditEvent.objects.filter(action="cases.referral.viewed").exists()
    step = reverse("cases:referral-step", args=[referral.pk])
    client.post(step, {"status": "accepted"})
    client.post(step, {"status": "attended"})
    missing = client.post(step, {"status": "feedback"})
    assert missing.status_code == 400
    assert "Write down the provider&#x27;s feedback." in missing.content.decode()
    client.post(step, {"status": "feedback", "feedback": "Seen; no medication."})
    referral.refresh_from_db()
    assert referral.status == S.FEEDBACK
    closed = client.get(reverse("cases:referral-detail", args=[referral.pk])).content.decode()
    assert "loop is closed" in closed and "Seen; no medication." in closed


def test_an_invalid_referral_form_says_what_to_fix(client, world):
    _login(client, world.owner)
    response = client.post(reverse("cases:referral-create", args=[world.case.pk]),
                           {"provider": world.far_provider.pk, "reason": ""})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose a provider from the list." in text and "Say why the child is referred." in text
    assert not Referral.objects.exists()


def test_a_declined_referral_needs_a_reason(client, world):
    referral = referral_send(actor=world.owner, case=world.case, provider=world.ngo,
                             reason=REASON)
    _login(client, world.owner)
    response = client.post(reverse("cases:referral-step", args=[referral.pk]),
                           {"status": "declined"})
    assert response.status_code == 400 and "Say why." in response.content.decode()


def test_overdue_referrals_are_flagged_first(client, world):
    late = ReferralFactory(case=world.case, provider=world.psychiatrist,
                           next_step_due=timezone.localdate() - dt.timedelta(days=3))
    other_case = RiskCaseFactory(pupil=PupilFactory(school=school_in(world.baizak)),
                                 active=True, owner=world.owner.user, opened_by=world.head.user)
    ReferralFactory(case=other_case, provider=world.ngo)
    _login(client, world.owner)
    page = client.get(reverse("cases:referral-list")).content.decode()
    assert page.count("overdue since") == 1
    assert page.index(world.pupil.full_name) < page.index(other_case.pupil.full_name)
    detail = client.get(reverse("cases:referral-detail", args=[late.pk])).content.decode()
    assert "overdue since" in detail


def test_the_case_page_section_lists_referrals_with_their_state(rf, world):
    from django.template.loader import render_to_string

    from safechildhood.cases.selectors_referrals import case_referrals_section

    ReferralFactory(case=world.case, provider=world.psychiatrist,
                    next_step_due=timezone.localdate() - dt.timedelta(days=1))
    request = rf.get("/")
    request.actor = world.owner
    html = render_to_string("cases/_section_referrals.html",
                            case_referrals_section(world.owner, world.case), request=request)
    assert "Baizak child psychiatry" in html and "overdue since" in html
    assert "Refer to a provider" in html and "Schedule a re-screening" in html


def _queries(client, url) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_lists_read_in_a_fixed_number_of_queries(client, world):
    from safechildhood.directory.tests.factories import ServiceProviderFactory

    _login(client, world.head)
    providers, referrals = reverse("cases:provider-list"), reverse("cases:referral-list")
    ReferralFactory(case=world.case, provider=world.psychiatrist)
    few = _queries(client, providers), _queries(client, referrals)
    for _ in range(3):
        case = RiskCaseFactory(pupil=PupilFactory(school=school_in(world.merke)), active=True,
                               owner=world.spec_b.user, opened_by=world.head.user)
        ReferralFactory(case=case, provider=ServiceProviderFactory(region=world.region))
    assert (_queries(client, providers), _queries(client, referrals)) == few
