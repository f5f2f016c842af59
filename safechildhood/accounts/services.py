"""Changes to staff accounts: language, login record, second factor, active role, password."""

from __future__ import annotations

import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from safechildhood.access.policy import Actor
from safechildhood.accounts.models import Membership, User
from safechildhood.audit.services import audit_record
from safechildhood.errors import DomainError, NotFound

# The name stored on the device row (not shown to anyone but operators in the admin).
DEVICE_NAME = "authenticator"


def user_set_language(*, user: User, language: str) -> None:
    with transaction.atomic():
        user.language = language
        user.save(update_fields=["language"])
        audit_record(actor=None, action="accounts.user.language_set", target=user,
                     data={"user": user.pk, "language": language})


def user_login_record(*, actor: Actor) -> None:
    """Record a successful password login. Failures are counted by django-axes, and logins that
    do not exist are never written anywhere of ours."""
    with transaction.atomic():
        audit_record(actor=actor, action="accounts.login.succeeded",
                     target=actor.membership or actor.user, data=_ids(actor))


def user_logout_record(*, actor: Actor) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="accounts.logout.succeeded",
                     target=actor.membership or actor.user, data=_ids(actor))


def otp_device_confirmed(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if any (the oldest, should there be several)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def otp_device_prepare(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up: created once, the same one on every reload
    (so the QR code the person has already scanned stays valid)."""
    with transaction.atomic():
        # Lock the user's row so two reloads at once do not create two secrets.
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def otp_device_confirm(*, actor: Actor, device_id: int, token: str) -> TOTPDevice:
    """Confirm the authenticator being set up with a code it shows. Wrong codes are throttled
    by django-otp (1, 2, 4, 8 ... seconds between tries)."""
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update()
                  .filter(pk=device_id, user=actor.user, confirmed=False).first())
        if device is None:
            raise NotFound(_("This set-up has expired. Open the page again."))
        refusal = _check_token(device, token)
        if refusal is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(actor=actor, action="accounts.otp.enrolled",
                         target=actor.membership or actor.user,
                         data={**_ids(actor), "device": device.pk})
    # Raised after the block commits: the throttle counter of a wrong code must stay written.
    if refusal is not None:
        raise refusal
    return device


def otp_token_check(*, actor: Actor, token: str) -> TOTPDevice:
    """The person's confirmed authenticator if it accepts ``token``; else a DomainError saying
    the code is wrong or that the person must wait. Both outcomes are audited: wrong codes
    after a right password are what a reviewer looks for."""
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update()
                  .filter(user=actor.user, confirmed=True).order_by("pk").first())
        if device is None:
            raise DomainError(_("No authenticator app is set up for this account."),
                              code="no_device")
        refusal = _check_token(device, token)
        audit_record(
            actor=actor,
            action="accounts.otp.verified" if refusal is None else "accounts.otp.rejected",
            target=actor.membership or actor.user,
            data={**_ids(actor), "device": device.pk,
                  **({"reason": refusal.code} if refusal is not None else {})},
        )
    if refusal is not None:
        raise refusal
    return device


def _check_token(device: TOTPDevice, token: str) -> DomainError | None:
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return _throttled(info or {})
    if device.verify_token(token):
        return None
    return DomainError(
        _("This code is not right. Check that the time on your phone is correct and type the "
          "code the app shows now."),
        code="wrong_code", field="token",
    )


def _throttled(info: dict) -> DomainError:
    locked_until = info.get("locked_until")
    seconds = 1
    if locked_until is not None:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    message = ngettext(
        "Too many wrong codes. Wait %(seconds)d second and try again.",
        "Too many wrong codes. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}
    return DomainError(message, code="throttled", field="token")


def membership_switch(*, actor: Actor, membership_id: int) -> Membership:
    """Act in another of one's own active roles. Someone else's membership, or an inactive
    one, does not exist as far as the caller can tell."""
    with transaction.atomic():
        membership = (Membership.objects
                      .select_related("school__district", "centre", "police_unit",
                                      "prosecutor_office", "region_scope")
                      .filter(pk=membership_id, user=actor.user, is_active=True).first())
        if membership is None:
            raise NotFound(_("This role is not yours."))
        audit_record(actor=Actor(user=actor.user, membership=membership),
                     action="accounts.membership.switched", target=membership,
                     data={"user": actor.user.pk,
                           "from": actor.membership.pk if actor.membership else None,
                           "to": membership.pk})
    return membership


def user_password_change(*, actor: Actor, password: str) -> None:
    """Set a new password (already validated by the form against AUTH_PASSWORD_VALIDATORS)."""
    with transaction.atomic():
        user = actor.user
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=actor, action="accounts.password.changed",
                     target=actor.membership or actor.user, data=_ids(actor))


def _ids(actor: Actor) -> dict:
    return {"user": actor.user.pk,
            "membership": actor.membership.pk if actor.membership is not None else None}
