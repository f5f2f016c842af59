"""Concerns, police reports and oversight notes: each change, its audit event, and refusals that
leave nothing half-written."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from safechildhood.audit.models import AuditEvent
from safechildhood.disclosures import services
from safechildhood.disclosures.models import (
    Concern,
    OversightNote,
    PoliceReport,
    PoliceReportStep,
)
from safechildhood.disclosures.tests import fixtures
from safechildhood.disclosures.tests.fixtures import ERDR, NARRATIVE, concern_in, report_in
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import TriageProposal

world = fixtures.world
_no_second_factor = fixtures._no_second_factor

Status = PoliceReport.Status
pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


# --- recording a concern -----------------------------------------------------------------------


def test_a_reportable_concern_puts_a_report_on_the_reporters_list_due_in_24_hours(world):
    before = timezone.now()
    concern = concern_in(world, category=Concern.Category.SEXUAL_ABUSE)
    report = concern.report
    assert concern.report_required is True
    assert report.status == Status.PENDING and report.required is True
    assert report.created_by == world.psy_a.user
    assert before + dt.timedelta(hours=24) <= report.deadline <= \
        timezone.now() + dt.timedelta(hours=24)
    assert report.unit is None and report.school == world.school_a
    step = report.steps.get()
    assert (step.status, step.by) == (Status.PENDING, world.psy_a.user)
    assert actions()[-3:] == ["disclosures.triage.proposed", "disclosures.concern.recorded",
                              "disclosures.report.opened"]


def test_the_deadline_follows_the_setting(world, settings):
    settings.REPORT_DEADLINE_HOURS = 6
    report = concern_in(world).report
    assert report.deadline - report.created_at < dt.timedelta(hours=6, minutes=1)


def test_a_concern_proposes_a_risk_group_entry_with_codes_only(world):
    concern = concern_in(world, category=Concern.Category.NEGLECT, immediate_danger=True)
    proposal = concern.triage_proposal
    assert proposal.pupil == concern.pupil and proposal.school == world.school_a
    assert proposal.district == world.baizak
    assert proposal.source == TriageProposal.Source.DISCLOSURE
    assert proposal.category == TriageProposal.Category.NEGLECT
    assert proposal.level == TriageProposal.Level.CRITICAL
    assert proposal.reported_by == world.psy_a.user
    assert proposal.evidence["concern"] == concern.pk
    assert NARRATIVE not in str(proposal.evidence)
    assert world.spec_a.membership.districts.filter(pk=proposal.district_id).exists()


def test_a_concern_raised_by_staff_is_a_concern_proposal(world):
    concern = concern_in(world, category=Concern.Category.BULLYING,
                         disclosed_by=Concern.DisclosedBy.STAFF)
    assert concern.triage_proposal.source == TriageProposal.Source.CONCERN
    assert concern.triage_proposal.level == TriageProposal.Level.MEDIUM


def test_bullying_needs_no_report_but_the_reporter_may_send_one(world):
    quiet = concern_in(world, category=Concern.Category.BULLYING)
    assert quiet.report_required is False
    assert not PoliceReport.objects.filter(concern=quiet).exists()
    chosen = concern_in(world, category=Concern.Category.BULLYING, send_report=True)
    assert chosen.report.required is False and chosen.report.status == Status.PENDING


def test_an_optional_report_can_be_prepared_later_once(world):
    concern = concern_in(world, category=Concern.Category.OTHER, triage_category="offending")
    report = services.report_prepare(actor=world.admin_a, concern=concern)
    assert report.required is False
    with pytest.raises(DomainError) as error:
        services.report_prepare(actor=world.psy_a, concern=concern)
    assert error.value.code == "report_exists"


def test_other_needs_the_closest_risk_group_category(world):
    with pytest.raises(DomainError) as error:
        concern_in(world, category=Concern.Category.OTHER)
    assert error.value.field == "triage_category"
    concern = concern_in(world, category=Concern.Category.OTHER, triage_category="running_away")
    assert concern.triage_proposal.category == TriageProposal.Category.RUNNING_AWAY


def test_a_disclosure_cannot_be_in_the_future(world):
    with pytest.raises(DomainError) as error:
        concern_in(world, disclosed_at=timezone.now() + dt.timedelta(days=1))
    assert error.value.code == "future"
    assert not Concern.objects.exists()


def test_the_narrative_and_safety_actions_are_encrypted_at_rest(world):
    concern = concern_in(world)
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative, safety_actions FROM disclosures_concern WHERE id = %s",
                       [concern.pk])
        narrative, safety = cursor.fetchone()
    assert narrative.startswith("fernet:") and "stepfather" not in narrative
    assert safety.startswith("fernet:")
    assert Concern.objects.get(pk=concern.pk).narrative == NARRATIVE
    assert "stepfather" not in str(AuditEvent.objects.values_list("data", flat=True))


def test_school_administrators_and_district_specialists_record_concerns(world):
    assert concern_in(world, actor=world.admin_a).reported_by == world.admin_a.user
    # the specialist records about a child the centre already sees (a proposal in the district)
    known = concern_in(world).pupil
    assert concern_in(world, actor=world.spec_a, pupil=known).reporter_role == \
        "centre_specialist"


def test_the_centre_head_turns_a_trust_box_message_into_a_concern(world):
    """The trust box's path: the centre, once a child has named themselves, records the
    concern about a child the centre sees (here through an earlier proposal)."""
    known = concern_in(world).pupil
    concern = concern_in(world, actor=world.head, pupil=known,
                         channel=Concern.Channel.TRUST_BOX)
    assert concern.channel == "trust_box" and concern.reporter_role == "centre_head"
    assert concern.report.created_by == world.head.user
    assert concern.triage_proposal.pupil == known


def test_a_concern_about_a_pupil_out_of_scope_is_refused_and_nothing_is_written(world):
    with pytest.raises(NotFound):
        concern_in(world, actor=world.psy_b, pupil=PupilFactory(school=world.school_a))
    for outsider in (world.head, world.insp_a, world.analyst, world.regional_admin):
        with pytest.raises(NotFound):
            concern_in(world, actor=outsider)
    assert not Concern.objects.exists() and not TriageProposal.objects.exists()


def test_a_failure_after_the_concern_rolls_everything_back(world):
    with mock.patch.object(services, "_report_open", side_effect=RuntimeError("disk full")), \
            pytest.raises(RuntimeError):
        concern_in(world)
    assert not Concern.objects.exists()
    assert not TriageProposal.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="disclosures.").exists()


# --- sending ---------------------------------------------------------------------------------


def test_sending_goes_to_the_unit_of_the_schools_district(world):
    report = concern_in(world).report
    report = services.report_send(actor=world.psy_a, report=report)
    assert report.status == Status.SENT and report.unit == world.unit_a
    assert report.sent_by == world.psy_a.user and report.sent_at is not None
    assert [s.status for s in report.steps.all()] == [Status.PENDING, Status.SENT]
    event = AuditEvent.objects.get(action="disclosures.report.sent")
    assert event.data == {"report_id": report.pk, "unit_id": world.unit_a.pk, "late": False}


def test_the_school_director_can_send_a_colleagues_report(world):
    report = concern_in(world).report
    assert services.report_send(actor=world.admin_a, report=report).sent_by == world.admin_a.user


def test_a_report_is_sent_once(world):
    report = report_in(world)
    with pytest.raises(DomainError) as error:
        services.report_send(actor=world.psy_a, report=report)
    assert error.value.code == "already_sent"


def test_without_a_unit_in_the_district_sending_is_refused_clearly(world):
    type(world.unit_a).objects.filter(pk=world.unit_a.pk).update(district=world.merke)
    report = concern_in(world).report
    with pytest.raises(DomainError) as error:
        services.report_send(actor=world.psy_a, report=report)
    assert error.value.code == "no_unit"
    report.refresh_from_db()
    assert report.status == Status.PENDING and report.steps.count() == 1


def test_the_police_and_the_prosecutor_cannot_send_a_schools_report(world):
    report = concern_in(world).report
    with pytest.raises(NotFound):
        services.report_send(actor=world.insp_a, report=report)  # not sent: not theirs yet
    with pytest.raises(Forbidden):
        services.report_send(actor=world.analyst, report=report)


# --- the inspector's steps ---------------------------------------------------------------------


def test_acknowledging_records_who_and_when(world):
    report = report_in(world)
    report = services.report_acknowledge(actor=world.insp_a, report=report, note="Taken")
    assert report.status == Status.ACKNOWLEDGED
    assert report.acknowledged_by == world.insp_a.user and report.acknowledged_at is not None
    step = report.steps.get(status=Status.ACKNOWLEDGED)
    assert (step.by, step.note) == (world.insp_a.user, "Taken")
    assert AuditEvent.objects.get(action="disclosures.report.acknowledged").data["late"] is False
    with pytest.raises(DomainError) as error:
        services.report_acknowledge(actor=world.insp_a, report=report)
    assert error.value.code == "already_acknowledged"


def test_another_units_inspector_cannot_acknowledge(world):
    report = report_in(world)
    with pytest.raises(NotFound):
        services.report_acknowledge(actor=world.insp_b, report=report)
    report.refresh_from_db()
    assert report.status == Status.SENT


def test_registration_needs_a_15_digit_erdr_number(world):
    report = report_in(world, status=Status.ACKNOWLEDGED)
    for wrong in ("", "12345", "25500003100012a", "2550000310001234"):
        with pytest.raises(DomainError) as error:
            services.report_status_change(actor=world.insp_a, report=report,
                                          status=Status.REGISTERED, erdr_number=wrong)
        assert error.value.field == "erdr_number"
        assert "15 digits" in str(error.value.message)
    report = services.report_status_change(actor=world.insp_a, report=report,
                                           status=Status.REGISTERED,
                                           erdr_number="255 000 031 000 123")
    assert report.erdr_number == ERDR and report.status == Status.REGISTERED
    assert AuditEvent.objects.get(action="disclosures.report.status_changed").data == {
        "report_id": report.pk, "status": "registered", "erdr_number": ERDR}


def test_an_erdr_number_belongs_to_one_report(world):
    first = report_in(world, status=Status.ACKNOWLEDGED)
    second = report_in(world, status=Status.ACKNOWLEDGED)
    services.report_status_change(actor=world.insp_a, report=first, status=Status.REGISTERED,
                                  erdr_number=ERDR)
    with pytest.raises(DomainError) as error:
        services.report_status_change(actor=world.insp_a, report=second,
                                      status=Status.REGISTERED, erdr_number=ERDR)
    assert error.value.code == "erdr_taken"


def test_every_step_to_the_verdict_is_dated_and_attributed(world):
    report = report_in(world, status=Status.VERDICT)
    steps = list(report.steps.order_by("at", "id"))
    assert [s.status for s in steps] == [
        Status.PENDING, Status.SENT, Status.ACKNOWLEDGED, Status.REGISTERED,
        Status.INVESTIGATION, Status.COURT, Status.VERDICT]
    assert all(s.at is not None and s.by is not None for s in steps)
    assert {s.by for s in steps[2:]} == {world.insp_a.user}
    assert report.status_changed_at == steps[-1].at


def test_a_step_cannot_be_skipped_and_the_end_is_final(world):
    report = report_in(world, status=Status.ACKNOWLEDGED)
    with pytest.raises(DomainError) as error:
        services.report_status_change(actor=world.insp_a, report=report, status=Status.COURT)
    assert error.value.code == "transition_not_allowed"
    report.refresh_from_db()
    assert report.status == Status.ACKNOWLEDGED
    done = report_in(world, status=Status.VERDICT)
    with pytest.raises(DomainError) as error:
        services.report_status_change(actor=world.insp_a, report=done, status=Status.REFUSED,
                                      reason="late")
    assert error.value.code == "final"


def test_a_refusal_needs_its_reason(world):
    report = report_in(world, status=Status.ACKNOWLEDGED)
    with pytest.raises(DomainError) as error:
        services.report_status_change(actor=world.insp_a, report=report, status=Status.REFUSED,
                                      reason="  ")
    assert error.value.field == "reason"
    report = services.report_status_change(actor=world.insp_a, report=report,
                                           status=Status.REFUSED, reason="No offence found.")
    assert report.status == Status.REFUSED and report.refusal_reason == "No offence found."
    assert "No offence" not in str(AuditEvent.objects.values_list("data", flat=True))


def test_the_school_cannot_move_the_police_status(world):
    report = report_in(world, status=Status.ACKNOWLEDGED)
    with pytest.raises(Forbidden):
        services.report_status_change(actor=world.psy_a, report=report,
                                      status=Status.REGISTERED, erdr_number=ERDR)


# --- oversight notes ---------------------------------------------------------------------------


def test_the_prosecutor_adds_a_note_the_inspector_answers(world):
    report = report_in(world)
    due = timezone.localdate() + dt.timedelta(days=5)
    note = services.oversight_note_add(actor=world.analyst, report=report, text="Why late?",
                                       addressed_to=OversightNote.AddressedTo.POLICE,
                                       response_due=due)
    assert note.awaits_response
    with pytest.raises(NotFound):  # addressed to the police: not the school's to answer
        services.oversight_note_respond(actor=world.psy_a, note=note, response="?")
    with pytest.raises(NotFound):
        services.oversight_note_respond(actor=world.insp_b, note=note, response="?")
    note = services.oversight_note_respond(actor=world.insp_a, note=note,
                                           response="Acknowledged today.")
    assert note.responded_by == world.insp_a.user and not note.awaits_response
    with pytest.raises(DomainError):
        services.oversight_note_respond(actor=world.insp_a, note=note, response="again")
    assert actions()[-2:] == ["disclosures.oversight.noted", "disclosures.oversight.answered"]


def test_a_note_to_the_school_is_answered_by_the_school(world):
    report = concern_in(world).report
    with pytest.raises(DomainError) as error:  # not sent: the police have nothing yet
        services.oversight_note_add(actor=world.analyst, report=report, text="Send it",
                                    addressed_to=OversightNote.AddressedTo.POLICE)
    assert error.value.field == "addressed_to"
    note = services.oversight_note_add(actor=world.analyst, report=report, text="Send it",
                                       addressed_to=OversightNote.AddressedTo.SCHOOL)
    assert services.oversight_note_respond(actor=world.admin_a, note=note,
                                           response="Sent now.").responded_at is not None


def test_only_the_regions_prosecutor_writes_notes_and_not_in_the_past(world):
    report = report_in(world)
    with pytest.raises(NotFound):
        services.oversight_note_add(actor=world.analyst_far, report=report, text="x",
                                    addressed_to="police")
    with pytest.raises(Forbidden):
        services.oversight_note_add(actor=world.head, report=report, text="x",
                                    addressed_to="police")
    with pytest.raises(DomainError) as error:
        services.oversight_note_add(actor=world.analyst, report=report, text="x",
                                    addressed_to="police",
                                    response_due=timezone.localdate() - dt.timedelta(days=1))
    assert error.value.field == "response_due"
    assert not OversightNote.objects.exists()
    assert PoliceReportStep.objects.filter(report=report).count() == 2
