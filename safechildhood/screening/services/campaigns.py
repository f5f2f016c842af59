"""Planning a campaign, opening it (which assigns every eligible pupil a one-time code) and
closing it; the school psychologist marks pupils absent or refused."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require
from safechildhood.audit.services import audit_record
from safechildhood.directory.models import School
from safechildhood.errors import DomainError
from safechildhood.geography.models import District
from safechildhood.people.models import Consent, Pupil
from safechildhood.screening.models import Assignment, Campaign, JobStatus
from safechildhood.screening.services.codes import code_hash, code_new
from safechildhood.screening.services.instruments import instrument_get

logger = logging.getLogger(__name__)
BATCH = 2000


def _check_plan(*, instruments: list[str], grades: list[int], starts_on: dt.date,
                ends_on: dt.date) -> list[dict[str, str]]:
    if not instruments:
        raise DomainError(_("Choose at least one instrument."), code="no_instruments",
                          field="instruments")
    pinned = []
    for code in instruments:
        instrument = instrument_get(code)
        if not instrument.has_texts:
            raise DomainError(
                _("%(name)s cannot be used yet: its item texts have not been supplied.")
                % {"name": instrument.code}, code="instrument_without_texts", field="instruments")
        pinned.append({"code": instrument.code, "version": instrument.version})
    if any(not 0 <= g <= 12 for g in grades):
        raise DomainError(_("Grades run from 0 to 12."), code="bad_grade", field="grades")
    if ends_on < starts_on:
        raise DomainError(_("The campaign cannot end before it starts."), code="window_order",
                          field="ends_on")
    return pinned


def campaign_create(*, actor: Actor, name: str, instruments: list[str],
                    districts: Iterable[District] = (), schools: Iterable[School] = (),
                    grades: list[int], starts_on: dt.date, ends_on: dt.date,
                    consent_rule: str) -> Campaign:
    require(actor, Action.CAMPAIGN_MANAGE)
    m = actor.membership
    pinned = _check_plan(instruments=instruments, grades=grades, starts_on=starts_on,
                         ends_on=ends_on)
    districts, schools = list(districts), list(schools)
    if any(d.region_id != m.region_id for d in districts) or any(
            s.district.region_id != m.region_id for s in schools):
        raise DomainError(_("Choose districts and schools of your region."), code="other_region")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            region_id=m.region_id, centre_id=m.centre_id, name=name.strip(), instruments=pinned,
            grades=sorted(set(grades)), starts_on=starts_on, ends_on=ends_on,
            consent_rule=consent_rule, created_by=actor.user)
        campaign.districts.set(districts)
        campaign.schools.set(schools)
        audit_record(actor=actor, action="screening.campaign.created", target=campaign,
                     data={"campaign_id": campaign.pk, "instruments": pinned,
                           "districts": [d.pk for d in districts],
                           "schools": [s.pk for s in schools], "grades": campaign.grades})
    return campaign


def campaign_update(*, actor: Actor, campaign: Campaign, name: str, instruments: list[str],
                    districts: Iterable[District] = (), schools: Iterable[School] = (),
                    grades: list[int], starts_on: dt.date, ends_on: dt.date,
                    consent_rule: str) -> Campaign:
    require(actor, Action.CAMPAIGN_MANAGE, campaign)
    if campaign.status != Campaign.Status.DRAFT:
        raise DomainError(_("Only a draft campaign can be changed."), code="not_draft")
    pinned = _check_plan(instruments=instruments, grades=grades, starts_on=starts_on,
                         ends_on=ends_on)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        campaign.name, campaign.instruments = name.strip(), pinned
        campaign.grades, campaign.consent_rule = sorted(set(grades)), consent_rule
        campaign.starts_on, campaign.ends_on = starts_on, ends_on
        campaign.save()
        campaign.districts.set(list(districts))
        campaign.schools.set(list(schools))
        audit_record(actor=actor, action="screening.campaign.changed", target=campaign,
                     data={"campaign_id": campaign.pk, "instruments": pinned})
    return campaign


def campaign_open(*, actor: Actor, campaign: Campaign) -> Campaign:
    """Open the campaign and queue the creation of its assignments."""
    require(actor, Action.CAMPAIGN_MANAGE, campaign)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != Campaign.Status.DRAFT:
            raise DomainError(_("This campaign is already open or closed."), code="not_draft")
        campaign.status = Campaign.Status.OPEN
        campaign.opened_at = timezone.now()
        campaign.assign_status = JobStatus.QUEUED
        campaign.save(update_fields=["status", "opened_at", "assign_status"])
        audit_record(actor=actor, action="screening.campaign.opened", target=campaign,
                     data={"campaign_id": campaign.pk})
        transaction.on_commit(partial(_enqueue_assign, campaign.pk))
    return campaign


def _enqueue_assign(campaign_id: int) -> None:
    from safechildhood.screening.tasks import campaign_assign_run

    campaign_assign_run(campaign_id)


def campaign_close(*, actor: Actor, campaign: Campaign) -> Campaign:
    require(actor, Action.CAMPAIGN_MANAGE, campaign)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != Campaign.Status.OPEN:
            raise DomainError(_("Only an open campaign can be closed."), code="not_open")
        campaign.status = Campaign.Status.CLOSED
        campaign.closed_at = timezone.now()
        campaign.save(update_fields=["status", "closed_at"])
        audit_record(actor=actor, action="screening.campaign.closed", target=campaign,
                     data={"campaign_id": campaign.pk})
    return campaign


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def eligible_pupils(campaign: Campaign):
    qs = Pupil.objects.filter(status=Pupil.Status.ACTIVE,
                              school__district__region_id=campaign.region_id)
    school_ids = list(campaign.schools.values_list("pk", flat=True))
    district_ids = list(campaign.districts.values_list("pk", flat=True))
    if school_ids or district_ids:
        qs = qs.filter(Q(school_id__in=school_ids) | Q(school__district_id__in=district_ids))
    if campaign.grades:
        qs = qs.filter(grade__in=campaign.grades)
    latest = Consent.objects.filter(pupil=OuterRef("pk")).order_by("-decided_on", "-id")
    return qs.annotate(consent=Subquery(latest.values("decision")[:1]))


def _initial_status(campaign: Campaign, consent: str | None) -> str:
    if campaign.consent_rule == Campaign.ConsentRule.OPT_IN:
        ok = consent == Consent.Decision.GIVEN
    else:
        ok = consent not in (Consent.Decision.REFUSED, Consent.Decision.WITHDRAWN)
    return Assignment.Status.PENDING if ok else Assignment.Status.NO_CONSENT


def campaign_assign(*, campaign_id: int) -> Campaign | None:
    """Create the assignments of an open campaign in batches, showing progress. Safe to run
    again after an interruption: pupils already assigned are skipped."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.status != Campaign.Status.OPEN or \
            campaign.assign_status == JobStatus.DONE:
        return campaign
    instruments = [instrument_get(i["code"]) for i in campaign.instruments]
    pupils = eligible_pupils(campaign).order_by("pk")
    total = pupils.count()
    Campaign.objects.filter(pk=campaign_id).update(assign_status=JobStatus.RUNNING,
                                                   assign_total=total, assign_done=0)
    done = 0
    rows = pupils.values_list("pk", "school_id", "school__district_id", "grade", "class_letter",
                              "birth_date", "consent")
    batch: list[tuple] = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            _assign_batch(campaign, instruments, batch)
            done += len(batch)
            batch = []
            Campaign.objects.filter(pk=campaign_id).update(assign_done=done)
    if batch:
        _assign_batch(campaign, instruments, batch)
        done += len(batch)
    Campaign.objects.filter(pk=campaign_id).update(assign_status=JobStatus.DONE, assign_done=done)
    logger.info("campaign %s: %s pupils considered", campaign_id, done)
    return Campaign.objects.get(pk=campaign_id)


def _assign_batch(campaign: Campaign, instruments, batch: list[tuple]) -> None:
    todo = {row[0]: row for row in batch}
    for _attempt in range(5):  # a new code may, rarely, collide with an existing one
        existing = set(Assignment.objects.filter(campaign=campaign, pupil_id__in=list(todo))
                       .values_list("pupil_id", flat=True))
        objs = []
        for pupil_id, row in todo.items():
            if pupil_id in existing:
                continue
            _, school_id, district_id, grade, letter, birth_date, consent = row
            age = age_on(birth_date, campaign.starts_on)
            codes = [i.code for i in instruments if i.covers_age(age)]
            if not codes:
                continue  # no instrument of this campaign fits the pupil's age
            code = code_new()
            objs.append(Assignment(
                campaign=campaign, pupil_id=pupil_id, school_id=school_id,
                district_id=district_id, grade=grade, class_letter=letter, instruments=codes,
                code_hash=code_hash(code), code_sealed=code,
                status=_initial_status(campaign, consent)))
        if not objs:
            return
        with transaction.atomic():
            Assignment.objects.bulk_create(objs, ignore_conflicts=True)
        todo = {o.pupil_id: todo[o.pupil_id] for o in objs}
    raise RuntimeError("could not find free access codes")  # pragma: no cover


# Who may move an assignment between which states (the school psychologist, by hand).
MANUAL_TRANSITIONS = {
    Assignment.Status.PENDING: {Assignment.Status.ABSENT, Assignment.Status.REFUSED},
    Assignment.Status.IN_PROGRESS: {Assignment.Status.ABSENT, Assignment.Status.REFUSED},
    Assignment.Status.ABSENT: {Assignment.Status.PENDING, Assignment.Status.REFUSED},
    Assignment.Status.REFUSED: {Assignment.Status.PENDING},
    # a consent that arrives later makes the pupil eligible
    Assignment.Status.NO_CONSENT: {Assignment.Status.PENDING},
}


def assignment_set_status(*, actor: Actor, assignment: Assignment, status: str) -> Assignment:
    require(actor, Action.ASSIGNMENT_MANAGE, assignment)
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().select_related("campaign").get(
            pk=assignment.pk)
        if assignment.campaign.status != Campaign.Status.OPEN:
            raise DomainError(_("The campaign is closed."), code="campaign_closed")
        if status not in MANUAL_TRANSITIONS.get(assignment.status, set()):
            raise DomainError(_("This change of status is not possible."),
                              code="bad_transition")
        if status == Assignment.Status.PENDING and \
                assignment.status == Assignment.Status.NO_CONSENT:
            consent = eligible_pupils(assignment.campaign).filter(
                pk=assignment.pupil_id).values_list("consent", flat=True).first()
            if _initial_status(assignment.campaign, consent) != Assignment.Status.PENDING:
                raise DomainError(_("Record the parent's consent first."),
                                  code="consent_missing")
        before = assignment.status
        assignment.status = status
        assignment.status_changed_by = actor.user
        assignment.save(update_fields=["status", "status_changed_by"])
        audit_record(actor=actor, action="screening.assignment.status_changed",
                     target=assignment, data={"assignment_id": assignment.pk,
                                              "from": before, "to": status})
    return assignment
