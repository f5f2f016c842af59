"""The child's pages at /trust/: write a message, then read the centre's answer with the reply
code. No login and no script; a plain form on one small page.

Nothing about the writer is kept: no network address, browser or session is stored with the
message, and the views use no session at all. Abuse is held back in the cache only, under a keyed
hash of the address that expires: a few messages an hour, a few wrong codes in ten minutes. The
text and the code travel only in POST bodies (never in an address a server log could record) and
are masked in error reports. A reloaded "sent" page cannot send the message twice: each form
carries a one-time token, remembered (hashed) in the cache for an hour.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from safechildhood.errors import DomainError
from safechildhood.trustbox import selectors, services
from safechildhood.trustbox.codes import reply_code_display
from safechildhood.trustbox.forms import WRONG_CODE, CodeForm, MessageForm

SEND_WINDOW = 3600  # seconds over which sent messages are counted per address
CODE_WINDOW = 600  # seconds over which wrong reply codes are counted per address
NONCE_SECONDS = 3600

SENT_TOO_OFTEN = _("You have sent several messages in the last hour. Wait a little before "
                   "writing again. If you need help now, call 111.")
NOT_SENT = _("Your message could not be sent. Please try again.")
ALREADY_SENT = _("This message has already been sent. Its reply code was shown on the page "
                 "after sending.")
CODE_PAUSED = _("Too many wrong codes from this place. Wait ten minutes and try again.")


def _address_key(request, purpose: str) -> str:
    """A cache key for this network address: a keyed hash (HMAC-SHA-256 under a key derived
    from SECRET_KEY), cut to 128 bits. Without the key it cannot be turned back into the
    address, it lives only in the cache and expires with its window; nothing is written to the
    database."""
    key = hashlib.sha256(f"trust-address:{settings.SECRET_KEY}".encode()).digest()
    address = request.META.get("REMOTE_ADDR", "")
    digest = hmac.new(key, f"{purpose}:{address}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"trust-{purpose}:{digest}"


def _count(key: str) -> int:
    return cache.get(key, 0)


def _bump(key: str, window: int) -> None:
    cache.add(key, 0, window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)


def _language(request) -> str:
    chosen = request.POST.get("language") or request.GET.get("lang") or ""
    if chosen in dict(settings.LANGUAGES):
        return chosen
    return translation.get_language_from_request(request) or settings.LANGUAGE_CODE


def _render(request, template: str, context: dict, language: str, status: int = 200):
    with translation.override(language):
        response = render(request, template, {**context, "language": language,
                                              "languages": settings.LANGUAGES}, status=status)
    response["Content-Language"] = language
    response["Cache-Control"] = "no-store"
    return response


def _nonce_key(nonce: str) -> str:
    return "trust-nonce:" + hashlib.sha256(f"{settings.SECRET_KEY}:{nonce}".encode()).hexdigest()


def _write_context(form: MessageForm, *, school, district) -> dict:
    schools = selectors.public_schools(district) if district is not None else None
    return {"form": form, "school": school, "district": district,
            "schools": schools, "districts": selectors.public_districts(),
            "max_chars": settings.TRUST_MESSAGE_MAX_CHARS}


def _place(data) -> tuple:
    """The school and district a (re)shown form carries: a school brings its district."""
    school = selectors.public_school(data.get("school"))
    district = school.district if school is not None else None
    if district is None and (data.get("district") or "").isdigit():
        district = selectors.public_districts().filter(pk=int(data["district"])).first()
    return school, district


def _fresh_form(language: str, data=None) -> tuple[MessageForm, object, object]:
    """An unbound form, keeping what the child already typed (``data``): used for the first
    page and for the steps that only change the place."""
    data = data or {}
    school, district = _place(data)
    initial = {
        "language": language, "body": data.get("body", ""),
        "contact": data.get("contact") or MessageForm.base_fields["contact"].initial,
        "contact_details": data.get("contact_details", ""),
        "school": school.pk if school else None, "district": district.pk if district else None,
        "nonce": data.get("nonce") or secrets.token_urlsafe(16),
    }
    return MessageForm(initial=initial), school, district


@never_cache
@sensitive_post_parameters("body", "contact_details")
@require_http_methods(["GET", "POST"])
def write(request):
    language = _language(request)
    if request.method == "GET":
        form, school, district = _fresh_form(language, request.GET)
        return _render(request, "trustbox/write.html",
                       _write_context(form, school=school, district=district), language)
    step = request.POST.get("step", "send")
    if step in ("place", "clear"):
        data = request.POST.copy()
        if step == "clear":
            data["school"], data["district"] = "", ""
        else:
            data["school"] = ""  # a new district: the school is chosen again from its list
        form, school, district = _fresh_form(language, data)
        return _render(request, "trustbox/write.html",
                       _write_context(form, school=school, district=district), language)
    return _send(request, language)


def _send(request, language: str):
    form = MessageForm(request.POST)
    school, district = _place(request.POST)
    status = 400
    with translation.override(language):
        if form.is_bot:
            form.add_error(None, NOT_SENT)  # say nothing about why
        elif _count(_address_key(request, "send")) >= settings.TRUST_MESSAGES_PER_HOUR:
            form.add_error(None, SENT_TOO_OFTEN)
            status = 429
        elif form.is_valid():
            if not cache.add(_nonce_key(form.cleaned_data["nonce"]), 1, NONCE_SECONDS):
                return _render(request, "trustbox/sent.html", {"code": None,
                                                               "already": ALREADY_SENT},
                               language)
            data = form.cleaned_data
            try:
                received = services.message_submit(
                    body=data["body"], language=language, school=data["school"],
                    district=data["district"], contact=data["contact"],
                    contact_details=data["contact_details"])
            except DomainError as error:
                cache.delete(_nonce_key(data["nonce"]))
                error.add_to(form)
            else:
                _bump(_address_key(request, "send"), SEND_WINDOW)
                return _render(request, "trustbox/sent.html", {
                    "code": reply_code_display(received.code),
                    "urgent": received.message.is_urgent}, language)
    form.data = form.data.copy()
    form.data["website"] = ""  # a person's browser may have filled it: let a retry pass
    return _render(request, "trustbox/write.html",
                   _write_context(form, school=school, district=district), language, status)


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def read(request):
    """Enter the reply code, see the answers. A wrong code, a malformed one and one that opens
    nothing get the same page; after ``TRUST_CODE_ATTEMPTS`` wrong ones from an address in ten
    minutes, even a right code waits."""
    language = _language(request)
    if request.method == "GET":
        form = CodeForm(initial={"language": language})
        return _render(request, "trustbox/read.html", {"form": form}, language)
    form = CodeForm(request.POST)
    key = _address_key(request, "code")
    with translation.override(language):
        if _count(key) >= settings.TRUST_CODE_ATTEMPTS:
            return _render(request, "trustbox/read.html", {
                "form": CodeForm(initial={"language": language}), "error": CODE_PAUSED},
                language, 429)
        message = services.message_by_code(code=form.cleaned_data["code"]) \
            if form.is_valid() else None
        if message is None:
            if form.has_error("code", "required"):
                error = form.errors["code"][0]
            else:
                _bump(key, CODE_WINDOW)
                error = WRONG_CODE
            return _render(request, "trustbox/read.html", {
                "form": CodeForm(initial={"language": language}), "error": error},
                language, 400)
    return _render(request, "trustbox/thread.html", {
        "message": message, "replies": list(message.replies.all())}, language)
