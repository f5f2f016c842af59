"""What the prevention pages share: the places an actor may record in, and turning a service's
refusal into a form error."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from safechildhood.access.policy import Actor, scope
from safechildhood.accounts.models import Role
from safechildhood.directory.models import School
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.geography.models import District, Settlement

PER_PAGE = 25


def add_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on its field (or above the form). Refusals of access are not
    form errors: they go on to the 404 or 403 page."""
    if isinstance(error, NotFound | Forbidden):
        raise error
    error.add_to(form)


def districts_of(actor: Actor) -> QuerySet[District]:
    return scope(actor, District.objects.all()).order_by("kind", "name_ru")


def places(actor: Actor) -> dict[str, QuerySet]:
    """Districts, settlements and schools the actor records events and meetings in: a school
    psychologist their school; an inspector their unit's district; the others their region."""
    m = actor.membership
    schools = scope(actor, School.objects.filter(is_active=True)).select_related("district")
    settlements = scope(actor, Settlement.objects.all()).select_related("district")
    districts = districts_of(actor)
    if m is not None and m.role in (Role.SCHOOL_PSYCHOLOGIST, Role.SCHOOL_ADMIN):
        schools = schools.filter(pk=m.school_id)
        school = schools.first()
        districts = districts.filter(pk=school.district_id if school else None)
        settlements = settlements.filter(pk=school.settlement_id if school else None)
    elif m is not None and m.role == Role.POLICE_INSPECTOR:
        district_id = m.police_unit.district_id
        districts = districts.filter(pk=district_id)
        schools = schools.filter(district_id=district_id)
        settlements = settlements.filter(district_id=district_id)
    return {"districts": districts, "settlements": settlements.order_by("district__name_ru",
                                                                         "name_ru"),
            "schools": schools.order_by("district__name_ru", "name_ru")}


def place_initial(actor: Actor) -> dict:
    """A school psychologist's school and district, an inspector's district, filled in."""
    m = actor.membership
    if m is not None and m.role == Role.SCHOOL_PSYCHOLOGIST and m.school_id:
        return {"school": m.school_id, "district": m.school.district_id,
                "settlement": m.school.settlement_id}
    if m is not None and m.role == Role.POLICE_INSPECTOR and m.police_unit_id:
        return {"district": m.police_unit.district_id}
    return {}
