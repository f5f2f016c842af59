"""`manage.py load_demo`: the region, its organisations, demo staff and pupils in the database."""

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F

from safechildhood.accounts.models import Membership, Role, User
from safechildhood.audit.models import AuditEvent
from safechildhood.demo.data.zhambyl import DEMO_PASSWORD, LOADER_USERNAME, STAFF
from safechildhood.demo.generator import DemoPlan
from safechildhood.directory.models import (
    PoliceUnit,
    ProsecutorOffice,
    School,
    ServiceProvider,
    SupportCentre,
)
from safechildhood.geography.models import District, Region, Settlement
from safechildhood.people.iin import parse_iin
from safechildhood.people.models import (
    Consent,
    DuplicateCandidate,
    Enrollment,
    Guardian,
    Pupil,
)
from safechildhood.people.names import match_key

pytestmark = pytest.mark.django_db

SCHOOL_YEAR = 2026


def load(**options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    options = {"pupils": 300, "seed": 2026, "school_year": SCHOOL_YEAR, **options}
    call_command("load_demo", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def pupil_fields(limit: int) -> list[tuple]:
    return list(
        Pupil.objects.order_by("id").values_list(
            "last_name", "first_name", "middle_name", "birth_date", "sex", "iin", "grade",
            "class_letter", "school__name_ru",
        )[:limit]
    )


def test_load_demo_creates_taraz_and_the_ten_districts_with_schools_and_pupils():
    out, err = load()
    region = Region.objects.get()
    assert region.name_en == "Zhambyl region"
    assert region.kato == ""
    districts = District.objects.filter(region=region)
    assert districts.count() == 11
    assert districts.get(kind=District.Kind.CITY).name_ru == "город Тараз"
    assert not districts.exclude(kato="").exists()
    assert Settlement.objects.filter(district__region=region).count() == 37
    assert not Settlement.objects.filter(schools=None).exists()  # every settlement has a school
    assert not School.objects.exclude(district_id=F("settlement__district_id")).exists()
    assert Pupil.objects.count() == 300
    assert "pupils: 300\n" in out
    assert "schools: 37\n" in out
    assert "300 of 300" in err


def test_load_demo_creates_the_organisations_of_the_region():
    load()
    assert SupportCentre.objects.count() == 1
    assert ProsecutorOffice.objects.count() == 1
    assert PoliceUnit.objects.count() == 11
    assert PoliceUnit.objects.values("district").distinct().count() == 11
    assert PoliceUnit.objects.get(district__name_en="Baizak district").name_ru == \
        "Отдел полиции Байзакского района"
    kinds = set(ServiceProvider.objects.values_list("kind", flat=True))
    assert kinds == set(ServiceProvider.Kind.values)
    assert not ServiceProvider.objects.exclude(district__name_en="Taraz").exists()


def test_pupils_have_valid_iins_that_agree_with_birth_date_and_sex():
    load()
    with_iin = Pupil.objects.exclude(iin=None)
    assert 0.75 * 300 < with_iin.count() < 0.95 * 300
    for pupil in with_iin:
        parsed = parse_iin(pupil.iin)
        assert (parsed.birth_date, parsed.sex) == (pupil.birth_date, pupil.sex)


def test_every_pupil_has_an_open_enrolment_a_guardian_and_a_match_key():
    load()
    assert Enrollment.objects.filter(ended_on=None).count() == 300
    assert not Pupil.objects.filter(guardians=None).exists()
    for pupil in Pupil.objects.all():
        assert pupil.match_key == match_key(pupil.last_name, pupil.first_name, pupil.birth_date)
    enrollment = Enrollment.objects.select_related("pupil").first()
    assert enrollment.school_id == enrollment.pupil.school_id
    assert enrollment.grade == enrollment.pupil.grade


def test_most_consents_are_given_by_a_guardian_and_a_few_refused():
    load()
    decisions = dict(Consent.objects.values_list("decision").annotate(n=Count("id")))
    assert decisions[Consent.Decision.GIVEN] > 250
    assert decisions.get(Consent.Decision.REFUSED, 0) > 0
    assert not Consent.objects.filter(guardian=None).exists()
    assert not Consent.objects.exclude(guardian__pupil=F("pupil")).exists()


def test_consents_at_demo_schools_are_recorded_by_their_administrator():
    load()
    admin = User.objects.get(username="schooladmin.taraz")
    school = admin.memberships.get().school
    consents = Consent.objects.filter(pupil__school=school)
    assert consents.exists()
    assert set(consents.values_list("recorded_by", flat=True)) == {admin.pk}
    loader = User.objects.get(username=LOADER_USERNAME)
    assert not loader.is_active
    assert not loader.has_usable_password()
    assert not loader.memberships.exists()


def test_one_membership_for_every_listed_demo_account_and_role():
    load()
    memberships = Membership.objects.filter(user__username__in=[s.username for s in STAFF])
    assert memberships.count() == len(STAFF)
    assert set(memberships.values_list("role", flat=True)) == set(Role.values)
    for spec in STAFF:
        membership = Membership.objects.get(user__username=spec.username)
        assert membership.role == spec.role
        assert membership.region_id == Region.objects.get().pk
        assert membership.user.check_password(DEMO_PASSWORD)
        assert membership.user.is_staff == (spec.role == Role.REGIONAL_ADMIN)


def test_demo_staff_scopes_match_the_programme():
    load()
    taraz = Membership.objects.get(user__username="psychologist.taraz").school
    assert taraz.district.kind == District.Kind.CITY
    village = Membership.objects.get(user__username="psychologist.baizak").school
    assert village.settlement.name_en == "Tuimekent"
    assert village.settlement.kind == Settlement.Kind.VILLAGE
    assert village.district.name_en == "Baizak district"
    baizak = Membership.objects.get(user__username="specialist.baizak")
    assert {d.name_en for d in baizak.districts.all()} == {"Baizak district", "Zhualy district"}
    taraz_specialist = Membership.objects.get(user__username="specialist.taraz")
    assert {d.name_en for d in taraz_specialist.districts.all()} == {"Taraz", "Shu district"}
    inspector = Membership.objects.get(user__username="inspector.baizak")
    assert inspector.police_unit.district.name_en == "Baizak district"


def test_planted_duplicates_are_on_the_duplicates_list_of_both_demo_schools():
    out, _err = load()
    candidates = DuplicateCandidate.objects.filter(
        reason=DuplicateCandidate.Reason.SAME_NAME_BIRTH, status=DuplicateCandidate.Status.OPEN)
    assert candidates.count() >= 3
    assert f"possible duplicates to review: {candidates.count()}" in out
    taraz = Membership.objects.get(user__username="psychologist.taraz").school_id
    village = Membership.objects.get(user__username="psychologist.baizak").school_id
    schools = {frozenset((c.first.school_id, c.second.school_id))
               for c in candidates.select_related("first", "second")}
    assert frozenset((taraz, village)) in schools
    for candidate in candidates.select_related("first", "second"):
        assert candidate.first.match_key == candidate.second.match_key


def test_if_empty_second_run_adds_nothing():
    load()
    counts = (Region.objects.count(), School.objects.count(), Pupil.objects.count(),
              User.objects.count(), AuditEvent.objects.count())
    out, _err = load(if_empty=True, pupils=500)
    assert "already" in out
    assert counts == (Region.objects.count(), School.objects.count(), Pupil.objects.count(),
                      User.objects.count(), AuditEvent.objects.count())


def test_second_run_without_if_empty_is_refused():
    load()
    with pytest.raises(CommandError, match="already exists"):
        load()
    assert Pupil.objects.count() == 300


def test_same_seed_gives_the_same_first_50_pupils():
    with transaction.atomic():
        load(seed=7)
        first_run = pupil_fields(50)
        transaction.set_rollback(True)
    assert not Pupil.objects.exists()
    load(seed=7)
    assert pupil_fields(50) == first_run
    assert len(first_run) == 50


def test_database_holds_exactly_what_the_generator_planned():
    load(seed=11)
    plan = DemoPlan(pupils=300, seed=11, school_year=SCHOOL_YEAR, as_of=dt.date.today())
    planned = []
    for row in plan.pupil_rows():
        if len(planned) == 50:
            break
        school = plan.schools[row.school]
        planned.append((row.last_name, row.first_name, row.middle_name, row.birth_date, row.sex,
                        row.iin, row.grade, row.class_letter, school.names.ru))
    assert pupil_fields(50) == planned


def test_another_seed_gives_other_pupils():
    with transaction.atomic():
        load(seed=1)
        first_run = pupil_fields(50)
        transaction.set_rollback(True)
    load(seed=2)
    assert pupil_fields(50) != first_run


def test_load_records_one_audit_event_with_counts_only():
    load()
    event = AuditEvent.objects.get(action="demo.loaded")
    assert event.actor_id is None
    assert event.target_type == "geography.region"
    assert event.data["pupils"] == 300
    assert event.data["districts"] == 11
    assert set(event.data) == {"region", "districts", "settlements", "schools", "pupils",
                               "guardians", "consents", "staff", "duplicate_pairs",
                               "duplicates_found", "seed", "school_year"}


def test_a_failure_rolls_the_whole_demo_back():
    with mock.patch("safechildhood.demo.services._detect_duplicates",
                    side_effect=RuntimeError("boom")), pytest.raises(RuntimeError):
        load()
    assert not Region.objects.exists()
    assert not Pupil.objects.exists()
    assert not User.objects.exists()
    assert not AuditEvent.objects.filter(action="demo.loaded").exists()


def test_writes_in_batches_with_a_bounded_number_of_queries():
    # Staff and places cost a fixed number of queries; pupils cost a few per batch of 100. The
    # demo campaign's answered questionnaires (two demo schools only) go one by one through the
    # real submission path, a bounded number of queries each; so do the risk cases, concerns,
    # trust box messages and prevention records, each an audited change through its service.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safechildhood.audit.models import AuditEvent
    from safechildhood.screening.models import Response

    with CaptureQueriesContext(connection) as queries:
        load(pupils=1000, batch_size=100)
    assert Pupil.objects.count() == 1000
    assert Guardian.objects.count() > 1000
    assert len(queries) <= 200 + 12 * Response.objects.count() + 6 * AuditEvent.objects.count()


def test_zero_pupils_still_builds_the_region_and_the_accounts():
    load(pupils=0)
    assert School.objects.count() == 37
    assert Membership.objects.count() == len(STAFF)
    assert not Pupil.objects.exists()


def test_refuses_to_run_outside_demo_mode(settings):
    settings.DEMO_MODE = settings.DEBUG = settings.TESTING = False
    with pytest.raises(CommandError, match="demo mode"):
        load()
    assert not Region.objects.exists()


def test_rejects_a_negative_number_of_pupils():
    with pytest.raises(CommandError):
        load(pupils=-1)
