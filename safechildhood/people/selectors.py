"""Reads of pupils and possible duplicates. Every read starts from the access policy's scope;
opening one child's record is written to the audit log."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.audit.services import audit_record
from safechildhood.directory.models import School
from safechildhood.errors import NotFound
from safechildhood.people.models import Consent, DuplicateCandidate, Enrollment, Pupil
from safechildhood.people.names import normalise_class_letter, normalise_name

_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_ALL = "all"


def pupil_list(
    *,
    actor: Actor,
    query: str = "",
    grade: int | None = None,
    class_letter: str | None = None,
    status: str | None = Pupil.Status.ACTIVE,
) -> QuerySet[Pupil]:
    """The pupils the actor may see, searched and filtered, with their latest consent decision
    (``latest_consent``) for the list page. ``status=None`` lists every status but merged
    records, which leave every roster.

    The search takes words of the last and first name in any case and order (Cyrillic, Kazakh
    letters included: matched on the normalised ``match_key``, so it works the same on SQLite,
    whose ``lower()`` folds only Latin letters, and on PostgreSQL), the beginning of an IIN, or
    a date of birth written as 14.03.2011.
    """
    require(actor, Action.PUPIL_LIST)
    latest_consent = (Consent.objects.filter(pupil=OuterRef("pk"))
                      .order_by("-decided_on", "-id").values("decision")[:1])
    qs = scope(actor, Pupil.objects.all()).annotate(latest_consent=Subquery(latest_consent))
    if status:
        qs = qs.filter(status=status)
    if grade is not None:
        qs = qs.filter(grade=grade)
    if class_letter:
        qs = qs.filter(class_letter=normalise_class_letter(class_letter))
    return _search(qs, query).order_by("last_name", "first_name", "id")


def _search(qs: QuerySet[Pupil], query: str) -> QuerySet[Pupil]:
    for token in (query or "").split():
        date = _parse_date(token)
        if date is not None:
            qs = qs.filter(birth_date=date)
        elif token.isdigit():
            qs = qs.filter(iin__startswith=token)
        else:
            for word in normalise_name(token.replace("|", " ")).split():
                qs = qs.filter(match_key__contains=word)
    return qs


def _parse_date(token: str) -> dt.date | None:
    match = _DATE.match(token)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def pupil_get(*, actor: Actor, pk: int) -> Pupil:
    """One pupil's record with its school, enrolment history, guardians and consent records.
    Outside the actor's scope it does not exist (``NotFound``). Every read is audited."""
    pupil = (
        scope(actor, Pupil.objects.all())
        .select_related("school__district", "school__settlement")
        .prefetch_related(
            Prefetch("enrollments", queryset=Enrollment.objects.select_related("school")
                     .order_by("-started_on", "-id")),
            "guardians",
            Prefetch("consents", queryset=Consent.objects.select_related("guardian",
                                                                         "recorded_by")),
        )
        .filter(pk=pk)
        .first()
    )
    if pupil is None:
        raise NotFound(_("Not found."), code="not_found")
    require(actor, Action.PUPIL_VIEW, pupil)
    audit_record(actor=actor, action="people.pupil.viewed", target=pupil,
                 data={"pupil_id": pupil.pk})
    return pupil


def duplicate_list(
    *,
    actor: Actor,
    status: str | None = None,
    pupil: Pupil | None = None,
) -> QuerySet[DuplicateCandidate]:
    """Possible duplicates touching the actor's school: the open ones first, newest first.
    ``pupil`` narrows them to one pupil's."""
    require(actor, Action.DUPLICATE_RESOLVE)
    qs = scope(actor, DuplicateCandidate.objects.all())
    if status and status != _ALL:
        qs = qs.filter(status=status)
    if pupil is not None:
        qs = qs.filter(Q(first=pupil) | Q(second=pupil))
    open_first = Case(When(status=DuplicateCandidate.Status.OPEN, then=Value(0)),
                      default=Value(1), output_field=IntegerField())
    return (qs.select_related("first__school", "second__school", "resolved_by")
            .order_by(open_first, "-detected_at", "-id"))


def duplicate_get(*, actor: Actor, pk: int) -> DuplicateCandidate:
    """One possible duplicate with both records. Outside the actor's scope: ``NotFound``.
    The read is audited, against the record of the actor's own school."""
    candidate = (
        scope(actor, DuplicateCandidate.objects.all())
        .select_related("first__school__district", "second__school__district", "resolved_by")
        .filter(pk=pk)
        .first()
    )
    if candidate is None:
        raise NotFound(_("Not found."), code="not_found")
    require(actor, Action.DUPLICATE_RESOLVE, candidate)
    visible = pupils_visible(actor=actor, pupil_ids=[candidate.first_id, candidate.second_id])
    target = candidate.first if candidate.first_id in visible else candidate.second
    audit_record(actor=actor, action="people.duplicate.viewed", target=target,
                 data={"candidate_id": candidate.pk, "first_id": candidate.first_id,
                       "second_id": candidate.second_id})
    return candidate


def transfer_schools(*, actor: Actor, pupil: Pupil) -> QuerySet[School]:
    """The open schools of the actor's region a pupil may move to: all but the current one,
    by district."""
    return (scope(actor, School.objects.filter(is_active=True)).exclude(pk=pupil.school_id)
            .select_related("district").order_by("district__name_ru", "name_ru", "id"))


def pupils_visible(*, actor: Actor, pupil_ids: list[int]) -> set[int]:
    """Which of these pupils the actor may see in full (one query). The others, such as the
    other school's record of a possible duplicate, are shown by school, class and birth date
    only."""
    if not pupil_ids:
        return set()
    return set(scope(actor, Pupil.objects.filter(pk__in=set(pupil_ids)))
               .values_list("pk", flat=True))
