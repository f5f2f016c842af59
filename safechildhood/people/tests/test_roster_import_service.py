"""Roster import end to end through the services: upload, check, apply all or nothing."""

import codecs
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from safechildhood.accounts.models import Role
from safechildhood.audit.models import AuditEvent
from safechildhood.directory.tests.factories import SchoolFactory, SupportCentreFactory
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.people import services as people_services
from safechildhood.people.iin import make_iin
from safechildhood.people.imports import roster as roster_module
from safechildhood.people.imports import roster_import_process, roster_import_start
from safechildhood.people.imports.problems import MESSAGES, problem_message
from safechildhood.people.models import DuplicateCandidate, Enrollment, Pupil, RosterImport
from safechildhood.people.names import match_key
from safechildhood.people.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

HEADER_RU = ["Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Класс", "Буква класса", "ИИН"]
HEADER_KK = ["Тегі", "Аты", "Әкесінің аты", "Туған күні", "Жынысы", "Сынып", "Литер", "ЖСН"]


# --- making roster files -----------------------------------------------------------------------


def valid_iin(birth: dt.date, sex: str, serial: int = 1) -> str:
    while (value := make_iin(birth, sex, serial)) is None:
        serial += 1
    return value


def pupil_row(n: int, *, first: str, last: str, grade="7", letter="А", with_iin=True):
    """A valid row for the n-th invented pupil: boys on odd rows, girls on even ones."""
    birth = dt.date(2011, 1, 1) + dt.timedelta(days=n)
    sex = "M" if n % 2 else "F"
    return [last if sex == "M" else f"{last}а", first, "", birth.strftime("%d.%m.%Y"),
            "М" if sex == "M" else "Ж", grade, letter,
            valid_iin(birth, sex, 100 + n) if with_iin else ""]


def roster_rows(count: int, **kw):
    """``count`` rows of different children (names and birth dates differ)."""
    names = ["Асан", "Үсен", "Дана", "Ерлан", "Гүлнар", "Марат", "Салтанат", "Бауыржан"]
    return [pupil_row(n, first=names[n % len(names)], last="Сейітов" + "ич" * (n // 8), **kw)
            for n in range(count)]


def csv_file(rows, *, header=HEADER_RU, encoding="utf-8", delimiter=";", bom=False) -> bytes:
    text = "\r\n".join(delimiter.join(str(c) for c in row) for row in [header, *rows]) + "\r\n"
    data = text.encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def xlsx_file(rows, *, header=HEADER_RU) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def actor(make_actor, school):
    return make_actor(Role.SCHOOL_PSYCHOLOGIST, school=school)


@pytest.fixture
def run_import(actor, school, django_capture_on_commit_callbacks):
    """Upload ``content`` as ``name`` and run the queued task; returns the import, reloaded."""

    def run(content: bytes, name: str = "roster.csv") -> RosterImport:
        with django_capture_on_commit_callbacks(execute=True):
            started = roster_import_start(actor=actor, school=school,
                                          uploaded_file=SimpleUploadedFile(name, content))
        return RosterImport.objects.get(pk=started.pk)

    return run


def counts():
    return Pupil.objects.count(), Enrollment.objects.count()


def problems(roster_import):
    return [(e["row"], e["column"], e["code"]) for e in roster_import.errors]


# --- good files --------------------------------------------------------------------------------


def test_good_utf8_csv_adds_every_pupil_with_an_open_enrolment(run_import, school):
    result = run_import(csv_file(roster_rows(12)))
    assert result.status == RosterImport.Status.DONE
    assert (result.total_rows, result.processed_rows) == (12, 12)
    assert (result.created_count, result.updated_count, result.errors) == (12, 0, [])
    pupils = Pupil.objects.filter(school=school)
    assert pupils.count() == 12
    assert Enrollment.objects.filter(pupil__school=school, ended_on__isnull=True,
                                     grade=7, class_letter="А").count() == 12
    for pupil in pupils:
        assert pupil.match_key == match_key(pupil.last_name, pupil.first_name, pupil.birth_date)
    assert result.finished_at is not None


def test_import_is_audited_with_counts_and_no_personal_data(run_import):
    result = run_import(csv_file(roster_rows(3)))
    uploaded = AuditEvent.objects.get(action="people.roster.uploaded")
    imported = AuditEvent.objects.get(action="people.roster.imported")
    assert uploaded.data["import_id"] == imported.data["import_id"] == result.pk
    assert imported.data["created"] == 3
    assert imported.school_id == result.school_id
    assert "Асан" not in str(imported.data) and "Сейітов" not in str(imported.data)


def test_windows_1251_csv_with_russian_names_is_read(run_import, school):
    rows = [["Ёлкина", "Юлия", "Сергеевна", "01.09.2012", "Ж", "6", "Б", ""],
            ["Щукин", "Эдуард", "Ильич", "02.10.2011", "М", "7 «В»", "", ""]]
    result = run_import(csv_file(rows, encoding="cp1251"))
    assert result.status == RosterImport.Status.DONE, result.errors
    assert set(Pupil.objects.filter(school=school).values_list("last_name", "class_letter")) == \
        {("Ёлкина", "Б"), ("Щукин", "В")}


@pytest.mark.parametrize("bom", [False, True])
def test_kazakh_letters_survive_in_the_stored_names(run_import, school, bom):
    rows = [["Әбдіғаппарова", "Аңсаған", "Өмірқызы", "14.03.2011", "Қыз", "7", "ә", ""],
            ["Үсенов", "Ұлықбек", "Һамитұлы", "15.04.2011", "Ер", "7Ә", "", ""]]
    result = run_import(csv_file(rows, header=HEADER_KK, bom=bom, delimiter=","))
    assert result.status == RosterImport.Status.DONE, result.errors
    stored = set(Pupil.objects.filter(school=school).values_list(
        "last_name", "first_name", "middle_name", "sex", "class_letter"))
    assert stored == {("Әбдіғаппарова", "Аңсаған", "Өмірқызы", "F", "Ә"),
                      ("Үсенов", "Ұлықбек", "Һамитұлы", "M", "Ә")}


def test_good_xlsx_with_excel_dates_and_numeric_iins_is_imported(run_import, school):
    birth = dt.date(2005, 6, 1)
    iin = valid_iin(birth, "M")
    rows = [["Жұмабаев", "Серік", "", dt.datetime(2005, 6, 1), "M", 12, "А", int(iin)],
            ["Smith", "Anna", "", "2012-02-03", "female", 6, "Б", None]]
    result = run_import(xlsx_file(rows, header=["Last name", "First name", "Patronymic",
                                                "Date of birth", "Sex", "Grade", "Class letter",
                                                "IIN"]), "roster.xlsx")
    assert result.status == RosterImport.Status.DONE, result.errors
    assert Pupil.objects.get(school=school, iin=iin).birth_date == birth


def test_existing_pupils_are_updated_by_iin_or_by_name_and_birth_date(run_import, school):
    by_iin = PupilFactory(school=school, last_name="Старова", first_name="Дана", sex="F",
                          birth_date=dt.date(2011, 5, 5), grade=6, class_letter="А",
                          iin=valid_iin(dt.date(2011, 5, 5), "F"))
    by_name = PupilFactory(school=school, last_name="Серікұлы", first_name="Ерлан", sex="M",
                           birth_date=dt.date(2011, 6, 6), grade=6, class_letter="Б")
    untouched = PupilFactory(school=school, grade=6)
    rows = [["Жаңаова", "Дана", "", "05.05.2011", "Ж", "7", "А", by_iin.iin],
            ["Серікұлы", "Ерлан", "", "06.06.2011", "М", "7", "Б", ""],
            ["Жаңа", "Оқушы", "", "07.07.2011", "М", "7", "В", ""]]
    result = run_import(csv_file(rows))
    assert (result.created_count, result.updated_count) == (1, 2)
    by_iin.refresh_from_db()
    by_name.refresh_from_db()
    assert (by_iin.last_name, by_iin.grade) == ("Жаңаова", 7)
    assert by_iin.match_key == match_key("Жаңаова", "Дана", dt.date(2011, 5, 5))
    assert by_name.grade == 7
    assert by_name.enrollments.get(ended_on__isnull=True).grade == 7
    untouched.refresh_from_db()
    assert untouched.grade == 6
    assert Pupil.objects.filter(school=school).count() == 4


def test_new_pupils_are_checked_for_duplicates_in_the_region(run_import, school):
    namesake_school = SchoolFactory(settlement__district=school.district)
    namesake = PupilFactory(school=namesake_school, last_name="Омаров", first_name="Асан",
                            birth_date=dt.date(2011, 4, 4))
    result = run_import(csv_file([["Омаров", "Асан", "", "04.04.2011", "М", "7", "А", ""]]))
    assert result.status == RosterImport.Status.DONE
    created = Pupil.objects.get(school=school)
    pair = DuplicateCandidate.objects.get()
    assert {pair.first_id, pair.second_id} == {created.pk, namesake.pk}
    assert AuditEvent.objects.get(action="people.roster.imported").data["duplicates"] == 1


def test_a_pupil_who_had_left_is_enrolled_again(run_import, school):
    returning = PupilFactory(school=school, last_name="Қайтқан", first_name="Ерлан",
                             birth_date=dt.date(2011, 6, 6), status=Pupil.Status.LEFT)
    returning.enrollments.update(ended_on=dt.date(2024, 12, 31))
    result = run_import(csv_file([["Қайтқан", "Ерлан", "", "06.06.2011", "М", "8", "Б", ""]]))
    assert (result.created_count, result.updated_count) == (0, 1)
    returning.refresh_from_db()
    assert returning.status == Pupil.Status.ACTIVE
    assert returning.enrollments.get(ended_on__isnull=True).class_letter == "Б"


def test_uploading_the_same_roster_again_changes_nothing(run_import):
    content = csv_file(roster_rows(5))
    run_import(content)
    again = run_import(content)
    assert again.status == RosterImport.Status.DONE
    assert (again.created_count, again.updated_count) == (0, 0)
    assert Pupil.objects.count() == 5


def test_a_rerun_of_a_done_import_changes_nothing(run_import):
    result = run_import(csv_file(roster_rows(4)))
    before = counts(), AuditEvent.objects.count()
    again = roster_import_process(import_id=result.pk)
    assert again.status == RosterImport.Status.DONE
    assert (counts(), AuditEvent.objects.count()) == before


def test_progress_is_stored_while_rows_are_checked(run_import, monkeypatch):
    seen = []
    original = roster_module.roster_check

    def spying_check(table, *, on_progress, **kwargs):
        def progress(done, total):
            on_progress(done, total)
            seen.append(RosterImport.objects.values_list("status", "processed_rows").get())

        return original(table, on_progress=progress, **kwargs)

    monkeypatch.setattr(roster_module, "PROGRESS_EVERY", 2)
    monkeypatch.setattr("safechildhood.people.imports.service.roster_check", spying_check)
    run_import(csv_file(roster_rows(5)))
    assert seen == [("running", 2), ("running", 4)]


# --- bad files: nothing changes, problems name rows and reasons --------------------------------


@pytest.fixture
def unchanged(school):
    PupilFactory(school=school)
    before = counts()
    yield
    assert counts() == before


def test_garbage_bytes_are_one_encoding_problem(run_import, unchanged):
    import random

    generator = random.Random(3)
    result = run_import(bytes(generator.randrange(256) for _ in range(5000)), "roster.csv")
    assert result.status == RosterImport.Status.FAILED
    assert problems(result) == [(None, None, "encoding")]


def test_a_broken_xlsx_is_one_file_problem(run_import, unchanged):
    result = run_import(xlsx_file(roster_rows(3))[:3000], "roster.xlsx")
    assert problems(result) == [(None, None, "xlsx_broken")]


def test_missing_columns_are_listed(run_import, unchanged):
    result = run_import(csv_file([["Иванов", "Иван", "7"]], header=["Фамилия", "Имя", "Класс"]))
    assert problems(result) == [(None, None, "missing_columns")]
    assert result.errors[0]["params"] == {"columns": ["birth_date", "sex"]}


def test_duplicate_rows_in_the_file_point_at_the_first(run_import, unchanged):
    rows = roster_rows(3)
    same_name = [*rows[1][:7], ""]
    result = run_import(csv_file([*rows, rows[0], same_name]))
    assert result.status == RosterImport.Status.FAILED
    assert problems(result) == [(5, "iin", "duplicate_iin"), (6, None, "duplicate_person")]
    assert [e["params"] for e in result.errors] == [{"other_row": 2}, {"other_row": 3}]


def test_a_wrong_iin_checksum_names_its_row(run_import, unchanged):
    rows = roster_rows(4)
    rows[2][7] = rows[2][7][:11] + str((int(rows[2][7][11]) + 1) % 10)
    result = run_import(csv_file(rows))
    assert problems(result) == [(4, "iin", "iin_checksum")]
    assert result.total_rows == 4


@pytest.fixture
def elsewhere():
    """A pupil with an IIN at another school."""
    return PupilFactory(school=SchoolFactory(), last_name="Басқаев", first_name="Тимур",
                        with_iin=True)


def test_an_iin_of_a_pupil_at_another_school_asks_for_a_transfer(run_import, elsewhere,
                                                                   unchanged):
    rows = [["Басқаев", "Тимур", "", elsewhere.birth_date.strftime("%d.%m.%Y"), "М", "8", "А",
             elsewhere.iin]]
    result = run_import(csv_file(rows))
    assert problems(result) == [(2, "iin", "iin_other_school")]
    message = problem_message(result.errors[0])
    assert "another school" in message and "transfer" in message
    assert "Басқаев" not in str(result.errors) and "Тимур" not in message


def test_every_problem_is_listed_not_only_the_first(run_import, unchanged):
    rows = roster_rows(4)
    rows[0][3] = "31.02.2011"
    rows[3][4] = "?"
    result = run_import(csv_file(rows))
    assert problems(result) == [(2, "birth_date", "date_format"), (5, "sex", "sex_unknown")]


@pytest.fixture
def known(school):
    """Two namesakes born the same day without IINs, and a pupil with an IIN."""
    birth = dt.date(2011, 7, 7)
    for _ in range(2):
        PupilFactory(school=school, last_name="Егіз", first_name="Әлия", birth_date=birth,
                     sex="F")
    return PupilFactory(school=school, last_name="Белгілі", first_name="Дәулет", sex="M",
                        birth_date=birth, iin=valid_iin(birth, "M"))


def test_rows_that_cannot_be_matched_safely_to_the_schools_pupils(run_import, known,
                                                                  unchanged):
    rows = [["Егіз", "Әлия", "", "07.07.2011", "Ж", "7", "А", ""],
            ["Белгілі", "Дәулет", "", "07.07.2011", "М", "7", "А",
             valid_iin(known.birth_date, "M", 500)]]
    result = run_import(csv_file(rows))
    assert problems(result) == [(2, None, "ambiguous_match"), (3, "iin", "iin_differs")]


def test_two_rows_that_are_one_pupil_of_the_school_are_refused(run_import, known, unchanged):
    rows = [["Белгілі", "Дәулетжан", "", "07.07.2011", "М", "7", "А", known.iin],
            ["Белгілі", "Дәулет", "", "07.07.2011", "М", "7", "А", ""]]
    result = run_import(csv_file(rows))
    assert problems(result) == [(3, None, "same_pupil")]
    assert result.errors[0]["params"] == {"other_row": 2}


def test_a_failure_while_applying_rolls_everything_back(run_import, unchanged, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(people_services, "duplicates_detect", broken)
    result = run_import(csv_file(roster_rows(6)))
    assert result.status == RosterImport.Status.FAILED
    assert problems(result) == [(None, None, "apply_failed")]
    assert str(result.pk) in problem_message(result.errors[0])
    assert not AuditEvent.objects.filter(action="people.roster.imported").exists()
    assert AuditEvent.objects.filter(action="people.roster.rejected").exists()


def test_a_failing_bulk_insert_rolls_back_the_batches_before_it(run_import, unchanged,
                                                                 monkeypatch):
    calls = []
    original = Enrollment.objects.bulk_create

    def fail_on_second_batch(objs, **kwargs):
        calls.append(len(objs))
        if len(calls) == 2:
            raise RuntimeError("connection lost")
        return original(objs, **kwargs)

    monkeypatch.setattr(roster_module, "BATCH_SIZE", 3)
    monkeypatch.setattr(Enrollment.objects, "bulk_create", fail_on_second_batch)
    result = run_import(csv_file(roster_rows(7)))
    assert problems(result) == [(None, None, "apply_failed")]


def test_an_iin_taken_elsewhere_between_check_and_apply_rejects_the_import(
        run_import, elsewhere, unchanged, monkeypatch):
    monkeypatch.setattr(roster_module, "_iins_elsewhere", lambda school_id, iins: set())
    rows = [["Басқаев", "Тимур", "", elsewhere.birth_date.strftime("%d.%m.%Y"), "М", "8", "А",
             elsewhere.iin]]
    result = run_import(csv_file(rows))
    assert problems(result) == [(None, None, "changed_meanwhile")]


def test_a_retried_failed_import_stays_failed(run_import, unchanged):
    result = run_import(csv_file([["Иванов"]], header=["Фамилия", "Имя"]))
    assert roster_import_process(import_id=result.pk).status == RosterImport.Status.FAILED


# --- messages in the reader's language ---------------------------------------------------------


def test_problems_are_stored_as_codes_and_shown_in_the_readers_language(run_import, unchanged):
    rows = roster_rows(2)
    rows[1][7] = rows[1][7][:11] + str((int(rows[1][7][11]) + 1) % 10)
    result = run_import(csv_file(rows))
    [error] = result.errors
    assert error == {"row": 3, "column": "iin", "code": "iin_checksum", "params": {}}
    with translation.override("en"):
        assert problem_message(error) == "The IIN's check digit is wrong: look for a mistyped " \
                                         "digit."
    with translation.override("ru"):
        # The Russian catalogue is filled in a later step; the message comes from it either way.
        assert problem_message(error) == str(MESSAGES["iin_checksum"])


# --- the upload service ------------------------------------------------------------------------


def test_upload_queues_the_import_only_after_commit(actor, school,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = roster_import_start(actor=actor, school=school, uploaded_file=SimpleUploadedFile(
            "roster.csv", csv_file(roster_rows(2))))
    assert started.status == RosterImport.Status.QUEUED
    assert len(callbacks) == 1
    assert Pupil.objects.count() == 0


@pytest.mark.parametrize(("content", "name", "code"), [
    (b"", "roster.csv", "file_empty"),
    (b"%PDF-1.4", "roster.pdf", "file_format"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "roster.xls", "xls_old"),
])
def test_upload_refuses_what_cannot_be_a_roster_before_storing_it(actor, school, content, name,
                                                                  code):
    with pytest.raises(DomainError) as caught:
        roster_import_start(actor=actor, school=school,
                            uploaded_file=SimpleUploadedFile(name, content))
    assert caught.value.code == code
    assert not RosterImport.objects.exists()


def test_upload_refuses_a_file_over_the_limit(actor, school, settings):
    settings.ROSTER_MAX_BYTES = 50
    with pytest.raises(DomainError) as caught:
        roster_import_start(actor=actor, school=school,
                            uploaded_file=SimpleUploadedFile("r.csv", b"x" * 51))
    assert caught.value.code == "file_too_large"
    assert not RosterImport.objects.exists()


def test_only_school_staff_import_and_only_into_their_school(make_actor, school, actor):
    upload = SimpleUploadedFile("r.csv", csv_file(roster_rows(1)))
    with pytest.raises(NotFound):
        roster_import_start(actor=actor, school=SchoolFactory(), uploaded_file=upload)
    with pytest.raises(Forbidden):
        head = make_actor(Role.CENTRE_HEAD,
                          centre=SupportCentreFactory(region=school.district.region))
        roster_import_start(actor=head, school=school, uploaded_file=upload)
    assert not RosterImport.objects.exists()


def test_school_administrators_import_too(make_actor, school,
                                          django_capture_on_commit_callbacks):
    admin = make_actor(Role.SCHOOL_ADMIN, school=school)
    with django_capture_on_commit_callbacks(execute=True):
        started = roster_import_start(actor=admin, school=school, uploaded_file=SimpleUploadedFile(
            "roster.csv", csv_file(roster_rows(2))))
    assert RosterImport.objects.get(pk=started.pk).status == RosterImport.Status.DONE
