"""The case list and the case page with its action pages: anonymous → login, out of scope → 404,
the happy path, an invalid form, the audited read, "changed since your last look", the sections,
query counts, and the pupil page's risk-group line for the school."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safechildhood.audit.models import AuditEvent
from safechildhood.cases import sections
from safechildhood.cases.models import (
    CaseEvent,
    CasePlan,
    CaseView,
    Decision,
    Referral,
    ReferralStep,
    RiskCase,
)
from safechildhood.cases.selectors import changes_for_owner
from safechildhood.cases.services import lifecycle
from safechildhood.cases.tests import case_world
from safechildhood.cases.tests.case_world import REASON
from safechildhood.cases.tests.factories import (
    CaseClosureFactory,
    CaseEventFactory,
    CasePlanFactory,
    PlanActionFactory,
    ReferralFactory,
    RiskCaseFactory,
    TriageProposalFactory,
)
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.tests.factories import make_alert, make_assignment, make_campaign

world = case_world.world
pytestmark = pytest.mark.django_db
Status = RiskCase.Status


@pytest.fixture(autouse=True)
def _plain_login(settings):
    settings.REQUIRE_OTP = False


def _login(client, user):
    client.force_login(user)
    return client


def _active(w, **kw) -> RiskCase:
    kw.setdefault("pupil", w.pupil)
    return RiskCaseFactory(active=True, owner=kw.pop("owner", w.specialist), opened_by=w.head,
                           reason=REASON, **kw)


def _url(name, obj) -> str:
    return reverse(f"cases:{name}", args=[obj.pk])


# --- access ------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    case = _active(world)
    plan = CasePlanFactory(case=case)
    closure = CaseClosureFactory(case=case)
    urls = [reverse("cases:case-list")] + [
        _url(n, case) for n in ("case-detail", "case-assign", "plan-create", "review-create",
                                "closure-create", "case-reopen")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url
    for url in (_url("plan-decide", plan), _url("closure-decide", closure)):
        response = client.post(url, {"decision": "approve"})
        assert response.status_code == 302 and "/login" in response["Location"], url


def test_a_case_outside_the_actors_area_is_not_found(client, world):
    case = _active(world)
    plan = CasePlanFactory(case=case)
    for user in (world.merke_specialist, world.stranger_head):
        c = _login(client, user)
        for name in ("case-detail", "plan-create", "review-create", "closure-create"):
            assert c.get(_url(name, case)).status_code == 404, (user, name)
        assert c.post(_url("plan-decide", plan), {"decision": "approve"}).status_code == 404
    c = _login(client, world.stranger_head)
    assert c.get(_url("case-assign", case)).status_code == 404
    assert c.get(_url("case-reopen", case)).status_code == 404


def test_a_school_psychologist_never_opens_the_case(client, world):
    case = _active(world)
    c = _login(client, world.psychologist)
    assert c.get(reverse("cases:case-list")).status_code == 403
    assert c.get(_url("case-detail", case)).status_code == 403


def test_a_colleague_reads_the_case_but_does_not_work_it(client, world):
    case = _active(world)
    c = _login(client, world.colleague)
    page = c.get(_url("case-detail", case)).content.decode()
    assert "Propose a plan" not in page and "Reassign" not in page
    assert c.get(_url("plan-create", case)).status_code == 403
    assert c.get(_url("case-assign", case)).status_code == 403


# --- the list ----------------------------------------------------------------------------------


def _names(response) -> set[str]:
    html = response.content.decode()
    return {n for n in ("Серікова", "Омаров", "Ахметов", "Байжанов") if n in html}


def test_the_list_is_scoped_and_a_specialist_starts_with_their_own_cases(client, world):
    _active(world)
    _active(world, pupil=PupilFactory(school=world.school, last_name="Ахметов"),
            owner=world.colleague)
    _active(world, pupil=PupilFactory(school=world.merke_school, last_name="Омаров"),
            owner=world.merke_specialist)
    url = reverse("cases:case-list")
    spec = _login(client, world.specialist)
    assert _names(spec.get(url)) == {"Серікова"}
    assert _names(spec.get(url, {"owner": "all"})) == {"Серікова", "Ахметов"}
    head = _login(client, world.head)
    assert _names(head.get(url)) == {"Серікова", "Ахметов", "Омаров"}
    assert _names(head.get(url, {"district": world.merke.pk})) == {"Омаров"}
    assert _names(head.get(url, {"owner": world.colleague.pk})) == {"Ахметов"}
    assert _names(_login(client, world.stranger_head).get(url)) == set()


def test_the_list_filters_by_status_and_category(client, world):
    _active(world, categories=["depression", "bullying"])
    RiskCaseFactory(pupil=PupilFactory(school=world.school, last_name="Ахметов"), closed=True,
                    owner=world.specialist, opened_by=world.head, categories=["anxiety"])
    RiskCaseFactory(pupil=PupilFactory(school=world.school, last_name="Байжанов"),
                    opened_by=world.head, categories=["anxiety"])
    c = _login(client, world.head)
    url = reverse("cases:case-list")
    assert _names(c.get(url)) == {"Серікова", "Байжанов"}  # open cases by default
    assert _names(c.get(url, {"status": "closed"})) == {"Ахметов"}
    assert _names(c.get(url, {"status": "proposed"})) == {"Байжанов"}
    assert _names(c.get(url, {"category": "bullying"})) == {"Серікова"}
    assert _names(c.get(url, {"category": "anxiety"})) == {"Байжанов"}
    assert "nobody yet" in c.get(url).content.decode()


def test_the_list_marks_cases_changed_since_the_owners_last_look(client, world):
    case = _active(world)
    quiet = _active(world, pupil=PupilFactory(school=world.school, last_name="Ахметов"))
    for c in (case, quiet):
        CaseView.objects.create(case=c, user=world.specialist,
                                seen_at=timezone.now() - dt.timedelta(hours=1))
    TriageProposalFactory(pupil=world.pupil, concern=True, reported_by=world.psychologist)
    html = _login(client, world.head).get(reverse("cases:case-list")).content.decode()
    assert html.count('<span class="badge badge-warn">changed</span>') == 2  # legend + one
    assert html.index("Серікова") < html.index("Ахметов")  # changed cases first


def test_the_lists_queries_do_not_grow_with_the_cases(client, world, django_assert_num_queries):
    c = _login(client, world.head)
    _active(world)
    c.get(reverse("cases:case-list"))
    with CaptureQueriesContext(connection) as one:
        c.get(reverse("cases:case-list"))
    for n in range(12):
        owner = world.colleague if n % 2 else world.specialist
        case = _active(world, pupil=PupilFactory(school=world.school), owner=owner)
        CaseEventFactory(case=case, kind=CaseEvent.Kind.ASSIGNED, actor=world.head)
    with django_assert_num_queries(len(one.captured_queries)):
        response = c.get(reverse("cases:case-list"))
    assert response.status_code == 200 and "13 cases" in response.content.decode()


# --- the case page -----------------------------------------------------------------------------


def test_the_case_page_shows_the_header_and_sections_and_is_audited(client, world):
    case = _active(world, categories=["depression", "bullying"])
    plan = CasePlanFactory(case=case, approved=True, goals="Мақсат: мектепке қайту")
    PlanActionFactory(plan=plan, description="Home visit with the mother")
    CaseEventFactory(case=case, kind=CaseEvent.Kind.ASSIGNED, actor=world.head,
                     data={"from": None, "to": world.specialist.pk})
    response = _login(client, world.specialist).get(_url("case-detail", case))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Серікова", "Abai school", "Baizak", "depression, bullying", "high",
                 "active", str(world.specialist), "Plan in force", "Мақсат: мектепке қайту",
                 "Home visit with the mother", "History", "specialist assigned",
                 f"to {world.specialist}", "PHQ-A 19"):
        assert text in html, text
    audit = AuditEvent.objects.get(action="cases.case.viewed")
    assert audit.data == {"case_id": case.pk, "pupil_id": world.pupil.pk}
    assert CaseView.objects.filter(case=case, user=world.specialist).exists()


def test_the_page_shows_what_changed_since_the_readers_last_look(client, world):
    case = _active(world)
    c = _login(client, world.specialist)
    first = c.get(_url("case-detail", case)).content.decode()
    assert "Nothing new since you last looked" not in first
    # news arrives: the head reassigns back and forth, a concern comes in
    CaseEventFactory(case=case, kind=CaseEvent.Kind.PLAN_RETURNED, actor=world.head)
    TriageProposalFactory(pupil=world.pupil, concern=True, reported_by=world.psychologist)
    second = c.get(_url("case-detail", case)).content.decode()
    assert "plan returned" in second and "new concern: bullying" in second
    third = c.get(_url("case-detail", case)).content.decode()
    assert "Nothing new since you last looked" in third


def test_a_missing_section_template_is_left_out(client, world, monkeypatch):
    case = _active(world)
    monkeypatch.setattr(sections, "SECTIONS", (
        ("cases/_section_not_there.html", "safechildhood.cases.selectors.nothing"),
        *sections.SECTIONS))
    response = _login(client, world.head).get(_url("case-detail", case))
    assert response.status_code == 200 and "History" in response.content.decode()


def test_an_overdue_review_is_flagged(client, world):
    case = _active(world, review_overdue=True)
    html = _login(client, world.specialist).get(_url("case-detail", case)).content.decode()
    assert "review overdue" in html


def test_actions_follow_the_status(client, world):
    proposed = RiskCaseFactory(pupil=world.pupil, opened_by=world.head)
    head = _login(client, world.head)
    html = head.get(_url("case-detail", proposed)).content.decode()
    assert "Assign a specialist" in html and "Propose a plan" not in html and ">Reopen<" not in html
    closed = RiskCaseFactory(pupil=PupilFactory(school=world.school), closed=True,
                             owner=world.specialist, opened_by=world.head)
    html = head.get(_url("case-detail", closed)).content.decode()
    assert ">Reopen<" in html and "Assign a specialist" not in html
    assert "Propose closing" not in html


# --- assignment --------------------------------------------------------------------------------


def test_assigning_through_the_page_with_caseloads_in_view(client, world):
    case = RiskCaseFactory(pupil=world.pupil, opened_by=world.head)
    _active(world, pupil=PupilFactory(school=world.school), owner=world.colleague)
    c = _login(client, world.head)
    page = c.get(_url("case-assign", case)).content.decode()
    assert f"{world.colleague} (open cases: 1)" in page
    assert f"{world.specialist} (open cases: 0)" in page
    assert f'<option value="{world.merke_specialist.pk}"' not in page
    bad = c.post(_url("case-assign", case), {"specialist": ""})
    assert bad.status_code == 400 and "This field is required" in bad.content.decode()
    good = c.post(_url("case-assign", case), {"specialist": world.specialist.pk})
    assert good.status_code == 302 and good["Location"] == _url("case-detail", case)
    case.refresh_from_db()
    assert case.status == Status.ACTIVE and case.owner == world.specialist


def test_a_specialist_cannot_open_the_assignment_page(client, world):
    case = _active(world)
    assert _login(client, world.specialist).get(_url("case-assign", case)).status_code == 403


# --- plan --------------------------------------------------------------------------------------


def test_proposing_a_plan_through_the_page(client, world):
    case = _active(world)
    c = _login(client, world.specialist)
    assert c.get(_url("plan-create", case)).status_code == 200
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    bad = c.post(_url("plan-create", case), {"goals": "Goals", "review_every_days": 30,
                                             "action_1": "Visit"})
    assert bad.status_code == 400 and "Give the due date" in bad.content.decode()
    past = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    refused = c.post(_url("plan-create", case), {"goals": "Goals", "review_every_days": 30,
                                                 "action_1": "Visit", "due_1": past})
    assert refused.status_code == 400 and "cannot be due in the past" in refused.content.decode()
    good = c.post(_url("plan-create", case), {"goals": "Goals", "review_every_days": 30,
                                              "action_1": "Visit", "due_1": due,
                                              "action_2": "Call the mother", "due_2": due})
    assert good.status_code == 302
    plan = CasePlan.objects.get(case=case)
    assert plan.status == Decision.SUBMITTED and plan.actions.count() == 2


def test_the_head_approves_or_returns_a_plan_on_the_case_page(client, world):
    case = _active(world)
    plan = lifecycle.plan_submit(actor=world.actors["specialist"], case=case, goals="G",
                                 review_every_days=21,
                                 actions=[("Visit", timezone.localdate())])
    c = _login(client, world.head)
    assert "Decide on the plan" in c.get(_url("case-detail", case)).content.decode()
    no_comment = c.post(_url("plan-decide", plan), {"decision": "return", "comment": ""},
                        follow=True)
    assert "Say what needs to change" in no_comment.content.decode()
    plan.refresh_from_db()
    assert plan.status == Decision.SUBMITTED
    c.post(_url("plan-decide", plan), {"decision": "approve", "comment": ""})
    plan.refresh_from_db()
    assert plan.status == Decision.APPROVED
    again = c.post(_url("plan-decide", plan), {"decision": "approve"}, follow=True)
    assert "already been decided" in again.content.decode()


def test_a_specialist_cannot_decide_on_a_plan(client, world):
    plan = CasePlanFactory(case=_active(world))
    response = _login(client, world.specialist).post(_url("plan-decide", plan),
                                                     {"decision": "approve"})
    assert response.status_code == 403


# --- review, closure, reopening ----------------------------------------------------------------


def test_recording_a_review_through_the_page(client, world):
    case = _active(world, review_overdue=True)
    c = _login(client, world.specialist)
    bad = c.post(_url("review-create", case), {"level": "", "summary": ""})
    assert bad.status_code == 400
    good = c.post(_url("review-create", case), {"level": "medium", "summary": "Better."})
    assert good.status_code == 302
    case.refresh_from_db()
    assert case.level == "medium" and case.next_review_on > timezone.localdate()
    assert "review overdue" not in c.get(_url("case-detail", case)).content.decode()


def test_proposing_and_approving_a_closure_through_the_pages(client, world):
    case = _active(world)
    spec = _login(client, world.specialist)
    bad = spec.post(_url("closure-create", case), {"to_status": "closed", "note": "Done"})
    assert bad.status_code == 400 and "Choose the reason" in bad.content.decode()
    spec.post(_url("closure-create", case), {"to_status": "closed", "reason": "handed_over",
                                             "note": "Handed to social protection."})
    closure = case.closures.get()
    head = _login(client, world.head)
    head.post(_url("closure-decide", closure), {"decision": "approve"})
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.close_reason == "handed_over"
    html = head.get(_url("case-detail", case)).content.decode()
    assert "handed to another service" in html and "closure approved" in html


def test_reopening_through_the_page(client, world):
    closed = RiskCaseFactory(pupil=world.pupil, closed=True, owner=world.specialist,
                             opened_by=world.head)
    c = _login(client, world.head)
    bad = c.post(_url("case-reopen", closed), {"reason": ""})
    assert bad.status_code == 400
    good = c.post(_url("case-reopen", closed), {"reason": "New concern.",
                                                "specialist": world.colleague.pk})
    assert good.status_code == 302
    closed.refresh_from_db()
    assert closed.status == Status.ACTIVE and closed.owner == world.colleague
    page = c.get(_url("case-reopen", closed)).content.decode()
    assert "Only a case in monitoring or a closed case can be reopened." in page


# --- the pupil page: the school sees only that the child is in the risk group ------------------


def test_the_school_psychologist_sees_the_risk_group_and_the_owner_only(client, world):
    case = _active(world)
    CasePlanFactory(case=case, goals="Secret centre goals")
    c = _login(client, world.psychologist)
    html = c.get(reverse("people:pupil-detail", args=[world.pupil.pk])).content.decode()
    assert "Risk group" in html and str(world.specialist) in html
    assert "PHQ-A 19" not in html and "Secret centre goals" not in html and "depression" not in html


def test_the_pupil_page_says_nothing_without_an_open_case(client, world):
    RiskCaseFactory(pupil=world.pupil, closed=True, owner=world.specialist, opened_by=world.head)
    html = _login(client, world.psychologist).get(
        reverse("people:pupil-detail", args=[world.pupil.pk])).content.decode()
    assert "Risk group" not in html


def test_the_owner_is_told_of_alerts_screening_results_and_referral_feedback(client, world):
    case = _active(world)
    quiet = _active(world, pupil=PupilFactory(school=world.school, last_name="Ахметов"))
    referral = ReferralFactory(case=case)
    for c in (case, quiet):
        CaseView.objects.create(case=c, user=world.specialist,
                                seen_at=timezone.now() - dt.timedelta(minutes=5))
    campaign = make_campaign(region=world.region, centre=world.centre, created_by=world.head)
    make_alert(make_assignment(campaign, world.pupil)[0], world.psychologist)
    ReferralStep.objects.create(referral=referral, status=Referral.Status.FEEDBACK,
                                by=world.head, note="Seen by the psychiatrist.")
    # the owner's own steps are not news to them
    ReferralStep.objects.create(referral=referral, status=Referral.Status.ACCEPTED,
                                by=world.specialist)

    news = changes_for_owner(world.actors["specialist"])
    assert [item.case.pk for item in news] == [case.pk]
    labels = [change.label for change in news[0].changes]
    assert "new crisis alert" in labels and "new screening answers submitted" in labels
    assert "referral: feedback received" in labels
    assert "referral: accepted" not in labels
    assert any(label.startswith("new screening result: ") for label in labels)

    html = _login(client, world.specialist).get(_url("case-detail", case)).content.decode()
    assert "new crisis alert" in html and "referral: feedback received" in html
    assert changes_for_owner(world.actors["specialist"]) == []
