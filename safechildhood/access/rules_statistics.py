"""Access rules of statistics: registered into the policy's tables (see policy.py).

Who works with the region's figures (DESIGN.md, "Users and what each may see"):

* the prosecutor's analyst (prosecutor's office, region; sees no identified child) and the
  centre head (region): the staff statistics pages, the official figures of their region, their
  import (the figures are the prosecutor's office's legal statistics, and the centre reports
  them), and the official reports;
* the dashboard (``Action.DASHBOARD_VIEW``: the region's indicators by district, drilled down to
  a district's schools and one school, with charts and a tile map): the centre head, the
  prosecutor's analyst, the regional administrator and the centre specialists, each for their
  own region (a district or school of another region is not found). What each sees in it is
  decided by the entitlement functions below, not by this rule: the centre head sees every
  count; a centre specialist small counts of the assigned districts only; the analyst and the
  regional administrator aggregates only (counts of 1 to 4 shown as "<5"). The links from a
  count to its records are there only where the viewer may open that list;
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
from safechildhood.statistics.models import CrimeFigure, FigureImport, Report

STATISTICS_ROLES = frozenset({Role.CENTRE_HEAD, Role.PROSECUTOR_ANALYST})
# The dashboard (statistics/dashboard.py): the region's indicators drilled down to a school.
DASHBOARD_ROLES = frozenset({Role.CENTRE_HEAD, Role.PROSECUTOR_ANALYST, Role.REGIONAL_ADMIN,
                             Role.CENTRE_SPECIALIST})


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
            # obj, if given, is a figure, an import or a report: only of one's own region
            return _statistician(actor) and (obj is None or policy.in_scope(actor, obj))
        case Action.DASHBOARD_VIEW:
            # obj, if given, is the district or school drilled into: only of one's own region
            m = actor.membership
            return (m is not None and m.role in DASHBOARD_ROLES
                    and (obj is None or policy.in_scope(actor, obj)))
    return None


policy.SCOPES[CrimeFigure] = _by_region
policy.SCOPES[FigureImport] = _by_region
policy.SCOPES[Report] = _by_region  # a region's reports: the same for both roles
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


# --- risk group: who may see small counts of cases ---------------------------------------------
# Follows the scope of whole cases (access/rules_cases.py, ``_case_area``): the centre head of
# the region, a centre specialist for the assigned districts. A school psychologist sees only
# *that* a pupil is in the risk group (Action.CASE_STATUS_VIEW), never a case's contacts or
# referrals, so counts of cases and of their parts stay suppressed for them like for anyone else.


def cases_entitled(actor: Actor | None, *, region_id: int, district_id: int | None = None,
                   school_id: int | None = None) -> bool:
    """Whether ``actor`` may see every risk case (and its contacts and referrals) counted in an
    area: the region (no district), a district, or a school of a district. The centre head of
    the region is, for all of it; a centre specialist for the schools of the assigned districts
    and those districts as a whole; nobody else (``school_id`` narrows the area and never
    widens it). That is ``records_entitled`` without the school psychologist."""
    if actor is not None and actor.membership is not None \
            and actor.membership.role == Role.SCHOOL_PSYCHOLOGIST:
        return False
    return records_entitled(actor, region_id=region_id, district_id=district_id,
                            school_id=school_id)


# --- disclosures, police reports and prevention work: who may see small counts ------------------
# Follow the scopes of the records counted (access/rules_disclosures.py, rules_prevention.py).


def _area_member(actor: Actor | None, region_id: int) -> bool:
    return (actor is not None and actor.membership is not None
            and actor.membership.region_id == region_id)


def concerns_entitled(actor: Actor | None, *, region_id: int, district_id: int | None = None,
                      school_id: int | None = None) -> bool:
    """Whether ``actor`` may see every concern counted in an area (the region, a district, or a
    school of a district): the centre head of the region; a centre specialist for the assigned
    districts and their schools; a school's psychologist and administrator for their school.
    Not the juvenile inspector (who sees only the concerns reported to their unit), not the
    prosecutor's analyst (who never reads concerns), nobody else."""
    if not _area_member(actor, region_id):
        return False
    m = actor.membership
    if m.role == Role.CENTRE_HEAD:
        return True
    if m.role == Role.CENTRE_SPECIALIST:
        return district_id is not None and district_id in policy._district_ids(actor)
    if m.role in policy.SCHOOL_ROLES:
        return school_id is not None and school_id == m.school_id
    return False


def police_reports_entitled(actor: Actor | None, *, region_id: int,
                            district_id: int | None = None, school_id: int | None = None
                            ) -> bool:
    """Whether ``actor`` may see every police report counted in an area: those entitled to the
    concerns (every report comes from a concern and is in the same scope), and the prosecutor's
    analyst of the region, who oversees every report of it and opens each one (without the
    child's name), so small counts tell them nothing their list does not. Not the juvenile
    inspector: their list holds the reports sent to their unit, not every report of an area."""
    if concerns_entitled(actor, region_id=region_id, district_id=district_id,
                         school_id=school_id):
        return True
    return (_area_member(actor, region_id)
            and actor.membership.role == Role.PROSECUTOR_ANALYST)


def prevention_entitled(actor: Actor | None, *, region_id: int, district_id: int | None = None,
                        school_id: int | None = None) -> bool:
    """Whether ``actor`` may see the small counts of prevention work (psychologists trained,
    events held, parents reached) in an area: where the area lies within the part of the region
    whose prevention figures the actor reads (rules_prevention.count_area: the centre, the
    prosecutor's analyst and the regional administrator the whole region; a school's staff
    their school; a juvenile inspector their unit's district). These counts are of adults and
    events, and the figures are already theirs on the prevention pages; everyone else, and the
    public, see 1 to 4 as "<5"."""
    from safechildhood.access.rules_prevention import count_area

    if not _area_member(actor, region_id):
        return False
    area = count_area(actor)
    if area is None:
        return False
    if "region_id" in area:
        return True
    if "district_id" in area:
        return district_id is not None and district_id == area["district_id"]
    return school_id is not None and school_id == area["school_id"]
