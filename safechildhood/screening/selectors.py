"""Reads of screening data. Every read starts from the access policy's scope; reading one child's
record writes an audit event in the same request."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.accounts.models import Role
from safechildhood.audit.services import audit_record
from safechildhood.directory.models import School
from safechildhood.errors import NotFound
from safechildhood.geography.models import District
from safechildhood.screening.models import Assignment, Campaign, Response

# --- campaigns ---------------------------------------------------------------------------------

# The order in which coverage shows the statuses of assignments.
COVERAGE_STATUSES = (
    Assignment.Status.COMPLETED,
    Assignment.Status.IN_PROGRESS,
    Assignment.Status.PENDING,
    Assignment.Status.ABSENT,
    Assignment.Status.REFUSED,
    Assignment.Status.NO_CONSENT,
)


def _targeting_school(qs: QuerySet[Campaign], school: School) -> QuerySet[Campaign]:
    """Campaigns whose plan reaches ``school``: it is chosen, its district is chosen, or the
    campaign names neither districts nor schools (the whole region)."""
    schools = Campaign.schools.through.objects
    districts = Campaign.districts.through.objects
    return qs.filter(
        Q(Exists(schools.filter(campaign_id=OuterRef("pk"), school_id=school.pk)))
        | Q(Exists(districts.filter(campaign_id=OuterRef("pk"), district_id=school.district_id)))
        | (~Q(Exists(schools.filter(campaign_id=OuterRef("pk"))))
           & ~Q(Exists(districts.filter(campaign_id=OuterRef("pk")))))
    )


def campaign_list(*, actor: Actor, status: str | None = None) -> QuerySet[Campaign]:
    """The campaigns the actor may see, newest first: every campaign of the region for centre
    staff; for a school psychologist, the opened campaigns that reach their school (a draft is
    the centre's plan until it opens)."""
    require(actor, Action.CAMPAIGN_VIEW)
    qs = scope(actor, Campaign.objects.all())
    if actor.has_role(Role.SCHOOL_PSYCHOLOGIST):
        qs = _targeting_school(qs, actor.membership.school).exclude(
            status=Campaign.Status.DRAFT)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("created_by").order_by("-starts_on", "-id")


def campaign_get(*, actor: Actor, pk: int) -> Campaign:
    """One campaign with its targets. Outside what ``campaign_list`` shows: ``NotFound``."""
    campaign = (campaign_list(actor=actor)
                .prefetch_related(
                    Prefetch("districts", queryset=District.objects.order_by("name_ru")),
                    Prefetch("schools", queryset=School.objects.select_related("district")
                             .order_by("name_ru")))
                .filter(pk=pk).first())
    if campaign is None:
        raise NotFound(_("Not found."), code="not_found")
    require(actor, Action.CAMPAIGN_VIEW, campaign)
    return campaign


def campaign_target_choices(*, actor: Actor) -> tuple[QuerySet[District], QuerySet[School]]:
    """The districts and the open schools of the actor's region a campaign may target."""
    require(actor, Action.CAMPAIGN_MANAGE)
    region_id = actor.membership.region_id
    districts = scope(actor, District.objects.filter(region_id=region_id)).order_by("name_ru")
    schools = (scope(actor, School.objects.filter(is_active=True, district__region_id=region_id))
               .select_related("district").order_by("district__name_ru", "name_ru", "id"))
    return districts, schools


def campaign_completion(*, actor: Actor, campaign_ids: list[int]) -> dict[int, tuple[int, int]]:
    """For a page of campaigns: {campaign id: (assigned, completed)} within the actor's scope,
    in one query."""
    if not campaign_ids:
        return {}
    rows = (scope(actor, Assignment.objects.filter(campaign_id__in=campaign_ids))
            .values("campaign_id")
            .annotate(total=Count("id"),
                      completed=Count("id", filter=Q(status=Assignment.Status.COMPLETED)))
            .order_by())
    return {r["campaign_id"]: (r["total"], r["completed"]) for r in rows}


@dataclass
class CoverageRow:
    """Counts of one district, school or class. ``key`` is what the next level is asked with:
    a district id, a school id, or (grade, class letter)."""

    key: object
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(status, 0) for status in COVERAGE_STATUSES]

    @property
    def percent(self) -> int:
        """Completed as a share of the pupils who are to be screened (consent and the pupil's
        own refusal taken out)."""
        expected = self.total - self.counts.get(Assignment.Status.NO_CONSENT, 0) - \
            self.counts.get(Assignment.Status.REFUSED, 0)
        if expected <= 0:
            return 0
        return round(100 * self.counts.get(Assignment.Status.COMPLETED, 0) / expected)


@dataclass
class Coverage:
    level: str  # "district", "school" or "class"
    rows: list[CoverageRow]
    total: CoverageRow
    district: District | None = None


def _name(row: dict, prefix: str) -> str:
    language = (get_language() or "ru")[:2]
    kk, ru, en = (row[f"{prefix}__name_{lang}"] for lang in ("kk", "ru", "en"))
    if language == "kk":
        return kk or ru
    if language == "en":
        return en or ru
    return ru or kk


def campaign_coverage(*, actor: Actor, campaign: Campaign,
                      district_id: int | None = None) -> Coverage:
    """Assignments of the campaign counted by status, within the actor's scope, in one
    aggregate query: by district; by school of ``district_id``; and by class for a school
    psychologist, who sees only their own school. (The campaign itself comes from
    ``campaign_get``; the assignments' scope keeps the counts within the actor's view.)"""
    require(actor, Action.CAMPAIGN_VIEW)
    qs = scope(actor, Assignment.objects.filter(campaign=campaign))
    district = None
    if actor.has_role(Role.SCHOOL_PSYCHOLOGIST):
        level, keys = "class", ("grade", "class_letter")
    elif district_id is not None:
        district = scope(actor, District.objects.filter(pk=district_id)).first()
        qs = qs.filter(district_id=district_id)
        level, keys = "school", ("school_id", "school__name_kk", "school__name_ru",
                                 "school__name_en")
    else:
        level, keys = "district", ("district_id", "district__name_kk", "district__name_ru",
                                   "district__name_en")
    counts = {f"n_{status}": Count("id", filter=Q(status=status)) for status in COVERAGE_STATUSES}
    rows = qs.values(*keys).annotate(n_total=Count("id"), **counts).order_by(*keys)
    total = CoverageRow(key=None, label="")
    result = []
    for row in rows:
        if level == "class":
            key, label = (row["grade"], row["class_letter"]), f"{row['grade']}{row['class_letter']}"
        else:
            key, label = row[keys[0]], _name(row, keys[0].removesuffix("_id"))
        item = CoverageRow(key=key, label=label, total=row["n_total"],
                           counts={s: row[f"n_{s}"] for s in COVERAGE_STATUSES})
        result.append(item)
        total.total += item.total
        for status, n in item.counts.items():
            total.counts[status] = total.counts.get(status, 0) + n
    if level != "class":
        result.sort(key=lambda r: r.label)
    return Coverage(level=level, rows=result, total=total, district=district)


def assignment_list(*, actor: Actor, campaign: Campaign, grade: int | None = None,
                    class_letter: str | None = None) -> QuerySet[Assignment]:
    """The assignments of the school psychologist's own school in a campaign, by class and
    name, with the questionnaires already submitted (``submitted``: prefetched responses)."""
    require(actor, Action.ASSIGNMENT_MANAGE)
    qs = scope(actor, Assignment.objects.filter(campaign=campaign))
    if grade is not None:
        qs = qs.filter(grade=grade)
    if class_letter is not None:
        qs = qs.filter(class_letter=class_letter)
    submitted = Response.objects.filter(status=Response.Status.SUBMITTED).only(
        "id", "assignment_id", "instrument")
    return (qs.select_related("pupil")
            .prefetch_related(Prefetch("responses", queryset=submitted, to_attr="submitted"))
            .order_by("grade", "class_letter", "pupil__last_name", "pupil__first_name", "id"))


def assignment_classes(*, actor: Actor, campaign: Campaign) -> list[tuple[int, str]]:
    """The classes (grade, letter) of the actor's school that have assignments in a
    campaign."""
    require(actor, Action.ASSIGNMENT_MANAGE)
    return list(scope(actor, Assignment.objects.filter(campaign=campaign))
                .values_list("grade", "class_letter").distinct().order_by("grade",
                                                                          "class_letter"))


def assignment_get(*, actor: Actor, pk: int) -> Assignment:
    """One assignment for the school psychologist who handles it (status, paper entry).
    Outside the actor's scope: ``NotFound``."""
    assignment = (scope(actor, Assignment.objects.all())
                  .select_related("campaign", "pupil", "school")
                  .filter(pk=pk).first())
    if assignment is None:
        raise NotFound(_("Not found."), code="not_found")
    require(actor, Action.ASSIGNMENT_MANAGE, assignment)
    return assignment


# Pupils who get a slip on the class sheet: those who may still answer.
SHEET_STATUSES = (Assignment.Status.PENDING, Assignment.Status.IN_PROGRESS,
                  Assignment.Status.ABSENT)


@dataclass
class ClassSheet:
    assignments: list[Assignment]
    left_out: int  # completed, refused or without consent: no slip


def class_sheet_get(*, actor: Actor, campaign: Campaign, grade: int,
                    class_letter: str) -> ClassSheet:
    """The pupils of one class who get a slip with their code, by name. Printing codes is
    written to the audit log (campaign, school and class; no names)."""
    rows = list(assignment_list(actor=actor, campaign=campaign, grade=grade,
                                class_letter=class_letter))
    printable = [a for a in rows if a.status in SHEET_STATUSES]
    if printable:
        audit_record(actor=actor, action="screening.classsheet.printed", target=campaign,
                     data={"campaign_id": campaign.pk, "school_id": actor.membership.school_id,
                           "grade": grade, "letter": class_letter, "slips": len(printable)})
    return ClassSheet(assignments=printable, left_out=len(rows) - len(printable))


def assignment_submitted(*, assignment: Assignment) -> set[str]:
    """The instruments already submitted for an assignment (codes)."""
    return set(assignment.responses.filter(status=Response.Status.SUBMITTED)
               .values_list("instrument", flat=True))
