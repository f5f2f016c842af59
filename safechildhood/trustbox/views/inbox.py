"""The centre's inbox of the trust box: messages waiting for an answer (urgent first, then the
oldest), one message with its answers, and the actions on it: answer, set the priority, close
or reopen. Each view parses with a form, reads through a selector, changes through one service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safechildhood.access.policy import Action, can, require
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.trustbox import selectors, services, urgency
from safechildhood.trustbox.forms import (
    ConvertForm,
    InboxFilterForm,
    LookupIINForm,
    LookupNameForm,
    PriorityForm,
    PupilSearchForm,
    ReplyForm,
)

MESSAGES_PER_PAGE = 25


@never_cache
@login_required
@require_GET
def inbox(request):
    actor = request.actor
    search = InboxFilterForm(request.GET or None)
    page = Paginator(selectors.message_list(actor=actor, show=search.show_value()),
                     MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"message": m, "signals": urgency.signal_labels(m.signals)}
            for m in page.object_list]
    return render(request, "trustbox/inbox.html", {
        "search": search, "page": page, "rows": rows,
        "counts": selectors.message_counts(actor=actor)})


def _detail(request, message, *, reply_form=None, status=200):
    actor = request.actor
    return render(request, "trustbox/message_detail.html", {
        "message": message,
        "signals": urgency.signal_labels(message.signals),
        "replies": list(message.replies.all()),
        "reply_form": reply_form or ReplyForm(),
        "priority_form": PriorityForm(initial={"priority": message.priority}),
        "may_reply": can(actor, Action.TRUST_MESSAGE_REPLY, message),
        "may_convert": (message.concern_id is None
                        and can(actor, Action.TRUST_MESSAGE_CONVERT, message)),
    }, status=status)


@never_cache
@login_required
@require_GET
def message_detail(request, pk: int):
    message = selectors.message_get(actor=request.actor, pk=pk)
    return _detail(request, message)


LOOKUPS = ("iin", "name")


@never_cache
@login_required
@sensitive_post_parameters("narrative", "safety_actions", "by_iin-iin", "by_name-last_name",
                           "by_name-first_name")
@require_http_methods(["GET", "POST"])
def message_convert(request, pk: int):
    """Turn a message into a concern about a pupil: find the child (name or IIN among the
    children the specialist may see; or, for a child new to the centre, the look-up by exact
    IIN or exact name and school, sent by POST so that nothing typed lands in a URL), then the
    concern form of disclosures, started from the message."""
    actor = request.actor
    message = selectors.message_find(actor=actor, pk=pk)
    require(actor, Action.TRUST_MESSAGE_CONVERT, message)
    if message.concern_id is not None:
        messages.info(request, gettext("A concern has already been recorded from this "
                                       "message."))
        return redirect("trustbox:message-detail", pk=message.pk)
    message = selectors.message_get(actor=actor, pk=pk)  # the text is shown: an audited read
    pupils = selectors.convert_pupils(actor=actor, message=message)
    schools = selectors.convert_lookup_school_list(actor=actor, message=message)
    lookup = request.POST.get("lookup") if request.method == "POST" else None
    search = PupilSearchForm(request.GET if request.method == "GET" else
                             {"q": request.POST.get("q", "")})
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    iin_form, name_form = LookupIINForm(prefix="by_iin"), LookupNameForm(prefix="by_name",
                                                                         schools=schools)
    candidates, looked_up, status = None, None, 200
    if lookup in LOOKUPS:
        query = ""
        if lookup == "iin":
            iin_form = LookupIINForm(request.POST, prefix="by_iin")
            if iin_form.is_valid():
                candidates = selectors.convert_pupil_lookup(
                    actor=actor, message=message, iin=iin_form.cleaned_data["iin"])
        else:
            name_form = LookupNameForm(request.POST, prefix="by_name", schools=schools)
            if name_form.is_valid():
                data = name_form.cleaned_data
                candidates = selectors.convert_pupil_lookup(
                    actor=actor, message=message, last_name=data["last_name"],
                    first_name=data["first_name"], school=data["school"])
        if candidates is None:  # the look-up form has errors: nothing was searched
            candidates, status = [], 400
        else:
            looked_up = lookup
        form = ConvertForm(pupils=pupils, initial={
            "narrative": message.body, "immediate_danger": message.is_urgent})
    elif request.method == "POST":
        form = ConvertForm(request.POST, pupils=pupils)
        if form.is_valid():
            data = form.cleaned_data
            try:
                concern = services.message_convert(
                    actor=actor, message=message, pupil=data["pupil"],
                    category=data["category"], triage_category=data["triage_category"],
                    immediate_danger=data["immediate_danger"],
                    safety_actions=data["safety_actions"], narrative=data["narrative"],
                    send_report=data["send_report"])
            except (NotFound, Forbidden):
                raise
            except DomainError as error:
                error.add_to(form)
            else:
                messages.success(request, gettext(
                    "The concern is recorded and linked to this message (concern %(number)s). "
                    "Answer the child here as before.") % {"number": concern.pk})
                return redirect("trustbox:message-detail", pk=message.pk)
        status = 400
        # the child chosen (perhaps found by a look-up) stays on the page with the answers
        chosen_pupil = form.cleaned_data.get("pupil")
        candidates = selectors.convert_pupil_search(actor=actor, message=message, query=query)
        if chosen_pupil is not None and chosen_pupil not in candidates:
            candidates.insert(0, chosen_pupil)
    else:
        form = ConvertForm(pupils=pupils, initial={
            "narrative": message.body, "immediate_danger": message.is_urgent})
    if candidates is None:
        candidates = selectors.convert_pupil_search(actor=actor, message=message, query=query)
    chosen = form["pupil"].value()
    return render(request, "trustbox/message_convert.html", {
        "message": message, "search": search, "query": query, "form": form,
        "iin_form": iin_form, "name_form": name_form, "looked_up": looked_up,
        "candidates": candidates, "chosen": str(chosen) if chosen else "",
    }, status=status)


@login_required
@sensitive_post_parameters("body")
@require_http_methods(["POST"])
def message_reply(request, pk: int):
    actor = request.actor
    message = selectors.message_find(actor=actor, pk=pk)
    require(actor, Action.TRUST_MESSAGE_REPLY, message)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply_add(actor=actor, message=message, body=form.cleaned_data["body"])
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            form.add_error("body", error.message)
        else:
            messages.success(request, gettext(
                "The answer is saved. The child reads it with the reply code."))
            return redirect("trustbox:message-detail", pk=message.pk)
    message = selectors.message_get(actor=actor, pk=pk)
    return _detail(request, message, reply_form=form, status=400)


@login_required
@require_POST
def message_priority(request, pk: int):
    actor = request.actor
    message = selectors.message_find(actor=actor, pk=pk)
    require(actor, Action.TRUST_MESSAGE_REPLY, message)
    form = PriorityForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose urgent or normal."))
    else:
        services.message_set_priority(actor=actor, message=message,
                                      priority=form.cleaned_data["priority"])
        messages.success(request, gettext("Priority saved."))
    return redirect("trustbox:message-detail", pk=message.pk)


@login_required
@require_POST
def message_close(request, pk: int):
    actor = request.actor
    message = selectors.message_find(actor=actor, pk=pk)
    require(actor, Action.TRUST_MESSAGE_REPLY, message)
    try:
        if request.POST.get("reopen"):
            services.message_reopen(actor=actor, message=message)
            messages.success(request, gettext("The message is open again."))
        else:
            services.message_close(actor=actor, message=message)
            messages.success(request, gettext("The message is closed. The child can still "
                                              "read the answers with the code."))
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        messages.info(request, error.message)
    return redirect("trustbox:message-detail", pk=message.pk)
