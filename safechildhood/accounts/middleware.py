"""Attach ``request.actor`` (user + active membership) and enforce the second factor."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from safechildhood.access.policy import actor_for, needs_second_factor

SESSION_MEMBERSHIP = "sc_membership_id"

# Paths a signed-in person may reach before the second factor is verified.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/")


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
                and needs_second_factor(request.actor)
                and not request.path.startswith(_OPEN_PREFIXES)
                and not request.path.startswith("/api/")
            ):
                return redirect(reverse("accounts:otp-verify") + "?next=" + request.path)
        return self.get_response(request)
