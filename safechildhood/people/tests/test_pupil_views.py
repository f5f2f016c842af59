"""The pupil pages: who gets in, the happy paths, invalid forms, htmx partials and query
counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory, login_verified
from safechildhood.audit.models import AuditEvent
from safechildhood.people.iin import make_iin
from safechildhood.people.models import Consent, DuplicateCandidate, Enrollment, Guardian, Pupil
from safechildhood.people.tests.factories import GuardianFactory, PupilFactory

pytestmark = pytest.mark.django_db

LIST = reverse("people:pupil-list")
CREATE = reverse("people:pupil-create")
DUPLICATES = reverse("people:duplicate-list")
PER_PUPIL = ["people:pupil-detail", "people:pupil-edit", "people:pupil-transfer",
             "people:guardian-create", "people:consent-create"]
BIRTH = dt.date(2013, 4, 20)


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


@pytest.fixture
def signed_in(client, psy):
    client.force_login(psy.user)
    return client


@pytest.fixture
def pupil(home_school):
    return PupilFactory(school=home_school, last_name="Тоқтарова", first_name="Әйгерім",
                        sex="F", birth_date=BIRTH)


def url(name, obj) -> str:
    return reverse(name, args=[obj.pk])


def pupil_form(**overrides) -> dict:
    return {"last_name": "Мұратова", "first_name": "Інжу", "middle_name": "",
            "birth_date": BIRTH.isoformat(), "sex": "F", "grade": "6", "class_letter": "ә",
            "iin": ""} | overrides


# --- who gets in -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PER_PUPIL)
def test_anonymous_visitors_are_sent_to_login_from_pupil_pages(client, pupil, name):
    response = client.get(url(name, pupil))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("path", [LIST, CREATE, DUPLICATES])
def test_anonymous_visitors_are_sent_to_login_from_lists(client, path):
    assert client.get(path)["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", PER_PUPIL)
def test_another_schools_pupil_is_not_found(signed_in, near_school, name):
    assert signed_in.get(url(name, PupilFactory(school=near_school))).status_code == 404


@pytest.mark.parametrize("name", PER_PUPIL[1:])
def test_another_schools_pupil_cannot_be_changed_by_post(signed_in, near_school, name):
    other = PupilFactory(school=near_school)
    assert signed_in.post(url(name, other), pupil_form()).status_code == 404
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", [Role.CENTRE_HEAD, Role.REGIONAL_ADMIN, Role.PROSECUTOR_ANALYST])
@pytest.mark.parametrize("path", [LIST, CREATE, DUPLICATES])
def test_staff_outside_schools_have_no_pupil_pages(client, role, path):
    client.force_login(MembershipFactory(role=role).user)
    assert client.get(path).status_code == 403


def test_the_second_factor_guards_the_roster(client, psy, settings):
    settings.REQUIRE_OTP = True
    client.force_login(psy.user)
    assert client.get(LIST)["Location"].startswith(reverse("accounts:otp-verify"))
    login_verified(client, psy.user)
    assert client.get(LIST).status_code == 200


# --- the roster --------------------------------------------------------------------------------


def test_the_roster_lists_and_searches_the_schools_pupils(signed_in, pupil, near_school):
    PupilFactory(school=near_school, last_name="Бөтенов")
    response = signed_in.get(LIST, {"q": "ТОҚТАРОВА"})
    content = response.content.decode()
    assert response.status_code == 200 and "<title>Pupils" in content
    assert "Тоқтарова Әйгерім" in content and "Бөтенов" not in content


def test_a_search_from_htmx_returns_only_the_table(signed_in, pupil):
    response = signed_in.get(LIST, {"q": "әйгерім"}, HTTP_HX_REQUEST="true",
                             HTTP_HX_TARGET="pupil-results")
    content = response.content.decode()
    assert "<html" not in content and "Тоқтарова" in content
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(signed_in, pupil):
    response = signed_in.get(LIST, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="pupil-results",
                             HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


def test_unreadable_filters_are_ignored(signed_in, pupil):
    response = signed_in.get(LIST, {"grade": "seven", "status": "everything"})
    assert response.status_code == 200 and "Тоқтарова" in response.content.decode()


def test_the_roster_pages_by_fifty(signed_in, home_school):
    PupilFactory.create_batch(51, school=home_school)
    first = signed_in.get(LIST)
    assert len(first.context["page"].object_list) == 50
    assert "Page 1 of 2" in first.content.decode()
    assert len(signed_in.get(LIST, {"page": 2}).context["page"].object_list) == 1


def test_the_roster_does_not_query_per_pupil(signed_in, home_school, psy,
                                            django_assert_max_num_queries):
    for pupil in PupilFactory.create_batch(30, school=home_school):
        Consent.objects.create(pupil=pupil, decision="given", decided_on=dt.date(2025, 9, 1),
                               recorded_by=psy.user)
    with django_assert_max_num_queries(12):
        response = signed_in.get(LIST)
    assert response.content.decode().count("consent given") == 30


# --- one pupil ---------------------------------------------------------------------------------


def test_the_record_shows_facts_history_guardians_and_consents(signed_in, pupil, psy):
    GuardianFactory(pupil=pupil, full_name="Тоқтарова Сәуле", phone="+7 701 555 44 33")
    Consent.objects.create(pupil=pupil, decision="refused", decided_on=dt.date(2025, 9, 3),
                           recorded_by=psy.user, note="Әкесі қарсы")
    content = signed_in.get(url("people:pupil-detail", pupil)).content.decode()
    for text in ("Тоқтарова Әйгерім", "Тоқтарова Сәуле", "tel:+77015554433", "Әкесі қарсы",
                 "Enrolment history", "Correct the record", "Transfer to another school"):
        assert text in content
    assert AuditEvent.objects.filter(action="people.pupil.viewed").count() == 1


def test_the_record_points_to_an_open_possible_duplicate(signed_in, pupil, home_school):
    twin = PupilFactory(school=home_school)
    candidate = DuplicateCandidate.objects.create(first=pupil, second=twin, reason="name_birth")
    content = signed_in.get(url("people:pupil-detail", pupil)).content.decode()
    assert url("people:duplicate-resolve", candidate) in content


def test_a_school_administrator_sees_the_record_and_its_actions(client, pupil, home_school):
    from safechildhood.people.tests.conftest import staff

    admin = staff(Role.SCHOOL_ADMIN, home_school)
    client.force_login(admin.user)
    content = client.get(url("people:pupil-detail", pupil)).content.decode()
    assert "Record consent" in content


def test_a_left_pupil_has_no_change_actions(signed_in, home_school):
    left = PupilFactory(school=home_school, status=Pupil.Status.LEFT)
    content = signed_in.get(url("people:pupil-detail", left)).content.decode()
    assert "Correct the record" not in content
    assert signed_in.get(url("people:pupil-edit", left)).status_code == 403


# --- adding and correcting ---------------------------------------------------------------------


def test_adding_a_pupil_opens_the_new_record(signed_in, home_school):
    response = signed_in.post(CREATE, pupil_form(iin=make_iin(BIRTH, "F", 3)))
    pupil = Pupil.objects.get()
    assert response["Location"] == url("people:pupil-detail", pupil)
    assert (pupil.school, pupil.class_letter) == (home_school, "Ә")


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"iin": make_iin(BIRTH, "M", 3)}, "iin", "does not match the sex"),
    ({"iin": make_iin(dt.date(2013, 4, 21), "F", 3)}, "iin", "does not match the date of birth"),
    ({"iin": "1304206000"}, "iin", "12 digits"),
    ({"iin": make_iin(BIRTH, "F", 3)[:11] + "0"
      if make_iin(BIRTH, "F", 3)[11] != "0" else make_iin(BIRTH, "F", 3)[:11] + "1"},
     "iin", "check digit"),
    ({"birth_date": "2001-01-01"}, "birth_date", "aged 5 to 20"),
    ({"birth_date": (timezone.localdate() - dt.timedelta(days=365 * 3)).isoformat()},
     "birth_date", "aged 5 to 20"),
    ({"grade": "13"}, "grade", "Select a valid choice"),
    ({"last_name": "Мұратова2"}, "last_name", "letters only"),
    ({"first_name": ""}, "first_name", "required"),
])
def test_an_invalid_pupil_form_says_what_is_wrong(signed_in, overrides, field, message):
    response = signed_in.post(CREATE, pupil_form(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Pupil.objects.exists()


def test_an_iin_of_another_school_is_shown_as_a_form_error(signed_in, near_school):
    iin = make_iin(BIRTH, "F", 3)
    PupilFactory(school=near_school, last_name="Бөтенова", iin=iin, birth_date=BIRTH, sex="F")
    response = signed_in.post(CREATE, pupil_form(iin=iin))
    errors = " ".join(response.context["form"].errors["iin"])
    assert "another school" in errors
    assert "Бөтенова" not in response.content.decode()


def test_correcting_a_pupil(signed_in, pupil):
    form = signed_in.get(url("people:pupil-edit", pupil)).context["form"]
    assert form.initial["last_name"] == "Тоқтарова"
    response = signed_in.post(url("people:pupil-edit", pupil),
                              pupil_form(last_name="Тоқтарова", first_name="Әйгерім", grade="9"))
    assert response["Location"] == url("people:pupil-detail", pupil)
    pupil.refresh_from_db()
    assert pupil.grade == 9


def test_an_invalid_correction_keeps_the_record(signed_in, pupil):
    response = signed_in.post(url("people:pupil-edit", pupil), pupil_form(sex=""))
    assert response.status_code == 200 and response.context["form"].errors["sex"]
    pupil.refresh_from_db()
    assert pupil.first_name == "Әйгерім"


# --- transfer ----------------------------------------------------------------------------------


def test_a_transfer_hands_the_record_to_the_new_school(signed_in, client, pupil, near_school,
                                                      near_psy, far_school):
    form = signed_in.get(url("people:pupil-transfer", pupil)).context["form"]
    choices = list(form.fields["to_school"].queryset)
    assert near_school in choices and far_school not in choices and pupil.school not in choices
    response = signed_in.post(url("people:pupil-transfer", pupil), {
        "to_school": near_school.pk, "grade": "8", "class_letter": "В",
        "on_date": timezone.localdate().isoformat()})
    assert response["Location"] == LIST
    assert signed_in.get(url("people:pupil-detail", pupil)).status_code == 404
    signed_in.logout()
    client.force_login(near_psy.user)
    content = client.get(url("people:pupil-detail", pupil)).content.decode()
    assert "Тоқтарова" in content and near_school.name in content
    assert Enrollment.objects.filter(pupil=pupil).count() == 2


def test_a_transfer_to_another_region_is_not_offered(signed_in, pupil, far_school):
    response = signed_in.post(url("people:pupil-transfer", pupil), {
        "to_school": far_school.pk, "grade": "8", "class_letter": "",
        "on_date": timezone.localdate().isoformat()})
    assert response.status_code == 200 and response.context["form"].errors["to_school"]
    pupil.refresh_from_db()
    assert pupil.school != far_school


def test_a_transfer_before_the_enrolment_began_is_a_form_error(signed_in, pupil, near_school):
    response = signed_in.post(url("people:pupil-transfer", pupil), {
        "to_school": near_school.pk, "grade": "8", "on_date": "2024-08-01"})
    assert "before the current enrolment" in " ".join(response.context["form"].errors["on_date"])


# --- guardians and consent ---------------------------------------------------------------------


def test_adding_a_guardian(signed_in, pupil):
    response = signed_in.post(url("people:guardian-create", pupil), {
        "relation": "grandparent", "full_name": "Тоқтаров Серік", "phone": "87011234567"})
    assert response["Location"] == url("people:pupil-detail", pupil)
    assert Guardian.objects.get().phone == "+7 701 123 45 67"


def test_a_guardian_with_a_foreign_phone_is_a_form_error(signed_in, pupil):
    response = signed_in.post(url("people:guardian-create", pupil), {
        "relation": "mother", "full_name": "Тоқтарова Сәуле", "phone": "+7 999 123 45 67"})
    assert "Kazakhstan phone" in " ".join(response.context["form"].errors["phone"])
    assert not Guardian.objects.exists()


def test_recording_consent_names_one_of_the_pupils_guardians(signed_in, pupil, home_school):
    mother = GuardianFactory(pupil=pupil)
    other = GuardianFactory(pupil=PupilFactory(school=home_school))
    page = signed_in.get(url("people:consent-create", pupil))
    assert list(page.context["form"].fields["guardian"].queryset) == [mother]
    refused = signed_in.post(url("people:consent-create", pupil), {
        "decision": "given", "decided_on": "2025-09-01", "guardian": other.pk})
    assert refused.context["form"].errors["guardian"]
    response = signed_in.post(url("people:consent-create", pupil), {
        "decision": "given", "decided_on": "2025-09-01", "guardian": mother.pk,
        "note": "Жиналыста"})
    assert response["Location"] == url("people:pupil-detail", pupil)
    assert Consent.objects.get().guardian == mother


def test_a_consent_in_the_future_is_a_form_error(signed_in, pupil):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = signed_in.post(url("people:consent-create", pupil), {
        "decision": "given", "decided_on": tomorrow.isoformat()})
    assert response.context["form"].errors["decided_on"]
    assert not Consent.objects.exists()


# --- possible duplicates -----------------------------------------------------------------------


@pytest.fixture
def candidate(pupil, near_school):
    twin = PupilFactory(school=near_school, last_name="Тоқтарова", first_name="Әйгерім",
                        sex="F", birth_date=BIRTH, grade=3, class_letter="Г")
    return DuplicateCandidate.objects.create(first=pupil, second=twin, reason="name_birth")


def test_the_duplicate_list_names_only_the_own_schools_record(signed_in, candidate, near_school,
                                                              django_assert_max_num_queries):
    candidate.second.last_name = "Басқаша"
    candidate.second.save()
    with django_assert_max_num_queries(10):
        content = signed_in.get(DUPLICATES).content.decode()
    assert "Тоқтарова" in content and "Басқаша" not in content
    assert near_school.name in content and "3Г" in content


def test_another_schools_candidate_is_not_found(signed_in, far_school):
    a = PupilFactory(school=far_school)
    b = PupilFactory(school=far_school)
    other = DuplicateCandidate.objects.create(first=a, second=b, reason="name_birth")
    assert signed_in.get(url("people:duplicate-resolve", other)).status_code == 404
    assert signed_in.post(url("people:duplicate-resolve", other),
                          {"decision": "dismiss"}).status_code == 404


def test_the_resolve_page_shows_the_other_record_by_school_class_and_birth_date(
        signed_in, candidate):
    candidate.second.iin = make_iin(BIRTH, "F", 9)
    candidate.second.middle_name = "Жасырынқызы"
    candidate.second.save()
    content = signed_in.get(url("people:duplicate-resolve", candidate)).content.decode()
    assert "Тоқтарова Әйгерім" in content  # our own record
    assert candidate.second.iin not in content and "Жасырынқызы" not in content
    assert "3Г" in content and "Which record to keep?" in content


def test_merging_from_the_resolve_page(signed_in, candidate, pupil):
    response = signed_in.post(url("people:duplicate-resolve", candidate),
                              {"decision": "merge", "keep": pupil.pk})
    assert response["Location"] == DUPLICATES
    candidate.second.refresh_from_db()
    assert candidate.second.merged_into == pupil


def test_merging_without_choosing_a_record_is_a_form_error(signed_in, candidate):
    response = signed_in.post(url("people:duplicate-resolve", candidate), {"decision": "merge"})
    assert response.status_code == 200 and response.context["form"].errors["keep"]
    candidate.refresh_from_db()
    assert candidate.status == "open"


def test_the_other_school_dismisses_the_pair(client, candidate, near_psy):
    client.force_login(near_psy.user)
    response = client.post(url("people:duplicate-resolve", candidate), {"decision": "dismiss"})
    assert response["Location"] == DUPLICATES
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.DISMISSED
    page = client.get(url("people:duplicate-resolve", candidate)).content.decode()
    assert "Which record to keep?" not in page and "Resolved by" in page


def test_a_resolved_pair_cannot_be_resolved_again(signed_in, candidate, pupil):
    signed_in.post(url("people:duplicate-resolve", candidate), {"decision": "dismiss"})
    response = signed_in.post(url("people:duplicate-resolve", candidate),
                              {"decision": "merge", "keep": pupil.pk})
    assert "already been resolved" in " ".join(response.context["form"].non_field_errors())
