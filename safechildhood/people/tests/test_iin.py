"""The IIN, worked by hand from the published rule: digits 1–6 the birth date, digit 7 century
and sex, digit 12 the sum of the first eleven weighted 1..11 modulo 11, and if that is 10, the
weights 3..11,1,2 (if 10 again, the number is never issued). Also phones and class letters."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safechildhood.people.iin import IINError, check_digit, check_iin_matches, make_iin, parse_iin
from safechildhood.people.names import match_key, normalise_class_letter
from safechildhood.people.phones import PhoneError, normalise_kz_phone

# 1 1 0 3 1 4 5 0 0 0 1 × 1..11 = 1+2+0+12+5+24+35+0+0+0+11 = 90; 90 mod 11 = 2.
BOY_2011 = "110314500012"
# 0 8 0 5 1 2 6 0 1 2 3 × 1..11 = 0+16+0+20+5+12+42+0+9+20+33 = 157; 157 mod 11 = 3.
GIRL_2008 = "080512601233"
# 1 1 0 3 1 4 5 0 0 3 0 × 1..11 = 109; 109 mod 11 = 10, so the second weights decide:
# × 3,4,5,6,7,8,9,10,11,1,2 = 3+4+0+18+7+32+45+0+0+3+0 = 112; 112 mod 11 = 2.
SECOND_WEIGHTS = "110314500302"
# 1 1 0 3 1 4 5 0 0 3 4: 153 mod 11 = 10 and 120 mod 11 = 10: never issued.
NEVER_ISSUED_PREFIX = "11031450034"


@pytest.mark.parametrize(("iin", "birth_date", "sex"), [
    (BOY_2011, dt.date(2011, 3, 14), "M"),
    (GIRL_2008, dt.date(2008, 5, 12), "F"),
    (SECOND_WEIGHTS, dt.date(2011, 3, 14), "M"),
])
def test_valid_iins_give_their_birth_date_and_sex(iin, birth_date, sex):
    parsed = parse_iin(iin)
    assert (parsed.birth_date, parsed.sex) == (birth_date, sex)


def test_a_wrong_last_digit_fails_the_checksum():
    with pytest.raises(IINError) as caught:
        parse_iin("110314500013")
    assert caught.value.code == "iin_checksum"


def test_when_the_first_weights_give_ten_the_second_weights_decide():
    assert check_digit(SECOND_WEIGHTS[:11]) == 2
    # A check digit taken from the first weighting (10 → 0) is wrong.
    with pytest.raises(IINError) as caught:
        parse_iin(SECOND_WEIGHTS[:11] + "0")
    assert caught.value.code == "iin_checksum"


def test_a_number_whose_both_weightings_give_ten_is_never_issued():
    assert check_digit(NEVER_ISSUED_PREFIX) is None
    assert make_iin(dt.date(2011, 3, 14), "M", 34) is None
    for last in "0123456789":
        with pytest.raises(IINError):
            parse_iin(NEVER_ISSUED_PREFIX + last)


@pytest.mark.parametrize(("value", "code"), [
    ("11031450001", "iin_format"),
    ("1103145000123", "iin_format"),
    ("11031450001X", "iin_format"),
    ("", "iin_format"),
    ("110314700015", "iin_century"),  # 7th digit 7; check digit 5 is right
    ("110231500011", "iin_date"),  # 31 February; check digit 1 is right
])
def test_malformed_iins_name_the_problem(value, code):
    with pytest.raises(IINError) as caught:
        parse_iin(value)
    assert caught.value.code == code


def test_an_iin_must_agree_with_the_birth_date():
    with pytest.raises(IINError) as caught:
        check_iin_matches(BOY_2011, birth_date=dt.date(2011, 3, 15), sex="M")
    assert caught.value.code == "iin_birth_mismatch"


def test_an_iin_must_agree_with_the_sex():
    with pytest.raises(IINError) as caught:
        check_iin_matches(BOY_2011, birth_date=dt.date(2011, 3, 14), sex="F")
    assert caught.value.code == "iin_sex_mismatch"


@given(
    birth_date=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    sex=st.sampled_from(["M", "F"]),
    serial=st.integers(min_value=0, max_value=9999),
)
def test_make_iin_always_parses_back_to_the_same_birth_date_and_sex(birth_date, sex, serial):
    iin = make_iin(birth_date, sex, serial)
    if iin is None:  # both weightings give 10 for this serial: no such number exists
        century = (3 if birth_date.year < 2000 else 5) + (sex == "F")
        assert check_digit(f"{birth_date:%y%m%d}{century}{serial:04d}") is None
        return
    parsed = check_iin_matches(iin, birth_date=birth_date, sex=sex)
    assert (parsed.birth_date, parsed.sex, parsed.value) == (birth_date, sex, iin)


@pytest.mark.parametrize("written", [
    "+7 701 234 56 78", "+77012345678", "87012345678", "8 (701) 234-56-78", "7012345678",
    "+7 (701) 234 5678", "77012345678",
])
def test_kazakhstan_phones_are_stored_in_one_form(written):
    assert normalise_kz_phone(written) == "+7 701 234 56 78"


def test_a_taraz_landline_is_a_kazakhstan_number():
    assert normalise_kz_phone("8 7262 45 67 89") == "+7 726 245 67 89"


@pytest.mark.parametrize("written", ["+7 912 345 67 89", "12345", "+998 90 123 45 67",
                                     "8701234567", "телефон"])
def test_other_numbers_are_not_kazakhstan_phones(written):
    with pytest.raises(PhoneError):
        normalise_kz_phone(written)


@pytest.mark.parametrize(("written", "stored"), [("а", "А"), ("A", "А"), (" «ә» ", "Ә"),
                                                 ("b", "В"), ("z", "Z")])
def test_class_letters_are_read_as_the_roster_import_reads_them(written, stored):
    assert normalise_class_letter(written) == stored


def test_match_keys_ignore_case_and_yo_but_keep_kazakh_letters():
    day = dt.date(2011, 3, 14)
    assert match_key("ЁЛКИНА", "Әсел", day) == match_key("елкина", "әсел", day)
    assert match_key("Әлиев", "Нұр", day) != match_key("Алиев", "Нұр", day)
