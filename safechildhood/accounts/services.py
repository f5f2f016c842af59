"""Changes to staff accounts."""

from __future__ import annotations

from django.db import transaction

from safechildhood.accounts.models import User
from safechildhood.audit.services import audit_record


def user_set_language(*, user: User, language: str) -> None:
    with transaction.atomic():
        user.language = language
        user.save(update_fields=["language"])
        audit_record(actor=None, action="accounts.user.language_set", target=user,
                     data={"user": user.pk, "language": language})
