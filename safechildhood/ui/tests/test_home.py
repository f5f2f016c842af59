"""The home page per role: each person's work for today, and nothing they should not see."""

import datetime as dt

import pytest
from django.urls import reverse

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory, UserFactory
from safechildhood.audit.services import audit_record
from safechildhood.directory.tests.factories import (
    PoliceUnitFactory,
    ProsecutorOfficeFactory,
    SchoolFactory,
    SupportCentreFactory,
)
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)
from safechildhood.people.models import Consent, DuplicateCandidate, Pupil, RosterImport
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.ui.home import region_figures, suppress_small

HOME = "/"


@pytest.fixture(autouse=True)
def _plain_login(settings):
    settings.REQUIRE_OTP = False  # the second factor has its own tests
    settings.AXES_ENABLED = False


def _school_in(district):
    return SchoolFactory(settlement=SettlementFactory(district=district))


@pytest.fixture
def region(db):
    """A region with two districts (three schools) and another region beside it."""
    region = RegionFactory(name_en="Zhambyl region")
    baizak = DistrictFactory(region=region, name_en="Baizak")
    merke = DistrictFactory(region=region, name_en="Merke")
    elsewhere = DistrictFactory(region=RegionFactory(), name_en="Elsewhere")
    schools = {"school_a": _school_in(baizak), "school_b": _school_in(baizak),
               "school_c": _school_in(merke), "school_far": _school_in(elsewhere)}
    for _ in range(6):
        PupilFactory(school=schools["school_a"], grade=5, last_name="Северов")
    for _ in range(2):
        PupilFactory(school=schools["school_b"], grade=7, last_name="Северов")
    for _ in range(3):
        PupilFactory(school=schools["school_c"], grade=5, last_name="Южанов")
    PupilFactory(school=schools["school_c"], grade=5, status=Pupil.Status.LEFT,
                 last_name="Южанов")
    PupilFactory(school=schools["school_far"], grade=5, last_name="Чужаков")
    return {"region": region, "baizak": baizak, "merke": merke, "elsewhere": elsewhere,
            **schools}


def _home(client, user):
    client.force_login(user)
    return client.get(HOME)


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- school staff ------------------------------------------------------------------------------


def _consent(pupil, decision, recorder, day):
    return Consent.objects.create(pupil=pupil, decision=decision, decided_on=day,
                                  recorded_by=recorder)


@pytest.mark.parametrize("role", [Role.SCHOOL_PSYCHOLOGIST, Role.SCHOOL_ADMIN])
def test_school_home_counts_pupils_by_grade_with_consent(role, client, region):
    school = region["school_a"]
    user = MembershipFactory(role=role, school=school).user
    grade_five = list(Pupil.objects.filter(school=school).order_by("id"))
    PupilFactory(school=school, grade=9)
    _consent(grade_five[0], Consent.Decision.GIVEN, user, dt.date(2025, 9, 1))
    # The latest decision counts: given, then withdrawn.
    _consent(grade_five[1], Consent.Decision.GIVEN, user, dt.date(2025, 9, 1))
    _consent(grade_five[1], Consent.Decision.WITHDRAWN, user, dt.date(2025, 10, 1))
    _consent(grade_five[2], Consent.Decision.REFUSED, user, dt.date(2025, 9, 2))

    response = _home(client, user)

    assert response.status_code == 200
    grades = {row.grade: row for row in response.context["grades"]}
    assert set(grades) == {5, 9}
    assert (grades[5].pupils, grades[5].consent_given, grades[5].consent_refused,
            grades[5].no_consent) == (6, 1, 2, 3)
    assert (grades[9].pupils, grades[9].no_consent) == (1, 1)
    total = response.context["grade_total"]
    assert (total.pupils, total.no_consent) == (7, 4)
    html = response.content.decode()
    assert f'{reverse("people:pupil-list")}?grade=5' in html
    assert reverse("people:pupil-create") in html
    assert reverse("people:roster-import-create") in html


def test_school_home_leaves_out_other_schools_and_left_pupils(client, region):
    user = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=region["school_c"]).user
    response = _home(client, user)
    assert response.context["grade_total"].pupils == 3  # the pupil who left is not counted
    html = response.content.decode()
    assert "Северов" not in html and "Чужаков" not in html


def test_school_home_shows_open_duplicates_and_recent_imports(client, region):
    school = region["school_a"]
    user = MembershipFactory(role=Role.SCHOOL_ADMIN, school=school).user
    first, second, third = Pupil.objects.filter(school=school).order_by("id")[:3]
    DuplicateCandidate.objects.create(first=first, second=second,
                                      reason=DuplicateCandidate.Reason.SAME_NAME_BIRTH)
    DuplicateCandidate.objects.create(first=first, second=third,
                                      reason=DuplicateCandidate.Reason.SAME_NAME_BIRTH,
                                      status=DuplicateCandidate.Status.DISMISSED)
    done = RosterImport.objects.create(school=school, uploaded_by=user, file_name="grade5.xlsx",
                                       content=b"", status=RosterImport.Status.DONE,
                                       created_count=6)
    RosterImport.objects.create(school=region["school_far"], uploaded_by=user,
                                file_name="elsewhere.csv", content=b"")

    response = _home(client, user)

    assert response.context["duplicates_open"] == 1
    assert [item.pk for item in response.context["imports"]] == [done.pk]
    html = response.content.decode()
    assert "grade5.xlsx" in html and "elsewhere.csv" not in html
    assert reverse("people:roster-import-detail", args=[done.pk]) in html
    assert reverse("people:duplicate-list") in html


def test_school_home_without_pupils_says_how_to_start(client, db):
    user = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST).user
    response = _home(client, user)
    assert response.context["grade_total"].pupils == 0
    assert "No pupils are on your school" in response.content.decode()


def test_school_home_query_count_does_not_grow_with_grades(client, region,
                                                            django_assert_max_num_queries):
    school = region["school_a"]
    user = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=school).user
    client.force_login(user)
    with django_assert_max_num_queries(14) as few:
        client.get(HOME)
    for grade in range(1, 12):
        PupilFactory(school=school, grade=grade)
        RosterImport.objects.create(school=school, uploaded_by=user, file_name="x.csv",
                                    content=b"")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(HOME)


# --- centre ------------------------------------------------------------------------------------


def test_specialist_sees_figures_of_their_districts_and_no_child(client, region):
    centre = SupportCentreFactory(region=region["region"])
    user = MembershipFactory(role=Role.CENTRE_SPECIALIST, centre=centre,
                             districts=[region["baizak"]]).user

    response = _home(client, user)

    rows = response.context["figures"].rows
    assert [(r.district.pk, r.schools, r.pupils) for r in rows] == [(region["baizak"].pk, 2, "8")]
    html = response.content.decode()
    assert "Baizak" in html and "Merke" not in html
    assert "Северов" not in html and "Нұрлан" not in html
    assert reverse("people:pupil-list") not in html


def test_specialist_without_districts_is_told_to_ask_the_head(client, region):
    centre = SupportCentreFactory(region=region["region"])
    user = MembershipFactory(role=Role.CENTRE_SPECIALIST, centre=centre).user
    response = _home(client, user)
    assert "No districts are assigned to you yet" in response.content.decode()


def test_centre_head_sees_region_staff_and_recent_events(client, region, make_actor):
    centre = SupportCentreFactory(region=region["region"])
    head = MembershipFactory(role=Role.CENTRE_HEAD, centre=centre).user
    specialist = MembershipFactory(role=Role.CENTRE_SPECIALIST, centre=centre,
                                   districts=[region["merke"]],
                                   user=UserFactory(last_name="Жұмабекова", first_name="Дана"))
    psychologist = make_actor(Role.SCHOOL_PSYCHOLOGIST, school=region["school_a"])
    outsider = make_actor(Role.SCHOOL_PSYCHOLOGIST, school=region["school_far"])
    mine = Pupil.objects.filter(school=region["school_a"]).first()
    audit_record(actor=psychologist, action="people.pupil.viewed", target=mine)
    audit_record(actor=outsider, action="people.pupil.updated",
                 target=Pupil.objects.get(school=region["school_far"]))

    response = _home(client, head)

    figures = response.context["figures"]
    assert [(r.district.name, r.schools, r.pupils) for r in figures.rows] == [
        ("Baizak", 2, "8"), ("Merke", 1, "3")]
    assert (figures.schools, figures.pupils) == (3, "11")
    staff = {m.user.pk: m for m in response.context["centre"].staff}
    assert set(staff) == {head.pk, specialist.user.pk}
    html = response.content.decode()
    assert "Жұмабекова Дана" in html or "Дана Жұмабекова" in html
    assert "Opened a pupil&#x27;s record" in html or "Opened a pupil's record" in html
    assert outsider.user.username not in html
    assert psychologist.user.username in html
    assert reverse("audit:event-list") in html
    assert "Северов" not in html


def test_centre_head_home_is_a_fixed_number_of_queries(client, region,
                                                       django_assert_max_num_queries):
    centre = SupportCentreFactory(region=region["region"])
    head = MembershipFactory(role=Role.CENTRE_HEAD, centre=centre).user
    client.force_login(head)
    with django_assert_max_num_queries(16) as few:
        client.get(HOME)
    for _ in range(5):
        MembershipFactory(role=Role.CENTRE_SPECIALIST, centre=centre,
                          districts=[region["baizak"], region["merke"]])
        DistrictFactory(region=region["region"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(HOME)


# --- police and prosecutor ---------------------------------------------------------------------


def test_inspector_sees_their_unit_and_that_no_report_has_come(client, region):
    unit = PoliceUnitFactory(district=region["baizak"], name_en="Baizak district police",
                             phone="+7 726 000 00 00")
    user = MembershipFactory(role=Role.POLICE_INSPECTOR, police_unit=unit).user

    response = _home(client, user)

    html = response.content.decode()
    assert "Baizak district police" in html and "Baizak" in html
    assert response.context["unit"].schools_count == 2
    assert "No reports have been sent to your unit" in html
    assert "Северов" not in html


def test_analyst_sees_region_figures_with_small_counts_hidden(client, region):
    office = ProsecutorOfficeFactory(region=region["region"])
    user = MembershipFactory(role=Role.PROSECUTOR_ANALYST, prosecutor_office=office).user

    response = _home(client, user)

    figures = response.context["figures"]
    shown = {r.district.name: (r.schools, r.pupils) for r in figures.rows}
    assert shown == {"Baizak": (2, "8"), "Merke": (1, "<5")}
    # With one district hidden, the total would give it away by subtraction.
    assert figures.pupils is None
    html = response.content.decode()
    assert "<td>1</td><td>&lt;5</td>" in html  # Merke: one school, pupils hidden
    assert ">11<" not in html
    assert "Elsewhere" not in html
    assert "Северов" not in html and "Южанов" not in html


def test_small_counts_are_hidden_but_zero_and_five_are_shown():
    assert [suppress_small(n) for n in (0, 1, 4, 5, 120)] == ["0", "<5", "<5", "5", "120"]


class _District:
    def __init__(self, pupils):
        self.pupils_count, self.schools_count = pupils, 1


def test_region_total_is_shown_when_two_or_no_districts_are_hidden():
    assert region_figures([_District(3), _District(2), _District(40)], suppress=True).pupils == \
        "45"
    assert region_figures([_District(30), _District(40)], suppress=True).pupils == "70"
    assert region_figures([_District(3), _District(40)], suppress=True).pupils is None
    assert region_figures([_District(3), _District(40)], suppress=False).pupils == "43"


# --- administration ----------------------------------------------------------------------------


def test_regional_admin_sees_region_counts_and_ways_into_admin(client, region):
    user = MembershipFactory(role=Role.REGIONAL_ADMIN, region_scope=region["region"]).user
    MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=region["school_a"])
    MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=region["school_far"])

    response = _home(client, user)

    assert response.context["counts"] == {"districts": 2, "settlements": 3, "schools": 3,
                                          "staff": 2}
    roles = dict(response.context["roles"])
    assert roles == {"school psychologist": 1, "regional administrator": 1}
    html = response.content.decode()
    for name in ("admin:directory_school_changelist", "admin:accounts_user_add",
                 "admin:geography_district_changelist", "audit:event-list"):
        assert reverse(name) in html
    assert "Северов" not in html


def test_operator_gets_links_to_administration_and_the_trail(client, region):
    operator = UserFactory(is_superuser=True, is_staff=True)
    response = _home(client, operator)
    html = response.content.decode()
    assert response.context["panel"] == "operator"
    assert response.context["regions"] == 2
    assert reverse("admin:index") in html and reverse("audit:event-list") in html


def test_person_without_a_role_is_told_whom_to_ask(client, db):
    response = _home(client, UserFactory())
    assert response.context["panel"] == "no_role"
    assert "no active role" in response.content.decode()
