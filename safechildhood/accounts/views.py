"""Login with a second factor, logout, the account page."""

from __future__ import annotations

import base64
import math
from urllib.parse import urlencode

import django_otp
import segno
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from safechildhood.access.policy import actor_for, needs_second_factor
from safechildhood.accounts import services
from safechildhood.accounts.forms import LoginForm, MembershipSwitchForm, TokenForm
from safechildhood.accounts.middleware import SESSION_MEMBERSHIP, second_factor_required
from safechildhood.accounts.models import Membership
from safechildhood.errors import DomainError, NotFound


def _safe_next(request, candidate: str | None) -> str:
    """``candidate`` if it points into this site, else the home page."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _second_factor_pending(request) -> bool:
    """Signed in with the password, the second factor still to come (so the menu is hidden)."""
    return not request.user.is_verified() and second_factor_required(request.actor)


def _second_factor_passed(request, device) -> None:
    """Mark the session verified, under a new key: the session now carries more trust than
    the one the password opened."""
    django_otp.login(request, device)
    request.session.cycle_key()


def _set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax", secure=settings.LANGUAGE_COOKIE_SECURE, httponly=False,
    )


def _apply_language(request, response, user) -> None:
    """The language stored on the account wins; an account without one keeps the language the
    person picked on the login page, so the choice sticks on every device."""
    if user.language in dict(settings.LANGUAGES):
        translation.activate(user.language)
        _set_language_cookie(response, user.language)
        return
    picked = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if picked in dict(settings.LANGUAGES):
        services.user_set_language(user=user, language=picked)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url)
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth_login(request, user)  # also gives the session a new key
        request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
        actor = actor_for(user)
        if actor.membership is not None:
            request.session[SESSION_MEMBERSHIP] = actor.membership.pk
        services.user_login_record(actor=actor)
        if second_factor_required(actor):
            step = ("accounts:otp-verify" if services.otp_device_confirmed(user=user)
                    else "accounts:otp-setup")
            response = HttpResponseRedirect(_with_next(step, next_url))
        else:
            response = HttpResponseRedirect(next_url)
        _apply_language(request, response, user)
        return response
    return render(request, "accounts/login.html", {
        "form": form, "next": request.POST.get("next") or request.GET.get("next", ""),
    })


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Set up the authenticator app: scan the QR code (or type the key), confirm with a code."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if services.otp_device_confirmed(user=request.user) is not None:
        if request.user.is_verified():
            messages.info(request, _("Your authenticator app is already set up."))
            return redirect("accounts:profile")
        return redirect(_with_next("accounts:otp-verify", next_url))
    device = services.otp_device_prepare(user=request.user)
    form = TokenForm(request.POST or None, initial={"next": next_url})
    form.fields["token"].widget.attrs.pop("autofocus", None)  # read the steps first
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_device_confirm(actor=request.actor, device_id=device.pk,
                                                 token=form.cleaned_data["token"])
        except NotFound as error:
            messages.error(request, error.message)
            return redirect(_with_next("accounts:otp-setup", next_url))
        except DomainError as error:
            form.add_error("token", error.message)
        else:
            _second_factor_passed(request, device)
            messages.success(request, _("The second factor is set up. Next time, after the "
                                        "password, type the code from the app."))
            return redirect(next_url)
    pending = _second_factor_pending(request)
    uri = device.config_url
    # Drawn here as inline SVG (no outside service ever sees the secret); it scales to the
    # screen, and the lowest error correction keeps the code coarse enough for old phone cameras.
    qr = segno.make(uri, error="l", boost_error=False).svg_inline(
        omitsize=True, border=4, dark="#000", light="#fff")
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/otp_setup.html", {
        "form": form,
        "qr_svg": qr,
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        "issuer": settings.OTP_TOTP_ISSUER,
        "account": request.user.get_username(),
        "pending": pending,
        "actor": None if pending else request.actor,
    })


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The second step of the login: the code from the authenticator app."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_verified():
        return redirect(next_url)
    if services.otp_device_confirmed(user=request.user) is None:
        return redirect(_with_next("accounts:otp-setup", next_url))
    form = TokenForm(request.POST or None, initial={"next": next_url})
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_token_check(actor=request.actor,
                                              token=form.cleaned_data["token"])
        except DomainError as error:
            form.add_error("token", error.message)
        else:
            _second_factor_passed(request, device)
            return redirect(next_url)
    pending = _second_factor_pending(request)
    return render(request, "accounts/otp_verify.html", {
        "form": form, "pending": pending, "actor": None if pending else request.actor,
    })


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def logout_view(request):
    """GET asks to confirm; only a POST ends the session (a link cannot log anyone out)."""
    if request.method == "POST":
        services.user_logout_record(actor=request.actor)
        auth_logout(request)
        messages.info(request, _("You have logged out."))
        return redirect(settings.LOGOUT_REDIRECT_URL)
    pending = _second_factor_pending(request)
    return render(request, "accounts/logout.html", {
        "actor": None if pending else request.actor,
    })


@login_required
def profile(request):
    memberships = (Membership.objects.filter(user=request.user)
                   .select_related("school", "centre", "police_unit", "prosecutor_office",
                                   "region_scope")
                   .prefetch_related("districts")
                   .order_by("-is_active", "pk"))
    device = services.otp_device_confirmed(user=request.user)
    active = [m for m in memberships if m.is_active]
    return render(request, "accounts/profile.html", {
        "memberships": memberships,
        "switchable": active if len(active) > 1 else [],
        "current_membership": request.actor.membership,
        "device": device,
        "second_factor_required": needs_second_factor(request.actor),
        "REQUIRE_OTP": settings.REQUIRE_OTP,
    })


@require_POST
@login_required
def membership_switch(request):
    form = MembershipSwitchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of your roles."))
        return redirect("accounts:profile")
    try:
        membership = services.membership_switch(actor=request.actor,
                                                membership_id=form.cleaned_data["membership"])
    except NotFound as error:
        raise Http404(error.message) from None
    request.session[SESSION_MEMBERSHIP] = membership.pk
    messages.success(request, _("You now work as %(role)s · %(scope)s.") % {
        "role": membership.get_role_display(), "scope": membership.scope_label,
    })
    return redirect("ui:home")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(user=request.user,
                              data=request.POST if request.method == "POST" else None)
    for name, autocomplete in (("old_password", "current-password"),
                               ("new_password1", "new-password"),
                               ("new_password2", "new-password")):
        form.fields[name].widget.attrs["autocomplete"] = autocomplete
    if request.method == "POST" and form.is_valid():
        services.user_password_change(actor=request.actor,
                                      password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)  # stay signed in on this device
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


def lockout(request, credentials, *args, **kwargs):
    """Shown by django-axes when too many logins failed for this login and address. Each
    attempt during the lock starts the wait again, so the whole cool-off is what remains."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(request, "accounts/lockout.html", {"minutes": minutes}, status=429)
