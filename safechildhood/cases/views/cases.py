"""Risk cases: list, page, assignment, plan, closure, review, reopening.

The list is scoped by the policy (the head: the region; a specialist: their districts, their own
cases first by default) and marks the cases with news since their owner last looked. The case
page is an audited read: its header, the actions the reader may take in the case's status, what
changed since the reader's last look, then the sections of ``cases/sections.py``. Each change is
a plain form post to one service; a refusal is shown on the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safechildhood.access.policy import Action, can, require
from safechildhood.accounts.models import Role
from safechildhood.cases import selectors
from safechildhood.cases.forms import (
    AssignForm,
    CaseFilterForm,
    ClosureForm,
    DecisionForm,
    PlanForm,
    ReopenForm,
    ReviewForm,
)
from safechildhood.cases.models import Category, RiskCase
from safechildhood.cases.sections import render_sections
from safechildhood.cases.services import lifecycle
from safechildhood.errors import DomainError, Forbidden, NotFound

CASES_PER_PAGE = 25
Status = RiskCase.Status


def category_labels(codes) -> list[str]:
    return [str(Category(c).label) for c in codes if c in Category.values]


# --- the list ----------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def case_list(request):
    actor = request.actor
    require(actor, Action.CASE_LIST)
    search = CaseFilterForm(request.GET or None,
                            districts=selectors.case_list_districts(actor=actor),
                            owners=selectors.case_list_owners(actor=actor),
                            schools=selectors.case_list_schools(actor=actor),
                            default_mine=actor.has_role(Role.CENTRE_SPECIALIST))
    page = Paginator(selectors.case_list(actor=actor, **search.filters()),
                     CASES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "search": search,
        "showing": search.active(),
        "page": page,
        "rows": [{"case": c, "categories": category_labels(c.categories)}
                 for c in page.object_list],
        "may_triage": can(actor, Action.TRIAGE_VIEW),
    }
    partial = (request.htmx and request.htmx.target == "case-results"
               and not request.htmx.history_restore_request)
    response = render(request, "cases/_case_results.html" if partial
                      else "cases/case_list.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- the case page -----------------------------------------------------------------------------


def _actions(actor, case: RiskCase, plan_context: dict) -> dict[str, bool]:
    """Which actions the reader has on the case in its current status."""
    may_work = can(actor, Action.CASE_WORK, case) and case.status != Status.PROPOSED
    return {
        "assign": can(actor, Action.CASE_ASSIGN, case) and case.is_open,
        "plan": may_work and plan_context["pending_plan"] is None,
        "review": may_work,
        "closure": (can(actor, Action.CASE_WORK, case) and plan_context["pending_closure"] is None
                    and any(lifecycle.TRANSITIONS.get((case.status, to)) == lifecycle.CLOSURE
                            for to in lifecycle.CLOSURE_TARGETS)),
        "reopen": (can(actor, Action.CASE_REOPEN, case)
                   and case.status in (Status.MONITORING, Status.CLOSED)),
    }


@never_cache
@login_required
@require_GET
def case_detail(request, pk: int):
    actor = request.actor
    case = selectors.case_get(actor=actor, pk=pk)
    changes = selectors.case_changes(actor=actor, case=case)
    plan_context = selectors.case_plan_section(actor, case)
    context = {
        "case": case,
        "pupil": case.pupil,
        "categories": category_labels(case.categories),
        "changes": changes,
        "review_overdue": plan_context["review_overdue"],
        "actions": _actions(actor, case, plan_context),
        "sections": render_sections(request, actor, case),
        "today": timezone.localdate(),
    }
    response = render(request, "cases/case_detail.html", context)
    lifecycle.case_seen(actor=actor, case=case)
    return response


# --- changes -----------------------------------------------------------------------------------


def _done(request, case: RiskCase, text: str):
    messages.success(request, text)
    return redirect("cases:case-detail", pk=case.pk)


def _form_page(request, case, template: str, form, status: int = 200, **extra):
    return render(request, template, {"case": case, "pupil": case.pupil, "form": form,
                                      **extra}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def case_assign(request, pk: int):
    actor = request.actor
    case = selectors.case_find(actor=actor, pk=pk)
    require(actor, Action.CASE_ASSIGN, case)
    form = AssignForm(request.POST if request.method == "POST" else None,
                      specialists=selectors.caseloads(case.district))
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.case_assign(actor=actor, case=case, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            return _done(request, case, gettext("The case is assigned."))
    return _form_page(request, case, "cases/case_assign.html", form,
                      status=400 if form.errors else 200, open=case.is_open)


def _require_work(actor, case: RiskCase) -> None:
    if not can(actor, Action.CASE_WORK, case):
        raise Forbidden(gettext("You do not have permission to do this."), code="forbidden")


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, pk: int):
    actor = request.actor
    case = selectors.case_find(actor=actor, pk=pk)
    _require_work(actor, case)
    form = PlanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lifecycle.plan_submit(actor=actor, case=case, goals=data["goals"],
                                  review_every_days=data["review_every_days"],
                                  actions=data["actions"])
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            return _done(request, case, gettext("The plan is sent to the centre head."))
    return _form_page(request, case, "cases/plan_form.html", form,
                      status=400 if form.errors else 200)


def _decide(request, obj, name: str, approve, send_back, approved_text: str,
            returned_text: str):
    """Approve or return a plan or a closure (``name``: the service's keyword for it)."""
    actor = request.actor
    case = obj.case
    require(actor, Action.CASE_APPROVE, case)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("cases:case-detail", pk=case.pk)
    comment = form.cleaned_data["comment"]
    try:
        if form.cleaned_data["decision"] == DecisionForm.APPROVE:
            approve(actor=actor, **{name: obj}, comment=comment)
            messages.success(request, approved_text)
        else:
            send_back(actor=actor, **{name: obj}, comment=comment)
            messages.success(request, returned_text)
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("cases:case-detail", pk=case.pk)


@login_required
@require_POST
def plan_decide(request, pk: int):
    plan = selectors.plan_find(actor=request.actor, pk=pk)
    return _decide(request, plan, "plan", lifecycle.plan_approve, lifecycle.plan_return,
                   gettext("The plan is approved."),
                   gettext("The plan is returned to the specialist with your comment."))


@login_required
@require_POST
def closure_decide(request, pk: int):
    closure = selectors.closure_find(actor=request.actor, pk=pk)
    return _decide(request, closure, "closure", lifecycle.closure_approve, lifecycle.closure_return,
                   gettext("The closure is approved."),
                   gettext("The closure is returned to the specialist with your comment."))


@login_required
@require_http_methods(["GET", "POST"])
def review_create(request, pk: int):
    actor = request.actor
    case = selectors.case_find(actor=actor, pk=pk)
    _require_work(actor, case)
    form = ReviewForm(request.POST if request.method == "POST" else None,
                      initial={"level": case.level})
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.review_record(actor=actor, case=case, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            return _done(request, case, gettext("The review is recorded."))
    return _form_page(request, case, "cases/review_form.html", form,
                      status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def closure_create(request, pk: int):
    actor = request.actor
    case = selectors.case_find(actor=actor, pk=pk)
    _require_work(actor, case)
    form = ClosureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.closure_propose(actor=actor, case=case, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            return _done(request, case, gettext("The proposal is sent to the centre head."))
    return _form_page(request, case, "cases/closure_form.html", form,
                      status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def case_reopen(request, pk: int):
    actor = request.actor
    case = selectors.case_find(actor=actor, pk=pk)
    require(actor, Action.CASE_REOPEN, case)
    form = ReopenForm(request.POST if request.method == "POST" else None,
                      specialists=selectors.caseloads(case.district))
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.case_reopen(actor=actor, case=case, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            error.add_to(form)
        else:
            return _done(request, case, gettext("The case is reopened."))
    return _form_page(request, case, "cases/case_reopen.html", form,
                      status=400 if form.errors else 200,
                      reopenable=case.status in (Status.MONITORING, Status.CLOSED))


urlpatterns = [
    path("", case_list, name="case-list"),
    path("<int:pk>/", case_detail, name="case-detail"),
    path("<int:pk>/assign/", case_assign, name="case-assign"),
    path("<int:pk>/plan/", plan_create, name="plan-create"),
    path("<int:pk>/review/", review_create, name="review-create"),
    path("<int:pk>/closure/", closure_create, name="closure-create"),
    path("<int:pk>/reopen/", case_reopen, name="case-reopen"),
    path("plans/<int:pk>/decide/", plan_decide, name="plan-decide"),
    path("closures/<int:pk>/decide/", closure_decide, name="closure-decide"),
]
