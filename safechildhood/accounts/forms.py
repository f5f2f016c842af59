"""Forms of the login, the second factor and the account page."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Login and password. ``authenticate`` runs with the request, so django-axes counts every
    failure; the error never says whether the login exists."""

    error_messages = {
        "invalid_login": _("Wrong login or password."),
        # An inactive account gets the same answer: no hint that the login exists.
        "inactive": _("Wrong login or password."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Login")
        self.fields["username"].widget.attrs.update({
            "autocomplete": "username", "autocapitalize": "none", "spellcheck": "false",
        })
        self.fields["password"].label = _("Password")
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class TokenForm(forms.Form):
    """The six-digit code from the authenticator app. Spaces are allowed ("123 456")."""

    token = forms.CharField(
        label=_("6-digit code"),
        max_length=12,
        help_text=_("Open the authenticator app on your phone and type the code it shows now."),
        widget=forms.TextInput(attrs={
            "inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True,
            "size": 8,
        }),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_token(self) -> str:
        token = re.sub(r"[\s-]", "", self.cleaned_data["token"])
        if not re.fullmatch(r"\d{6}", token):
            raise forms.ValidationError(_("Type the 6 digits the app shows."), code="format")
        return token


class MembershipSwitchForm(forms.Form):
    """Which of the user's roles to act in. Ownership is checked by the service."""

    membership = forms.IntegerField(label=_("Role"), min_value=1)
