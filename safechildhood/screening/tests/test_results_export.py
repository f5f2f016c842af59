"""Exports of a campaign's results: the rows within the requester's scope, pseudonymised or
identified, spreadsheets that run no formulas, written in the background and downloaded by the
requester only."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.audit.models import AuditEvent
from safechildhood.directory.tests.factories import SchoolFactory, SupportCentreFactory
from safechildhood.errors import Forbidden
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import JobStatus, Response, ResponseExport, TriageProposal
from safechildhood.screening.services import exports
from safechildhood.screening.services.responses import response_enter_paper
from safechildhood.screening.tests.factories import PHQ_A_ITEM9, make_assignment, make_campaign

pytestmark = pytest.mark.django_db

CALM_PHQ = {**{f"phq_a_{n}": "0" for n in range(1, 10)}, "phq_a_past_year": "no",
            "phq_a_difficulty": "1", "phq_a_sa1": "no", "phq_a_sa2": "no"}
CALM_ASQ = {f"asq_{n}": "no" for n in range(1, 5)}
FIXED = ["response_id", "pseudonym", "school", "district", "grade", "class_letter", "instrument",
         "version", "submitted_at", "source", "completeness", "total", "band", "flags"]
FORMULA = ("=", "+", "-", "@")
ITEMS = [*(f"phq_a_{n}" for n in range(1, 10)), "phq_a_past_year", "phq_a_difficulty",
         "phq_a_sa1", "phq_a_sa2", *(f"asq_{n}" for n in range(1, 6))]


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False
    settings.EXPORT_DIR = tmp_path / "exports"


def school_in(district, **kwargs):
    return SchoolFactory(settlement=SettlementFactory(district=district), **kwargs)


def submit(campaign, pupil, psychologist, answers=None, instrument="phq-a"):
    assignment = campaign.assignments.filter(pupil=pupil).first() or \
        make_assignment(campaign, pupil)[0]
    return response_enter_paper(actor=psychologist, assignment=assignment,
                                instrument_code=instrument,
                                answers=answers or (CALM_PHQ if instrument == "phq-a"
                                                    else CALM_ASQ))


@pytest.fixture
def w():
    """A campaign (PHQ-A, ASQ) over a region of two districts. Home district: a pupil with a
    crisis alert, a calm pupil whose name looks like a formula, at a school whose name does too;
    near district: a calm pupil. Plus a questionnaire still being answered, a calm pupil of
    another campaign and a school of another region."""
    region = RegionFactory()
    home = DistrictFactory(region=region, name_en="Merke", name_ru="Мерке")
    near = DistrictFactory(region=region, name_en="Shu", name_ru="Шу")
    school = school_in(home, name_en="+7 School", name_ru="+7 школа", name_kk="+7 мектеп")
    near_school = school_in(near, name_en="School 9", name_ru="Школа 9", name_kk="9 мектеп")
    centre = SupportCentreFactory(region=region)
    head = actor_for(MembershipFactory(role=Role.CENTRE_HEAD, centre=centre).user)
    campaign = make_campaign(region=region, centre=centre, created_by=head.user,
                             instruments=("phq-a", "asq"))
    psy = actor_for(MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=school).user)
    near_psy = actor_for(MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST,
                                           school=near_school).user)
    alerted = PupilFactory(school=school, last_name="Әлиева", first_name="Дана",
                           with_iin=True)
    formula = PupilFactory(school=school, last_name="=HYPERLINK(\"http://x\")", first_name="@me",
                           with_iin=True)
    near_pupil = PupilFactory(school=near_school, last_name="Қасымов", with_iin=True)
    responses = {
        "alerted": submit(campaign, alerted, psy, PHQ_A_ITEM9),
        "alerted_asq": submit(campaign, alerted, psy, instrument="asq"),
        "formula": submit(campaign, formula, psy),
        "near": submit(campaign, near_pupil, near_psy),
    }
    drafting, _code = make_assignment(campaign, PupilFactory(school=school, last_name="Бекова"))
    Response.objects.create(pupil=drafting.pupil, campaign=campaign, assignment=drafting,
                            school=school, instrument="phq-a", version="1.0",
                            source=Response.Source.ONLINE, answers={"phq_a_1": "1"})
    other = make_campaign(region=region, centre=centre, created_by=head.user)
    submit(other, PupilFactory(school=school, last_name="Омаров"), psy)
    return {"region": region, "home": home, "near": near, "school": school,
            "near_school": near_school, "campaign": campaign, "head": head, "psy": psy,
            "specialist": actor_for(MembershipFactory(role=Role.CENTRE_SPECIALIST,
                                                      centre=centre, districts=[home]).user),
            **responses}


def run(actor, campaign, variant="pseudonymised", file_format="xlsx") -> ResponseExport:
    export = exports.response_export_request(actor=actor, campaign=campaign, variant=variant,
                                             file_format=file_format)
    return exports.response_export_process(export_id=export.pk)


def read(export: ResponseExport) -> tuple[list, list, list]:
    """Header, data rows and codebook rows of an export's file."""
    path = exports.response_export_file(actor=actor_for(export.requested_by), export=export)
    if export.format == "xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        data = [list(r) for r in book["responses"].iter_rows(values_only=True)]
        data = [r + [None] * (len(data[0]) - len(r)) for r in data]  # empty cells at the end
        codebook = [list(r) for r in book["codebook"].iter_rows(values_only=True)]
        return data[0], data[1:], codebook
    with path.open(encoding="utf-8-sig", newline="") as fh:
        data = list(csv.reader(fh))
    return data[0], data[1:], []


def by_id(rows) -> dict:
    return {int(r[0]): r for r in rows}


def test_pseudonymised_xlsx_has_every_submitted_response_of_the_region_and_no_names(w):
    export = run(w["head"], w["campaign"])
    assert (export.status, export.total_rows, export.processed_rows) == ("done", 4, 4)
    header, rows, codebook = read(export)
    assert header == [*FIXED, *ITEMS]
    rows = by_id(rows)
    assert set(rows) == {w[k].pk for k in ("alerted", "alerted_asq", "formula", "near")}
    cells = dict(zip(header, rows[w["alerted"].pk], strict=True))
    assert cells["pseudonym"] == exports.pseudonym(w["alerted"].pupil_id)
    assert (cells["school"], cells["district"]) == ("'+7 School", "Merke")
    assert (cells["grade"], cells["class_letter"]) == (8, "А")
    assert (cells["instrument"], cells["version"], cells["source"]) == ("phq-a", "1.0", "paper")
    assert cells["total"] == w["alerted"].total and cells["band"] == w["alerted"].band
    assert "suicide_risk" in cells["flags"].split()
    assert cells["phq_a_9"] == "1" and cells["asq_1"] is None
    assert cells["submitted_at"].year >= 2025
    asq = dict(zip(header, rows[w["alerted_asq"].pk], strict=True))
    assert asq["asq_1"] == "no" and asq["phq_a_1"] is None
    assert rows[w["near"].pk][header.index("district")] == "Shu"
    everything = " ".join(str(c) for r in rows.values() for c in r)
    for pupil in (w["alerted"].pupil, w["formula"].pupil, w["near"].pupil):
        assert pupil.last_name not in everything and pupil.iin not in everything
    # the codebook: every question with its texts in three languages and its codes
    assert codebook[0][:8] == ["variable", "instrument", "version", "kind", "text_kk",
                               "text_ru", "text_en", "code"]
    phq9 = [r for r in codebook if r[0] == "phq_a_9"]
    assert [r[7] for r in phq9] == ["0", "1", "2", "3"]
    assert all(r[4] and r[5] and r[6] and r[9] and r[10] and r[11] for r in phq9)
    assert any(r[0] == "pseudonym" for r in codebook)
    assert not any(r[0] == "iin" for r in codebook)


def test_the_same_pupil_has_the_same_pseudonym_in_every_export_and_others_differ(w):
    first = by_id(read(run(w["head"], w["campaign"]))[1])
    second = by_id(read(run(w["head"], w["campaign"], file_format="csv"))[1])
    assert first[w["alerted"].pk][1] == second[w["alerted"].pk][1] == \
        first[w["alerted_asq"].pk][1]
    assert first[w["alerted"].pk][1] != first[w["formula"].pk][1]


def test_a_specialist_exports_only_the_rows_of_their_districts(w):
    export = run(w["specialist"], w["campaign"], file_format="csv")
    header, rows, _codebook = read(export)
    assert header == [*FIXED, *ITEMS]
    assert set(by_id(rows)) == {w[k].pk for k in ("alerted", "alerted_asq", "formula")}
    assert {r[header.index("district")] for r in rows} == {"Merke"}


def test_a_specialist_may_not_ask_for_an_identified_export(w):
    with pytest.raises(Forbidden):
        exports.response_export_request(actor=w["specialist"], campaign=w["campaign"],
                                        variant="identified", file_format="xlsx")
    assert not ResponseExport.objects.exists()


def test_identified_export_names_the_children_the_head_may_see(w):
    export = run(w["head"], w["campaign"], variant="identified")
    header, rows, _codebook = read(export)
    assert header[:4] == ["response_id", "pupil", "iin", "school"]
    rows = by_id(rows)
    # the alerted child (in the risk-group scope) only: the calm ones stay pseudonymous
    assert set(rows) == {w["alerted"].pk, w["alerted_asq"].pk}
    assert rows[w["alerted"].pk][1] == "Әлиева Дана Серікұлы"
    assert rows[w["alerted"].pk][2] == w["alerted"].pupil.iin


def test_no_cell_starts_with_a_formula_character(w):
    # a concern puts the pupil in the head's identified scope
    TriageProposal.objects.create(
        pupil=w["formula"].pupil, school=w["school"], district=w["home"],
        source="concern", category="behaviour", level="medium")
    for file_format in ("xlsx", "csv"):
        export = run(w["head"], w["campaign"], variant="identified", file_format=file_format)
        header, rows, codebook = read(export)
        cells = [c for r in [header, *rows, *codebook] for c in r if isinstance(c, str)]
        assert not [c for c in cells if c.startswith(FORMULA)], file_format
        named = by_id(rows)[w["formula"].pk]
        assert named[1] == "'=HYPERLINK(\"http://x\") @me Серікұлы"


def test_the_xlsx_opens_with_its_codebook_sheet_and_holds_no_formula(w):
    TriageProposal.objects.create(
        pupil=w["formula"].pupil, school=w["school"], district=w["home"],
        source="concern", category="behaviour", level="medium")
    export = run(w["head"], w["campaign"], variant="identified")
    path = exports.response_export_file(actor=w["head"], export=export)
    book = openpyxl.load_workbook(path)  # the full reader: cell types and formats
    assert book.sheetnames == ["responses", "codebook"]
    sheet = book["responses"]
    header = [c.value for c in sheet[1]]
    cells = [c for row in sheet.iter_rows() for c in row] + \
        [c for row in book["codebook"].iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA)]
    when = sheet.cell(row=2, column=header.index("submitted_at") + 1)
    assert when.is_date and when.value.year >= 2025
    assert sheet.max_row == 1 + 3  # the header, the alerted child's two and the named one
    assert book["codebook"]["A1"].value == "variable"


def test_rows_are_read_in_batches_and_progress_is_stored(w, monkeypatch):
    monkeypatch.setattr(exports, "BATCH_SIZE", 3)
    seen = []
    store = exports._set

    def spy(export_id, **values):
        store(export_id, **values)
        if "processed_rows" in values and "status" not in values:
            seen.append(values["processed_rows"])

    monkeypatch.setattr(exports, "_set", spy)
    export = run(w["head"], w["campaign"], file_format="csv")
    assert seen == [3, 4]
    assert len(read(export)[1]) == 4


def test_running_again_leaves_a_finished_export_as_it_is(w):
    export = run(w["head"], w["campaign"])
    files = sorted(p.name for p in exports.settings.EXPORT_DIR.iterdir())
    again = exports.response_export_process(export_id=export.pk)
    assert again.file_path == export.file_path
    assert sorted(p.name for p in exports.settings.EXPORT_DIR.iterdir()) == files == \
        [export.file_path]


def test_an_export_whose_role_ended_meanwhile_fails(w):
    export = exports.response_export_request(actor=w["specialist"], campaign=w["campaign"],
                                             variant="pseudonymised", file_format="csv")
    w["specialist"].membership.is_active = False
    w["specialist"].membership.save()
    assert exports.response_export_process(export_id=export.pk).status == JobStatus.FAILED
    assert not export.file_path


# --- pages ---------------------------------------------------------------------------------------


def test_the_head_asks_follows_and_downloads(w, client, django_capture_on_commit_callbacks):
    client.force_login(w["head"].user)
    page = client.get(reverse("screening:export-list", args=[w["campaign"].pk]))
    assert page.status_code == 200
    assert 'value="identified"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(reverse("screening:export-create", args=[w["campaign"].pk]),
                             {"variant": "pseudonymised", "format": "csv"})
    export = ResponseExport.objects.get()
    assert posted["Location"] == reverse("screening:export-detail", args=[export.pk])
    requested = AuditEvent.objects.get(action="screening.export.requested")
    assert requested.data == {"export_id": export.pk, "campaign_id": w["campaign"].pk,
                              "variant": "pseudonymised", "format": "csv"}
    assert requested.region_id == w["region"].pk
    detail = client.get(posted["Location"]).content.decode()
    assert "The file is ready: 4 questionnaires." in detail
    assert reverse("screening:export-codebook", args=[export.pk]) in detail
    download = client.get(reverse("screening:export-download", args=[export.pk]))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    assert "attachment" in download["Content-Disposition"]
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("response_id,pseudonym,school")
    assert AuditEvent.objects.filter(action="screening.export.downloaded").count() == 1
    codebook = client.get(reverse("screening:export-codebook", args=[export.pk]))
    text = b"".join(codebook.streaming_content).decode("utf-8-sig")
    assert text.startswith("variable,instrument,version")
    assert "phq_a_9" in text


def test_a_specialist_is_offered_the_pseudonymised_kind_only(w, client):
    client.force_login(w["specialist"].user)
    page = client.get(reverse("screening:export-list", args=[w["campaign"].pk])).content.decode()
    assert 'value="pseudonymised"' in page and 'value="identified"' not in page
    posted = client.post(reverse("screening:export-create", args=[w["campaign"].pk]),
                         {"variant": "identified", "format": "xlsx"})
    assert posted.status_code == 400 and not ResponseExport.objects.exists()


def test_a_file_not_ready_sends_back_to_its_page(w, client):
    export = exports.response_export_request(actor=w["head"], campaign=w["campaign"],
                                             variant="pseudonymised", file_format="csv")
    client.force_login(w["head"].user)
    response = client.get(reverse("screening:export-download", args=[export.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:export-detail", args=[export.pk])
    partial = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in partial
    assert not AuditEvent.objects.filter(action="screening.export.downloaded").exists()


def test_nobody_else_opens_or_downloads_an_export(w, client):
    export = run(w["head"], w["campaign"], variant="identified")
    other_head = MembershipFactory(role=Role.CENTRE_HEAD,
                                   centre=SupportCentreFactory(region=w["region"])).user
    client.force_login(other_head)
    for name in ("export-detail", "export-download", "export-codebook"):
        assert client.get(reverse(f"screening:{name}", args=[export.pk])).status_code == 404
    client.force_login(w["psy"].user)
    assert client.get(reverse("screening:export-download",
                              args=[export.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="screening.export.downloaded").exists()


def test_the_codebook_csv_is_streamed_and_its_cells_are_safe(w):
    text = "".join(exports.codebook_csv_lines(w["campaign"], "pseudonymised"))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == exports.CODEBOOK_HEADER
    assert {r[0] for r in rows[1:]} >= {"response_id", "pseudonym", "phq_a_1", "asq_5", "band",
                                        "flags", "source"}
    assert not [c for r in rows for c in r if c.startswith(FORMULA)]
