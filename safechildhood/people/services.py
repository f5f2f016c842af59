"""Changes to pupils, their guardians and consent records, transfers between schools, and the
detection and resolution of duplicate records.

Every function here asks the access policy, changes the rows and writes the audit event inside
one transaction. Audit data hold identifiers and codes only: never names, IINs or notes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.audit.services import audit_record
from safechildhood.directory.models import School
from safechildhood.errors import DomainError
from safechildhood.people.iin import IINError, check_iin_matches
from safechildhood.people.messages import PHONE_MESSAGE, iin_message
from safechildhood.people.models import (
    Consent,
    DuplicateCandidate,
    Enrollment,
    Guardian,
    Pupil,
    Sex,
)
from safechildhood.people.moves import pupil_moved
from safechildhood.people.names import (
    clean_name,
    match_key,
    normalise_class_letter,
    normalise_name,
)
from safechildhood.people.phones import PhoneError, normalise_kz_phone

MAX_GRADE = 12
DETECT_BATCH = 500  # pupils per round of duplicate detection: a few queries per round

_PUPIL_FACTS = ("last_name", "first_name", "middle_name", "birth_date", "sex", "grade",
                "class_letter", "iin")


# --- pupils ------------------------------------------------------------------------------------


def pupil_create(
    *,
    actor: Actor,
    school: School,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    birth_date: dt.date,
    sex: str,
    grade: int,
    class_letter: str = "",
    iin: str | None = None,
    enrolled_on: dt.date | None = None,
) -> Pupil:
    """Add a pupil to the actor's school roster, open their enrolment and look for duplicates
    of them in the region."""
    require(actor, Action.PUPIL_CREATE, school)
    facts = _clean_facts(last_name=last_name, first_name=first_name, middle_name=middle_name,
                         birth_date=birth_date, sex=sex, grade=grade, class_letter=class_letter,
                         iin=iin)
    with transaction.atomic():
        _check_iin_free(facts["iin"], school_id=school.pk, exclude_pk=None)
        pupil = Pupil(school=school, **facts)
        pupil.match_key = match_key(pupil.last_name, pupil.first_name, pupil.birth_date)
        _save_guarding_iin(pupil, school_id=school.pk)
        Enrollment.objects.create(pupil=pupil, school=school, grade=pupil.grade,
                                  class_letter=pupil.class_letter,
                                  started_on=enrolled_on or timezone.localdate())
        audit_record(actor=actor, action="people.pupil.created", target=pupil,
                     data={"pupil_id": pupil.pk, "with_iin": pupil.iin is not None})
        duplicates_detect(pupil_ids=[pupil.pk])
    return pupil


def pupil_update(
    *,
    actor: Actor,
    pupil: Pupil,
    last_name: str,
    first_name: str,
    middle_name: str,
    birth_date: dt.date,
    sex: str,
    grade: int,
    class_letter: str,
    iin: str | None,
) -> Pupil:
    """Correct a pupil's facts. A change of grade or class letter is written on the current
    enrolment too; a change of name, birth date or IIN looks for duplicates again."""
    require(actor, Action.PUPIL_EDIT, pupil)
    facts = _clean_facts(last_name=last_name, first_name=first_name, middle_name=middle_name,
                         birth_date=birth_date, sex=sex, grade=grade, class_letter=class_letter,
                         iin=iin)
    with transaction.atomic():
        pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
        changed = [name for name in _PUPIL_FACTS if getattr(pupil, name) != facts[name]]
        if not changed:
            return pupil
        if "iin" in changed:
            _check_iin_free(facts["iin"], school_id=pupil.school_id, exclude_pk=pupil.pk)
        for name in changed:
            setattr(pupil, name, facts[name])
        pupil.match_key = match_key(pupil.last_name, pupil.first_name, pupil.birth_date)
        _save_guarding_iin(pupil, school_id=pupil.school_id)
        if {"grade", "class_letter"} & set(changed):
            Enrollment.objects.filter(pupil=pupil, ended_on__isnull=True).update(
                grade=pupil.grade, class_letter=pupil.class_letter)
        audit_record(actor=actor, action="people.pupil.updated", target=pupil,
                     data={"pupil_id": pupil.pk, "fields": sorted(changed)})
        if {"last_name", "first_name", "birth_date", "iin"} & set(changed):
            duplicates_detect(pupil_ids=[pupil.pk])
    return pupil


def pupil_transfer(
    *,
    actor: Actor,
    pupil: Pupil,
    to_school: School,
    grade: int,
    class_letter: str = "",
    on_date: dt.date,
) -> Pupil:
    """Move a pupil to another school of the region. The current enrolment ends on ``on_date``
    and one at the new school starts that day; access moves with the pupil at once: the old
    school no longer sees the record, the new school does. Records of other apps that keep the
    pupil's current school (a risk case's place) follow in the same transaction (moves.py)."""
    require(actor, Action.PUPIL_TRANSFER, pupil)
    grade, class_letter = _clean_class(grade, class_letter)
    if not scope(actor, School.objects.filter(pk=to_school.pk, is_active=True)).exists():
        raise DomainError(_("Choose an open school of your region."), code="school_outside",
                          field="to_school")
    if to_school.pk == pupil.school_id:
        raise DomainError(_("The pupil already studies at this school."), code="same_school",
                          field="to_school")
    if on_date > timezone.localdate():
        raise DomainError(_("The date of transfer cannot be in the future."),
                          code="date_future", field="on_date")
    with transaction.atomic():
        pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
        from_school_id = pupil.school_id
        current = Enrollment.objects.filter(pupil=pupil, ended_on__isnull=True).first()
        if current is not None:
            if on_date < current.started_on:
                raise DomainError(
                    _("The date of transfer cannot be before the current enrolment began "
                      "(%(date)s).") % {"date": _format_date(current.started_on)},
                    code="date_before_enrolment", field="on_date")
            current.ended_on = on_date
            current.save(update_fields=["ended_on"])
        Enrollment.objects.create(pupil=pupil, school=to_school, grade=grade,
                                  class_letter=class_letter, started_on=on_date)
        pupil.school = to_school
        pupil.grade = grade
        pupil.class_letter = class_letter
        pupil.save(update_fields=["school", "grade", "class_letter", "updated_at"])
        pupil_moved(pupil)  # records of other apps that keep the current school follow
        audit_record(actor=actor, action="people.pupil.transferred", target=pupil,
                     data={"pupil_id": pupil.pk, "from_school_id": from_school_id,
                           "to_school_id": to_school.pk, "on_date": on_date.isoformat()})
    return pupil


# --- guardians and consent ---------------------------------------------------------------------


def guardian_add(
    *,
    actor: Actor,
    pupil: Pupil,
    relation: str,
    full_name: str,
    phone: str = "",
) -> Guardian:
    require(actor, Action.GUARDIAN_EDIT, pupil)
    if relation not in Guardian.Relation.values:
        raise DomainError(_("Choose how this person is related to the pupil."),
                          code="relation_unknown", field="relation")
    full_name = clean_name(full_name)
    if not full_name:
        raise DomainError(_("Write the full name."), code="required", field="full_name")
    if phone:
        try:
            phone = normalise_kz_phone(phone)
        except PhoneError:
            raise DomainError(PHONE_MESSAGE, code="phone_format", field="phone") from None
    with transaction.atomic():
        guardian = Guardian.objects.create(pupil=pupil, relation=relation, full_name=full_name,
                                           phone=phone)
        audit_record(actor=actor, action="people.guardian.added", target=pupil,
                     data={"pupil_id": pupil.pk, "guardian_id": guardian.pk,
                           "relation": relation})
    return guardian


def consent_record(
    *,
    actor: Actor,
    pupil: Pupil,
    decision: str,
    decided_on: dt.date,
    guardian: Guardian | None = None,
    note: str = "",
) -> Consent:
    """Record a parent's or guardian's decision on screening. The note is stored encrypted."""
    require(actor, Action.CONSENT_RECORD, pupil)
    if decision not in Consent.Decision.values:
        raise DomainError(_("Choose the decision."), code="decision_unknown", field="decision")
    if decided_on > timezone.localdate():
        raise DomainError(_("The date of the decision cannot be in the future."),
                          code="date_future", field="decided_on")
    if guardian is not None and guardian.pupil_id != pupil.pk:
        raise DomainError(_("Choose one of this pupil's parents or guardians."),
                          code="guardian_other_pupil", field="guardian")
    with transaction.atomic():
        consent = Consent.objects.create(pupil=pupil, guardian=guardian, decision=decision,
                                         decided_on=decided_on, note=(note or "").strip(),
                                         recorded_by=actor.user)
        audit_record(actor=actor, action="people.consent.recorded", target=pupil,
                     data={"pupil_id": pupil.pk, "consent_id": consent.pk,
                           "decision": decision,
                           "guardian_id": guardian.pk if guardian is not None else None})
    return consent


# --- duplicates --------------------------------------------------------------------------------


def duplicates_detect(*, pupil_ids: Iterable[int]) -> int:
    """Record possible duplicates of the given pupils among all the region's pupil records:
    the same IIN, or the same normalised last name, first name and date of birth. Pairs already
    recorded (open, merged or dismissed) are not raised again; two records with different IINs
    are different children. Works in batches, a few queries per batch, so a roster of
    thousands costs a few dozen queries. Returns the number of new candidates."""
    ids = sorted(set(pupil_ids))
    created = 0
    seen: set[tuple[int, int]] = set()
    with transaction.atomic():
        for start in range(0, len(ids), DETECT_BATCH):
            created += _detect_batch(ids[start:start + DETECT_BATCH], seen)
        if created:
            audit_record(actor=None, action="people.duplicates.detected",
                         data={"created": created, "pupils": len(ids)})
    return created


Row = tuple[int, str | None, str, int]  # pk, IIN, match key, region


def _detect_batch(batch: list[int], seen: set[tuple[int, int]]) -> int:
    region = "school__district__region_id"
    fields = ("pk", "iin", "match_key", region)
    sources: list[Row] = list(Pupil.objects.filter(pk__in=batch)
                              .exclude(status=Pupil.Status.MERGED).values_list(*fields))
    if not sources:
        return 0
    iins = {iin for _pk, iin, _key, _region in sources if iin}
    keys = {key for _pk, _iin, key, _region in sources}
    regions = {region_id for *_rest, region_id in sources}
    similar: list[Row] = list(
        Pupil.objects.exclude(status=Pupil.Status.MERGED).filter(**{f"{region}__in": regions})
        .filter(Q(iin__in=iins) | Q(match_key__in=keys)).values_list(*fields))
    pairs = {pair: reason for pair, reason in candidate_pairs(sources, similar).items()
             if pair not in seen}
    if not pairs:
        return 0
    involved = {pk for pair in pairs for pk in pair}
    existing = set(DuplicateCandidate.objects.filter(first_id__in=involved,
                                                     second_id__in=involved)
                   .values_list("first_id", "second_id"))
    new = [DuplicateCandidate(first_id=a, second_id=b, reason=reason)
           for (a, b), reason in sorted(pairs.items()) if (a, b) not in existing]
    seen.update(pairs)
    DuplicateCandidate.objects.bulk_create(new, batch_size=DETECT_BATCH, ignore_conflicts=True)
    return len(new)


def candidate_pairs(sources: Iterable[Row], similar: Iterable[Row]) -> dict[tuple[int, int], str]:
    """The rule itself, without the database: each source record paired with every other record
    of its region that has the same IIN, or the same match key unless both have IINs and they
    differ. Pairs are ordered (smaller id first); the same IIN is the stronger reason."""
    by_iin: dict[tuple[int, str], list[int]] = defaultdict(list)
    by_key: dict[tuple[int, str], list[int]] = defaultdict(list)
    iin_of: dict[int, str | None] = {}
    for pk, iin, key, region_id in similar:
        iin_of[pk] = iin
        if iin:
            by_iin[(region_id, iin)].append(pk)
        by_key[(region_id, key)].append(pk)
    pairs: dict[tuple[int, int], str] = {}
    for pk, iin, key, region_id in sources:
        for other in by_key.get((region_id, key), ()):
            own_iin, other_iin = iin_of.get(pk, iin), iin_of.get(other)
            if other != pk and not (own_iin and other_iin and own_iin != other_iin):
                pairs.setdefault(_ordered(pk, other), DuplicateCandidate.Reason.SAME_NAME_BIRTH)
        if not iin:
            continue
        for other in by_iin.get((region_id, iin), ()):
            if other != pk:
                pairs[_ordered(pk, other)] = DuplicateCandidate.Reason.SAME_IIN
    return pairs


def duplicate_merge(*, actor: Actor, candidate: DuplicateCandidate, keep: Pupil) -> Pupil:
    """Make two records of one child into one. The kept record takes the other's guardians,
    consent records and enrolment history (which stays as it was, so the child's path through
    schools is kept); the other record is marked merged into it and leaves every roster. Only a
    person decides this: nothing merges automatically."""
    require(actor, Action.DUPLICATE_RESOLVE, candidate)
    if keep.pk not in (candidate.first_id, candidate.second_id):
        raise DomainError(_("Choose one of the two records to keep."), code="keep_unknown",
                          field="keep")
    with transaction.atomic():
        candidate = _lock_open(candidate)
        pair = {p.pk: p for p in Pupil.objects.select_for_update().filter(
            pk__in=(candidate.first_id, candidate.second_id))}
        keep = pair[keep.pk]
        other = pair[candidate.second_id if keep.pk == candidate.first_id
                     else candidate.first_id]
        if Pupil.Status.MERGED in (keep.status, other.status):
            raise DomainError(_("One of these records has already been merged into another. "
                                "Resolve the remaining possible duplicates of the child."),
                              code="already_merged")
        moved = _move_records(other=other, keep=keep)
        other.status = Pupil.Status.MERGED
        other.merged_into = keep
        other.save(update_fields=["status", "merged_into", "updated_at"])
        _fill_gaps(keep=keep, other=other)
        _close(candidate, actor=actor, status=DuplicateCandidate.Status.MERGED)
        repointed = _repoint_candidates(other=other, keep=keep, actor=actor)
        audit_record(actor=actor, action="people.duplicate.merged", target=keep,
                     data={"candidate_id": candidate.pk, "kept_id": keep.pk,
                           "merged_id": other.pk, "reason": candidate.reason,
                           "candidates_repointed": repointed, **moved})
        duplicates_detect(pupil_ids=[keep.pk])
    return keep


def duplicate_dismiss(*, actor: Actor, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """Record that the two records are different children; the pair is not raised again."""
    require(actor, Action.DUPLICATE_RESOLVE, candidate)
    with transaction.atomic():
        candidate = _lock_open(candidate)
        _close(candidate, actor=actor, status=DuplicateCandidate.Status.DISMISSED)
        audit_record(actor=actor, action="people.duplicate.dismissed",
                     target=_own_record(actor, candidate),
                     data={"candidate_id": candidate.pk, "first_id": candidate.first_id,
                           "second_id": candidate.second_id, "reason": candidate.reason})
    return candidate


# --- helpers -----------------------------------------------------------------------------------


def _clean_class(grade: int, class_letter: str) -> tuple[int, str]:
    if grade is None or not 0 <= int(grade) <= MAX_GRADE:
        raise DomainError(_("The grade must be from 0 to 12."), code="grade_range",
                          field="grade")
    letter = normalise_class_letter(class_letter or "")
    if len(letter) > 3 or (letter and not letter.isalpha()):
        raise DomainError(_("The class letter is at most three letters."),
                          code="letter_format", field="class_letter")
    return int(grade), letter


def _clean_facts(*, last_name: str, first_name: str, middle_name: str, birth_date: dt.date,
                 sex: str, grade: int, class_letter: str, iin: str | None) -> dict:
    names = {"last_name": clean_name(last_name), "first_name": clean_name(first_name),
             "middle_name": clean_name(middle_name)}
    for field in ("last_name", "first_name"):
        if not names[field]:
            raise DomainError(_("This field is required."), code="required", field=field)
    if sex not in Sex.values:
        raise DomainError(_("Choose the sex."), code="sex_unknown", field="sex")
    if birth_date > timezone.localdate():
        raise DomainError(_("The date of birth cannot be in the future."),
                          code="date_future", field="birth_date")
    grade, class_letter = _clean_class(grade, class_letter)
    iin = (iin or "").strip() or None
    if iin is not None:
        try:
            check_iin_matches(iin, birth_date=birth_date, sex=sex)
        except IINError as error:
            raise DomainError(iin_message(error.code), code=error.code, field="iin") from None
    return {**names, "birth_date": birth_date, "sex": sex, "grade": grade,
            "class_letter": class_letter, "iin": iin}


def _check_iin_free(iin: str | None, *, school_id: int, exclude_pk: int | None) -> None:
    """An IIN belongs to one pupil record. The message says whether the holder is at this school
    or another, and nothing more about them."""
    if iin is None:
        return
    holder = (Pupil.objects.exclude(status=Pupil.Status.MERGED).exclude(pk=exclude_pk)
              .filter(iin=iin).values_list("school_id", flat=True).first())
    if holder is None:
        return
    code = "iin_same_school" if holder == school_id else "iin_other_school"
    raise DomainError(iin_message(code), code=code, field="iin")


def _save_guarding_iin(pupil: Pupil, *, school_id: int) -> None:
    """Save; if another record took the IIN a moment ago, say so as a rule, not a crash."""
    try:
        with transaction.atomic():
            pupil.save()
    except IntegrityError:
        _check_iin_free(pupil.iin, school_id=school_id, exclude_pk=pupil.pk)
        raise


def _format_date(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _lock_open(candidate: DuplicateCandidate) -> DuplicateCandidate:
    locked = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if locked.status != DuplicateCandidate.Status.OPEN:
        raise DomainError(_("This possible duplicate has already been resolved."),
                          code="already_resolved")
    return locked


def _close(candidate: DuplicateCandidate, *, actor: Actor, status: str) -> None:
    candidate.status = status
    candidate.resolved_by = actor.user
    candidate.resolved_at = timezone.now()
    candidate.save(update_fields=["status", "resolved_by", "resolved_at"])


def _own_record(actor: Actor, candidate: DuplicateCandidate) -> Pupil:
    """The record of the pair that the actor's scope holds (for the audit event's place)."""
    visible = scope(actor, Pupil.objects.filter(
        pk__in=(candidate.first_id, candidate.second_id))).order_by("pk").first()
    return visible or Pupil.objects.get(pk=candidate.first_id)


def _move_records(*, other: Pupil, keep: Pupil) -> dict[str, int]:
    """Hand the other record's guardians, consents and enrolments to the kept one. A guardian
    already on the kept record (same relation and name) is not doubled: their consent records
    point at the existing one."""
    existing = {(g.relation, normalise_name(g.full_name)): g for g in keep.guardians.all()}
    moved_guardians = 0
    for guardian in other.guardians.all():
        twin = existing.get((guardian.relation, normalise_name(guardian.full_name)))
        if twin is not None:
            Consent.objects.filter(guardian=guardian).update(guardian=twin)
            if guardian.phone and not twin.phone:
                twin.phone = guardian.phone
                twin.save(update_fields=["phone"])
            guardian.delete()
        else:
            guardian.pupil = keep
            guardian.save(update_fields=["pupil"])
            moved_guardians += 1
    consents = Consent.objects.filter(pupil=other).update(pupil=keep)
    # The kept record says where the child studies now: the other's open stay ends today.
    today = timezone.localdate()
    for open_stay in Enrollment.objects.filter(pupil=other, ended_on__isnull=True):
        open_stay.ended_on = max(today, open_stay.started_on)
        open_stay.save(update_fields=["ended_on"])
    enrollments = Enrollment.objects.filter(pupil=other).update(pupil=keep)
    return {"guardians_moved": moved_guardians, "consents_moved": consents,
            "enrollments_moved": enrollments}


def _fill_gaps(*, keep: Pupil, other: Pupil) -> None:
    """Facts the kept record lacks are taken from the other record, if they agree with it."""
    changed = []
    if not keep.middle_name and other.middle_name:
        keep.middle_name = other.middle_name
        changed.append("middle_name")
    if keep.iin is None and other.iin is not None:
        try:
            check_iin_matches(other.iin, birth_date=keep.birth_date, sex=keep.sex)
        except IINError:
            pass
        else:
            keep.iin = other.iin
            changed.append("iin")
    if changed:
        keep.save(update_fields=[*changed, "updated_at"])


def _repoint_candidates(*, other: Pupil, keep: Pupil, actor: Actor) -> int:
    """Open candidates that name the merged record now name the kept one, so no suspicion is
    lost; a pair the kept record already has is closed as part of this merge."""
    repointed = 0
    open_ones = DuplicateCandidate.objects.select_for_update().filter(
        Q(first=other) | Q(second=other), status=DuplicateCandidate.Status.OPEN)
    for candidate in open_ones:
        third = candidate.second_id if candidate.first_id == other.pk else candidate.first_id
        first, second = _ordered(keep.pk, third)
        taken = third == keep.pk or DuplicateCandidate.objects.filter(
            first_id=first, second_id=second).exists()
        if taken:
            _close(candidate, actor=actor, status=DuplicateCandidate.Status.MERGED)
            continue
        candidate.first_id, candidate.second_id = first, second
        candidate.save(update_fields=["first", "second"])
        repointed += 1
    return repointed

