"""The pupils and rosters API: token auth, scope, validation in the caller's language, audit,
and roster uploads processed in the background."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.audit.models import AuditEvent
from safechildhood.directory.tests.factories import SchoolFactory
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)
from safechildhood.people.iin import make_iin
from safechildhood.people.models import Enrollment, Pupil, RosterImport
from safechildhood.people.tests.factories import GuardianFactory, PupilFactory

pytestmark = pytest.mark.django_db

BIRTH = dt.date(2012, 5, 17)
GOOD_IIN = make_iin(BIRTH, "F", 1234)
BAD_IIN = GOOD_IIN[:11] + str((int(GOOD_IIN[11]) + 1) % 10)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def region():
    return RegionFactory()


@pytest.fixture
def school(region):
    return SchoolFactory(settlement=SettlementFactory(district=DistrictFactory(region=region)))


@pytest.fixture
def neighbour_school(region):
    """Another school of the same region."""
    return SchoolFactory(settlement=SettlementFactory(district=DistrictFactory(region=region)))


@pytest.fixture
def far_school():
    """A school of another region."""
    return SchoolFactory()


@pytest.fixture
def psychologist(school):
    return MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=school).user


@pytest.fixture
def api(psychologist) -> APIClient:
    return token_client(psychologist)


@pytest.fixture
def pupil(school):
    return PupilFactory(school=school, grade=7, class_letter="А", last_name="Әбдіров")


def new_pupil(**changes) -> dict:
    return {"last_name": "Серікова", "first_name": "Аружан", "middle_name": "Ерланқызы",
            "birth_date": BIRTH.isoformat(), "sex": "F", "grade": 6, "class_letter": "Б",
            "iin": GOOD_IIN, **changes}


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# --- authentication ---------------------------------------------------------------------------


def test_anonymous_caller_gets_401():
    response = APIClient().get(reverse("api:pupil-list"))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_token_authenticates_without_a_session(api, pupil):
    response = api.get(reverse("api:pupil-list"))

    assert response.status_code == 200
    assert "sessionid" not in response.cookies


# --- the list ---------------------------------------------------------------------------------


def test_a_psychologist_lists_only_their_schools_pupils(api, pupil, neighbour_school,
                                                        far_school):
    PupilFactory(school=neighbour_school)
    PupilFactory(school=far_school)

    response = api.get(reverse("api:pupil-list"))

    assert response.status_code == 200
    assert ids(response) == {pupil.pk}
    row = response.json()["results"][0]
    assert row["full_name"] == pupil.full_name
    assert row["class_name"] == "7А"
    assert row["school"] == pupil.school_id
    assert row["status"] == "active"
    assert row["latest_consent"] is None


def test_the_list_searches_and_filters(api, school, pupil):
    other_class = PupilFactory(school=school, grade=9, class_letter="Б", last_name="Қасымов")

    by_name = api.get(reverse("api:pupil-list"), {"q": "қасымов"})
    by_grade = api.get(reverse("api:pupil-list"), {"grade": 7})
    by_letter = api.get(reverse("api:pupil-list"), {"class_letter": "б"})

    assert ids(by_name) == {other_class.pk}
    assert ids(by_grade) == {pupil.pk}
    assert ids(by_letter) == {other_class.pk}


def test_pupils_who_left_are_listed_only_when_asked(api, school, pupil):
    left = PupilFactory(school=school, status=Pupil.Status.LEFT)

    default = api.get(reverse("api:pupil-list"))
    everyone = api.get(reverse("api:pupil-list"), {"status": "all"})

    assert ids(default) == {pupil.pk}
    assert ids(everyone) == {pupil.pk, left.pk}


def test_an_unreadable_filter_is_a_400_naming_it(api):
    response = api.get(reverse("api:pupil-list"), {"grade": 13})

    assert response.status_code == 400
    assert response.json()["fields"]["grade"][0]["code"] == "max_value"


def test_a_regional_administrator_may_not_list_pupils(region, pupil):
    admin = MembershipFactory(role=Role.REGIONAL_ADMIN, region_scope=region).user

    response = token_client(admin).get(reverse("api:pupil-list"))

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_the_membership_header_chooses_the_school(psychologist, pupil, neighbour_school):
    second = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, user=psychologist,
                               school=neighbour_school)
    there = PupilFactory(school=neighbour_school)
    client = token_client(psychologist)

    response = client.get(reverse("api:pupil-list"), HTTP_X_MEMBERSHIP=str(second.pk))

    assert ids(response) == {there.pk}


def test_the_list_does_not_query_per_pupil(api, school, django_assert_max_num_queries):
    for _ in range(25):
        PupilFactory(school=school)

    with django_assert_max_num_queries(8):
        response = api.get(reverse("api:pupil-list"))

    assert response.json()["count"] == 25


# --- one pupil --------------------------------------------------------------------------------


def test_reading_a_pupil_returns_the_record_and_is_audited(api, psychologist, pupil):
    GuardianFactory(pupil=pupil)

    response = api.get(reverse("api:pupil-detail", kwargs={"pk": pupil.pk}))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == pupil.pk
    assert body["school"] == {"id": pupil.school_id, "name": pupil.school.name_en}
    assert body["guardians"][0]["relation"] == "mother"
    assert body["enrollments"][0]["school"]["id"] == pupil.school_id
    event = AuditEvent.objects.get(action="people.pupil.viewed")
    assert event.actor_id == psychologist.pk
    assert event.target_id == str(pupil.pk)
    assert event.data == {"pupil_id": pupil.pk}


def test_another_schools_pupil_is_not_found(api, neighbour_school):
    stranger = PupilFactory(school=neighbour_school)

    response = api.get(reverse("api:pupil-detail", kwargs={"pk": stranger.pk}))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not AuditEvent.objects.filter(action="people.pupil.viewed").exists()


def test_a_regional_administrator_does_not_find_a_pupil(region, pupil):
    admin = MembershipFactory(role=Role.REGIONAL_ADMIN, region_scope=region).user

    response = token_client(admin).get(reverse("api:pupil-detail", kwargs={"pk": pupil.pk}))

    assert response.status_code == 404


def test_one_pupil_takes_a_fixed_number_of_queries(api, pupil, django_assert_max_num_queries):
    for _ in range(5):
        GuardianFactory(pupil=pupil)

    with django_assert_max_num_queries(14):
        response = api.get(reverse("api:pupil-detail", kwargs={"pk": pupil.pk}))

    assert len(response.json()["guardians"]) == 5


# --- adding a pupil ---------------------------------------------------------------------------


def test_adding_a_pupil_goes_through_the_service(api, psychologist, school):
    response = api.post(reverse("api:pupil-list"), new_pupil(), format="json")

    assert response.status_code == 201
    created = Pupil.objects.get(pk=response.json()["id"])
    assert created.school == school
    assert created.iin == GOOD_IIN
    assert created.class_name == "6Б"
    assert response["Location"] == reverse("api:pupil-detail", kwargs={"pk": created.pk})
    assert Enrollment.objects.filter(pupil=created, ended_on__isnull=True).exists()
    event = AuditEvent.objects.get(action="people.pupil.created")
    assert event.actor_id == psychologist.pk
    assert event.data == {"pupil_id": created.pk, "with_iin": True}


def test_a_pupil_may_be_added_without_an_iin(api):
    response = api.post(reverse("api:pupil-list"), new_pupil(iin=None), format="json")

    assert response.status_code == 201
    assert response.json()["iin"] is None


def test_a_bad_iin_is_a_400_with_the_reason_in_english(api):
    response = api.post(reverse("api:pupil-list"), new_pupil(iin=BAD_IIN), format="json",
                        HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    error = response.json()["fields"]["iin"][0]
    assert error["code"] == "iin_checksum"
    assert error["message"] == "The IIN's check digit is wrong: look for a mistyped digit."
    assert not Pupil.objects.exists()


def test_errors_are_in_russian_when_asked(api):
    data = new_pupil(iin=BAD_IIN)
    del data["first_name"]

    response = api.post(reverse("api:pupil-list"), data, format="json",
                        HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 400
    assert response["Content-Language"] == "ru"
    fields = response.json()["fields"]
    assert fields["first_name"][0]["code"] == "required"
    assert fields["first_name"][0]["message"] in ("Обязательное поле.",
                                                  "Это поле обязательно для заполнения.")
    assert not Pupil.objects.exists()


def test_an_iin_that_contradicts_the_birth_date_is_refused(api):
    response = api.post(reverse("api:pupil-list"),
                        new_pupil(birth_date="2012-05-18"), format="json")

    assert response.status_code == 400
    assert response.json()["fields"]["iin"][0]["code"] == "iin_birth_mismatch"


def test_an_iin_already_on_the_roster_is_refused_by_the_service(api, school):
    PupilFactory(school=school, iin=GOOD_IIN, birth_date=BIRTH, sex="F")

    response = api.post(reverse("api:pupil-list"), new_pupil(), format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "iin_same_school"
    assert body["field"] == "iin"


def test_a_regional_administrator_may_not_add_pupils(region):
    admin = MembershipFactory(role=Role.REGIONAL_ADMIN, region_scope=region).user

    response = token_client(admin).post(reverse("api:pupil-list"), new_pupil(), format="json")

    assert response.status_code == 403
    assert not Pupil.objects.exists()


# --- correcting a pupil -----------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(api, pupil):
    response = api.patch(reverse("api:pupil-detail", kwargs={"pk": pupil.pk}),
                         {"grade": 8, "class_letter": "б"}, format="json")

    assert response.status_code == 200
    pupil.refresh_from_db()
    assert pupil.class_name == "8Б"
    assert pupil.first_name == "Нұрлан"
    assert Enrollment.objects.get(pupil=pupil, ended_on__isnull=True).grade == 8
    assert AuditEvent.objects.get(action="people.pupil.updated").data == {
        "pupil_id": pupil.pk, "fields": ["class_letter", "grade"]}


def test_patch_with_a_wrong_iin_changes_nothing(api, pupil):
    response = api.patch(reverse("api:pupil-detail", kwargs={"pk": pupil.pk}),
                         {"iin": BAD_IIN}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"]["iin"][0]["code"] == "iin_checksum"
    pupil.refresh_from_db()
    assert pupil.iin is None


def test_patch_of_another_schools_pupil_is_not_found(api, neighbour_school):
    stranger = PupilFactory(school=neighbour_school)

    response = api.patch(reverse("api:pupil-detail", kwargs={"pk": stranger.pk}),
                         {"grade": 9}, format="json")

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.grade == 8


# --- transfer ---------------------------------------------------------------------------------


def test_a_transfer_moves_the_pupil_out_of_the_callers_scope(api, pupil, neighbour_school):
    url = reverse("api:pupil-transfer", kwargs={"pk": pupil.pk})

    response = api.post(url, {"to_school": neighbour_school.pk, "grade": 7,
                              "class_letter": "В"}, format="json")

    assert response.status_code == 200
    assert response.json()["school"] == neighbour_school.pk
    pupil.refresh_from_db()
    assert pupil.school == neighbour_school
    assert AuditEvent.objects.filter(action="people.pupil.transferred").count() == 1
    assert api.get(reverse("api:pupil-detail", kwargs={"pk": pupil.pk})).status_code == 404


def test_a_transfer_to_another_region_is_refused(api, pupil, far_school):
    response = api.post(reverse("api:pupil-transfer", kwargs={"pk": pupil.pk}),
                        {"to_school": far_school.pk, "grade": 7}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"]["to_school"][0]["code"] == "invalid_choice"
    pupil.refresh_from_db()
    assert pupil.school_id != far_school.pk


def test_a_transfer_dated_in_the_future_is_refused(api, pupil, neighbour_school):
    response = api.post(reverse("api:pupil-transfer", kwargs={"pk": pupil.pk}),
                        {"to_school": neighbour_school.pk, "grade": 7,
                         "on_date": "2999-01-01"}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"]["on_date"][0]["code"] == "date_future"


def test_a_transfer_of_another_schools_pupil_is_not_found(api, neighbour_school, school):
    stranger = PupilFactory(school=neighbour_school)

    response = api.post(reverse("api:pupil-transfer", kwargs={"pk": stranger.pk}),
                        {"to_school": school.pk, "grade": 7}, format="json")

    assert response.status_code == 404


# --- rosters ----------------------------------------------------------------------------------


def roster_csv(*rows: str, name: str = "roster.csv") -> SimpleUploadedFile:
    header = "Фамилия;Имя;Отчество;Дата рождения;Пол;Класс;Буква класса;ИИН"
    content = "\n".join([header, *rows]).encode()
    return SimpleUploadedFile(name, content, content_type="text/csv")


GOOD_ROWS = (
    f"Серікова;Аружан;Ерланқызы;17.05.2012;Ж;6;Б;{GOOD_IIN}",
    "Омаров;Тимур;;02.02.2013;М;5;А;",
)


def upload(api, file, django_capture_on_commit_callbacks):
    """POST the file; the background check runs when the upload's transaction commits (Huey
    runs tasks immediately in tests)."""
    with django_capture_on_commit_callbacks(execute=True):
        return api.post(reverse("api:roster-list"), {"file": file}, format="multipart")


def test_a_roster_upload_is_accepted_and_its_status_shows_the_result(
        api, school, django_capture_on_commit_callbacks):
    response = upload(api, roster_csv(*GOOD_ROWS), django_capture_on_commit_callbacks)

    assert response.status_code == 202
    body = response.json()
    assert body["status_url"] == "http://testserver" + reverse(
        "api:roster-detail", kwargs={"pk": body["id"]})
    assert response["Location"] == body["status_url"]
    status = api.get(body["status_url"])
    assert status.status_code == 200
    result = status.json()
    assert result["status"] == "done"
    assert result["finished"] is True
    assert result["percent"] == 100
    assert (result["total_rows"], result["created_count"], result["updated_count"]) == (2, 2, 0)
    assert result["errors"] == []
    assert set(Pupil.objects.filter(school=school).values_list("last_name", flat=True)) == {
        "Серікова", "Омаров"}


def test_a_rejected_roster_lists_its_problems_by_row_and_column(
        api, django_capture_on_commit_callbacks):
    rows = (GOOD_ROWS[0], f"Омаров;Тимур;;02.02.2013;М;5;А;{BAD_IIN}")

    response = upload(api, roster_csv(*rows), django_capture_on_commit_callbacks)
    result = api.get(response.json()["status_url"], HTTP_ACCEPT_LANGUAGE="en").json()

    assert result["status"] == "failed"
    assert result["created_count"] == 0
    assert result["errors"] == [{
        "row": 3, "column": "iin", "column_label": "IIN", "code": "iin_checksum",
        "message": "The IIN's check digit is wrong: look for a mistyped digit.",
    }]
    assert not Pupil.objects.exists()


def test_a_file_that_is_not_a_roster_is_refused_at_once(api):
    file = SimpleUploadedFile("report.pdf", b"%PDF-1.4", content_type="application/pdf")

    response = api.post(reverse("api:roster-list"), {"file": file}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "file_format"
    assert response.json()["field"] == "file"
    assert not RosterImport.objects.exists()


def test_an_upload_without_a_file_is_a_400(api):
    response = api.post(reverse("api:roster-list"), {}, format="multipart")

    assert response.status_code == 400
    assert response.json()["fields"]["file"][0]["code"] == "required"


def test_a_regional_administrator_may_not_upload_rosters(region):
    admin = MembershipFactory(role=Role.REGIONAL_ADMIN, region_scope=region).user

    response = token_client(admin).post(reverse("api:roster-list"),
                                        {"file": roster_csv(*GOOD_ROWS)}, format="multipart")

    assert response.status_code == 403
    assert not RosterImport.objects.exists()


def test_the_roster_list_and_status_are_the_schools_own(api, psychologist, school,
                                                        neighbour_school):
    own = RosterImport.objects.create(school=school, uploaded_by=psychologist,
                                      file_name="a.csv", content=b"")
    other = RosterImport.objects.create(school=neighbour_school, uploaded_by=psychologist,
                                        file_name="b.csv", content=b"")

    listing = api.get(reverse("api:roster-list"))
    foreign = api.get(reverse("api:roster-detail", kwargs={"pk": other.pk}))

    assert ids(listing) == {own.pk}
    assert listing.json()["results"][0]["status"] == "queued"
    assert foreign.status_code == 404
