"""Login with a second factor, logout, the account page."""

from django.shortcuts import render


def lockout(request, credentials, *args, **kwargs):
    """Shown by django-axes when too many logins failed for this login and address."""
    return render(request, "accounts/lockout.html", status=429)
