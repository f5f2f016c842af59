"""The pupil's pages at the short address /q/: enter the one-time code, answer page by page,
finish. No login and no script: every page is a plain form, small enough for a slow village
connection. The answers live in the database, so a dropped connection or a closed tab resumes
where it stopped.

Which questionnaire the browser is answering is carried in a *ticket*: a signed, timestamped
cookie limited to /q/ holding the assignment's id, a keyed tag of its current code and the
language. It replaces the database session on this path (no session row is read or written per
page, and the staff session machinery never starts for a pupil). It grants no more than the
session did: only the questionnaire of the code that was entered, only while it is being
answered; it lapses after ``SESSION_COOKIE_AGE`` seconds without a page (each page renews it)
and when the browser closes; a new code for the assignment voids it. Forms keep Django's CSRF
protection (its cookie token, no session needed)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from safechildhood.errors import DomainError
from safechildhood.screening.forms_answer import CodeForm, PageForm
from safechildhood.screening.models import Assignment
from safechildhood.screening.services import answering
from safechildhood.screening.services.codes import code_tag

TICKET_COOKIE = "sc_q"
TICKET_PATH = "/q/"
_TICKET_SALT = "screening.answer.ticket"
WINDOW = 600  # seconds over which wrong codes are counted
_LANGUAGES = {code for code, _label in settings.LANGUAGES}


@dataclass(frozen=True)
class Ticket:
    assignment_id: int
    tag: str
    language: str


def _ticket(request) -> Ticket | None:
    raw = request.COOKIES.get(TICKET_COOKIE)
    if not raw:
        return None
    try:
        value = signing.TimestampSigner(salt=_TICKET_SALT).unsign(
            raw, max_age=settings.SESSION_COOKIE_AGE)
        assignment_id, tag, language = value.split(":")
        return Ticket(int(assignment_id), tag, language if language in _LANGUAGES else "")
    except (signing.BadSignature, ValueError):
        return None


def _give_ticket(response, assignment_id: int, tag: str, language: str):
    value = signing.TimestampSigner(salt=_TICKET_SALT).sign(f"{assignment_id}:{tag}:{language}")
    # no max_age: the cookie ends with the browser; the signed timestamp ends it when idle
    response.set_cookie(TICKET_COOKIE, value, path=TICKET_PATH, httponly=True,
                        secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")
    return response


def _drop_ticket(response):
    response.delete_cookie(TICKET_COOKIE, path=TICKET_PATH, samesite="Lax")
    return response


def _language(request, ticket: Ticket | None = None) -> str:
    if ticket is not None and ticket.language:
        return ticket.language
    chosen = request.GET.get("lang", "")
    if chosen in _LANGUAGES:
        return chosen
    return getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE


def _attempts_key(request) -> str:
    """Wrong codes are counted per network address, kept only as a keyed hash for ten
    minutes: a whole class behind one school address still fits in the allowance."""
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"answer-code:{digest}"


def _render(request, template: str, context: dict, language: str, status: int = 200):
    with translation.override(language):
        response = render(request, template, {**context, "language": language,
                                              "languages": settings.LANGUAGES}, status=status)
    response["Content-Language"] = language
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def code_enter(request):
    language = _language(request, _ticket(request))
    form = CodeForm(request.POST or None, initial={"language": language})
    status = 200
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        key = _attempts_key(request)
        if cache.get(key, 0) >= settings.ANSWER_CODE_ATTEMPTS:
            with translation.override(language):
                form.add_error("code", DomainError(_pause_message()).message)
            status = 429
        else:
            try:
                assignment = answering.assignment_open(code=form.cleaned_data["code"])
            except DomainError as error:
                cache.add(key, 0, WINDOW)
                cache.incr(key)
                with translation.override(language):
                    form.add_error("code", str(error.message))
                status = 400
            else:
                return _give_ticket(redirect("answer:page"), assignment.pk,
                                    code_tag(assignment.code_hash), language)
    return _render(request, "screening/answer_code.html", {"form": form}, language, status)


def _pause_message():
    from django.utils.translation import gettext_lazy as _

    return _("Too many wrong codes from this place. Wait ten minutes, or ask your school "
             "psychologist.")


def _answers(post) -> dict[str, str]:
    return {name[2:]: value for name, value in post.items() if name.startswith("q_")}


@never_cache
@require_http_methods(["GET", "POST"])
def page(request):
    ticket = _ticket(request)
    if ticket is None:
        return redirect("answer:code")
    language = _language(request, ticket)
    if request.method == "POST":
        chosen = request.POST.get("language")
        if chosen in _LANGUAGES:
            # switching the language keeps the answers: it only changes how the page reads
            return _give_ticket(redirect("answer:page"), ticket.assignment_id, ticket.tag,
                                chosen)
        try:
            outcome = answering.page_submit(
                assignment_id=ticket.assignment_id, tag=ticket.tag,
                instrument_code=request.POST.get("instrument", ""),
                position=request.POST.get("position", ""), answers=_answers(request.POST),
                language=language)
        except DomainError as error:
            return _page(request, ticket, language, error)
        if outcome == answering.Outcome.CLOSED:
            return _drop_ticket(redirect("answer:code"))
        if outcome == answering.Outcome.FINISHED:
            return redirect("answer:done")
        # saved, or a page already saved (another tab, a resent form): show the current one;
        # a reload never sends the page again
        return _give_ticket(redirect("answer:page"), ticket.assignment_id, ticket.tag,
                            language)
    return _page(request, ticket, language)


def _page(request, ticket: Ticket, language: str, error: DomainError | None = None):
    assignment = answering.assignment_for_ticket(assignment_id=ticket.assignment_id,
                                                 tag=ticket.tag)
    if assignment is None or assignment.status not in (
            Assignment.Status.PENDING, Assignment.Status.IN_PROGRESS,
            Assignment.Status.COMPLETED):
        return _drop_ticket(redirect("answer:code"))
    current = None
    if assignment.status != Assignment.Status.COMPLETED:
        current = answering.page_current(assignment=assignment)
    if current is None:
        return redirect("answer:done")
    form = PageForm(current, language, request.POST if error is not None else None)
    status = 200
    if error is not None:
        # the answers were refused: show each question's own message where the form finds one
        if form.is_valid():
            with translation.override(language):
                form.add_error(None, str(error.message))
        status = 400
    response = _render(request, "screening/answer_page.html", {
        "current": current, "form": form, "instrument": current.instrument,
        "name": current.instrument.localized(current.instrument.name, language),
        "instructions": current.instrument.localized(current.instrument.instructions, language)
        if current.instrument.instructions else "",
        "percent": round(100 * current.position / max(current.questions, 1)),
    }, language, status)
    return _give_ticket(response, ticket.assignment_id, ticket.tag, language)


@never_cache
def done(request):
    ticket = _ticket(request)
    language = _language(request, ticket)
    if ticket is not None:
        assignment = answering.assignment_for_ticket(assignment_id=ticket.assignment_id,
                                                     tag=ticket.tag)
        if assignment is not None and assignment.status != Assignment.Status.COMPLETED:
            return redirect("answer:page")
    return _drop_ticket(_render(request, "screening/answer_done.html", {}, language))


urlpatterns = [
    path("", code_enter, name="code"),
    path("answer/", page, name="page"),
    path("done/", done, name="done"),
]
