"""Triage: accepting a child into the risk group or declining (services), and the queue and the
decision page (views): scope, evidence, filters, pagination, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safechildhood.audit.models import AuditEvent
from safechildhood.cases.models import CaseEvent, RiskCase
from safechildhood.cases.services import triage
from safechildhood.cases.tests import case_world
from safechildhood.cases.tests.case_world import REASON
from safechildhood.cases.tests.factories import RiskCaseFactory, TriageProposalFactory
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import TriageProposal
from safechildhood.screening.tests.factories import make_assignment, make_campaign

world = case_world.world
pytestmark = pytest.mark.django_db
Status = TriageProposal.Status


@pytest.fixture(autouse=True)
def _plain_login(settings):
    settings.REQUIRE_OTP = False


def _login(client, user):
    client.force_login(user)
    return client


# --- services ----------------------------------------------------------------------------------


def test_accepting_opens_a_case_waiting_for_a_specialist(world):
    proposal = TriageProposalFactory(pupil=world.pupil)
    case = triage.proposal_accept(actor=world.actors["head"], proposal=proposal,
                                  categories=["depression", "trauma_violence"], level="high",
                                  reason=REASON)
    assert case.status == RiskCase.Status.PROPOSED and case.owner is None
    assert case.categories == ["depression", "trauma_violence"]
    proposal.refresh_from_db()
    assert proposal.status == Status.ACCEPTED and proposal.decided_by == world.head
    assert list(case.proposals.all()) == [proposal]
    event = CaseEvent.objects.get(case=case)
    assert event.kind == CaseEvent.Kind.ACCEPTED and event.actor == world.head
    audit = AuditEvent.objects.get(action="cases.case.opened")
    assert audit.data["case_id"] == case.pk and "PHQ" not in str(audit.data)


def test_accepting_with_a_specialist_makes_the_case_active(world):
    proposal = TriageProposalFactory(pupil=world.pupil)
    case = triage.proposal_accept(actor=world.actors["head"], proposal=proposal,
                                  categories=["depression"], level="high", reason=REASON,
                                  specialist=world.specialist)
    assert case.status == RiskCase.Status.ACTIVE and case.owner == world.specialist


def test_a_second_proposal_joins_the_open_case(world):
    head = world.actors["head"]
    first = triage.proposal_accept(actor=head, proposal=TriageProposalFactory(pupil=world.pupil),
                                   categories=["depression"], level="medium", reason=REASON)
    concern = TriageProposalFactory(pupil=world.pupil, concern=True, reported_by=world.psychologist)
    second = triage.proposal_accept(actor=head, proposal=concern, categories=["bullying"],
                                    level="high", reason="Beaten after school.")
    assert second.pk == first.pk
    second.refresh_from_db()
    assert second.categories == ["depression", "bullying"] and second.level == "high"
    assert RiskCase.objects.filter(pupil=world.pupil).count() == 1
    added = CaseEvent.objects.get(case=second, kind=CaseEvent.Kind.PROPOSAL_ADDED)
    assert added.data["categories_added"] == ["bullying"] and added.data["level_from"] == "medium"


def test_declining_keeps_the_proposal_on_record_with_the_reason(world):
    proposal = TriageProposalFactory(pupil=world.pupil)
    with pytest.raises(DomainError) as refused:
        triage.proposal_decline(actor=world.actors["head"], proposal=proposal, reason="  ")
    assert refused.value.code == "reason_missing"
    triage.proposal_decline(actor=world.actors["head"], proposal=proposal,
                            reason="Known to the centre; situation resolved.")
    proposal.refresh_from_db()
    assert proposal.status == Status.DECLINED
    assert proposal.decision_reason == "Known to the centre; situation resolved."
    assert AuditEvent.objects.filter(action="cases.proposal.declined").exists()
    with pytest.raises(DomainError) as again:
        triage.proposal_accept(actor=world.actors["head"], proposal=proposal,
                               categories=["depression"], level="high", reason=REASON)
    assert again.value.code == "already_decided"


def test_an_acceptance_needs_categories_a_level_and_a_reason(world):
    proposal = TriageProposalFactory(pupil=world.pupil)
    for kwargs, code in [({"categories": [], "level": "high", "reason": "r"}, "categories_missing"),
                         ({"categories": ["x"], "level": "high", "reason": "r"},
                          "categories_missing"),
                         ({"categories": ["depression"], "level": "", "reason": "r"},
                          "level_missing"),
                         ({"categories": ["depression"], "level": "high", "reason": ""},
                          "reason_missing")]:
        with pytest.raises(DomainError) as refused:
            triage.proposal_accept(actor=world.actors["head"], proposal=proposal, **kwargs)
        assert refused.value.code == code


@pytest.mark.parametrize("who", ["specialist", "psychologist", "school_admin",
                                 "police_inspector", "prosecutor_analyst", "regional_admin"])
def test_only_the_centre_head_decides(world, who):
    actor = world.actors.get(who) or world.other_roles[who]
    proposal = TriageProposalFactory(pupil=world.pupil)
    with pytest.raises((Forbidden, NotFound)):
        triage.proposal_accept(actor=actor, proposal=proposal, categories=["depression"],
                               level="high", reason=REASON)
    with pytest.raises((Forbidden, NotFound)):
        triage.proposal_decline(actor=actor, proposal=proposal, reason="no")


def test_the_head_of_another_region_does_not_find_the_proposal(world):
    with pytest.raises(NotFound):
        triage.proposal_decline(actor=world.actors["stranger_head"],
                                proposal=TriageProposalFactory(pupil=world.pupil), reason="x")


def _alert(world):
    from safechildhood.screening.tests.factories import make_alert

    campaign = make_campaign(region=world.region, centre=world.centre, created_by=world.head)
    assignment, _code = make_assignment(campaign, world.pupil)
    return make_alert(assignment, world.psychologist)


def test_a_crisis_alert_becomes_a_case_with_its_proposals(world):
    alert = _alert(world)
    proposals = list(TriageProposal.objects.filter(response_id=alert.response_id))
    assert proposals
    case = triage.alert_accept(actor=world.actors["head"], alert=alert,
                               categories=["suicide_risk"], level="critical", reason=REASON,
                               specialist=world.specialist)
    assert case.alert == alert and case.status == RiskCase.Status.ACTIVE
    assert set(case.proposals.all()) == set(proposals)
    assert not TriageProposal.objects.filter(pk__in=[p.pk for p in proposals],
                                             status=Status.PROPOSED).exists()


def test_accepting_an_alerts_proposal_links_the_alert(world):
    alert = _alert(world)
    proposal = TriageProposal.objects.filter(response_id=alert.response_id).first()
    case = triage.proposal_accept(actor=world.actors["head"], proposal=proposal,
                                  categories=[proposal.category], level=proposal.level,
                                  reason=REASON)
    assert case.alert == alert


# --- the queue ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    proposal = TriageProposalFactory(pupil=world.pupil)
    for url in (reverse("cases:triage-queue"),
                reverse("cases:triage-decide", args=[proposal.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]
    response = client.post(reverse("cases:proposal-accept", args=[proposal.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_queue_groups_proposals_per_pupil_with_their_evidence(client, world):
    TriageProposalFactory(pupil=world.pupil)
    TriageProposalFactory(pupil=world.pupil, concern=True, reported_by=world.psychologist)
    other = PupilFactory(school=world.merke_school, last_name="Омаров")
    TriageProposalFactory(pupil=other, critical=True)
    response = _login(client, world.head).get(reverse("cases:triage-queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 pupils" in html
    # the critical one comes first; the evidence and the reporter are shown
    assert html.index("Омаров") < html.index("Серікова")
    assert "Score: 17" in html and "concern raised by staff" in html
    assert str(world.psychologist) in html
    assert html.count('class="button" href="/cases/triage/') == 3


def test_a_specialist_sees_their_districts_queue_read_only(client, world):
    TriageProposalFactory(pupil=world.pupil)
    TriageProposalFactory(pupil=PupilFactory(school=world.merke_school, last_name="Омаров"))
    response = _login(client, world.specialist).get(reverse("cases:triage-queue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Серікова" in html and "Омаров" not in html and ">Decide<" not in html


def test_a_school_psychologist_has_no_triage_queue(client, world):
    response = _login(client, world.psychologist).get(reverse("cases:triage-queue"))
    assert response.status_code == 403


def test_the_queue_filters_by_district_category_source_and_decision(client, world):
    TriageProposalFactory(pupil=world.pupil)
    merke = PupilFactory(school=world.merke_school, last_name="Омаров")
    TriageProposalFactory(pupil=merke, concern=True, reported_by=world.merke_psychologist)
    declined = TriageProposalFactory(pupil=PupilFactory(school=world.school, last_name="Ахметов"),
                                     status=Status.DECLINED, decided_by=world.head,
                                     decision_reason="Resolved")
    client = _login(client, world.head)
    url = reverse("cases:triage-queue")

    def names(params):
        html = client.get(url, params).content.decode()
        return {n for n in ("Серікова", "Омаров", "Ахметов") if n in html}

    assert names({}) == {"Серікова", "Омаров"}
    assert names({"district": world.merke.pk}) == {"Омаров"}
    assert names({"category": "depression"}) == {"Серікова"}
    assert names({"source": "concern"}) == {"Омаров"}
    assert names({"source": "alert"}) == set()
    assert names({"show": "declined"}) == {"Ахметов"}
    decided = client.get(reverse("cases:triage-decide", args=[declined.pk])).content.decode()
    assert "Resolved" in decided and "Accept into the risk group" not in decided


def test_the_queue_paginates_and_its_queries_do_not_grow(client, world,
                                                         django_assert_max_num_queries):
    client = _login(client, world.head)
    TriageProposalFactory(pupil=world.pupil)
    client.get(reverse("cases:triage-queue"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("cases:triage-queue"))
    for _n in range(24):
        TriageProposalFactory(pupil=PupilFactory(school=world.school))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("cases:triage-queue"))
    assert "Page 1 of 2" in response.content.decode()
    second = client.get(reverse("cases:triage-queue"), {"page": 2},
                        HTTP_HX_REQUEST="true", HTTP_HX_TARGET="triage-results")
    html = second.content.decode()
    assert "Page 2 of 2" in html and "<html" not in html


# --- the decision page -------------------------------------------------------------------------


def test_the_decision_page_shows_the_evidence_and_is_audited(client, world):
    proposal = TriageProposalFactory(pupil=world.pupil)
    response = _login(client, world.head).get(reverse("cases:triage-decide", args=[proposal.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Score" in html and "17" in html and "Accept into the risk group" in html
    assert f"{world.specialist} (open cases: 0)" in html
    audit = AuditEvent.objects.get(action="cases.proposal.viewed")
    assert audit.data == {"triage_proposal_id": proposal.pk, "pupil_id": world.pupil.pk}


def test_a_proposal_of_another_region_is_not_found(client, world):
    proposal = TriageProposalFactory(pupil=world.pupil)
    client = _login(client, world.stranger_head)
    assert client.get(reverse("cases:triage-decide", args=[proposal.pk])).status_code == 404
    response = client.post(reverse("cases:proposal-accept", args=[proposal.pk]), {})
    assert response.status_code == 404


def test_accepting_through_the_page_opens_the_case_page(client, world):
    proposal = TriageProposalFactory(pupil=world.pupil)
    response = _login(client, world.head).post(
        reverse("cases:proposal-accept", args=[proposal.pk]),
        {"categories": ["depression", "anxiety"], "level": "high", "reason": REASON,
         "specialist": world.specialist.pk})
    case = RiskCase.objects.get(pupil=world.pupil)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case-detail", args=[case.pk])
    assert case.owner == world.specialist and case.reason == REASON


def test_an_invalid_acceptance_is_shown_on_the_form(client, world):
    proposal = TriageProposalFactory(pupil=world.pupil)
    response = _login(client, world.head).post(
        reverse("cases:proposal-accept", args=[proposal.pk]),
        {"level": "high", "reason": "", "specialist": world.merke_specialist.pk})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one risk category." in html
    assert not RiskCase.objects.exists()


def test_declining_through_the_page_needs_a_reason(client, world):
    proposal = TriageProposalFactory(pupil=world.pupil)
    client = _login(client, world.head)
    url = reverse("cases:proposal-decline", args=[proposal.pk])
    bad = client.post(url, {"reason": ""})
    assert bad.status_code == 400 and "Write why the proposal is declined." in bad.content.decode()
    good = client.post(url, {"reason": "Not a risk."})
    assert good.status_code == 302 and good["Location"] == reverse("cases:triage-queue")
    proposal.refresh_from_db()
    assert proposal.status == Status.DECLINED


def test_a_specialist_cannot_post_a_decision(client, world):
    proposal = TriageProposalFactory(pupil=world.pupil)
    client = _login(client, world.specialist)
    response = client.post(reverse("cases:proposal-decline", args=[proposal.pk]),
                           {"reason": "no"})
    assert response.status_code == 403
    page = client.get(reverse("cases:triage-decide", args=[proposal.pk])).content.decode()
    assert "Accept into the risk group" not in page


def test_a_pupil_with_an_open_case_is_marked_in_the_queue(client, world):
    RiskCaseFactory(pupil=world.pupil, active=True, owner=world.specialist, opened_by=world.head)
    TriageProposalFactory(pupil=world.pupil, concern=True, reported_by=world.psychologist)
    html = _login(client, world.head).get(reverse("cases:triage-queue")).content.decode()
    assert "already in the risk group" in html


def test_a_disclosure_shows_who_told_how_and_the_danger(client, world):
    TriageProposalFactory(
        pupil=world.pupil, source=TriageProposal.Source.DISCLOSURE, reported_by=world.psychologist,
        category=TriageProposal.Category.FAMILY_VIOLENCE, level=TriageProposal.Level.CRITICAL,
        evidence={"concern": 1, "category": "family_violence", "disclosed_by": "child",
                  "channel": "trust_box", "immediate_danger": True})
    html = _login(client, world.head).get(reverse("cases:triage-queue")).content.decode()
    for text in ("violence in the family", "disclosure", "Who told: the child themself",
                 "How: through the trust box", "Immediate danger: yes", str(world.psychologist)):
        assert text in html, text
