"""Reading the demo accounts for ``demo_logins``. Command-line only: there is no actor; the
command itself refuses to run outside demo mode."""

from __future__ import annotations

from dataclasses import dataclass

from safechildhood.accounts.models import Membership, Role
from safechildhood.demo.data.zhambyl import DEMO_PASSWORD, STAFF


@dataclass(frozen=True)
class DemoLogin:
    role: str  # the role's code (accounts.Role)
    role_label: str  # in the active language
    username: str
    full_name: str
    password: str
    scope: str
    token: str  # "" if the account has no API token yet


def _scope_label(membership: Membership) -> str:
    if membership.role in (Role.SCHOOL_PSYCHOLOGIST, Role.SCHOOL_ADMIN):
        return f"{membership.school.name} · {membership.school.settlement.name}"
    if membership.role == Role.CENTRE_SPECIALIST:
        return ", ".join(d.name for d in membership.districts.all())
    return membership.scope_label


def demo_login_list() -> list[DemoLogin]:
    """Every demo account's membership, in the order of ``data.zhambyl.STAFF``."""
    order = {spec.username: position for position, spec in enumerate(STAFF)}
    memberships = (
        Membership.objects.filter(user__username__in=order, is_active=True)
        .select_related("user", "user__auth_token", "school__settlement", "centre",
                        "police_unit", "prosecutor_office", "region_scope")
        .prefetch_related("districts")
    )
    logins = []
    for m in sorted(memberships, key=lambda m: (order[m.user.username], m.pk)):
        token = getattr(m.user, "auth_token", None)
        logins.append(DemoLogin(
            role=m.role,
            role_label=str(m.get_role_display()),
            username=m.user.username,
            full_name=m.user.get_full_name(),
            password=DEMO_PASSWORD,
            scope=_scope_label(m),
            token=token.key if token is not None else "",
        ))
    return logins


def demo_pupil_codes(limit: int = 3) -> list[tuple[str, str, str]]:
    """A few not-yet-used one-time codes of the demo campaign, to try the pupil's pages. Demo
    mode only (the caller checks): in production codes are printed only on class sheets."""
    from safechildhood.screening.models import Assignment, Campaign
    from safechildhood.screening.services.codes import code_display

    pending = (Assignment.objects.filter(campaign__status=Campaign.Status.OPEN,
                                         status=Assignment.Status.PENDING)
               .select_related("school").order_by("school_id", "grade", "pk")[:limit])
    return [(str(a.school), f"{a.grade}{a.class_letter}", code_display(a.code_sealed))
            for a in pending]
