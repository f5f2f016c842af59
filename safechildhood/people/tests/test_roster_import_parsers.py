"""Reading roster cells and files: dates, sex, grades, IINs, encodings, delimiters, headers and
single rows. No database."""

import codecs
import datetime as dt
import io

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safechildhood.people.iin import make_iin
from safechildhood.people.imports.cells import (
    clean_iin,
    clean_person_name,
    parse_date,
    parse_grade,
    parse_sex,
)
from safechildhood.people.imports.problems import FileError, problem_message
from safechildhood.people.imports.rows import parse_row
from safechildhood.people.imports.table import (
    decode_text,
    detect_format,
    map_header,
    open_table,
    sniff_delimiter,
)
from safechildhood.people.imports.template import roster_template_xlsx

TODAY = dt.date(2025, 9, 1)
# No example database in the working tree: these properties are cheap to rediscover.
NO_DATABASE = settings(database=None)
BIRTH = dt.date(2011, 3, 14)


def valid_iin(birth=BIRTH, sex="M", serial=1):
    while (value := make_iin(birth, sex, serial)) is None:
        serial += 1
    return value


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "14.03.2011", "14/03/2011", "14-03-2011", "2011-03-14", "2011.03.14", "14.3.2011",
    " 14.03.2011 ", "14.03.2011 г.", "14.03.2011 ж.", "2011-03-14 00:00:00", "2011-03-14T00:00",
    dt.date(2011, 3, 14), dt.datetime(2011, 3, 14, 0, 0), 40616, 40616.0, "40616",
])
def test_dates_are_read_in_the_ways_schools_write_them(value):
    assert parse_date(value) == BIRTH


@pytest.mark.parametrize("value", ["", None, "14.03.11", "31.02.2011", "2011", "вчера",
                                   "14.13.2011", True, -5, "1.2.3.4"])
def test_unreadable_dates_raise_value_error(value):
    with pytest.raises(ValueError):
        parse_date(value)


@NO_DATABASE
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_every_date_survives_every_written_form(day):
    forms = [day.strftime("%d.%m.%Y"), day.isoformat(), day.strftime("%d/%m/%Y"),
             f"{day.day}.{day.month}.{day.year}", day, dt.datetime.combine(day, dt.time()),
             (day - dt.date(1899, 12, 30)).days]
    for form in forms:
        assert parse_date(form) == day


@NO_DATABASE
@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(allow_nan=True),
                 st.booleans(), st.none()))
def test_date_parser_never_fails_other_than_with_value_error(value):
    try:
        result = parse_date(value)
    except ValueError:
        return
    assert isinstance(result, dt.date)


# --- sex ---------------------------------------------------------------------------------------

MALE = ["М", "м", "M", "m", "муж", "Муж.", "мужской", "мальчик", "Ер", "ер", "Ұл", "ұл бала",
        "male", "Male", "boy", "Е"]
FEMALE = ["Ж", "ж", "F", "f", "жен", "Жен.", "женский", "девочка", "Әйел", "әйел", "Қыз",
          "қыз бала", "female", "Female", "girl", "Ә"]


@pytest.mark.parametrize(("value", "expected"), [(v, "M") for v in MALE] +
                         [(v, "F") for v in FEMALE])
def test_sex_is_read_in_kazakh_russian_and_english(value, expected):
    assert parse_sex(value) == expected


@NO_DATABASE
@given(st.sampled_from(MALE + FEMALE), st.sampled_from(["", " ", "  "]),
       st.sampled_from(["", ".", " "]), st.booleans())
def test_sex_ignores_case_spaces_and_a_trailing_dot(word, pad, tail, upper):
    text = f"{pad}{word.upper() if upper else word}{tail}{pad}"
    assert parse_sex(text) == ("M" if word in MALE else "F")


@NO_DATABASE
@given(st.text(max_size=12))
def test_sex_parser_gives_m_f_or_value_error(text):
    try:
        result = parse_sex(text)
    except ValueError:
        return
    assert result in {"M", "F"}


@pytest.mark.parametrize("value", ["", "X", "2", "мужчина и женщина", None])
def test_unknown_sex_raises_value_error(value):
    with pytest.raises(ValueError):
        parse_sex(value)


# --- grade, letter, IIN, names -----------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    ("7", (7, "")), (7, (7, "")), (7.0, (7, "")), ("7.0", (7, "")), ("0", (0, "")),
    ("7А", (7, "А")), ("7а", (7, "А")), ("7 А", (7, "А")), ("7-А", (7, "А")),
    ("7 «А»", (7, "А")), ("7А сынып", (7, "А")), ("11 Ә класс", (11, "Ә")),
    ("7A", (7, "А")),  # a Latin A typed on an English keyboard is the Cyrillic class letter
])
def test_grade_is_read_with_or_without_its_letter(value, expected):
    assert parse_grade(value) == expected


@pytest.mark.parametrize("value", ["седьмой", "7.5", 7.5, "А7", "7АБВГ"])
def test_unreadable_grades_raise_value_error(value):
    with pytest.raises(ValueError):
        parse_grade(value)


def test_iin_gets_back_the_leading_zero_excel_drops():
    iin = valid_iin(dt.date(2005, 3, 14))
    assert iin.startswith("0")
    assert clean_iin(int(iin)) == iin
    assert clean_iin(float(int(iin))) == iin
    assert clean_iin(f"'{iin}") == iin
    assert clean_iin(f"{iin[:6]} {iin[6:]}") == iin


def test_names_typed_in_capitals_are_written_as_names_and_kazakh_letters_kept():
    assert clean_person_name("  ӘБДІРОВА-ҚАСЫМОВА ") == "Әбдірова-Қасымова"
    assert clean_person_name("Нұрлан") == "Нұрлан"


# --- files -------------------------------------------------------------------------------------

HEADER_RU = ["Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Класс", "Буква класса", "ИИН"]


def csv_bytes(rows, *, encoding="utf-8", delimiter=";", bom=False):
    text = "\r\n".join(delimiter.join(str(c) for c in row) for row in rows) + "\r\n"
    data = text.encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def test_utf8_with_and_without_bom_and_utf16_keep_kazakh_letters():
    text = "Тегі;Аты\nӘбдіров;Ғалым Қңөұүһі\n"
    assert decode_text(text.encode("utf-8")) == text
    assert decode_text(codecs.BOM_UTF8 + text.encode("utf-8")) == text
    assert decode_text(text.encode("utf-16")) == text


def test_windows_1251_is_read_for_russian_and_kz1048_for_kazakh():
    russian = "Фамилия;Имя\nЁлкина;Юлия\n"
    assert decode_text(russian.encode("cp1251")) == russian
    kazakh = "Тегі;Аты\nӘбдіров;Ғалым Қңөұүһ\n"
    assert decode_text(kazakh.encode("kz1048")) == kazakh


def test_random_bytes_are_not_taken_for_text():
    import random

    generator = random.Random(7)
    garbage = bytes(generator.randrange(256) for _ in range(4000))
    with pytest.raises(FileError) as caught:
        decode_text(garbage)
    assert caught.value.code == "encoding"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiter_is_recognised(delimiter):
    text = delimiter.join(HEADER_RU) + "\n" + delimiter.join(
        ["Иванов", "Иван", "", "14.03.2011", "М", "7", "А", ""]) + "\n"
    assert sniff_delimiter(text) == delimiter


@pytest.mark.parametrize(("content", "name", "code"), [
    (b"", "roster.csv", "file_empty"),
    (b"just text", "roster.xlsx", "xlsx_broken"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "roster.xls", "xls_old"),
    (b"%PDF-1.4", "roster.pdf", "file_format"),
])
def test_files_that_cannot_be_a_roster_are_refused_with_one_reason(content, name, code):
    with pytest.raises(FileError) as caught:
        detect_format(content, name)
    assert caught.value.code == code


@pytest.mark.parametrize("content", [
    b"PK\x03\x04 not really a zip",
    roster_template_xlsx("en")[:2000],  # cut short: the zip's directory is missing
], ids=["not-a-zip", "cut-short"])
def test_a_broken_xlsx_is_one_file_problem(content):
    with pytest.raises(FileError) as caught:
        list(open_table(content, "roster.xlsx").rows)
    assert caught.value.code == "xlsx_broken"


def test_files_over_the_limit_are_refused(settings):
    settings.ROSTER_MAX_BYTES = 100
    with pytest.raises(FileError) as caught:
        detect_format(b"x" * 101, "roster.csv")
    assert caught.value.code == "file_too_large"
    assert "100" in problem_message(caught.value.as_dict())


@pytest.mark.parametrize("header", [
    ["Тегі", "Аты", "Әкесінің аты", "Туған күні", "Жынысы", "Сынып", "Литер", "ЖСН"],
    HEADER_RU,
    ["Last name", "First name", "Patronymic", "Date of birth", "Sex", "Grade", "Class letter",
     "IIN"],
    [" ФАМИЛИЯ ", "имя", "отчество", "Дата  рождения (дд.мм.гггг)", "ПОЛ", "класс",
     "Буква класса", "ЖСН (ИИН)"],
])
def test_headers_are_recognised_in_three_languages_whatever_the_case_and_spaces(header):
    assert map_header(header) == {"last_name": 0, "first_name": 1, "middle_name": 2,
                                  "birth_date": 3, "sex": 4, "grade": 5, "class_letter": 6,
                                  "iin": 7}


def test_a_title_row_above_the_header_is_skipped_and_row_numbers_are_the_files():
    table = open_table(csv_bytes([["Список учащихся"], HEADER_RU,
                                  ["Иванов", "Иван", "", "14.03.2011", "М", "7", "А", ""],
                                  [], ["Петрова", "Анна", "", "01.02.2012", "Ж", "6", "Б", ""]]),
                       "roster.csv")
    assert table.header_row == 2
    assert [number for number, _values in table.rows] == [3, 5]


def test_missing_required_columns_are_named():
    with pytest.raises(FileError) as caught:
        open_table(csv_bytes([["Фамилия", "Имя", "Класс"], ["Иванов", "Иван", "7"]]), "r.csv")
    assert caught.value.code == "missing_columns"
    assert caught.value.params == {"columns": ["birth_date", "sex"]}
    assert problem_message(caught.value.as_dict()) == \
        "Required columns are missing: date of birth, sex."


def test_a_file_without_any_known_column_has_no_header():
    with pytest.raises(FileError) as caught:
        open_table(csv_bytes([["a", "b"], ["1", "2"]]), "r.csv")
    assert caught.value.code == "no_header"


def test_a_column_named_twice_is_a_file_problem():
    with pytest.raises(FileError) as caught:
        open_table(csv_bytes([["Фамилия", "Тегі", "Имя"]]), "r.csv")
    assert caught.value.code == "duplicate_column"
    assert "last name" in problem_message(caught.value.as_dict())


def test_the_template_is_read_back_and_its_example_row_skipped():
    for language in ("kk", "ru", "en"):
        table = open_table(roster_template_xlsx(language), "template.xlsx")
        assert len(table.columns) == 8
        assert list(table.rows) == []


def test_xlsx_dates_and_numbers_are_read_as_excel_stores_them():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER_RU)
    iin = valid_iin(dt.date(2005, 3, 14))
    sheet.append(["Иванов", "Иван", None, dt.datetime(2005, 3, 14), "М", 7, "А", int(iin)])
    buffer = io.BytesIO()
    book.save(buffer)
    table = open_table(buffer.getvalue(), "roster.xlsx")
    [(number, values)] = list(table.rows)
    row, errors = parse_row(number, values, table.columns, today=TODAY)
    assert errors == []
    assert (row.birth_date, row.grade, row.iin) == (dt.date(2005, 3, 14), 7, iin)


# --- one row -----------------------------------------------------------------------------------

COLUMNS = map_header(HEADER_RU)


def row_problems(**cells):
    values = {"last_name": "Иванов", "first_name": "Иван", "middle_name": "",
              "birth_date": "14.03.2011", "sex": "М", "grade": "7", "class_letter": "А",
              "iin": ""} | cells
    row, errors = parse_row(9, [values[n] for n in COLUMNS], COLUMNS, today=TODAY)
    return row, [(e["row"], e["column"], e["code"]) for e in errors]


def test_a_good_row_is_read():
    row, errors = row_problems(iin=valid_iin())
    assert errors == []
    assert (row.last_name, row.birth_date, row.sex, row.grade, row.class_letter) == \
        ("Иванов", BIRTH, "M", 7, "А")


@pytest.mark.parametrize(("cells", "expected"), [
    ({"last_name": ""}, (9, "last_name", "required")),
    ({"first_name": "Иван2"}, (9, "first_name", "name_invalid")),
    ({"last_name": "Я" * 101}, (9, "last_name", "name_too_long")),
    ({"birth_date": "14 марта"}, (9, "birth_date", "date_format")),
    ({"birth_date": "14.03.1950"}, (9, "birth_date", "date_range")),
    ({"sex": "?"}, (9, "sex", "sex_unknown")),
    ({"sex": ""}, (9, "sex", "required")),
    ({"grade": "13"}, (9, "grade", "grade_range")),
    ({"grade": "седьмой"}, (9, "grade", "grade_format")),
    ({"grade": "7Б"}, (9, "class_letter", "letter_conflict")),
    ({"class_letter": "АБВГ"}, (9, "class_letter", "letter_format")),
    ({"iin": "12345"}, (9, "iin", "iin_format")),
    ({"iin": "110314500010"}, (9, "iin", "iin_checksum")),
    ({"iin": valid_iin(sex="F")}, (9, "iin", "iin_sex_mismatch")),
    ({"iin": valid_iin(birth=dt.date(2011, 3, 15))}, (9, "iin", "iin_birth_mismatch")),
])
def test_row_problems_name_the_row_the_column_and_the_reason(cells, expected):
    row, errors = row_problems(**cells)
    assert row is None
    assert expected in errors


def test_a_blank_birth_date_and_sex_are_taken_from_the_iin():
    iin = valid_iin(birth=dt.date(2012, 1, 2), sex="F")
    row, errors = row_problems(birth_date="", sex="", iin=iin)
    assert errors == []
    assert (row.birth_date, row.sex) == (dt.date(2012, 1, 2), "F")


def test_a_full_name_column_is_split_into_last_first_and_patronymic():
    columns = map_header(["ФИО", "Дата рождения", "Пол", "Класс"])
    row, errors = parse_row(2, ["Әбдіров Нұрлан Серік ұлы", "14.03.2011", "Ер", "7А"],
                            columns, today=TODAY)
    assert errors == []
    assert (row.last_name, row.first_name, row.middle_name) == ("Әбдіров", "Нұрлан", "Серік ұлы")
