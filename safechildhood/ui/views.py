"""The home page, the language switch and the health check."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from huey.contrib.djhuey import HUEY

from safechildhood.ui.home import home_context

logger = logging.getLogger(__name__)


@login_required
def home(request):
    return render(request, "ui/home.html", home_context(request.actor))


@require_POST
def set_language(request):
    """Switch the language; it sticks in a cookie and, for staff, on their account."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax", secure=settings.LANGUAGE_COOKIE_SECURE, httponly=False,
        )
        if request.user.is_authenticated and request.user.language != language:
            from safechildhood.accounts.services import user_set_language

            user_set_language(user=request.user, language=language)
    return response


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the task queue answer, 503 naming what is down. Nothing
    personal, no login."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as error:  # any failure means down; the reason is for the operator's logs
        logger.warning("healthz: database down (%s)", type(error).__name__)
        checks["database"] = "down"
    try:
        HUEY.storage.queue_size()
        checks["task_queue"] = "ok"
    except Exception as error:
        logger.warning("healthz: task queue down (%s)", type(error).__name__)
        checks["task_queue"] = "down"
    down = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "ok" if not down else "down", "checks": checks}
    if down:
        body["down"] = down
    return JsonResponse(body, status=200 if not down else 503)
