"""Template context shared by every page."""

from django.conf import settings


def site(request):
    return {
        "DEMO_BANNER": settings.DEMO_BANNER,
        "actor": getattr(request, "actor", None),
        "LANGUAGES": settings.LANGUAGES,
    }
