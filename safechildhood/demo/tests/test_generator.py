"""The generator without a database: determinism, plausible pupils, valid IINs, the places."""

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth.password_validation import validate_password

from safechildhood.accounts.models import Role, User
from safechildhood.demo.data import names as N
from safechildhood.demo.data.zhambyl import DEMO_PASSWORD, DISTRICTS, REGION, STAFF
from safechildhood.demo.generator import (
    DemoPlan,
    apportion,
    current_school_year,
    digest,
    feminine,
    plan_schools,
)
from safechildhood.people.iin import parse_iin

AS_OF = dt.date(2026, 11, 25)


def plan(pupils=3000, seed=2026, school_year=2026):
    return DemoPlan(pupils=pupils, seed=seed, school_year=school_year, as_of=AS_OF)


@pytest.fixture(scope="module")
def rows():
    return list(plan().pupil_rows())


def test_same_seed_and_size_give_the_same_pupils():
    assert digest(plan(300).pupil_rows()) == digest(plan(300).pupil_rows())


def test_another_seed_gives_other_pupils():
    assert digest(plan(300, seed=1).pupil_rows()) != digest(plan(300, seed=2).pupil_rows())


def test_generates_exactly_the_pupils_asked_for(rows):
    assert len(rows) == 3000
    assert [r.index for r in rows] == list(range(3000))


def test_pupils_start_grade_one_aged_six_or_seven(rows):
    ages = Counter()
    for row in rows:
        first_grade = dt.date(2026 - row.grade + 1, 9, 1)
        age = first_grade.year - row.birth_date.year - (
            (first_grade.month, first_grade.day) < (row.birth_date.month, row.birth_date.day))
        ages[age] += 1
    assert set(ages) == {6, 7}
    assert ages[6] > 0.8 * len(rows)


def test_grades_run_from_one_to_eleven(rows):
    assert {r.grade for r in rows} == set(range(1, 12))


def test_iins_are_valid_unique_and_agree_with_birth_date_and_sex(rows):
    iins = [r.iin for r in rows if r.iin]
    assert len(iins) == len(set(iins))
    for row in rows:
        if row.iin:
            parsed = parse_iin(row.iin)
            assert (parsed.birth_date, parsed.sex) == (row.birth_date, row.sex)


def test_about_85_percent_of_pupils_have_an_iin(rows):
    share = sum(1 for r in rows if r.iin) / len(rows)
    assert 0.80 < share < 0.90


def test_class_letters_follow_the_language_of_instruction():
    demo = plan(20000)
    schools = {s.index: s for s in demo.schools}
    for row in demo.pupil_rows():
        school = schools[row.school]
        assert row.class_letter in school.letters
        if school.language == "ru":
            assert row.class_letter != "Ә"


def test_most_pupils_have_kazakh_names_and_patronymics_match_sex(rows):
    kazakh = [r for r in rows if r.middle_name.endswith(("ұлы", "қызы"))
              or r.last_name.endswith(("ұлы", "қызы"))]
    assert len(kazakh) > len(rows) * 0.6
    for row in rows:
        if row.middle_name.endswith(("ұлы", "ович", "евич", "ич")):
            assert row.sex == "M", row
        if row.middle_name.endswith(("қызы", "овна", "евна", "ична")):
            assert row.sex == "F", row


def test_every_pupil_has_a_guardian_with_a_kazakh_mobile_number(rows):
    for row in rows:
        assert row.guardians
        for guardian in row.guardians:
            assert guardian.phone.startswith("+7 7")
            assert guardian.relation in {"mother", "father", "grandparent", "guardian"}


def test_most_consents_are_given_and_a_few_refused(rows):
    decisions = Counter(r.consent for r in rows)
    assert decisions["given"] > 0.85 * len(rows)
    assert 0 < decisions["refused"] < 0.1 * len(rows)
    assert decisions[None] > 0  # some pupils still wait for a consent record
    assert all(r.consent_on <= AS_OF for r in rows if r.consent)


def test_deliberate_duplicates_share_name_and_birth_date_at_two_schools(rows):
    pairs: dict[int, list] = {}
    for row in rows:
        if row.duplicate_pair is not None:
            pairs.setdefault(row.duplicate_pair, []).append(row)
    assert len(pairs) >= 3
    for first, second in pairs.values():
        assert (first.last_name, first.first_name, first.birth_date) == \
            (second.last_name, second.first_name, second.birth_date)
        assert first.school != second.school
        assert second.iin is None


def test_the_first_duplicate_joins_the_two_demo_schools():
    demo = plan(300)
    demo_schools = {s.index for s in demo.schools if s.demo_key}
    pair_zero = {school for (school, _pos), pair in demo.duplicate_slots.items() if pair == 0}
    assert pair_zero == demo_schools


def test_every_settlement_has_a_school_and_schools_follow_pupils():
    schools = plan_schools(270000, 2026)
    settlements = {s.key for d in DISTRICTS for s in d.settlements}
    assert {s.settlement for s in schools} == settlements
    assert sum(s.pupils for s in schools) == 270000
    assert 500 < len(schools) < 700  # about one school per 450 pupils
    assert max(s.pupils for s in schools) < 700


def test_tiny_demo_still_has_a_school_per_settlement():
    schools = plan_schools(5, 2026)
    assert len(schools) == sum(len(d.settlements) for d in DISTRICTS)
    assert sum(s.pupils for s in schools) == 5


def test_school_names_are_unique_within_a_district():
    names = Counter((s.district, s.names.ru) for s in plan_schools(270000, 2026))
    assert max(names.values()) == 1


def test_apportion_keeps_the_total():
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(apportion(270000, [d.weight for d in DISTRICTS])) == 270000


def test_current_school_year_turns_on_the_first_of_september():
    assert current_school_year(dt.date(2026, 8, 31)) == 2025
    assert current_school_year(dt.date(2026, 9, 1)) == 2026


@pytest.mark.parametrize(("masculine", "expected"), [
    ("Ахметов", "Ахметова"), ("Әлиев", "Әлиева"), ("Соловьёв", "Соловьёва"),
    ("Никитин", "Никитина"), ("Савицкий", "Савицкая"), ("Бондаренко", "Бондаренко"),
])
def test_feminine_surnames(masculine, expected):
    assert feminine(masculine) == expected


def test_name_lists_are_long_enough_and_without_repeats():
    for pool in (N.KAZAKH_BOYS, N.KAZAKH_GIRLS, N.KAZAKH_SURNAMES, N.RUSSIAN_BOYS,
                 N.RUSSIAN_GIRLS, N.RUSSIAN_SURNAMES):
        assert len(pool) >= 60
        assert len(set(pool)) == len(pool)


def test_kazakh_surnames_end_in_ov_or_ev():
    assert all(s.endswith(("ов", "ев", "ин")) for s in N.KAZAKH_SURNAMES)


def test_geography_is_taraz_and_the_ten_districts_of_the_glossary():
    assert (REGION.kk, REGION.ru, REGION.en) == (
        "Жамбыл облысы", "Жамбылская область", "Zhambyl region")
    taraz, *districts = DISTRICTS
    assert (taraz.kind, taraz.names.kk, taraz.names.ru, taraz.names.en) == (
        "city", "Тараз қаласы", "город Тараз", "Taraz")
    glossary = [
        ("Байзақ", "Байзакский", "Baizak"), ("Жамбыл", "Жамбылский", "Zhambyl"),
        ("Жуалы", "Жуалынский", "Zhualy"), ("Қордай", "Кордайский", "Korday"),
        ("Меркі", "Меркенский", "Merke"), ("Мойынқұм", "Мойынкумский", "Moiynkum"),
        ("Сарысу", "Сарысуский", "Sarysu"), ("Талас", "Таласский", "Talas"),
        ("Т. Рысқұлов", "Т. Рыскулова", "T. Ryskulov"), ("Шу", "Шуский", "Shu"),
    ]
    assert len(districts) == 10
    for district, (kk, ru, en) in zip(districts, glossary, strict=True):
        assert district.kind == "district"
        assert district.names.kk.startswith(kk)
        assert ru in district.names.ru
        assert district.names.en.startswith(en)
        assert len(district.settlements) >= 3


def test_demo_staff_cover_every_role():
    assert {spec.role for spec in STAFF} == set(Role.values)
    assert len({spec.username for spec in STAFF}) == len(STAFF)


def test_demo_password_passes_the_password_validators():
    for spec in STAFF:
        user = User(username=spec.username, first_name=spec.first_name,
                    last_name=spec.last_name)
        validate_password(DEMO_PASSWORD, user=user)
