"""Campaign services: planning, changing, opening and closing a campaign; assigning its pupils
(consent rules, age-fitting questionnaires, safe re-runs); and the psychologist's manual
statuses. Each change writes its audit event; each refusal changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.audit.models import AuditEvent
from safechildhood.directory.tests.factories import SchoolFactory, SupportCentreFactory
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)
from safechildhood.people.models import Consent, Pupil
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import Assignment, Campaign, JobStatus
from safechildhood.screening.services import campaigns as services
from safechildhood.screening.services.codes import code_hash
from safechildhood.screening.tests.factories import make_assignment, make_campaign

pytestmark = pytest.mark.django_db

START = dt.date(2025, 10, 6)


def school_in(district):
    return SchoolFactory(settlement=SettlementFactory(district=district))


@pytest.fixture
def place(db):
    region = RegionFactory()
    home, near = DistrictFactory(region=region), DistrictFactory(region=region)
    centre = SupportCentreFactory(region=region)
    head = actor_for(MembershipFactory(role=Role.CENTRE_HEAD, centre=centre).user)
    home_school = school_in(home)
    psy = actor_for(MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=home_school).user)
    return {"region": region, "home": home, "near": near, "centre": centre, "head": head,
            "school": home_school, "near_school": school_in(near), "psy": psy}


def plan(place, **overrides):
    values = {"name": "  Autumn screening  ", "instruments": ["phq-a", "asq"],
              "districts": [place["home"]], "schools": [], "grades": [5, 8, 8],
              "starts_on": START, "ends_on": START + dt.timedelta(days=13),
              "consent_rule": Campaign.ConsentRule.OPT_OUT}
    return values | overrides


def events(action):
    return list(AuditEvent.objects.filter(action=action))


def born_aged(years: int) -> dt.date:
    """A birth date that makes the pupil ``years`` old on the campaign's first day."""
    return START.replace(year=START.year - years) - dt.timedelta(days=30)


def consent(pupil: Pupil, decision: str, by) -> Consent:
    return Consent.objects.create(pupil=pupil, decision=decision, decided_on=START,
                                  recorded_by=by.user)


# --- planning ----------------------------------------------------------------------------------


def test_the_head_plans_a_draft_with_pinned_versions_and_it_is_audited(place):
    campaign = services.campaign_create(actor=place["head"], **plan(place))
    assert campaign.status == Campaign.Status.DRAFT and campaign.name == "Autumn screening"
    assert campaign.instruments == [{"code": "phq-a", "version": "1.0"},
                                    {"code": "asq", "version": "1.0"}]
    assert campaign.grades == [5, 8]
    assert list(campaign.districts.all()) == [place["home"]]
    assert campaign.centre == place["centre"] and campaign.region == place["region"]
    [event] = events("screening.campaign.created")
    assert event.data["campaign_id"] == campaign.pk and event.data["districts"] == [
        place["home"].pk]


@pytest.mark.parametrize(("overrides", "code"), [
    ({"instruments": []}, "no_instruments"),
    ({"instruments": ["cats"]}, "instrument_without_texts"),
    ({"ends_on": START - dt.timedelta(days=1)}, "window_order"),
    ({"grades": [13]}, "bad_grade"),
])
def test_a_bad_plan_is_refused_and_nothing_is_saved(place, overrides, code):
    with pytest.raises(DomainError) as refused:
        services.campaign_create(actor=place["head"], **plan(place, **overrides))
    assert refused.value.code == code
    assert not Campaign.objects.exists() and not AuditEvent.objects.exists()


def test_a_district_of_another_region_is_refused(place):
    other = DistrictFactory(region=RegionFactory())
    with pytest.raises(DomainError) as refused:
        services.campaign_create(actor=place["head"], **plan(place, districts=[other]))
    assert refused.value.code == "other_region"
    assert not Campaign.objects.exists()


def test_only_the_centre_head_plans(place):
    with pytest.raises(Forbidden):
        services.campaign_create(actor=place["psy"], **plan(place))


def test_planning_rolls_back_when_the_audit_fails(place, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.campaign_create(actor=place["head"], **plan(place))
    assert not Campaign.objects.exists()


def test_a_draft_is_changed_and_the_change_audited(place):
    campaign = services.campaign_create(actor=place["head"], **plan(place))
    changed = services.campaign_update(
        actor=place["head"], campaign=campaign,
        **plan(place, name="Spring", instruments=["gad-7"], districts=[],
               schools=[place["near_school"]], grades=[9]))
    assert changed.name == "Spring" and changed.instrument_codes == ["gad-7"]
    assert list(changed.schools.all()) == [place["near_school"]]
    assert not changed.districts.exists() and changed.grades == [9]
    [event] = events("screening.campaign.changed")
    assert event.data["instruments"] == [{"code": "gad-7", "version": "1.0"}]


def test_an_open_campaign_cannot_be_changed(place):
    campaign = make_campaign(region=place["region"], centre=place["centre"],
                             created_by=place["head"].user)
    with pytest.raises(DomainError) as refused:
        services.campaign_update(actor=place["head"], campaign=campaign, **plan(place))
    assert refused.value.code == "not_draft"
    assert Campaign.objects.get(pk=campaign.pk).name == "Autumn screening"


def test_another_regions_head_cannot_touch_the_campaign(place):
    campaign = services.campaign_create(actor=place["head"], **plan(place))
    stranger = actor_for(MembershipFactory(role=Role.CENTRE_HEAD).user)
    with pytest.raises(NotFound):
        services.campaign_open(actor=stranger, campaign=campaign)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DRAFT


# --- opening and closing -----------------------------------------------------------------------


def test_opening_assigns_the_pupils_after_commit(place, django_capture_on_commit_callbacks):
    pupil = PupilFactory(school=place["school"], grade=8, birth_date=born_aged(13))
    campaign = services.campaign_create(actor=place["head"], **plan(place))
    with django_capture_on_commit_callbacks(execute=True):
        opened = services.campaign_open(actor=place["head"], campaign=campaign)
    assert opened.status == Campaign.Status.OPEN and opened.opened_at is not None
    campaign.refresh_from_db()
    assert campaign.assign_status == JobStatus.DONE
    assert campaign.assign_total == campaign.assign_done == 1
    assignment = Assignment.objects.get(campaign=campaign)
    assert assignment.pupil == pupil and assignment.instruments == ["phq-a", "asq"]
    assert events("screening.campaign.opened")[0].data == {"campaign_id": campaign.pk}


def test_opening_twice_is_refused(place, django_capture_on_commit_callbacks):
    campaign = services.campaign_create(actor=place["head"], **plan(place))
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_open(actor=place["head"], campaign=campaign)
    with pytest.raises(DomainError) as refused:
        services.campaign_open(actor=place["head"], campaign=campaign)
    assert refused.value.code == "not_draft"
    assert len(events("screening.campaign.opened")) == 1


def test_closing_an_open_campaign_is_audited_and_only_once(place):
    campaign = make_campaign(region=place["region"], centre=place["centre"],
                             created_by=place["head"].user)
    closed = services.campaign_close(actor=place["head"], campaign=campaign)
    assert closed.status == Campaign.Status.CLOSED and closed.closed_at is not None
    with pytest.raises(DomainError) as refused:
        services.campaign_close(actor=place["head"], campaign=campaign)
    assert refused.value.code == "not_open"
    assert len(events("screening.campaign.closed")) == 1


def test_a_draft_cannot_be_closed(place):
    campaign = services.campaign_create(actor=place["head"], **plan(place))
    with pytest.raises(DomainError):
        services.campaign_close(actor=place["head"], campaign=campaign)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DRAFT


# --- assigning ---------------------------------------------------------------------------------


def open_campaign(place, **overrides) -> Campaign:
    campaign = services.campaign_create(actor=place["head"], **plan(place, **overrides))
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.OPEN,
                                                   assign_status=JobStatus.QUEUED)
    return Campaign.objects.get(pk=campaign.pk)


def statuses(campaign) -> dict[int, str]:
    return dict(Assignment.objects.filter(campaign=campaign).values_list("pupil_id", "status"))


def test_opt_out_screens_everyone_but_the_refused(place):
    none = PupilFactory(school=place["school"], grade=8, birth_date=born_aged(13))
    given = PupilFactory(school=place["school"], grade=8, birth_date=born_aged(13))
    refused = PupilFactory(school=place["school"], grade=8, birth_date=born_aged(13))
    withdrawn = PupilFactory(school=place["school"], grade=8, birth_date=born_aged(13))
    consent(given, Consent.Decision.GIVEN, place["psy"])
    consent(refused, Consent.Decision.REFUSED, place["psy"])
    consent(withdrawn, Consent.Decision.GIVEN, place["psy"])
    Consent.objects.create(pupil=withdrawn, decision=Consent.Decision.WITHDRAWN,
                           decided_on=START + dt.timedelta(days=1),
                           recorded_by=place["psy"].user)
    campaign = open_campaign(place)
    services.campaign_assign(campaign_id=campaign.pk)
    assert statuses(campaign) == {
        none.pk: "pending", given.pk: "pending", refused.pk: "no_consent",
        withdrawn.pk: "no_consent"}


def test_opt_in_screens_only_the_consented(place):
    none = PupilFactory(school=place["school"], grade=8, birth_date=born_aged(13))
    given = PupilFactory(school=place["school"], grade=8, birth_date=born_aged(13))
    refused = PupilFactory(school=place["school"], grade=8, birth_date=born_aged(13))
    consent(given, Consent.Decision.GIVEN, place["psy"])
    consent(refused, Consent.Decision.REFUSED, place["psy"])
    campaign = open_campaign(place, consent_rule=Campaign.ConsentRule.OPT_IN)
    services.campaign_assign(campaign_id=campaign.pk)
    assert statuses(campaign) == {none.pk: "no_consent", given.pk: "pending",
                                  refused.pk: "no_consent"}


def test_each_pupil_gets_the_questionnaires_of_their_age(place):
    ten = PupilFactory(school=place["school"], grade=5, birth_date=born_aged(10))
    thirteen = PupilFactory(school=place["school"], grade=8, birth_date=born_aged(13))
    eighteen = PupilFactory(school=place["school"], grade=8, birth_date=born_aged(18))
    campaign = open_campaign(place)
    services.campaign_assign(campaign_id=campaign.pk)
    got = dict(Assignment.objects.filter(campaign=campaign)
               .values_list("pupil_id", "instruments"))
    assert got == {ten.pk: ["asq"], thirteen.pk: ["phq-a", "asq"], eighteen.pk: ["asq"]}


def test_a_pupil_no_questionnaire_fits_is_skipped(place):
    PupilFactory(school=place["school"], grade=5, birth_date=born_aged(8))
    campaign = open_campaign(place)
    services.campaign_assign(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert not Assignment.objects.filter(campaign=campaign).exists()
    assert campaign.assign_status == JobStatus.DONE and campaign.assign_done == 1


def test_only_the_targets_grades_and_enrolled_pupils_are_assigned(place):
    inside = PupilFactory(school=place["school"], grade=8, birth_date=born_aged(13))
    PupilFactory(school=place["school"], grade=7, birth_date=born_aged(13))  # grade not chosen
    PupilFactory(school=place["near_school"], grade=8, birth_date=born_aged(13))  # district
    PupilFactory(school=place["school"], grade=8, birth_date=born_aged(13),
                 status=Pupil.Status.LEFT)
    chosen = PupilFactory(school=school_in(place["near"]), grade=5, birth_date=born_aged(11))
    campaign = open_campaign(place, schools=[chosen.school])
    services.campaign_assign(campaign_id=campaign.pk)
    assert set(statuses(campaign)) == {inside.pk, chosen.pk}
    assignment = Assignment.objects.get(campaign=campaign, pupil=chosen)
    assert (assignment.school, assignment.district, assignment.grade) == (
        chosen.school, place["near"], 5)


def test_every_code_is_unique_and_sealed_for_the_class_sheet(place):
    for _n in range(5):
        PupilFactory(school=place["school"], grade=8, birth_date=born_aged(13))
    campaign = open_campaign(place)
    services.campaign_assign(campaign_id=campaign.pk)
    assignments = list(Assignment.objects.filter(campaign=campaign))
    assert len({a.code_hash for a in assignments}) == 5
    assert all(code_hash(a.code_sealed) == a.code_hash for a in assignments)


def test_running_the_assignment_again_creates_no_duplicates(place):
    for _n in range(3):
        PupilFactory(school=place["school"], grade=8, birth_date=born_aged(13))
    campaign = open_campaign(place)
    services.campaign_assign(campaign_id=campaign.pk)
    codes = set(Assignment.objects.values_list("code_hash", flat=True))
    services.campaign_assign(campaign_id=campaign.pk)  # finished: nothing to do
    # An interrupted run is retried: the pupils already assigned keep their codes.
    Campaign.objects.filter(pk=campaign.pk).update(assign_status=JobStatus.RUNNING)
    late = PupilFactory(school=place["school"], grade=8, birth_date=born_aged(13))
    services.campaign_assign(campaign_id=campaign.pk)
    assert Assignment.objects.filter(campaign=campaign).count() == 4
    assert codes < set(Assignment.objects.values_list("code_hash", flat=True))
    assert Assignment.objects.filter(campaign=campaign, pupil=late).exists()


def test_a_draft_or_closed_campaign_is_not_assigned(place):
    PupilFactory(school=place["school"], grade=8, birth_date=born_aged(13))
    draft = services.campaign_create(actor=place["head"], **plan(place))
    services.campaign_assign(campaign_id=draft.pk)
    assert not Assignment.objects.exists()


# --- the psychologist's statuses ---------------------------------------------------------------


@pytest.fixture
def assigned(place):
    campaign = make_campaign(region=place["region"], centre=place["centre"],
                             created_by=place["head"].user)
    pupil = PupilFactory(school=place["school"])
    assignment, _code = make_assignment(campaign, pupil)
    return assignment


def test_the_psychologist_marks_a_pupil_absent_and_it_is_audited(place, assigned):
    changed = services.assignment_set_status(actor=place["psy"], assignment=assigned,
                                             status=Assignment.Status.ABSENT)
    assert changed.status == Assignment.Status.ABSENT
    assert changed.status_changed_by == place["psy"].user
    [event] = events("screening.assignment.status_changed")
    assert event.data == {"assignment_id": assigned.pk, "from": "pending", "to": "absent"}
    assert event.school_id == place["school"].pk


def test_absent_goes_back_to_pending_and_refused_too(place, assigned):
    for status in ("absent", "pending", "refused", "pending"):
        services.assignment_set_status(actor=place["psy"], assignment=assigned, status=status)
    assert Assignment.objects.get(pk=assigned.pk).status == "pending"
    assert len(events("screening.assignment.status_changed")) == 4


@pytest.mark.parametrize(("start", "to"), [
    (Assignment.Status.COMPLETED, Assignment.Status.ABSENT),
    (Assignment.Status.PENDING, Assignment.Status.COMPLETED),
    (Assignment.Status.REFUSED, Assignment.Status.ABSENT),
    (Assignment.Status.NO_CONSENT, Assignment.Status.ABSENT),
])
def test_a_bad_transition_is_refused(place, assigned, start, to):
    Assignment.objects.filter(pk=assigned.pk).update(status=start)
    with pytest.raises(DomainError) as refused:
        services.assignment_set_status(actor=place["psy"], assignment=assigned, status=to)
    assert refused.value.code == "bad_transition"
    assert Assignment.objects.get(pk=assigned.pk).status == start
    assert not events("screening.assignment.status_changed")


def test_nothing_changes_in_a_closed_campaign(place, assigned):
    Campaign.objects.filter(pk=assigned.campaign_id).update(status=Campaign.Status.CLOSED)
    with pytest.raises(DomainError) as refused:
        services.assignment_set_status(actor=place["psy"], assignment=assigned,
                                       status=Assignment.Status.ABSENT)
    assert refused.value.code == "campaign_closed"
    assert Assignment.objects.get(pk=assigned.pk).status == Assignment.Status.PENDING


def test_no_consent_becomes_pending_only_once_consent_is_recorded(place, assigned):
    Campaign.objects.filter(pk=assigned.campaign_id).update(
        consent_rule=Campaign.ConsentRule.OPT_IN)
    Assignment.objects.filter(pk=assigned.pk).update(status=Assignment.Status.NO_CONSENT)
    with pytest.raises(DomainError) as refused:
        services.assignment_set_status(actor=place["psy"], assignment=assigned,
                                       status=Assignment.Status.PENDING)
    assert refused.value.code == "consent_missing"
    consent(assigned.pupil, Consent.Decision.GIVEN, place["psy"])
    changed = services.assignment_set_status(actor=place["psy"], assignment=assigned,
                                             status=Assignment.Status.PENDING)
    assert changed.status == Assignment.Status.PENDING


def test_another_schools_psychologist_cannot_change_the_status(place, assigned):
    other = actor_for(MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST,
                                        school=place["near_school"]).user)
    with pytest.raises(NotFound):
        services.assignment_set_status(actor=other, assignment=assigned,
                                       status=Assignment.Status.ABSENT)
    assert Assignment.objects.get(pk=assigned.pk).status == Assignment.Status.PENDING


def test_centre_staff_do_not_change_statuses(place, assigned):
    with pytest.raises(Forbidden):
        services.assignment_set_status(actor=place["head"], assignment=assigned,
                                       status=Assignment.Status.ABSENT)


def test_the_opening_date_does_not_matter_for_assignment_age(place):
    """Ages are taken on the campaign's first day, not on the day it is opened."""
    pupil = PupilFactory(school=place["school"], grade=5,
                         birth_date=START.replace(year=START.year - 11) + dt.timedelta(days=1))
    campaign = open_campaign(place)
    assert timezone.localdate() != START
    services.campaign_assign(campaign_id=campaign.pk)
    assert Assignment.objects.get(pupil=pupil).instruments == ["asq"]  # still 10 on START
