"""What each role sees first: that person's work for today.

``home_context(actor)`` picks the panel for the actor's role and fills it with a handful of
aggregate queries, each starting from ``access.policy.scope``. Access is not decided here: the
role only chooses which work to put first, the policy decides what each query may return.
Counts are grouped in the database (no query per row); lists are cut short and link on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from safechildhood.access.policy import Action, Actor, can, scope
from safechildhood.accounts.models import Membership, Role, User
from safechildhood.audit.labels import labelled
from safechildhood.audit.selectors import recent_events
from safechildhood.directory.models import PoliceUnit, ProsecutorOffice, School, SupportCentre
from safechildhood.disclosures.selectors import report_home_counts
from safechildhood.geography.models import District, Region, Settlement
from safechildhood.people.imports import roster_import_list
from safechildhood.people.models import Consent, DuplicateCandidate, Pupil
from safechildhood.people.selectors import duplicate_list
from safechildhood.screening.selectors_alerts import alert_open_counts

# Published and shared aggregates hide counts of 1 to 4 children, so that nobody in a small
# village can be recognised from a table. Zero reveals no one and is shown as it is.
SMALL_COUNT = 5
RECENT_IMPORTS = 5
RECENT_EVENTS = 8


def suppress_small(count: int) -> str:
    """``3`` → ``"<5"``; ``0`` and counts from 5 up are shown as they are."""
    if 0 < count < SMALL_COUNT:
        return f"<{SMALL_COUNT}"
    return str(count)


# --- small aggregate selectors ----------------------------------------------------------------


@dataclass(frozen=True)
class GradeRow:
    grade: int | None  # None for the total row
    pupils: int
    consent_given: int
    consent_refused: int  # refused or withdrawn by the latest decision
    no_consent: int  # no decision recorded at all


def pupils_by_grade(actor: Actor) -> tuple[list[GradeRow], GradeRow]:
    """Enrolled pupils of the actor's scope by grade, with the latest consent decision of each
    counted (one grouped query)."""
    latest = (Consent.objects.filter(pupil=OuterRef("pk"))
              .order_by("-decided_on", "-id").values("decision")[:1])
    grouped = (
        scope(actor, Pupil.objects.filter(status=Pupil.Status.ACTIVE))
        .annotate(consent=Subquery(latest))
        .values("grade", "consent")
        .annotate(n=Count("pk"))
        .order_by("grade")
    )
    counts: dict[int, dict[str | None, int]] = {}
    for row in grouped:
        by_decision = counts.setdefault(row["grade"], {})
        by_decision[row["consent"]] = by_decision.get(row["consent"], 0) + row["n"]
    rows = [_grade_row(grade, decisions) for grade, decisions in sorted(counts.items())]
    total = GradeRow(
        grade=None,
        pupils=sum(r.pupils for r in rows),
        consent_given=sum(r.consent_given for r in rows),
        consent_refused=sum(r.consent_refused for r in rows),
        no_consent=sum(r.no_consent for r in rows),
    )
    return rows, total


def _grade_row(grade: int, decisions: dict[str | None, int]) -> GradeRow:
    refused = decisions.get(Consent.Decision.REFUSED, 0) + \
        decisions.get(Consent.Decision.WITHDRAWN, 0)
    return GradeRow(grade=grade, pupils=sum(decisions.values()),
                    consent_given=decisions.get(Consent.Decision.GIVEN, 0),
                    consent_refused=refused, no_consent=decisions.get(None, 0))


def districts_with_counts(actor: Actor, districts: QuerySet[District] | None = None
                          ) -> QuerySet[District]:
    """Districts of the actor's region with ``schools_count`` (active schools) and
    ``pupils_count`` (enrolled pupils): counts only, one grouped query."""
    qs = scope(actor, districts if districts is not None else District.objects.all())
    return qs.annotate(
        schools_count=Count("schools", filter=Q(schools__is_active=True), distinct=True),
        pupils_count=Count("schools__pupils",
                           filter=Q(schools__pupils__status=Pupil.Status.ACTIVE)),
    ).order_by("kind", "name_ru")


@dataclass(frozen=True)
class DistrictFigures:
    district: District
    schools: int
    pupils: str  # already suppressed where needed


@dataclass(frozen=True)
class RegionFigures:
    rows: list[DistrictFigures]
    schools: int
    pupils: str | None  # None when the total would give away a suppressed district
    suppressed: bool


def region_figures(districts: Iterable[District], *, suppress: bool) -> RegionFigures:
    """District rows and totals for a table; with ``suppress``, small pupil counts hidden.

    If exactly one district is hidden, the region total would reveal it by subtraction, so the
    total is withheld as well.
    """
    rows, schools, pupils, hidden = [], 0, 0, 0
    for district in districts:
        shown = suppress_small(district.pupils_count) if suppress else str(district.pupils_count)
        hidden += shown != str(district.pupils_count)
        rows.append(DistrictFigures(district=district, schools=district.schools_count,
                                    pupils=shown))
        schools += district.schools_count
        pupils += district.pupils_count
    if not suppress:
        total: str | None = str(pupils)
    elif hidden == 1:
        total = None
    else:
        total = suppress_small(pupils)
    return RegionFigures(rows=rows, schools=schools, pupils=total, suppressed=hidden > 0)


def _open_alerts(actor: Actor) -> dict[str, int] | None:
    """Open crisis alerts in the actor's scope (one grouped query), or ``None`` for those who
    see no alerts."""
    if not can(actor, Action.ALERT_VIEW):
        return None
    return alert_open_counts(actor=actor)


def _recent_events(actor: Actor) -> list:
    if not can(actor, Action.AUDIT_VIEW):
        return []
    return labelled(recent_events(actor=actor, limit=RECENT_EVENTS))


# --- panels, one per role -----------------------------------------------------------------------


def _school_panel(actor: Actor) -> dict[str, Any]:
    membership = actor.membership
    context: dict[str, Any] = {
        "school": scope(actor, School.objects.select_related("district", "settlement"))
        .filter(pk=membership.school_id).first(),
        "alerts": _open_alerts(actor),
    }
    if can(actor, Action.PUPIL_LIST):
        context["grades"], context["grade_total"] = pupils_by_grade(actor)
    if can(actor, Action.DUPLICATE_RESOLVE):
        context["duplicates_open"] = duplicate_list(
            actor=actor, status=DuplicateCandidate.Status.OPEN).count()
    if can(actor, Action.ROSTER_IMPORT):
        context["imports"] = list(roster_import_list(actor=actor)[:RECENT_IMPORTS])
    return context


def _specialist_panel(actor: Actor) -> dict[str, Any]:
    mine = District.objects.filter(specialists=actor.membership)
    return {
        "centre": actor.membership.centre,
        "figures": region_figures(districts_with_counts(actor, mine), suppress=False),
        "alerts": _open_alerts(actor),
    }


def _centre_head_panel(actor: Actor) -> dict[str, Any]:
    staff = (Membership.objects.filter(is_active=True, user__is_active=True)
             .select_related("user").prefetch_related("districts")
             .order_by("role", "user__last_name", "user__first_name", "id"))
    centre = (scope(actor, SupportCentre.objects.filter(pk=actor.membership.centre_id))
              .prefetch_related(Prefetch("memberships", queryset=staff, to_attr="staff"))
              .first())
    return {
        "centre": centre,
        "figures": region_figures(districts_with_counts(actor), suppress=False),
        "alerts": _open_alerts(actor),
        "events": _recent_events(actor),
    }


def _inspector_panel(actor: Actor) -> dict[str, Any]:
    unit = (
        scope(actor, PoliceUnit.objects.filter(pk=actor.membership.police_unit_id))
        .select_related("district")
        .annotate(schools_count=Count("district__schools",
                                      filter=Q(district__schools__is_active=True)))
        .first()
    )
    return {"unit": unit}


def _analyst_panel(actor: Actor) -> dict[str, Any]:
    office = scope(actor, ProsecutorOffice.objects.filter(
        pk=actor.membership.prosecutor_office_id)).select_related("region").first()
    return {
        "office": office,
        "figures": region_figures(districts_with_counts(actor), suppress=True),
        "small_count": SMALL_COUNT,
    }


def _regional_admin_panel(actor: Actor) -> dict[str, Any]:
    roles = dict(Role.choices)
    by_role = (scope(actor, Membership.objects.filter(is_active=True, user__is_active=True))
               .values("role").annotate(n=Count("pk")).order_by("role"))
    return {
        "region": scope(actor, Region.objects.filter(pk=actor.membership.region_id)).first(),
        "counts": {
            "districts": scope(actor, District.objects.all()).count(),
            "settlements": scope(actor, Settlement.objects.all()).count(),
            "schools": scope(actor, School.objects.filter(is_active=True)).count(),
            "staff": scope(actor, User.objects.filter(is_active=True)).count(),
        },
        "roles": [(roles.get(row["role"], row["role"]), row["n"]) for row in by_role],
        "events": _recent_events(actor),
    }


def _operator_panel(actor: Actor) -> dict[str, Any]:
    return {
        "regions": scope(actor, Region.objects.all()).count(),
        "events": _recent_events(actor),
    }


_PANELS: dict[str, tuple[str, Callable[[Actor], dict[str, Any]]]] = {
    Role.SCHOOL_PSYCHOLOGIST: ("school", _school_panel),
    Role.SCHOOL_ADMIN: ("school", _school_panel),
    Role.CENTRE_SPECIALIST: ("specialist", _specialist_panel),
    Role.CENTRE_HEAD: ("centre_head", _centre_head_panel),
    Role.POLICE_INSPECTOR: ("inspector", _inspector_panel),
    Role.PROSECUTOR_ANALYST: ("analyst", _analyst_panel),
    Role.REGIONAL_ADMIN: ("regional_admin", _regional_admin_panel),
}


def home_context(actor: Actor) -> dict[str, Any]:
    """The home page's context: ``panel`` names the partial ``ui/_home_<panel>.html``."""
    if actor.role in _PANELS:
        panel, build = _PANELS[actor.role]
    elif actor.is_operator:
        panel, build = "operator", _operator_panel
    else:
        panel, build = "no_role", lambda actor: {}
    return {
        "actor": actor,
        "today": timezone.localdate(),
        "panel": panel,
        "panel_template": f"ui/_home_{panel}.html",
        # police reports to send, acknowledge or answer: for everyone who may list them
        "reports": report_home_counts(actor=actor) if can(actor, Action.REPORT_LIST) else None,
        **build(actor),
    }
