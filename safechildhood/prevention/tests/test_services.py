"""Services of prevention work: each change, its audit event, the programme's rules, a resent form
counting once, and a rollback when something fails."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safechildhood.audit.models import AuditEvent
from safechildhood.errors import DomainError, Forbidden
from safechildhood.prevention import services
from safechildhood.prevention.models import (
    Event,
    EventMaterial,
    ParentConsultation,
    ParentMeeting,
    Training,
    TrainingParticipant,
)
from safechildhood.prevention.tests.fixtures import (
    consultation,
    days_ago,
    event,
    meeting,
    training,
)

pytestmark = pytest.mark.django_db


def _events(action):
    return AuditEvent.objects.filter(action=action)


# --- trainings ---------------------------------------------------------------------------------


def test_centre_head_creates_a_training_and_it_is_audited(world):
    t = training(world.head, hours=24)
    assert t.region == world.region and t.centre == world.centre and t.hours == 24
    audit = _events("prevention.training.created").get()
    assert audit.target_id == str(t.pk) and audit.data == {"hours": 24}


def test_a_training_form_sent_twice_records_one_training(world):
    first = training(world.head, token="abc")
    second = training(world.head, token="abc")
    assert first.pk == second.pk
    assert Training.objects.count() == 1
    assert _events("prevention.training.created").count() == 1


def test_school_psychologists_do_not_create_trainings(world):
    with pytest.raises(Forbidden):
        training(world.psychologist_n)


def test_a_training_cannot_end_before_it_starts(world):
    with pytest.raises(DomainError) as error:
        training(world.head, start=days_ago(3), ends_on=days_ago(5))
    assert error.value.field == "ends_on"


def test_hours_must_be_positive(world):
    with pytest.raises(DomainError) as error:
        training(world.head, hours=0)
    assert error.value.field == "hours"


def test_participants_are_school_psychologists_of_the_region_added_once(world):
    t = training(world.head)
    added = services.participants_add(actor=world.head, training=t,
                                      users=[world.psychologist_n.user,
                                             world.psychologist_s.user])
    assert added == 2
    again = services.participants_add(actor=world.head, training=t,
                                      users=[world.psychologist_n.user])
    assert again == 0
    row = t.participants.get(user=world.psychologist_n.user)
    assert (row.school, row.district) == (world.school_n, world.north)
    assert _events("prevention.participants.added").count() == 1


def test_psychologists_of_another_region_or_other_staff_cannot_take_part(world):
    t = training(world.head)
    for user in (world.psychologist_far.user, world.admin_n.user):
        with pytest.raises(DomainError) as error:
            services.participants_add(actor=world.head, training=t, users=[user])
        assert error.value.code == "not_psychologist"
    assert not t.participants.exists()


def test_attending_gives_a_certificate_number_that_stays(world):
    t = training(world.head)
    services.participants_add(actor=world.head, training=t, users=[world.psychologist_n.user])
    row = t.participants.get()
    row = services.attendance_mark(actor=world.head, participant=row, attendance="attended")
    number = row.certificate_number
    assert number.endswith(f"{t.pk:04d}-{row.pk:05d}") and row.has_certificate
    row = services.attendance_mark(actor=world.head, participant=row, attendance="absent")
    assert row.certificate_number == number and not row.has_certificate
    audit = _events("prevention.attendance.marked").order_by("pk").last()
    assert audit.data["from"] == "attended" and audit.data["to"] == "absent"


def test_attendance_waits_for_the_training_to_begin(world):
    t = training(world.head, start=days_ago(-5))
    services.participants_add(actor=world.head, training=t, users=[world.psychologist_n.user])
    with pytest.raises(DomainError) as error:
        services.attendance_mark(actor=world.head, participant=t.participants.get(),
                                 attendance="attended")
    assert error.value.code == "not_started"


def test_a_specialist_of_another_region_cannot_mark_attendance(world, make_actor):
    from safechildhood.directory.tests.factories import SupportCentreFactory

    t = training(world.head)
    services.participants_add(actor=world.head, training=t, users=[world.psychologist_n.user])
    stranger = make_actor("centre_specialist", centre=SupportCentreFactory(
        region=world.other_region), districts=[world.far])
    with pytest.raises(DomainError):
        services.attendance_mark(actor=stranger, participant=t.participants.get(),
                                 attendance="attended")
    assert t.participants.get().attendance == TrainingParticipant.Attendance.REGISTERED


def test_a_failed_audit_rolls_the_training_back(world, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        training(world.head, token="t1")
    assert not Training.objects.exists()


# --- events ------------------------------------------------------------------------------------


def test_centre_records_an_event_anywhere_in_the_region(world):
    e = event(world.head, district=world.south, school=world.school_s,
              organisers=["centre", "university"], teachers=30)
    assert e.settlement == world.school_s.settlement  # filled from the school
    assert e.organisers == ["centre", "university"]
    assert e.participants_total == 80
    assert _events("prevention.event.created").get().data == {"kind": "conference",
                                                              "participants": 80}


def test_an_inspector_records_their_units_event_in_their_district_only(world):
    e = event(world.inspector_n, district=world.north, organisers=[],
              kind=Event.Kind.LAW_ENFORCEMENT)
    assert e.police_unit == world.unit_n and e.organisers == ["police"]
    with pytest.raises(DomainError) as error:
        event(world.inspector_n, district=world.south)
    assert error.value.field == "district"


def test_the_prosecutors_office_records_its_events(world):
    e = event(world.prosecutor, district=world.south, organisers=["police"])
    assert e.prosecutor_office == world.office
    assert e.organisers == ["prosecutor", "police"]


def test_a_school_psychologist_records_events_of_their_own_school(world):
    e = event(world.psychologist_n, district=world.north, school=world.school_n,
              kind=Event.Kind.MASTER_CLASS, organisers=["school"])
    assert e.school == world.school_n
    for school in (world.school_n2, None):
        with pytest.raises(DomainError) as error:
            event(world.psychologist_n, district=world.north, school=school)
        assert error.value.field == "school"


def test_school_administrators_do_not_record_events(world):
    with pytest.raises(Forbidden):
        event(world.admin_n, district=world.north, school=world.school_n)


def test_event_place_and_counts_are_checked(world):
    cases = [
        ({"district": world.far}, "district"),
        ({"district": world.north, "school": world.school_s}, "school"),
        ({"district": world.north, "held_on": days_ago(-1)}, "held_on"),
        ({"district": world.north, "pupils": 0}, "pupils"),
        ({"district": world.north, "organisers": []}, "organisers"),
        ({"district": world.north, "organisers": ["aliens"]}, "organisers"),
    ]
    for kwargs, field in cases:
        with pytest.raises(DomainError) as error:
            event(world.head, **kwargs)
        assert error.value.field == field, kwargs
    assert not Event.objects.exists()


def test_an_event_form_sent_twice_records_once(world):
    assert event(world.head, district=world.north, token="x1").pk == event(
        world.head, district=world.north, token="x1").pk
    assert Event.objects.count() == 1


def test_editing_keeps_who_recorded_it(world):
    e = event(world.inspector_n, district=world.north, kind=Event.Kind.LAW_ENFORCEMENT)
    data = services.EventInput(kind=e.kind, title="Renamed", held_on=e.held_on,
                               district=world.north, organisers=["police", "centre"], pupils=9)
    services.event_update(actor=world.head, event=e, data=data)
    e.refresh_from_db()
    assert e.title == "Renamed" and e.police_unit == world.unit_n
    assert _events("prevention.event.updated").count() == 1
    # another school's psychologist cannot edit it
    with pytest.raises(DomainError):
        services.event_update(actor=world.psychologist_n, event=e, data=data)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n"


def test_materials_are_checked_by_size_and_content(world, settings):
    e = event(world.head, district=world.north)
    bad = [
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00"), "type"),
        (SimpleUploadedFile("fake.pdf", b"<html>"), "content"),
        (SimpleUploadedFile("empty.pdf", b""), "empty"),
    ]
    for upload, code in bad:
        with pytest.raises(DomainError) as error:
            services.material_attach(actor=world.head, event=e, upload=upload)
        assert error.value.code == code
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * services.MATERIAL_MAX_BYTES)
    with pytest.raises(DomainError) as error:
        services.material_attach(actor=world.head, event=e, upload=big)
    assert error.value.code == "size"
    material = services.material_attach(actor=world.head, event=e,
                                        upload=SimpleUploadedFile("Бағдарлама.pdf", PDF))
    assert material.original_name == "Бағдарлама.pdf"
    assert material.content_type == "application/pdf" and material.size == len(PDF)
    assert material.file.name.startswith(f"prevention/materials/{e.pk}/")
    assert "Бағдарлама" not in material.file.name  # stored under a random name
    assert (settings.MEDIA_ROOT / material.file.name).read_bytes() == PDF
    assert _events("prevention.material.attached").count() == 1


def test_removing_a_material_deletes_the_file_after_commit(world, settings,
                                                           django_capture_on_commit_callbacks):
    e = event(world.head, district=world.north)
    material = services.material_attach(actor=world.head, event=e,
                                        upload=SimpleUploadedFile("a.pdf", PDF))
    stored = settings.MEDIA_ROOT / material.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.material_remove(actor=world.head, material=material)
    assert not EventMaterial.objects.exists() and not stored.exists()
    assert _events("prevention.material.removed").count() == 1


# --- parent outreach ---------------------------------------------------------------------------


def test_a_school_psychologist_records_their_schools_parent_meeting(world):
    m = meeting(world.psychologist_n, district=world.north, school=world.school_n, parents=35)
    assert (m.region, m.district, m.parents_count) == (world.region, world.north, 35)
    assert _events("prevention.meeting.created").get().data == {"parents": 35}
    with pytest.raises(DomainError) as error:
        meeting(world.psychologist_n, district=world.north, school=world.school_n2, parents=3)
    assert error.value.field == "school"
    with pytest.raises(DomainError) as error:
        meeting(world.head, district=world.north, parents=0)
    assert error.value.field == "parents_count"


def test_a_meeting_form_sent_twice_records_once(world):
    meeting(world.head, district=world.north, parents=10, token="m1")
    meeting(world.head, district=world.north, parents=10, token="m1")
    assert ParentMeeting.objects.count() == 1


def test_a_consultation_takes_the_place_of_the_guardians_pupil(world):
    c = consultation(world.psychologist_n, guardian=world.guardian_n)
    assert (c.school, c.district, c.region) == (world.school_n, world.north, world.region)
    audit = _events("prevention.consultation.created").get()
    assert audit.data == {"guardian_id": world.guardian_n.pk}
    assert "Әбдірова" not in str(audit.data)


def test_a_consultation_needs_a_guardian_in_scope(world):
    with pytest.raises(DomainError) as error:
        consultation(world.psychologist_n, guardian=world.guardian_s)
    assert error.value.field == "guardian"
    with pytest.raises(Forbidden):
        consultation(world.inspector_n, guardian=world.guardian_n)
    assert not ParentConsultation.objects.exists()


def test_outreach_dates_cannot_be_in_the_future_or_too_old(world):
    for day in (days_ago(-1), days_ago(4 * 366)):
        with pytest.raises(DomainError) as error:
            consultation(world.psychologist_n, guardian=world.guardian_n, held_on=day)
        assert error.value.field == "held_on"


def test_updating_a_consultation_is_audited(world):
    c = consultation(world.psychologist_n, guardian=world.guardian_n)
    data = services.ConsultationInput(held_on=c.held_on - dt.timedelta(days=1),
                                      guardian=world.guardian_n, topic="Bullying")
    services.consultation_update(actor=world.psychologist_n, consultation=c, data=data)
    c.refresh_from_db()
    assert c.topic == "Bullying"
    assert _events("prevention.consultation.updated").count() == 1
