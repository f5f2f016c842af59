"""Reading pupils: the roster's scope, search and filters, and the audited record."""

import datetime as dt

import pytest

from safechildhood.accounts.models import Role
from safechildhood.audit.models import AuditEvent
from safechildhood.errors import Forbidden, NotFound
from safechildhood.people import selectors
from safechildhood.people.iin import make_iin
from safechildhood.people.models import Consent, Pupil
from safechildhood.people.tests.factories import PupilFactory


def names(qs) -> list[str]:
    return [p.last_name for p in qs]


@pytest.fixture
def roster(home_school, near_school):
    PupilFactory(school=home_school, last_name="Әбдіқадыр", first_name="Айша", grade=5,
                 class_letter="А", sex="F", birth_date=dt.date(2014, 2, 3),
                 iin=make_iin(dt.date(2014, 2, 3), "F", 77))
    PupilFactory(school=home_school, last_name="Ёлкина", first_name="Мария", grade=5,
                 class_letter="Б", sex="F")
    PupilFactory(school=home_school, last_name="Серікбаев", first_name="Ғалым", grade=9)
    PupilFactory(school=home_school, last_name="Кеткен", first_name="Оқушы",
                 status=Pupil.Status.LEFT)
    PupilFactory(school=near_school, last_name="Әбдіқадыров", first_name="Бөтен")


def test_a_school_sees_only_its_own_enrolled_pupils(psy, roster):
    # (sorted by the database's collation, which differs between SQLite and PostgreSQL)
    assert set(names(selectors.pupil_list(actor=psy))) == {"Ёлкина", "Серікбаев", "Әбдіқадыр"}


def test_left_pupils_are_listed_on_request_and_merged_records_never(psy, roster, home_school):
    keep = Pupil.objects.get(last_name="Серікбаев")
    PupilFactory(school=home_school, last_name="Қосалқы", status=Pupil.Status.MERGED,
                 merged_into=keep)
    assert names(selectors.pupil_list(actor=psy, status="left")) == ["Кеткен"]
    assert "Қосалқы" not in names(selectors.pupil_list(actor=psy, status=None))
    assert len(names(selectors.pupil_list(actor=psy, status=None))) == 4


@pytest.mark.parametrize(("query", "found"), [
    ("ӘБДІҚАДЫР", {"Әбдіқадыр"}),  # Kazakh capitals fold on SQLite too
    ("әбді айша", {"Әбдіқадыр"}),
    ("айша әбдіқадыр", {"Әбдіқадыр"}),
    ("ғалым", {"Серікбаев"}),
    ("ГАЛЫМ", set()),  # ғ is not г: Kazakh letters distinguish names
    ("елкина", {"Ёлкина"}),  # ё is read as е
    ("ЁЛКИНА мария", {"Ёлкина"}),
    ("1402036", {"Әбдіқадыр"}),  # the start of an IIN
    ("03.02.2014", {"Әбдіқадыр"}),  # a date of birth
    ("бөтен", set()),  # another school's pupil
    ("", {"Әбдіқадыр", "Ёлкина", "Серікбаев"}),
])
def test_search_by_name_iin_or_birth_date(psy, roster, query, found):
    assert set(names(selectors.pupil_list(actor=psy, query=query))) == found


def test_filters_by_grade_and_class_letter_read_latin_look_alikes(psy, roster):
    assert set(names(selectors.pupil_list(actor=psy, grade=5))) == {"Әбдіқадыр", "Ёлкина"}
    assert names(selectors.pupil_list(actor=psy, grade=5, class_letter="a")) == ["Әбдіқадыр"]


def test_the_list_carries_the_latest_consent(psy, home_school):
    pupil = PupilFactory(school=home_school)
    for day, decision in ((1, "given"), (20, "withdrawn"), (10, "refused")):
        Consent.objects.create(pupil=pupil, decision=decision,
                               decided_on=dt.date(2025, 9, day), recorded_by=psy.user)
    assert selectors.pupil_list(actor=psy).get().latest_consent == "withdrawn"


@pytest.mark.parametrize("role", [Role.CENTRE_HEAD, Role.REGIONAL_ADMIN, Role.POLICE_INSPECTOR,
                                  Role.PROSECUTOR_ANALYST])
def test_staff_outside_schools_have_no_roster(make_actor, role):
    with pytest.raises(Forbidden):
        selectors.pupil_list(actor=make_actor(role))


def test_reading_a_pupils_record_is_audited(psy, home_school):
    pupil = PupilFactory(school=home_school)
    assert selectors.pupil_get(actor=psy, pk=pupil.pk) == pupil
    event = AuditEvent.objects.get(action="people.pupil.viewed")
    assert (event.target_id, event.actor_id, event.school_id) == (str(pupil.pk), psy.user.pk,
                                                                  home_school.pk)


def test_another_schools_pupil_is_not_found_and_no_read_is_recorded(psy, near_school):
    pupil = PupilFactory(school=near_school)
    with pytest.raises(NotFound):
        selectors.pupil_get(actor=psy, pk=pupil.pk)
    assert not AuditEvent.objects.exists()


def test_transfer_schools_are_the_open_schools_of_the_region_but_the_current(
        psy, home_school, near_school, far_school):
    from safechildhood.people.tests.conftest import school_in

    closed = school_in(near_school.district)
    closed.is_active = False
    closed.save()
    pupil = PupilFactory(school=home_school)
    assert list(selectors.transfer_schools(actor=psy, pupil=pupil)) == [near_school]
