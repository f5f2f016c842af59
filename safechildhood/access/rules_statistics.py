"""Access rules of statistics: registered into the policy's tables (see policy.py).

Who works with the region's figures (DESIGN.md, "Users and what each may see"):

* the prosecutor's analyst (prosecutor's office, region; sees no identified child) and the
  centre head (region): the staff statistics pages, the official figures of their region, their
  import (the figures are the prosecutor's office's legal statistics, and the centre reports
  them), and the official reports;
* everyone else: nothing here. The public statistics page needs no account and goes through no
  rule: it shows published aggregates only, small counts suppressed
  (``statistics/indicators.py``).

Official figures and their imports name no child; they are scoped by region.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from safechildhood.access import policy
from safechildhood.access.policy import Action, Actor
from safechildhood.accounts.models import Role
from safechildhood.statistics.models import CrimeFigure, FigureImport

STATISTICS_ROLES = frozenset({Role.CENTRE_HEAD, Role.PROSECUTOR_ANALYST})


def _statistician(actor: Actor) -> bool:
    m = actor.membership
    return m is not None and m.role in STATISTICS_ROLES


def _by_region(actor: Actor, qs: QuerySet) -> QuerySet:
    if not _statistician(actor):
        return qs.none()
    return qs.filter(region_id=actor.membership.region_id)


def _rule(actor: Actor, action: Action, obj: Any) -> bool | None:
    match action:
        case Action.STATISTICS_VIEW | Action.CRIME_FIGURES_IMPORT | Action.REPORT_GENERATE:
            # obj, if given, is a figure or an import: only of one's own region
            return _statistician(actor) and (obj is None or policy.in_scope(actor, obj))
    return None


policy.SCOPES[CrimeFigure] = _by_region
policy.SCOPES[FigureImport] = _by_region
policy.ACTION_RULES.append(_rule)


# --- who may see small counts ------------------------------------------------------------------
# Aggregates hide counts of 1 to 4 (statistics/indicators.py: ``suppress``) unless the viewer is
# entitled to the records they are made of. These two functions say who is; they follow the
# scopes of the records (screening assignments and crisis alerts: policy._by_school_or_area).


def records_entitled(actor: Actor | None, *, region_id: int, district_id: int | None = None,
                     school_id: int | None = None) -> bool:
    """Whether ``actor`` may see every screening record (assignment, crisis alert) counted in
    an area: the region (no district), a district, or a school of a district. The centre head
    of the region is, for all of it; a centre specialist for the assigned districts and their
    schools; a school psychologist for their own school only. Nobody else (the prosecutor's
    analyst sees aggregates only, the public nothing)."""
    if actor is None or actor.membership is None:
        return False
    m = actor.membership
    if m.region_id != region_id:
        return False
    if m.role == Role.CENTRE_HEAD:
        return True
    if m.role == Role.CENTRE_SPECIALIST:
        return district_id is not None and district_id in policy._district_ids(actor)
    if m.role == Role.SCHOOL_PSYCHOLOGIST:
        return school_id is not None and school_id == m.school_id
    return False


def figures_entitled(actor: Actor | None, *, region_id: int) -> bool:
    """Whether ``actor`` sees the official figures of a region as imported, small counts
    included: those who import and report them (the statistics roles of that region). The public
    page never does: a district's one suicide of a minor could be recognised in a village."""
    return (actor is not None and _statistician(actor)
            and actor.membership.region_id == region_id)
