"""Who may see and do what: the only place in Safe Childhood that decides access.

* ``can(actor, action, obj=None)`` answers yes or no; ``require`` raises ``NotFound`` when the
  object lies outside the actor's scope (so its existence does not leak) and ``Forbidden`` when
  the actor sees it but may not do this.
* ``scope(actor, queryset)`` filters any queryset of identified data to the actor's scope. Every
  selector starts from it.

The rules follow the table "Users and what each may see" in DESIGN.md. Later parts of the
programme (risk group, police reports) widen the pupil scopes of centre staff and inspectors
through the scope functions below, and only there.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from safechildhood.accounts.models import Membership, Role, User
from safechildhood.audit.models import AuditEvent
from safechildhood.directory.models import (
    PoliceUnit,
    ProsecutorOffice,
    School,
    ServiceProvider,
    SupportCentre,
)
from safechildhood.errors import Forbidden, NotFound
from safechildhood.geography.models import District, Region, Settlement
from safechildhood.people.models import (
    Consent,
    DuplicateCandidate,
    Enrollment,
    Guardian,
    Pupil,
    RosterImport,
)
from safechildhood.screening.models import (
    Assignment,
    Campaign,
    CrisisAlert,
    DutyShift,
    Response,
    ResponseExport,
    ResponseImport,
    TriageProposal,
)


class Action(enum.StrEnum):
    # pupils and rosters
    PUPIL_LIST = "pupil.list"
    PUPIL_VIEW = "pupil.view"
    PUPIL_CREATE = "pupil.create"
    PUPIL_EDIT = "pupil.edit"
    PUPIL_TRANSFER = "pupil.transfer"
    GUARDIAN_EDIT = "guardian.edit"
    CONSENT_RECORD = "consent.record"
    ROSTER_IMPORT = "roster.import"
    DUPLICATE_RESOLVE = "duplicate.resolve"
    # organisation and accounts
    DIRECTORY_VIEW = "directory.view"
    ADMIN_SITE = "admin.site"
    ADMIN_MANAGE = "admin.manage"
    REGION_SETUP = "region.setup"
    AUDIT_VIEW = "audit.view"
    API_USE = "api.use"
    # screening
    INSTRUMENT_VIEW = "instrument.view"
    CAMPAIGN_VIEW = "campaign.view"
    CAMPAIGN_MANAGE = "campaign.manage"
    ASSIGNMENT_MANAGE = "assignment.manage"  # class sheets, absent/refused, paper entry, import
    RESULTS_VIEW = "results.view"  # aggregates within scope
    RESPONSE_VIEW = "response.view"  # one pupil's answers
    RESPONSE_EXPORT = "response.export"
    ALERT_VIEW = "alert.view"
    ALERT_ACKNOWLEDGE = "alert.acknowledge"
    DUTY_MANAGE = "duty.manage"
    TRIAGE_VIEW = "triage.view"
    # risk group and case management (rules: access/rules_cases.py)
    TRIAGE_DECIDE = "triage.decide"  # accept into the risk group or decline
    CASE_LIST = "case.list"
    CASE_VIEW = "case.view"  # the whole case: plan, contacts, notes, referrals
    CASE_STATUS_VIEW = "case.status_view"  # that a pupil is in the risk group and who owns it
    CASE_ASSIGN = "case.assign"
    CASE_WORK = "case.work"  # plan, reviews, contacts, referrals, re-screening on one's case
    CASE_APPROVE = "case.approve"  # approve or return plans and closures
    CASE_REOPEN = "case.reopen"
    CASELOAD_VIEW = "caseload.view"  # the head's overview
    TRIP_MANAGE = "trip.manage"
    PROVIDER_VIEW = "provider.view"
    # disclosures, police reports, prosecutor's oversight (rules: access/rules_disclosures.py)
    CONCERN_CREATE = "concern.create"
    CONCERN_VIEW = "concern.view"
    CONCERN_NARRATIVE_VIEW = "concern.narrative_view"
    REPORT_LIST = "report.list"
    REPORT_VIEW = "report.view"
    REPORT_SEND = "report.send"
    REPORT_ACKNOWLEDGE = "report.acknowledge"
    REPORT_STATUS_UPDATE = "report.status_update"
    OVERSIGHT_VIEW = "oversight.view"
    OVERSIGHT_NOTE = "oversight.note"
    OVERSIGHT_RESPOND = "oversight.respond"  # answer a note addressed to one's unit or school
    # the trust box (rules: access/rules_trustbox.py); writing to it needs no account
    TRUST_MESSAGE_LIST = "trust_message.list"
    TRUST_MESSAGE_VIEW = "trust_message.view"
    TRUST_MESSAGE_REPLY = "trust_message.reply"
    TRUST_MESSAGE_CONVERT = "trust_message.convert"  # into a concern about a named pupil
    TRUST_POSTER_PRINT = "trust_poster.print"
    # prevention work (rules: access/rules_prevention.py)
    PREVENTION_VIEW = "prevention.view"
    TRAINING_MANAGE = "training.manage"
    EVENT_MANAGE = "event.manage"
    OUTREACH_RECORD = "outreach.record"
    # statistics (rules: access/rules_statistics.py)
    STATISTICS_VIEW = "statistics.view"
    CRIME_FIGURES_IMPORT = "crime_figures.import"
    REPORT_GENERATE = "official_report.generate"
    DASHBOARD_VIEW = "statistics.dashboard_view"  # the drill-down dashboard (aggregates)


# Roles whose members see identified children and so must log in with a second factor.
SEES_IDENTIFIED_CHILDREN = frozenset({
    Role.SCHOOL_PSYCHOLOGIST,
    Role.SCHOOL_ADMIN,
    Role.CENTRE_SPECIALIST,
    Role.CENTRE_HEAD,
    Role.POLICE_INSPECTOR,
})

# Roles that grant access to others (accounts and memberships): a stolen password of theirs
# could hand out access to children's records, so they use the second factor too.
GRANTS_ACCESS = frozenset({Role.REGIONAL_ADMIN})

SCHOOL_ROLES = frozenset({Role.SCHOOL_PSYCHOLOGIST, Role.SCHOOL_ADMIN})
CENTRE_ROLES = frozenset({Role.CENTRE_SPECIALIST, Role.CENTRE_HEAD})


@dataclass(frozen=True)
class Actor:
    """A signed-in person acting through one membership (role + scope)."""

    user: User
    membership: Membership | None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership is not None else None

    @property
    def is_operator(self) -> bool:
        """A superuser without a programme role: runs the installation, sees no children."""
        return self.membership is None and self.user.is_superuser

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


def actor_for(user: User, membership_id: int | None = None) -> Actor:
    """The actor for a user: the chosen active membership, else their first active one."""
    memberships = [m for m in user.memberships.all() if m.is_active]
    chosen = next((m for m in memberships if m.pk == membership_id), None)
    if chosen is None and memberships:
        chosen = memberships[0]
    return Actor(user=user, membership=chosen)


def needs_second_factor(actor: Actor) -> bool:
    """Staff who can see identified children or grant access, and operators, log in with
    TOTP."""
    strong = SEES_IDENTIFIED_CHILDREN | GRANTS_ACCESS
    return actor.is_operator or any(
        m.role in strong for m in actor.user.memberships.all() if m.is_active
    )


def roles_of(actor: Actor) -> dict[str, bool]:
    """Role flags for navigation and templates (``{% can %}`` covers actions)."""
    return {role.value: actor.role == role for role in Role}


# --- scopes ------------------------------------------------------------------------------------


def _district_ids(actor: Actor) -> list[int]:
    """The districts a centre specialist is assigned to."""
    m = actor.membership
    cached = actor.extra.get("district_ids")
    if cached is None:
        cached = list(m.districts.values_list("pk", flat=True))
        actor.extra["district_ids"] = cached
    return cached


def _centre_area(actor: Actor, district_path: str) -> dict[str, Any] | None:
    """Filter keyword for centre staff: the head's region, a specialist's districts."""
    m = actor.membership
    if m is None or m.role not in CENTRE_ROLES:
        return None
    if m.role == Role.CENTRE_HEAD:
        return {f"{district_path}__region_id": m.region_id}
    return {f"{district_path}__in": _district_ids(actor)}


# Later parts of the programme widen who sees which children through these functions, each
# registered by its rules module below: ``extension(actor)`` returns a queryset of pupil ids the
# actor may see, or None when it grants the actor nothing.
PUPIL_SCOPE_EXTENSIONS: list[Callable[[Actor], QuerySet | None]] = []


def _pupils(actor: Actor, qs: QuerySet) -> QuerySet:
    m = actor.membership
    if m is not None and m.role in SCHOOL_ROLES:
        return qs.filter(school_id=m.school_id).exclude(status=Pupil.Status.MERGED)
    granted: list[Q] = []
    area = _centre_area(actor, "district")
    if area is not None:
        # Centre staff see the children the centre has been asked to look at: a crisis alert or
        # a triage proposal in their area; the risk group widens this (rules_cases).
        granted.append(Q(pk__in=CrisisAlert.objects.filter(**area).values("pupil_id")))
        granted.append(Q(pk__in=TriageProposal.objects.filter(**area).values("pupil_id")))
    # Inspectors see the children of their unit's reports (rules_disclosures); no other role
    # ever sees identified children.
    for extension in PUPIL_SCOPE_EXTENSIONS:
        pupil_ids = extension(actor)
        if pupil_ids is not None:
            granted.append(Q(pk__in=pupil_ids))
    if not granted:
        return qs.none()
    combined = granted[0]
    for condition in granted[1:]:
        combined |= condition
    return qs.filter(combined).exclude(status=Pupil.Status.MERGED)


def _through_pupil(actor: Actor, qs: QuerySet) -> QuerySet:
    return qs.filter(pupil__in=_pupils(actor, Pupil.objects.all()).values("pk"))


def _duplicates(actor: Actor, qs: QuerySet) -> QuerySet:
    m = actor.membership
    if m is not None and m.role in SCHOOL_ROLES:
        return qs.filter(first__school_id=m.school_id) | qs.filter(second__school_id=m.school_id)
    return qs.none()


def _roster_imports(actor: Actor, qs: QuerySet) -> QuerySet:
    m = actor.membership
    if m is not None and m.role in SCHOOL_ROLES:
        return qs.filter(school_id=m.school_id)
    return qs.none()


def _campaigns(actor: Actor, qs: QuerySet) -> QuerySet:
    """Campaign plans are not personal: centre staff and school psychologists of the region."""
    m = actor.membership
    if m is None:
        return qs.all() if actor.is_operator else qs.none()
    if m.role in CENTRE_ROLES | {Role.SCHOOL_PSYCHOLOGIST, Role.REGIONAL_ADMIN}:
        return qs.filter(region_id=m.region_id)
    return qs.none()


def _by_school_or_area(district_path: str, school_path: str = "school_id"):
    """School psychologists: their school; centre staff: their area."""

    def scoped(actor: Actor, qs: QuerySet) -> QuerySet:
        m = actor.membership
        if m is not None and m.role == Role.SCHOOL_PSYCHOLOGIST:
            return qs.filter(**{school_path: m.school_id})
        area = _centre_area(actor, district_path)
        return qs.filter(**area) if area is not None else qs.none()

    return scoped


def _responses(actor: Actor, qs: QuerySet) -> QuerySet:
    """Answers: the school psychologist of the pupil's school (history follows the pupil);
    centre staff for the children in their scope. School administrators never see answers."""
    m = actor.membership
    if m is not None and m.role == Role.SCHOOL_PSYCHOLOGIST:
        return qs.filter(pupil__school_id=m.school_id)
    if m is not None and m.role in CENTRE_ROLES:
        return qs.filter(pupil__in=_pupils(actor, Pupil.objects.all()).values("pk"))
    return qs.none()


def _triage(actor: Actor, qs: QuerySet) -> QuerySet:
    m = actor.membership
    if m is not None and m.role == Role.SCHOOL_PSYCHOLOGIST:
        return qs.filter(pupil__school_id=m.school_id)
    area = _centre_area(actor, "district")
    return qs.filter(**area) if area is not None else qs.none()


def _duty(actor: Actor, qs: QuerySet) -> QuerySet:
    m = actor.membership
    if m is not None and m.role in CENTRE_ROLES:
        return qs.filter(district__region_id=m.region_id)
    return qs.none()


def _exports(actor: Actor, qs: QuerySet) -> QuerySet:
    return qs.filter(requested_by_id=actor.user.pk) if actor.membership else qs.none()


def _region_of(actor: Actor) -> int | None:
    return actor.membership.region_id if actor.membership is not None else None


def _by_region(path: str) -> Callable[[Actor, QuerySet], QuerySet]:
    """Directory data (not personal) is visible to every member of the region."""

    def scoped(actor: Actor, qs: QuerySet) -> QuerySet:
        if actor.is_operator:
            return qs
        region_id = _region_of(actor)
        if region_id is None:
            return qs.none()
        return qs.filter(**{path: region_id})

    return scoped


def _audit_events(actor: Actor, qs: QuerySet) -> QuerySet:
    if actor.has_role(Role.CENTRE_HEAD, Role.REGIONAL_ADMIN):
        return qs.filter(region_id=actor.membership.region_id)
    if actor.is_operator:
        return qs
    return qs.none()


def _staff(actor: Actor, qs: QuerySet) -> QuerySet:
    if actor.is_operator:
        return qs
    if actor.has_role(Role.REGIONAL_ADMIN):
        # Superusers stay out of reach: resetting an operator's password would hand out
        # the whole installation.
        return qs.filter(memberships__region_id=actor.membership.region_id,
                         is_superuser=False).distinct()
    return qs.filter(pk=actor.user.pk)


def _memberships(actor: Actor, qs: QuerySet) -> QuerySet:
    if actor.is_operator:
        return qs
    if actor.has_role(Role.REGIONAL_ADMIN):
        return qs.filter(region_id=actor.membership.region_id)
    return qs.filter(user_id=actor.user.pk)


SCOPES: dict[type[Model], Callable[[Actor, QuerySet], QuerySet]] = {
    Pupil: _pupils,
    Guardian: _through_pupil,
    Consent: _through_pupil,
    Enrollment: _through_pupil,
    DuplicateCandidate: _duplicates,
    RosterImport: _roster_imports,
    Region: _by_region("pk"),
    District: _by_region("region_id"),
    Settlement: _by_region("district__region_id"),
    School: _by_region("district__region_id"),
    SupportCentre: _by_region("region_id"),
    PoliceUnit: _by_region("district__region_id"),
    ProsecutorOffice: _by_region("region_id"),
    ServiceProvider: _by_region("region_id"),
    AuditEvent: _audit_events,
    Campaign: _campaigns,
    Assignment: _by_school_or_area("district"),
    Response: _responses,
    TriageProposal: _triage,
    CrisisAlert: _by_school_or_area("district"),
    DutyShift: _duty,
    ResponseImport: _by_school_or_area("school__district"),
    ResponseExport: _exports,
    User: _staff,
    Membership: _memberships,
}


def scope(actor: Actor, queryset: QuerySet) -> QuerySet:
    """Filter ``queryset`` to what ``actor`` may see. An unknown model is an error, not a leak."""
    try:
        rule = SCOPES[queryset.model]
    except KeyError:
        raise LookupError(f"No access scope for {queryset.model._meta.label}") from None
    return rule(actor, queryset)


def in_scope(actor: Actor, obj: Model) -> bool:
    return scope(actor, type(obj)._default_manager.filter(pk=obj.pk)).exists()


# --- actions -----------------------------------------------------------------------------------


def _school_member_of(actor: Actor, school_id: int | None) -> bool:
    m = actor.membership
    return m is not None and m.role in SCHOOL_ROLES and m.school_id == school_id


def _may(actor: Actor, action: Action, obj: Any) -> bool:
    m = actor.membership
    match action:
        case Action.PUPIL_LIST:
            return m is not None and m.role in SCHOOL_ROLES
        case Action.PUPIL_CREATE | Action.ROSTER_IMPORT:
            # obj, if given, is the school the pupils are added to: only one's own.
            if obj is None:
                return m is not None and m.role in SCHOOL_ROLES
            return _school_member_of(actor, obj.pk)
        case Action.PUPIL_VIEW:
            return obj is None or in_scope(actor, obj)
        case Action.PUPIL_EDIT | Action.PUPIL_TRANSFER | Action.GUARDIAN_EDIT | \
                Action.CONSENT_RECORD:
            if obj is None:
                return m is not None and m.role in SCHOOL_ROLES
            return _school_member_of(actor, obj.school_id) and obj.status == Pupil.Status.ACTIVE
        case Action.DUPLICATE_RESOLVE:
            school_member = m is not None and m.role in SCHOOL_ROLES
            return school_member and (obj is None or in_scope(actor, obj))
        case Action.DIRECTORY_VIEW:
            return m is not None or actor.is_operator
        case Action.AUDIT_VIEW:
            return actor.is_operator or actor.has_role(Role.CENTRE_HEAD, Role.REGIONAL_ADMIN)
        case Action.ADMIN_SITE:
            return actor.is_operator or actor.has_role(Role.REGIONAL_ADMIN)
        case Action.ADMIN_MANAGE:
            # obj is a model class: the regional administrator manages geography, organisations
            # and accounts of their region; nothing personal about children.
            if not (actor.is_operator or actor.has_role(Role.REGIONAL_ADMIN)):
                return False
            return obj in ADMIN_MANAGED_MODELS
        case Action.REGION_SETUP:
            # A new region (or removing one) is the operator's: a regional administrator keeps
            # the names of their own region up to date but does not create regions.
            return actor.is_operator
        case Action.API_USE:
            return m is not None or actor.is_operator
        case Action.INSTRUMENT_VIEW:
            return m is not None or actor.is_operator
        case Action.CAMPAIGN_VIEW:
            return (m is not None and m.role in CENTRE_ROLES | {Role.SCHOOL_PSYCHOLOGIST}) and (
                obj is None or in_scope(actor, obj))
        case Action.CAMPAIGN_MANAGE | Action.DUTY_MANAGE:
            return actor.has_role(Role.CENTRE_HEAD) and (obj is None or in_scope(actor, obj))
        case Action.ASSIGNMENT_MANAGE:
            # obj: an assignment, or the school whose assignments are handled
            if not actor.has_role(Role.SCHOOL_PSYCHOLOGIST):
                return False
            if obj is None:
                return True
            school_id = obj.pk if isinstance(obj, School) else obj.school_id
            return school_id == m.school_id
        case Action.RESULTS_VIEW:
            return m is not None and m.role in CENTRE_ROLES | {Role.SCHOOL_PSYCHOLOGIST}
        case Action.RESPONSE_VIEW | Action.TRIAGE_VIEW:
            allowed = m is not None and m.role in CENTRE_ROLES | {Role.SCHOOL_PSYCHOLOGIST}
            return allowed and (obj is None or in_scope(actor, obj))
        case Action.RESPONSE_EXPORT:
            # obj: the export variant; identified exports are for the centre head only
            if actor.has_role(Role.CENTRE_HEAD):
                return True
            return actor.has_role(Role.CENTRE_SPECIALIST) and obj != "identified"
        case Action.ALERT_VIEW:
            allowed = m is not None and m.role in CENTRE_ROLES | {Role.SCHOOL_PSYCHOLOGIST}
            return allowed and (obj is None or in_scope(actor, obj))
        case Action.ALERT_ACKNOWLEDGE:
            # The centre answers for the alert: the specialists of the district and the head.
            allowed = m is not None and m.role in CENTRE_ROLES
            return allowed and (obj is None or (
                in_scope(actor, obj) and obj.status == CrisisAlert.Status.OPEN))
    for rule in ACTION_RULES:
        decided = rule(actor, action, obj)
        if decided is not None:
            return decided
    return False


# Rules modules of later parts register ``rule(actor, action, obj) -> bool | None`` here: None
# means "not my action". They live beside this module and are imported at its end.
ACTION_RULES: list[Callable[[Actor, Action, Any], bool | None]] = []


ADMIN_MANAGED_MODELS = frozenset({
    Region, District, Settlement, School, SupportCentre, PoliceUnit, ProsecutorOffice,
    ServiceProvider, User, Membership,
})


def can(actor: Actor | None, action: Action, obj: Any = None) -> bool:
    if actor is None or not actor.user.is_authenticated or not actor.user.is_active:
        return False
    return _may(actor, action, obj)


def require(actor: Actor | None, action: Action, obj: Any = None) -> None:
    """Raise ``NotFound`` if ``obj`` is outside the actor's scope, ``Forbidden`` if it is seen but
    the action is not allowed."""
    if can(actor, action, obj):
        return
    if actor is None:
        raise NotFound(_("Not found."), code="not_found")
    if isinstance(obj, Model) and type(obj) in SCOPES and not in_scope(actor, obj):
        raise NotFound(_("Not found."), code="not_found")
    raise Forbidden(_("You do not have permission to do this."), code="forbidden")


# The rules of later parts of the programme: same module family, same tables (SCOPES,
# ACTION_RULES, PUPIL_SCOPE_EXTENSIONS), imported last so that they can use everything above.
from safechildhood.access import (  # noqa: E402,F401
    rules_cases,
    rules_disclosures,
    rules_prevention,
    rules_statistics,
    rules_trustbox,
)
