"""Attach ``request.actor`` (user + active membership) and enforce the second factor."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from safechildhood.access.policy import Actor, actor_for, needs_second_factor

SESSION_MEMBERSHIP = "sc_membership_id"

# Paths a signed-in person may reach before the second factor is verified. The rest of the
# account pages (profile, password change, role switch) need the second factor: a stolen
# password alone must not be enough to change the password.
_OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/")
_OPEN_NAMES = ("accounts:login", "accounts:logout", "accounts:otp-verify", "accounts:otp-setup")


def _open_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in _OPEN_NAMES)


def second_factor_required(actor: Actor) -> bool:
    """Whether this person confirms each login with a code: everyone the policy names, and
    anyone who has set up an authenticator app of their own accord (else it would protect
    nothing). Off altogether when ``REQUIRE_OTP`` is off (demo)."""
    if not settings.REQUIRE_OTP:
        return False
    return needs_second_factor(actor) or TOTPDevice.objects.filter(
        user=actor.user, confirmed=True).exists()


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = None
        user = request.user
        if user.is_authenticated:
            request.actor = actor_for(user, request.session.get(SESSION_MEMBERSHIP))
            if (
                settings.REQUIRE_OTP
                and not user.is_verified()
                and not request.path.startswith(_OPEN_PREFIXES)
                and request.path not in _open_paths()
                and second_factor_required(request.actor)
            ):
                if request.path.startswith("/api/"):
                    # API clients with a token have no session user; a browser session that
                    # has not passed the second factor gets no data.
                    return JsonResponse(
                        {"detail": _("Confirm the login with the second factor first."),
                         "code": "second_factor_required"},
                        status=403,
                    )
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:otp-verify')}?{query}")
        return self.get_response(request)
