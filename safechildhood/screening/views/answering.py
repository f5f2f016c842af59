"""The pupil's pages at the short address /q/: enter the one-time code, answer page by page,
finish. No login and no script: every page is a plain form, small enough for a slow village
connection. The session remembers only which assignment the code opened; the answers live in
the database, so a dropped connection or a closed tab resumes where it stopped."""

from __future__ import annotations

import hashlib

from django.conf import settings
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

SESSION_KEY = "sc_answer_assignment"
SESSION_LANG = "sc_answer_language"
WINDOW = 600  # seconds over which wrong codes are counted


def _language(request) -> str:
    chosen = request.session.get(SESSION_LANG) or request.GET.get("lang") or ""
    codes = [code for code, _label in settings.LANGUAGES]
    if chosen in codes:
        return chosen
    return translation.get_language_from_request(request) or settings.LANGUAGE_CODE


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
    language = _language(request)
    form = CodeForm(request.POST or None, initial={"language": language})
    status = 200
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        request.session[SESSION_LANG] = language
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
                request.session.cycle_key()
                request.session[SESSION_KEY] = assignment.pk
                request.session[SESSION_LANG] = language
                return redirect("answer:page")
    return _render(request, "screening/answer_code.html", {"form": form}, language, status)


def _pause_message():
    from django.utils.translation import gettext_lazy as _

    return _("Too many wrong codes from this place. Wait ten minutes, or ask your school "
             "psychologist.")


def _current_assignment(request) -> Assignment | None:
    assignment_id = request.session.get(SESSION_KEY)
    if assignment_id is None:
        return None
    return (Assignment.objects.select_related("campaign")
            .filter(pk=assignment_id).first())


@never_cache
@require_http_methods(["GET", "POST"])
def page(request):
    language = _language(request)
    assignment = _current_assignment(request)
    if assignment is None:
        return redirect("answer:code")
    if assignment.status == Assignment.Status.COMPLETED:
        return redirect("answer:done")
    if assignment.status not in (Assignment.Status.PENDING, Assignment.Status.IN_PROGRESS):
        request.session.pop(SESSION_KEY, None)
        return redirect("answer:code")
    if request.method == "POST" and request.POST.get("language") in dict(settings.LANGUAGES):
        # switching the language keeps the answers: it only changes how the page reads
        request.session[SESSION_LANG] = request.POST["language"]
        return redirect("answer:page")
    current = answering.page_current(assignment=assignment)
    if current is None:
        return redirect("answer:done")
    form = PageForm(current, language, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                answering.page_save(assignment=assignment,
                                    instrument_code=form.cleaned_data["instrument"],
                                    position=form.cleaned_data["position"],
                                    answers=form.answers(), language=language)
            except DomainError as error:
                with translation.override(language):
                    form.add_error(None, str(error.message))
                status = 400
            else:
                return redirect("answer:page")  # a reload never sends the page again
        elif form.has_error("__all__", "stale"):
            # a page already saved (another tab, a resent form): show the current one
            return redirect("answer:page")
        else:
            status = 400
    return _render(request, "screening/answer_page.html", {
        "current": current, "form": form, "instrument": current.instrument,
        "name": current.instrument.localized(current.instrument.name, language),
        "instructions": current.instrument.localized(current.instrument.instructions, language)
        if current.instrument.instructions else "",
        "percent": round(100 * current.position / max(current.questions, 1)),
    }, language, status)


@never_cache
def done(request):
    language = _language(request)
    assignment = _current_assignment(request)
    if assignment is not None and assignment.status != Assignment.Status.COMPLETED:
        return redirect("answer:page")
    request.session.pop(SESSION_KEY, None)
    return _render(request, "screening/answer_done.html", {}, language)


urlpatterns = [
    path("", code_enter, name="code"),
    path("answer/", page, name="page"),
    path("done/", done, name="done"),
]
