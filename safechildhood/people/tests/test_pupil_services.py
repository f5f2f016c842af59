"""Adding, correcting and transferring pupils; guardians and consent records. Each change is
audited in its own transaction and rolls back whole."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.audit.models import AuditEvent
from safechildhood.directory.tests.factories import SupportCentreFactory
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.people import selectors, services
from safechildhood.people.iin import make_iin
from safechildhood.people.models import Consent, Enrollment, Guardian, Pupil
from safechildhood.people.names import match_key
from safechildhood.people.tests.conftest import staff
from safechildhood.people.tests.factories import GuardianFactory, PupilFactory

BIRTH = dt.date(2012, 9, 1)
IIN = make_iin(BIRTH, "F", 42)


def new_pupil(actor, school, **overrides) -> Pupil:
    fields = {"last_name": "  Сейітқали  ", "first_name": "Аружан", "middle_name": "Бауыржанқызы",
              "birth_date": BIRTH, "sex": "F", "grade": 7, "class_letter": "а", "iin": None}
    return services.pupil_create(actor=actor, school=school, **(fields | overrides))


def events(action: str):
    return AuditEvent.objects.filter(action=action)


# --- pupil_create ------------------------------------------------------------------------------


def test_creating_a_pupil_cleans_names_keys_them_and_opens_an_enrolment(psy, home_school):
    pupil = new_pupil(psy, home_school, iin=IIN)
    assert (pupil.last_name, pupil.class_letter, pupil.iin) == ("Сейітқали", "А", IIN)
    assert pupil.match_key == match_key("Сейітқали", "Аружан", BIRTH)
    enrolment = Enrollment.objects.get(pupil=pupil)
    assert (enrolment.school, enrolment.grade, enrolment.class_letter, enrolment.ended_on) == (
        home_school, 7, "А", None)
    assert enrolment.started_on == timezone.localdate()


def test_creating_a_pupil_is_audited_without_personal_data(psy, home_school):
    pupil = new_pupil(psy, home_school, iin=IIN)
    event = events("people.pupil.created").get()
    assert (event.target_id, event.school_id, event.actor_id) == (str(pupil.pk), home_school.pk,
                                                                  psy.user.pk)
    assert IIN not in str(event.data) and "Сейітқали" not in str(event.data)


@pytest.mark.parametrize(("overrides", "code"), [
    ({"iin": IIN, "birth_date": dt.date(2012, 9, 2)}, "iin_birth_mismatch"),
    ({"iin": IIN, "sex": "M"}, "iin_sex_mismatch"),
    ({"iin": IIN[:11] + str((int(IIN[11]) + 1) % 10)}, "iin_checksum"),
    ({"iin": "12345"}, "iin_format"),
    ({"grade": 13}, "grade_range"),
    ({"last_name": "   "}, "required"),
    ({"class_letter": "7A"}, "letter_format"),
])
def test_invalid_facts_are_refused_and_nothing_is_stored(psy, home_school, overrides, code):
    with pytest.raises(DomainError) as caught:
        new_pupil(psy, home_school, **overrides)
    assert caught.value.code == code
    assert not Pupil.objects.exists() and not AuditEvent.objects.exists()


def test_an_iin_of_another_schools_pupil_is_refused_without_naming_the_child(
        psy, home_school, near_school):
    PupilFactory(school=near_school, last_name="Тұрсынбаева", first_name="Аружан", iin=IIN,
                 birth_date=BIRTH, sex="F")
    with pytest.raises(DomainError) as caught:
        new_pupil(psy, home_school, iin=IIN)
    assert caught.value.code == "iin_other_school" and caught.value.field == "iin"
    message = str(caught.value.message)
    assert "another school" in message and "transfer" in message
    assert "Тұрсынбаева" not in message and near_school.name not in message


def test_an_iin_already_on_the_own_roster_is_refused(psy, home_school):
    PupilFactory(school=home_school, iin=IIN, birth_date=BIRTH, sex="F")
    with pytest.raises(DomainError) as caught:
        new_pupil(psy, home_school, iin=IIN)
    assert caught.value.code == "iin_same_school"


def test_the_iin_of_a_merged_record_is_free(psy, home_school):
    keep = PupilFactory(school=home_school)
    PupilFactory(school=home_school, iin=IIN, birth_date=BIRTH, sex="F",
                 status=Pupil.Status.MERGED, merged_into=keep)
    assert new_pupil(psy, home_school, iin=IIN).iin == IIN


def test_a_school_adds_pupils_only_to_its_own_roster(psy, near_school, far_school):
    with pytest.raises(Forbidden):  # a school of the region: seen, but not one's own
        new_pupil(psy, near_school)
    with pytest.raises(NotFound):
        new_pupil(psy, far_school)
    assert not Pupil.objects.exists()


def test_staff_outside_schools_cannot_add_pupils(home_school, region):
    centre_head = actor_for(MembershipFactory(
        role=Role.CENTRE_HEAD, centre=SupportCentreFactory(region=region)).user)
    with pytest.raises(Forbidden):
        new_pupil(centre_head, home_school)


def test_a_failure_after_saving_rolls_the_pupil_back(psy, home_school, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "duplicates_detect", broken)
    with pytest.raises(RuntimeError):
        new_pupil(psy, home_school, iin=IIN)
    assert not Pupil.objects.exists() and not Enrollment.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_new_pupil_is_checked_for_duplicates_in_the_region(psy, home_school, near_school):
    twin = PupilFactory(school=near_school, last_name="Сейітқали", first_name="АРУЖАН",
                        birth_date=BIRTH, sex="F")
    pupil = new_pupil(psy, home_school)
    pair = selectors.duplicate_list(actor=psy).get()
    assert {pair.first_id, pair.second_id} == {pupil.pk, twin.pk}


# --- pupil_update ------------------------------------------------------------------------------


def edit(actor, pupil, **changes):
    fields = {name: getattr(pupil, name) for name in (
        "last_name", "first_name", "middle_name", "birth_date", "sex", "grade", "class_letter",
        "iin")}
    return services.pupil_update(actor=actor, pupil=pupil, **(fields | changes))


def test_correcting_a_pupil_saves_it_audits_the_fields_and_updates_the_class(psy, home_school):
    pupil = PupilFactory(school=home_school, grade=8, class_letter="А")
    updated = edit(psy, pupil, first_name="Нұрсұлтан", grade=9, class_letter="Б")
    assert (updated.first_name, updated.grade) == ("Нұрсұлтан", 9)
    assert updated.match_key == match_key(pupil.last_name, "Нұрсұлтан", pupil.birth_date)
    assert Enrollment.objects.get(pupil=pupil).class_letter == "Б"
    event = events("people.pupil.updated").get()
    assert event.data == {"pupil_id": pupil.pk, "fields": ["class_letter", "first_name", "grade"]}


def test_saving_an_unchanged_pupil_writes_nothing(psy, home_school):
    pupil = PupilFactory(school=home_school)
    edit(psy, pupil)
    assert not events("people.pupil.updated").exists()


def test_an_iin_added_later_must_be_free(psy, home_school, near_school):
    PupilFactory(school=near_school, iin=IIN, birth_date=BIRTH, sex="F")
    pupil = PupilFactory(school=home_school, birth_date=BIRTH, sex="F")
    with pytest.raises(DomainError) as caught:
        edit(psy, pupil, iin=IIN)
    assert caught.value.code == "iin_other_school"
    pupil.refresh_from_db()
    assert pupil.iin is None and not events("people.pupil.updated").exists()


def test_another_schools_pupil_cannot_be_corrected(psy, near_school):
    pupil = PupilFactory(school=near_school)
    with pytest.raises(NotFound):
        edit(psy, pupil, first_name="Ерлан")


def test_a_failed_correction_rolls_back(psy, home_school, monkeypatch):
    pupil = PupilFactory(school=home_school)

    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        edit(psy, pupil, first_name="Ерлан", grade=9)
    pupil.refresh_from_db()
    assert pupil.first_name == "Нұрлан" and Enrollment.objects.get(pupil=pupil).grade == 8


# --- pupil_transfer ----------------------------------------------------------------------------


def transfer(actor, pupil, school, on_date=None, **kw):
    return services.pupil_transfer(actor=actor, pupil=pupil, to_school=school,
                                   grade=kw.get("grade", 9), class_letter=kw.get("letter", "Б"),
                                   on_date=on_date or timezone.localdate())


def test_a_transfer_moves_the_record_and_keeps_the_enrolment_history(psy, near_psy, home_school,
                                                                     near_school):
    pupil = PupilFactory(school=home_school)
    transfer(psy, pupil, near_school)
    with pytest.raises(NotFound):
        selectors.pupil_get(actor=psy, pk=pupil.pk)
    seen = selectors.pupil_get(actor=near_psy, pk=pupil.pk)
    assert (seen.school, seen.grade, seen.class_letter) == (near_school, 9, "Б")
    history = list(Enrollment.objects.filter(pupil=pupil).order_by("started_on", "id"))
    assert [(e.school, e.ended_on) for e in history] == [
        (home_school, timezone.localdate()), (near_school, None)]


def test_a_transfer_is_audited_with_both_schools(psy, home_school, near_school):
    pupil = PupilFactory(school=home_school)
    transfer(psy, pupil, near_school)
    event = events("people.pupil.transferred").get()
    assert event.data["from_school_id"] == home_school.pk
    assert event.data["to_school_id"] == near_school.pk


def test_a_transfer_leaves_the_region_never(psy, home_school, far_school):
    pupil = PupilFactory(school=home_school)
    with pytest.raises(DomainError) as caught:
        transfer(psy, pupil, far_school)
    assert caught.value.code == "school_outside"
    pupil.refresh_from_db()
    assert pupil.school == home_school


@pytest.mark.parametrize(("days", "code"), [(1, "date_future"), (-400, "date_before_enrolment")])
def test_transfer_dates_must_fit_the_enrolment(psy, home_school, near_school, days, code):
    pupil = PupilFactory(school=home_school)  # enrolled on 1 September 2024
    on_date = timezone.localdate() + dt.timedelta(days=days)
    if code == "date_before_enrolment":
        on_date = dt.date(2024, 8, 31)
    with pytest.raises(DomainError) as caught:
        transfer(psy, pupil, near_school, on_date=on_date)
    assert caught.value.code == code


def test_a_pupil_cannot_be_transferred_to_their_own_school(psy, home_school):
    with pytest.raises(DomainError) as caught:
        transfer(psy, PupilFactory(school=home_school), home_school)
    assert caught.value.code == "same_school"


def test_only_the_pupils_school_may_transfer_them(near_psy, home_school, near_school):
    pupil = PupilFactory(school=home_school)
    with pytest.raises(NotFound):
        transfer(near_psy, pupil, near_school)


def test_a_failed_transfer_rolls_back(psy, home_school, near_school, monkeypatch):
    pupil = PupilFactory(school=home_school)
    monkeypatch.setattr(services, "audit_record", lambda **kw: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        transfer(psy, pupil, near_school)
    pupil.refresh_from_db()
    assert pupil.school == home_school
    assert list(Enrollment.objects.filter(pupil=pupil).values_list("ended_on", flat=True)) == [
        None]


# --- guardians and consent ---------------------------------------------------------------------


def test_adding_a_guardian_stores_the_phone_in_one_form_and_audits(psy, home_school):
    pupil = PupilFactory(school=home_school)
    guardian = services.guardian_add(actor=psy, pupil=pupil, relation="mother",
                                     full_name=" Сейітқали  Гүлнар ", phone="8 (701) 234-56-78")
    assert (guardian.full_name, guardian.phone) == ("Сейітқали Гүлнар", "+7 701 234 56 78")
    event = events("people.guardian.added").get()
    assert event.data == {"pupil_id": pupil.pk, "guardian_id": guardian.pk,
                          "relation": "mother"}


def test_a_guardian_phone_must_be_a_kazakhstan_number(psy, home_school):
    with pytest.raises(DomainError) as caught:
        services.guardian_add(actor=psy, pupil=PupilFactory(school=home_school),
                              relation="father", full_name="Сейітқали Бауыржан",
                              phone="+7 912 000 00 00")
    assert caught.value.code == "phone_format"
    assert not Guardian.objects.exists()


def test_guardians_of_another_schools_pupil_cannot_be_added(psy, near_school):
    with pytest.raises(NotFound):
        services.guardian_add(actor=psy, pupil=PupilFactory(school=near_school),
                              relation="mother", full_name="Ана")


def test_a_consent_note_is_encrypted_at_rest_and_kept_out_of_the_audit(psy, home_school):
    pupil = PupilFactory(school=home_school)
    guardian = GuardianFactory(pupil=pupil)
    consent = services.consent_record(actor=psy, pupil=pupil, decision="given",
                                      decided_on=dt.date(2025, 9, 5), guardian=guardian,
                                      note="Анасы мектепке келіп қол қойды")
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM people_consent WHERE id = %s", [consent.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("fernet:") and "Анасы" not in stored
    assert Consent.objects.get().note == "Анасы мектепке келіп қол қойды"
    event = events("people.consent.recorded").get()
    assert event.data == {"pupil_id": pupil.pk, "consent_id": consent.pk, "decision": "given",
                          "guardian_id": guardian.pk}


def test_a_consent_names_only_the_pupils_own_guardian(psy, home_school):
    pupil = PupilFactory(school=home_school)
    stranger = GuardianFactory(pupil=PupilFactory(school=home_school))
    with pytest.raises(DomainError) as caught:
        services.consent_record(actor=psy, pupil=pupil, decision="refused",
                                decided_on=dt.date(2025, 9, 5), guardian=stranger)
    assert caught.value.code == "guardian_other_pupil"
    assert not Consent.objects.exists()


def test_a_consent_cannot_be_dated_in_the_future(psy, home_school):
    with pytest.raises(DomainError) as caught:
        services.consent_record(actor=psy, pupil=PupilFactory(school=home_school),
                                decision="given",
                                decided_on=timezone.localdate() + dt.timedelta(days=1))
    assert caught.value.code == "date_future"


def test_a_school_administrator_records_consent(home_school):
    admin = staff(Role.SCHOOL_ADMIN, home_school)
    pupil = PupilFactory(school=home_school)
    consent = services.consent_record(actor=admin, pupil=pupil, decision="withdrawn",
                                      decided_on=dt.date(2025, 10, 1))
    assert consent.recorded_by == admin.user


def test_a_failed_consent_record_rolls_back(psy, home_school, monkeypatch):
    monkeypatch.setattr(services, "audit_record", lambda **kw: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        services.consent_record(actor=psy, pupil=PupilFactory(school=home_school),
                                decision="given", decided_on=dt.date(2025, 9, 5))
    assert not Consent.objects.exists()
