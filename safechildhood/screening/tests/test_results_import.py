"""Results import: a school's paper questionnaires from one file, checked row by row and applied
all or nothing through the same scoring and follow-up as a single paper form."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.audit.models import AuditEvent
from safechildhood.directory.tests.factories import SchoolFactory, SupportCentreFactory
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening import imports
from safechildhood.screening.imports import apply, check, service
from safechildhood.screening.models import (
    Assignment,
    Campaign,
    CrisisAlert,
    JobStatus,
    Response,
    ResponseImport,
    TriageProposal,
)
from safechildhood.screening.services.codes import code_display
from safechildhood.screening.services.instruments import instrument_get
from safechildhood.screening.services.responses import response_enter_paper, scored_fields
from safechildhood.screening.tests.factories import make_assignment, make_campaign

pytestmark = pytest.mark.django_db

PHQ_A = [f"phq_a_{n}" for n in range(1, 10)] + ["phq_a_past_year", "phq_a_difficulty",
                                                "phq_a_sa1", "phq_a_sa2"]
ASQ = [f"asq_{n}" for n in range(1, 6)]
HEADER = ["code", "iin", "instrument", *PHQ_A, *ASQ, "crafft_a1"]
CALM_PHQ = {**{f"phq_a_{n}": "0" for n in range(1, 10)}, "phq_a_past_year": "no",
            "phq_a_difficulty": "0", "phq_a_sa1": "no", "phq_a_sa2": "no"}
CALM_ASQ = {f"asq_{n}": "no" for n in range(1, 5)}


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


def school_in(district, **kwargs):
    return SchoolFactory(settlement=SettlementFactory(district=district), **kwargs)


@pytest.fixture
def w():
    """An open campaign (PHQ-A, ASQ, CRAFFT) over a region; at the psychologist's school pupils
    with codes (one with an IIN, one without consent, one given PHQ-A only, one not in the
    campaign), and a pupil of a neighbouring school."""
    region = RegionFactory()
    school = school_in(DistrictFactory(region=region))
    near_school = school_in(DistrictFactory(region=region))
    centre = SupportCentreFactory(region=region)
    head = MembershipFactory(role=Role.CENTRE_HEAD, centre=centre).user
    campaign = make_campaign(region=region, centre=centre, created_by=head,
                             instruments=("phq-a", "asq", "crafft"))
    out = {"region": region, "school": school, "near_school": near_school, "campaign": campaign,
           "head": head, "psy": actor_for(MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST,
                                                            school=school).user)}
    for name, kwargs in [("a", {"with_iin": True}), ("b", {}), ("c", {}), ("d", {}),
                         ("e", {"with_iin": True})]:
        pupil = PupilFactory(school=school, **kwargs)
        status = Assignment.Status.NO_CONSENT if name == "c" else Assignment.Status.PENDING
        instruments = ["phq-a"] if name == "d" else None
        out[name], out[f"{name}_code"] = make_assignment(
            campaign, pupil, status=status, instruments=instruments,
            code="MAKE3479" if name == "a" else None)  # a's code has Cyrillic look-alikes
    out["e"].delete()  # e is at the school but not in the campaign
    out["e_pupil"] = out["e"].pupil
    out["far"], out["far_code"] = make_assignment(campaign, PupilFactory(school=near_school))
    return out


def cyrillic(code: str) -> str:
    """The code as typed on a Russian keyboard: look-alike letters in Cyrillic."""
    return code.translate(str.maketrans("acekmptxyACEKMPTXY", "асекмртхуАСЕКМРТХУ"))


def row(code="", iin="", instrument="phq-a", **answers) -> list[str]:
    values = {**answers}
    return [code, iin, instrument, *(values.get(c, "") for c in HEADER[3:])]


def csv_file(rows, header=HEADER, encoding="utf-8", delimiter=";") -> bytes:
    lines = [delimiter.join(header), *(delimiter.join(str(c) for c in r) for r in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_file(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def upload(w, django_capture_on_commit_callbacks):
    """Upload ``content`` as the psychologist and run the queued task (at commit)."""

    def run(content: bytes, name: str = "results.csv", actor=None) -> ResponseImport:
        with django_capture_on_commit_callbacks(execute=True):
            started = imports.results_import_start(
                actor=actor or w["psy"], campaign=w["campaign"],
                uploaded_file=SimpleUploadedFile(name, content))
        return ResponseImport.objects.get(pk=started.pk)

    return run


def problems(results_import) -> set[tuple]:
    return {(e["row"], e["column"], e["code"]) for e in results_import.errors}


def snapshot():
    return (Response.objects.count(), CrisisAlert.objects.count(), TriageProposal.objects.count(),
            sorted(Assignment.objects.values_list("pk", "status")))


# --- good files --------------------------------------------------------------------------------


def test_good_csv_is_scored_and_followed_up_as_paper_forms_are(w, upload):
    critical = {**CALM_PHQ, "phq_a_9": "2", "phq_a_1": "3", "phq_a_2": "3"}
    result = upload(csv_file([
        row(w["a_code"], instrument="phq-a", **critical),
        row(cyrillic(code_display(w["a_code"]).lower()), instrument="ASQ", **CALM_ASQ),
        row(iin=w["a"].pupil.iin, instrument="crafft", crafft_a1="0"),
        row(w["b_code"], instrument="phq-a", **CALM_PHQ),
    ]))
    assert result.status == JobStatus.DONE, result.errors
    assert (result.total_rows, result.processed_rows, result.created_count) == (4, 4, 4)
    assert result.alert_count == 1
    assert result.errors == [] and result.finished_at is not None

    phq = Response.objects.get(assignment=w["a"], instrument="phq-a")
    instrument = instrument_get("phq-a")
    _result, fields = scored_fields(instrument, critical)
    assert {name: getattr(phq, name) for name in fields} == fields
    assert phq.answers == critical
    assert (phq.source, phq.status, phq.import_batch_id) == ("import", "submitted", result.pk)
    assert phq.entered_by == w["psy"].user and phq.submitted_at and phq.created_at
    alert = CrisisAlert.objects.get(response=phq)
    assert alert.pupil == w["a"].pupil and alert.school == w["school"]
    assert TriageProposal.objects.filter(response=phq).exists()
    # a has every questionnaire now; b still owes ASQ and CRAFFT
    w["a"].refresh_from_db()
    w["b"].refresh_from_db()
    assert w["a"].status == Assignment.Status.COMPLETED and w["a"].completed_at
    assert w["b"].status == Assignment.Status.PENDING
    actions = list(AuditEvent.objects.filter(action__startswith="screening.")
                   .values_list("action", flat=True))
    assert actions.count("screening.import.uploaded") == 1
    assert actions.count("screening.import.imported") == 1
    assert actions.count("screening.alert.raised") == 1
    imported = AuditEvent.objects.get(action="screening.import.imported")
    assert imported.data == {"import_id": result.pk, "campaign_id": w["campaign"].pk,
                             "rows": 4, "created": 4, "updated": 0, "alerts": 1}
    assert imported.school_id == w["school"].pk


def test_good_xlsx_with_number_cells_and_a_title_line_above_the_header(w, upload):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Результаты скрининга, 8 класс"])
    sheet.append(HEADER)
    values = row(w["b_code"], instrument="phq-a", **CALM_PHQ)
    sheet.append([int(v) if v.isdigit() else v for v in values])
    sheet.append(row(w["d_code"], instrument="phq-a", **{**CALM_PHQ, "phq_a_sa1": "Yes"}))
    buffer = io.BytesIO()
    book.save(buffer)
    result = upload(buffer.getvalue(), "results.xlsx")
    assert result.status == JobStatus.DONE, result.errors
    assert Response.objects.get(assignment=w["b"]).answers == CALM_PHQ
    # "Yes" is the option "yes" whatever the case
    assert Response.objects.get(assignment=w["d"]).answers["phq_a_sa1"] == "yes"
    w["d"].refresh_from_db()
    assert w["d"].status == Assignment.Status.COMPLETED


def test_a_questionnaire_started_online_is_completed_from_the_file(w, upload):
    draft = Response.objects.create(pupil=w["b"].pupil, campaign=w["campaign"],
                                     assignment=w["b"], school=w["school"], instrument="asq",
                                     version="1.0", source=Response.Source.ONLINE,
                                     answers={"asq_1": "no"}, position=1)
    result = upload(csv_file([row(w["b_code"], instrument="asq", **CALM_ASQ)]))
    assert result.status == JobStatus.DONE, result.errors
    assert result.created_count == 0
    draft.refresh_from_db()
    assert (draft.status, draft.source, draft.answers) == ("submitted", "import", CALM_ASQ)
    assert draft.completeness == "complete"


def test_blank_answers_are_not_answered_and_a_blank_critical_item_needs_follow_up(w, upload):
    answers = {**CALM_PHQ}
    del answers["phq_a_9"]
    result = upload(csv_file([row(w["b_code"], **answers)]))
    assert result.status == JobStatus.DONE
    response = Response.objects.get(assignment=w["b"])
    assert "phq_a_9" not in response.answers
    assert response.completeness == "incomplete_follow_up" and response.total is None


# --- bad rows ----------------------------------------------------------------------------------


def test_every_kind_of_bad_row_is_reported_by_row_and_column_and_nothing_is_written(w, upload):
    response_enter_paper(actor=w["psy"], assignment=w["b"], instrument_code="asq",
                         answers=CALM_ASQ)
    before = snapshot()
    result = upload(csv_file([
        row(w["a_code"], **CALM_PHQ),                                     # 2: fine
        row("ACDEFHJK", **CALM_PHQ),                                      # 3
        row(iin="010101500000", **CALM_PHQ),                              # 4
        row(iin="12345", **CALM_PHQ),                                     # 5
        row(w["far_code"], **CALM_PHQ),                                   # 6
        row(iin=w["e_pupil"].iin, **CALM_PHQ),                            # 7
        row(w["c_code"], **CALM_PHQ),                                     # 8
        row(w["a_code"], instrument="gad-7", **CALM_PHQ),                 # 9
        row(w["d_code"], instrument="asq", **CALM_ASQ),                   # 10
        row(w["a_code"], instrument="asq", asq_1="maybe", asq_2="no"),    # 11
        row(w["a_code"], instrument="crafft", crafft_a1="many"),          # 12
        row(w["d_code"], **{**CALM_PHQ, "asq_1": "no"}),                  # 13
        row(w["a_code"], **CALM_PHQ),                                     # 14
        row(w["b_code"], instrument="asq", **CALM_ASQ),                   # 15
        row(w["b_code"]),                                                 # 16
        row("", "", **CALM_PHQ),                                          # 17
        row(w["d_code"], instrument="", **CALM_PHQ),                      # 18
        row(w["a_code"], iin=w["e_pupil"].iin, instrument="asq", **CALM_ASQ),  # 19
        row(w["b_code"], instrument="crafft", crafft_a1="400"),           # 20
    ]))
    assert result.status == JobStatus.FAILED
    assert problems(result) == {
        (3, "code", "code_unknown"),
        (4, "iin", "iin_unknown"),
        (5, "iin", "iin_format"),
        (6, "code", "not_in_campaign"),
        (7, "iin", "not_in_campaign"),
        (8, None, "not_screened"),
        (9, "instrument", "instrument_unknown"),
        (10, "instrument", "not_assigned"),
        (11, "asq_1", "unknown_code"),
        (12, "crafft_a1", "not_a_number"),
        (13, "asq_1", "item_not_in_instrument"),
        (14, None, "duplicate_row"),
        (15, "instrument", "already_submitted"),
        (16, None, "no_answers"),
        (17, "code", "pupil_required"),
        (18, "instrument", "required"),
        (19, "iin", "code_iin_mismatch"),
        (20, "crafft_a1", "out_of_range"),
    }
    assert snapshot() == before  # all or nothing: the good row 2 is not written either
    assert result.created_count == 0 and result.total_rows == 19
    rejected = AuditEvent.objects.get(action="screening.import.rejected")
    assert rejected.data["problems"] == 18
    # nothing personal in the stored problems or the audit log
    stored = str(result.errors) + str(rejected.data)
    for secret in (w["a_code"], w["e_pupil"].iin, w["a"].pupil.last_name):
        assert secret not in stored


def test_problems_read_in_the_users_words(w, upload):
    result = upload(csv_file([
        row(w["a_code"], **{**CALM_PHQ, "phq_a_1": "7"}),
        row(w["a_code"], **CALM_PHQ),
    ]))
    shown = {p["row"]: p for p in imports.problems_for_display(result.errors)}
    assert shown[2]["column"] == "phq_a_1"
    assert shown[2]["message"] == "7 is not a possible answer to phq_a_1."
    assert shown[3]["message"] == "The same pupil and questionnaire as in row 2."


def test_an_unknown_column_is_named_and_nothing_is_read(w, upload):
    result = upload(csv_file([[*row(w["a_code"], **CALM_PHQ), "x"]],
                             header=[*HEADER, "Фамилия"]))
    assert result.status == JobStatus.FAILED
    assert problems(result) == {(1, None, "unknown_column")}
    assert imports.problems_for_display(result.errors)[0]["message"].startswith("“Фамилия”")


@pytest.mark.parametrize(("header", "code"), [
    (["iin", "phq_a_1"], "missing_columns"),
    (["code", "instrument", "phq_a_1", "PHQ_A_1"], "duplicate_column"),
    (["name", "class"], "no_header"),
])
def test_a_header_that_cannot_be_used_rejects_the_file(w, upload, header, code):
    result = upload(csv_file([["x"] * len(header)], header=header))
    assert result.status == JobStatus.FAILED
    assert [e["code"] for e in result.errors] == [code]


def test_a_file_with_a_header_only_has_no_rows(w, upload):
    result = upload(csv_file([]))
    assert [e["code"] for e in result.errors] == ["no_rows"]


# --- broken files ------------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "name", "code"), [
    (b"", "results.csv", "file_empty"),
    (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "results.xls", "xls_old"),
    (b"not a zip at all", "results.xlsx", "xlsx_broken"),
    (b"%PDF-1.4", "results.pdf", "file_format"),
])
def test_what_a_glance_shows_is_refused_at_upload(w, content, name, code):
    with pytest.raises(DomainError) as caught:
        imports.results_import_start(actor=w["psy"], campaign=w["campaign"],
                                     uploaded_file=SimpleUploadedFile(name, content))
    assert caught.value.code == code and caught.value.field == "file"
    assert not ResponseImport.objects.exists()


def test_a_damaged_workbook_is_rejected_in_the_background(w, upload):
    good = xlsx_file([row(w["a_code"], **CALM_PHQ)])
    result = upload(good[: len(good) // 2], "results.xlsx")
    assert result.status == JobStatus.FAILED
    assert [e["code"] for e in result.errors] == ["xlsx_broken"]
    assert not Response.objects.exists()


def test_bytes_that_are_not_text_are_an_encoding_problem(w, upload):
    result = upload(bytes(range(256)) * 20, "results.csv")
    assert [e["code"] for e in result.errors] == ["encoding"]


def test_only_a_school_psychologist_of_the_region_uploads(w):
    content = SimpleUploadedFile("r.csv", csv_file([row(w["a_code"], **CALM_PHQ)]))
    far = actor_for(MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST).user)  # another region
    with pytest.raises(NotFound):
        imports.results_import_start(actor=far, campaign=w["campaign"], uploaded_file=content)
    head = actor_for(w["head"])
    with pytest.raises(Forbidden):
        imports.results_import_start(actor=head, campaign=w["campaign"], uploaded_file=content)
    assert not ResponseImport.objects.exists()


def test_a_closed_campaign_takes_no_results(w, upload):
    w["campaign"].status = Campaign.Status.CLOSED
    w["campaign"].save()
    with pytest.raises(DomainError) as caught:
        upload(csv_file([row(w["a_code"], **CALM_PHQ)]))
    assert caught.value.code == "campaign_closed"


def test_a_campaign_closed_while_the_file_waited_rejects_it(w):
    started = imports.results_import_start(
        actor=w["psy"], campaign=w["campaign"],
        uploaded_file=SimpleUploadedFile("r.csv", csv_file([row(w["a_code"], **CALM_PHQ)])))
    Campaign.objects.filter(pk=w["campaign"].pk).update(status=Campaign.Status.CLOSED)
    result = imports.results_import_process(import_id=started.pk)
    assert [e["code"] for e in result.errors] == ["campaign_closed"]


# --- encodings ---------------------------------------------------------------------------------


def test_windows_1251_csv_with_kazakh_and_russian_headers(w, upload):
    header = ["Кіру коды", "ЖСН", "Сауалнама", *HEADER[3:]]
    content = csv_file([row(w["a_code"], **{**CALM_PHQ, "phq_a_1": "бір"}),
                        row(iin=w["a"].pupil.iin, instrument="asq", **CALM_ASQ)],
                       header=header, encoding="cp1251")
    result = upload(content)
    assert problems(result) == {(2, "phq_a_1", "unknown_code")}
    assert imports.problems_for_display(result.errors)[0]["message"] == \
        "бір is not a possible answer to phq_a_1."
    fixed = csv_file([row(w["a_code"], **CALM_PHQ),
                      row(iin=w["a"].pupil.iin, instrument="asq", **CALM_ASQ)],
                     header=header, encoding="cp1251")
    assert upload(fixed).status == JobStatus.DONE
    assert Response.objects.filter(assignment=w["a"]).count() == 2


def test_kazakh_windows_csv_with_letters_windows_1251_lacks(w, upload):
    header = ["Оқушы коды", "ЖСН", "Әдістеме", *HEADER[3:]]
    content = csv_file([row(w["a_code"], instrument="asq", **{**CALM_ASQ, "asq_1": "иә"})],
                       header=header, encoding="kz1048")
    result = upload(content)
    assert problems(result) == {(2, "asq_1", "unknown_code")}
    assert "иә" in imports.problems_for_display(result.errors)[0]["message"]


def test_utf16_csv_from_excel_unicode_text(w, upload):
    content = "\t".join(HEADER) + "\r\n" + "\t".join(row(w["a_code"], **CALM_PHQ)) + "\r\n"
    result = upload(content.encode("utf-16"), "results.txt")
    assert result.status == JobStatus.DONE, result.errors


# --- running again, progress ---------------------------------------------------------------------


def test_running_the_task_again_leaves_a_finished_import_as_it_is(w, upload):
    result = upload(csv_file([row(w["a_code"], **{**CALM_PHQ, "phq_a_9": "1"})]))
    before = snapshot(), AuditEvent.objects.count()
    again = imports.results_import_process(import_id=result.pk)
    assert again.status == JobStatus.DONE
    assert (snapshot(), AuditEvent.objects.count()) == before
    rejected = upload(csv_file([row("ACDEFHJK", **CALM_PHQ)]))
    imports.results_import_process(import_id=rejected.pk)
    rejected.refresh_from_db()
    assert rejected.status == JobStatus.FAILED and len(rejected.errors) == 1


def test_an_interrupted_import_runs_again_from_the_start(w):
    started = imports.results_import_start(
        actor=w["psy"], campaign=w["campaign"],
        uploaded_file=SimpleUploadedFile("r.csv", csv_file([row(w["a_code"], **CALM_PHQ)])))
    ResponseImport.objects.filter(pk=started.pk).update(status=JobStatus.RUNNING,
                                                        processed_rows=1)
    result = imports.results_import_process(import_id=started.pk)
    assert result.status == JobStatus.DONE and result.created_count == 1


def test_a_failure_while_writing_rolls_everything_back(w, upload, monkeypatch):
    calls = []

    def fail_second_batch(self, batch):
        calls.append(len(batch))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, batch)

    original = apply.BulkWriter.write
    monkeypatch.setattr(check, "BATCH_SIZE", 1)
    monkeypatch.setattr(apply.BulkWriter, "write", fail_second_batch)
    result = upload(csv_file([row(w["a_code"], **{**CALM_PHQ, "phq_a_9": "3"}),
                              row(w["b_code"], **CALM_PHQ)]))
    assert result.status == JobStatus.FAILED
    assert [e["code"] for e in result.errors] == ["apply_failed"]
    assert not Response.objects.exists() and not CrisisAlert.objects.exists()
    assert not TriageProposal.objects.exists()
    assert not AuditEvent.objects.filter(action="screening.alert.raised").exists()


def test_progress_is_shown_while_the_rows_are_checked(w, upload, monkeypatch):
    seen = []
    monkeypatch.setattr(check, "BATCH_SIZE", 2)
    monkeypatch.setattr(check, "PROGRESS_EVERY", 2)
    store = service._store_progress

    def spy(import_id, processed, estimated):
        store(import_id, processed, estimated)
        # as the page reads it (the page runs elsewhere: this thread's connection is the
        # import's, which its writer thread is using)
        shown = service._with_progress(ResponseImport(pk=import_id, status=JobStatus.RUNNING))
        seen.append((shown.processed_rows, shown.total_rows))

    monkeypatch.setattr(service, "_store_progress", spy)
    rows = [row(w[k + "_code"], **CALM_PHQ) for k in ("a", "b", "d")]
    rows += [row(w[k + "_code"], instrument="asq", **CALM_ASQ) for k in ("a", "b")]
    result = upload(csv_file(rows))
    assert result.status == JobStatus.DONE
    assert [processed for processed, _total in seen] == [2, 4]
    assert all(total >= 5 for _processed, total in seen)
    assert (result.processed_rows, result.total_rows) == (5, 5)


# --- the template --------------------------------------------------------------------------------


def test_the_template_has_the_questionnaires_columns_and_fills_in_to_a_good_file(w, upload):
    content = imports.results_template_xlsx(instrument=instrument_get("asq"), language="ru")
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ["code", "iin", "instrument", *ASQ]
    codes = {r[0]: r for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert codes["asq_1"][2].startswith("yes = Да")
    sheet.append([w["a_code"], None, "asq", "no", "no", "yes", "no", "no"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = upload(buffer.getvalue(), "filled.xlsx")
    assert result.status == JobStatus.DONE, result.errors
    response = Response.objects.get(assignment=w["a"])
    assert response.critical is False and response.completeness == "complete"


# --- pages ---------------------------------------------------------------------------------------


def test_the_psychologist_uploads_and_follows_the_import(w, client,
                                                         django_capture_on_commit_callbacks):
    client.force_login(w["psy"].user)
    campaign = w["campaign"]
    page = client.get(reverse("screening:results-import-create", args=[campaign.pk]))
    assert page.status_code == 200 and b'name="file"' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(reverse("screening:results-import-create", args=[campaign.pk]),
                             {"file": SimpleUploadedFile(
                                 "r.csv", csv_file([row(w["a_code"], **CALM_PHQ)]))})
    results_import = ResponseImport.objects.get()
    assert posted.status_code == 302
    assert posted["Location"] == reverse("screening:results-import-detail",
                                         args=[results_import.pk])
    detail = client.get(posted["Location"])
    assert detail.status_code == 200
    assert "1 questionnaire has been imported and scored." in detail.content.decode()
    listing = client.get(reverse("screening:results-import-list", args=[campaign.pk]))
    assert "r.csv" in listing.content.decode()


def test_the_progress_partial_polls_until_the_import_has_finished(w, client):
    client.force_login(w["psy"].user)
    waiting = ResponseImport.objects.create(campaign=w["campaign"], school=w["school"],
                                            uploaded_by=w["psy"].user, file_name="r.csv",
                                            content=b"", status=JobStatus.RUNNING,
                                            processed_rows=40, total_rows=100)
    url = reverse("screening:results-import-detail", args=[waiting.pk])
    partial = client.get(url, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<h1>" not in html and 'hx-trigger="every 1s"' in html
    assert "40 of about 100 rows checked." in html
    service._store_progress(waiting.pk, 60, 100)  # what the running import publishes
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "60 of about 100 rows checked." in html
    waiting.status = JobStatus.FAILED
    waiting.errors = [{"row": 3, "column": "code", "code": "code_unknown", "params": {}}]
    waiting.save()
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in html and "No pupil has this code." in html


def test_an_upload_that_is_not_a_spreadsheet_is_a_form_error(w, client):
    client.force_login(w["psy"].user)
    response = client.post(reverse("screening:results-import-create", args=[w["campaign"].pk]),
                           {"file": SimpleUploadedFile("r.pdf", b"%PDF-1.4")})
    assert response.status_code == 400
    assert "This is not an Excel (.xlsx) or CSV file." in response.content.decode()


def test_the_template_download_is_the_chosen_questionnaires(w, client):
    client.force_login(w["psy"].user)
    response = client.get(reverse("screening:results-template", args=[w["campaign"].pk]),
                          {"instrument": "crafft"})
    assert response.status_code == 200
    assert 'filename="results-' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:4] == ["code", "iin", "instrument", "crafft_a1"]
    missing = client.get(reverse("screening:results-template", args=[w["campaign"].pk]),
                         {"instrument": "gad-7"})
    assert missing.status_code == 404


def test_another_schools_psychologist_cannot_open_the_import(w, upload, client):
    result = upload(csv_file([row(w["a_code"], **CALM_PHQ)]))
    other = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=w["near_school"]).user
    client.force_login(other)
    assert client.get(reverse("screening:results-import-detail",
                              args=[result.pk])).status_code == 404


def test_the_import_list_pages_without_a_query_per_row(w, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def uploaded(count):
        for n in range(count):
            ResponseImport.objects.create(campaign=w["campaign"], school=w["school"],
                                          uploaded_by=w["psy"].user, file_name=f"{n}.csv",
                                          content=b"")

    client.force_login(w["psy"].user)
    url = reverse("screening:results-import-list", args=[w["campaign"].pk])
    uploaded(1)
    client.get(url)  # warm the session and the instrument registry
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    uploaded(29)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200 and "Page 1 of 2" in response.content.decode()
    assert len(many) == len(one)

