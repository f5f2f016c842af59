"""The disclosure pages and the API: each view anonymous → login, out of scope → 404, the happy
path and an invalid form; isolation of one police unit's reports from another's (list, id, API,
export); the prosecutor never reads a narrative; reads and exports are audited."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from safechildhood.audit.models import AuditEvent
from safechildhood.disclosures.models import Concern, OversightNote, PoliceReport
from safechildhood.disclosures.tests import fixtures
from safechildhood.disclosures.tests.fixtures import ERDR, NARRATIVE, SAFETY, concern_in, report_in
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import TriageProposal

world = fixtures.world
_no_second_factor = fixtures._no_second_factor

Status = PoliceReport.Status
pytestmark = pytest.mark.django_db


def as_(client, actor):
    client.force_login(actor.user)
    return client


def audited(action):
    return AuditEvent.objects.filter(action=action)


def concern_post(**extra):
    local = timezone.localtime() - dt.timedelta(hours=2)
    return {"category": Concern.Category.FAMILY_VIOLENCE, "disclosed_by": "child",
            "channel": "in_person", "disclosed_at": local.strftime("%Y-%m-%dT%H:%M"),
            "safety_actions": SAFETY, "narrative": NARRATIVE, **extra}


# --- every view: anonymous → login ---------------------------------------------------------------


def test_every_page_sends_an_anonymous_visitor_to_log_in(world, client):
    report = report_in(world)
    note = OversightNote.objects.create(report=report, addressed_to="police", text="x",
                                        created_by=world.analyst.user)
    urls = [("get", reverse("disclosures:concern-list")),
            ("get", reverse("disclosures:concern-create", args=[report.pupil_id])),
            ("get", reverse("disclosures:concern-detail", args=[report.concern_id])),
            ("post", reverse("disclosures:concern-report-create", args=[report.concern_id])),
            ("get", reverse("disclosures:report-list")),
            ("get", reverse("disclosures:report-export")),
            ("get", reverse("disclosures:report-detail", args=[report.pk])),
            ("post", reverse("disclosures:report-send", args=[report.pk])),
            ("post", reverse("disclosures:report-acknowledge", args=[report.pk])),
            ("post", reverse("disclosures:report-status", args=[report.pk])),
            ("post", reverse("disclosures:oversight-note-create", args=[report.pk])),
            ("post", reverse("disclosures:oversight-note-respond", args=[note.pk])),
            ("get", reverse("disclosures:oversight"))]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login" in response["Location"], url
    assert client.get(reverse("api:police-report-list")).status_code in (401, 403)


# --- recording a concern -----------------------------------------------------------------------


def test_the_psychologist_records_a_concern_and_lands_on_the_report_with_its_deadline(world,
                                                                                       client):
    pupil = PupilFactory(school=world.school_a, grade=6)
    url = reverse("disclosures:concern-create", args=[pupil.pk])
    page = as_(client, world.psy_a).get(url)
    assert page.status_code == 200 and "24" in page.content.decode()
    response = client.post(url, concern_post(), follow=True)
    concern = Concern.objects.get(pupil=pupil)
    report = concern.report
    assert response.redirect_chain[-1][0] == reverse("disclosures:report-detail",
                                                     args=[report.pk])
    body = response.content.decode()
    assert "Send to the police" in body and "Baizak police" in body
    assert TriageProposal.objects.filter(pupil=pupil, category="family_violence",
                                         reported_by=world.psy_a.user).exists()


def test_an_invalid_concern_form_is_shown_again_with_errors_and_saves_nothing(world, client):
    pupil = PupilFactory(school=world.school_a, grade=6)
    url = reverse("disclosures:concern-create", args=[pupil.pk])
    response = as_(client, world.psy_a).post(url, concern_post(narrative="",
                                                               category="other"))
    assert response.status_code == 400
    assert not Concern.objects.exists()
    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, concern_post(disclosed_at=future)).status_code == 400
    assert not Concern.objects.exists()


def test_a_pupil_of_another_school_cannot_be_reported_on(world, client):
    pupil = PupilFactory(school=world.school_b)
    url = reverse("disclosures:concern-create", args=[pupil.pk])
    assert as_(client, world.psy_a).get(url).status_code == 404
    assert client.post(url, concern_post()).status_code == 404
    assert not Concern.objects.exists()


def test_bullying_needs_no_report_and_the_optional_report_is_one_click(world, client):
    concern = concern_in(world, category=Concern.Category.BULLYING)
    detail = as_(client, world.psy_a).get(reverse("disclosures:concern-detail",
                                                  args=[concern.pk]))
    assert detail.status_code == 200 and NARRATIVE in detail.content.decode()
    response = client.post(reverse("disclosures:concern-report-create", args=[concern.pk]))
    report = PoliceReport.objects.get(concern=concern)
    assert response["Location"] == reverse("disclosures:report-detail", args=[report.pk])
    assert report.required is False
    # a second click changes nothing
    client.post(reverse("disclosures:concern-report-create", args=[concern.pk]))
    assert PoliceReport.objects.filter(concern=concern).count() == 1


def test_concern_pages_keep_other_schools_out(world, client):
    concern = concern_in(world, world.school_b)
    as_(client, world.psy_a)
    assert client.get(reverse("disclosures:concern-detail", args=[concern.pk])).status_code == 404
    assert client.post(reverse("disclosures:concern-report-create",
                               args=[concern.pk])).status_code == 404
    listing = client.get(reverse("disclosures:concern-list")).content.decode()
    assert concern.pupil.last_name not in listing


def test_the_narrative_is_shown_to_the_reporter_not_to_the_school_administrator(world, client):
    concern = concern_in(world)
    url = reverse("disclosures:concern-detail", args=[concern.pk])
    assert NARRATIVE in as_(client, world.psy_a).get(url).content.decode()
    page = as_(client, world.admin_a).get(url)
    assert page.status_code == 200 and NARRATIVE not in page.content.decode()
    event = audited("disclosures.concern.viewed").order_by("id").last()
    assert event.data["narrative"] is False and NARRATIVE not in str(event.data)


def test_reading_a_concern_is_audited_without_the_narrative(world, client):
    concern = concern_in(world)
    as_(client, world.spec_a).get(reverse("disclosures:concern-detail", args=[concern.pk]))
    event = audited("disclosures.concern.viewed").get()
    assert event.data == {"concern_id": concern.pk, "pupil_id": concern.pupil_id,
                          "narrative": True}


# --- police reports: sending, the inspector's steps ----------------------------------------------


def test_the_school_sends_the_report_and_the_inspector_takes_it_to_registration(world, client):
    report = report_in(world, status=Status.PENDING)
    response = as_(client, world.psy_a).post(reverse("disclosures:report-send", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.SENT and report.unit == world.unit_a
    as_(client, world.insp_a)
    client.post(reverse("disclosures:report-acknowledge", args=[report.pk]), {"note": ""})
    response = client.post(reverse("disclosures:report-status", args=[report.pk]),
                           {"status": "registered", "erdr_number": "255 000 031 000 123"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.erdr_number) == (Status.REGISTERED, ERDR)
    page = as_(client, world.psy_a).get(reverse("disclosures:report-detail", args=[report.pk]))
    assert ERDR in page.content.decode()


def test_an_invalid_status_form_is_a_400_and_changes_nothing(world, client):
    report = report_in(world, status=Status.ACKNOWLEDGED)
    url = reverse("disclosures:report-status", args=[report.pk])
    as_(client, world.insp_a)
    assert client.post(url, {"status": "registered", "erdr_number": "12"}).status_code == 400
    assert client.post(url, {"status": "refused", "reason": " "}).status_code == 400
    assert client.post(url, {"status": "verdict"}).status_code == 400  # not the next step
    report.refresh_from_db()
    assert report.status == Status.ACKNOWLEDGED and report.erdr_number == ""


def test_the_school_sees_the_status_but_not_the_polices_own_material(world, client):
    report = report_in(world, status=Status.REFUSED)
    reason = "No signs of a criminal offence were found."
    page = as_(client, world.psy_a).get(reverse("disclosures:report-detail", args=[report.pk]))
    body = page.content.decode()
    assert "refusal to open a case" in body and reason not in body
    police = as_(client, world.insp_a).get(reverse("disclosures:report-detail",
                                                   args=[report.pk])).content.decode()
    assert reason in police


def test_the_school_cannot_take_the_polices_steps(world, client):
    report = report_in(world)
    as_(client, world.psy_a)
    assert client.post(reverse("disclosures:report-acknowledge",
                               args=[report.pk])).status_code == 403
    assert client.post(reverse("disclosures:report-status", args=[report.pk]),
                       {"status": "registered", "erdr_number": ERDR}).status_code == 403


# --- isolation of police units -------------------------------------------------------------------


def test_an_inspector_cannot_see_guess_or_open_another_units_report(world, client):
    mine, theirs = report_in(world, world.school_a), report_in(world, world.school_b)
    pending = report_in(world, world.school_a, status=Status.PENDING)
    as_(client, world.insp_a)
    listing = client.get(reverse("disclosures:report-list")).content.decode()
    assert mine.pupil.last_name in listing
    assert theirs.pupil.last_name not in listing and pending.pupil.last_name not in listing
    for report in (theirs, pending):
        for name in ("report-detail",):
            assert client.get(reverse(f"disclosures:{name}", args=[report.pk])).status_code == 404
        for name in ("report-acknowledge", "report-status"):
            assert client.post(reverse(f"disclosures:{name}", args=[report.pk]),
                               {"status": "registered", "erdr_number": ERDR}).status_code == 404
        assert client.get(reverse("disclosures:concern-detail",
                                  args=[report.concern_id])).status_code == 404
        assert client.get(reverse("api:police-report-detail",
                                  args=[report.pk])).status_code == 404
        assert client.get(reverse("screening:pupil-screening",
                                  args=[report.pupil_id])).status_code in (403, 404)
    # a made-up id looks exactly like another unit's report
    missing = client.get(reverse("disclosures:report-detail", args=[theirs.pk + 1000]))
    other = client.get(reverse("disclosures:report-detail", args=[theirs.pk]))
    assert missing.status_code == other.status_code == 404
    assert missing.content == other.content
    theirs.refresh_from_db()
    assert theirs.status == Status.SENT


def test_the_api_lists_only_the_units_reports(world, client):
    mine, theirs = report_in(world, world.school_a), report_in(world, world.school_b)
    report_in(world, world.school_a, status=Status.PENDING)
    data = as_(client, world.insp_a).get(reverse("api:police-report-list")).json()
    assert [row["id"] for row in data["results"]] == [mine.pk]
    assert data["results"][0]["pupil"]["full_name"] == mine.pupil.full_name
    detail = client.get(reverse("api:police-report-detail", args=[mine.pk])).json()
    assert [step["status"] for step in detail["steps"]] == ["pending", "sent"]
    assert "narrative" not in str(detail)
    assert theirs.pk not in [row["id"] for row in client.get(
        reverse("api:police-report-list") + "?show=all").json()["results"]]


def test_the_api_gives_the_prosecutor_the_region_without_names(world, client):
    report_in(world, world.school_a), report_in(world, world.school_b)
    report_in(world, world.school_far)
    data = as_(client, world.analyst).get(reverse("api:police-report-list")).json()
    assert data["count"] == 2
    assert all(row["pupil"] is None for row in data["results"])


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_export_holds_only_the_units_reports_and_is_audited(world, client):
    mine, theirs = report_in(world, world.school_a), report_in(world, world.school_b)
    response = as_(client, world.insp_a).get(reverse("disclosures:report-export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    ids = [row[0] for row in rows[1:]]
    assert ids == [str(mine.pk)]
    assert theirs.pupil.last_name not in str(rows)
    event = audited("disclosures.report.exported").get()
    assert event.data == {"show": "all", "rows": 1, "names": True}


def test_the_export_neutralises_cells_a_spreadsheet_would_run(world, client):
    pupil = PupilFactory(school=world.school_a, last_name="=HYPERLINK(\"x\")",
                         first_name="+cmd")
    report_in(world, world.school_a, pupil=pupil)
    rows = read_csv(as_(client, world.insp_a).get(reverse("disclosures:report-export")))
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells)
    assert any(cell.startswith("'=HYPERLINK") or cell.startswith("'+cmd") for cell in cells)


def test_the_prosecutors_export_has_no_names(world, client):
    report = report_in(world)
    rows = read_csv(as_(client, world.analyst).get(reverse("disclosures:report-export")))
    assert len(rows) == 2 and report.pupil.last_name not in str(rows)


# --- the prosecutor -------------------------------------------------------------------------------


def test_the_prosecutor_cannot_open_a_narrative(world, client):
    report = report_in(world)
    as_(client, world.analyst)
    page = client.get(reverse("disclosures:report-detail", args=[report.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert NARRATIVE not in body and SAFETY not in body
    assert report.pupil.last_name not in body
    assert client.get(reverse("disclosures:concern-detail",
                              args=[report.concern_id])).status_code in (403, 404)
    assert client.get(reverse("disclosures:concern-list")).status_code == 403
    assert NARRATIVE not in client.get(reverse("disclosures:oversight")).content.decode()


def test_the_oversight_page_shows_late_acknowledgements_standstill_refusals_and_figures(
        world, client, settings):
    settings.OVERSIGHT_STALE_DAYS = 30
    late = report_in(world, world.school_a)
    PoliceReport.objects.filter(pk=late.pk).update(
        sent_at=timezone.now() - dt.timedelta(hours=30))
    stale = report_in(world, world.school_b, status=Status.INVESTIGATION)
    PoliceReport.objects.filter(pk=stale.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(days=31))
    refused = report_in(world, world.school_a, status=Status.REFUSED,
                        category=Concern.Category.NEGLECT)
    report_in(world, world.school_far)  # another region: not counted
    response = as_(client, world.analyst).get(reverse("disclosures:oversight"))
    overview = response.context["overview"]
    assert [r.pk for r in overview.overdue_acks] == [late.pk]
    assert [r.pk for r in overview.stale] == [stale.pk]
    assert [r.pk for r in overview.refusals] == [refused.pk]
    assert overview.total.total == 3
    by_district = {row.district.pk: row for row in overview.rows}
    assert by_district[world.baizak.pk].counts == {"family_violence": 1, "neglect": 1}
    assert by_district[world.baizak.pk].refused == 1
    body = response.content.decode()
    assert "No signs of a criminal offence were found." in body


def test_the_prosecutor_requires_a_response_and_the_inspector_gives_it(world, client):
    report = report_in(world)
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    url = reverse("disclosures:oversight-note-create", args=[report.pk])
    as_(client, world.analyst)
    assert client.post(url, {"addressed_to": "police", "text": ""}).status_code == 400
    response = client.post(url, {"addressed_to": "police", "text": "Why not registered?",
                                 "response_due": due})
    assert response.status_code == 302
    note = OversightNote.objects.get()
    assert note.awaits_response
    respond = reverse("disclosures:oversight-note-respond", args=[note.pk])
    assert as_(client, world.insp_b).post(respond, {"response": "x"}).status_code == 404
    assert as_(client, world.psy_a).post(respond, {"response": "x"}).status_code == 404
    as_(client, world.insp_a)
    assert client.post(respond, {"response": ""}).status_code == 400
    assert client.post(respond, {"response": "Registered today."}).status_code == 302
    note.refresh_from_db()
    assert note.response == "Registered today." and note.responded_by == world.insp_a.user
    assert audited("disclosures.oversight.answered").count() == 1


def test_the_oversight_page_is_the_prosecutors_only(world, client):
    for actor in (world.head, world.insp_a, world.psy_a, world.regional_admin):
        assert as_(client, actor).get(reverse("disclosures:oversight")).status_code == 403
    report = report_in(world, world.school_far)
    response = as_(client, world.analyst).post(
        reverse("disclosures:oversight-note-create", args=[report.pk]),
        {"addressed_to": "police", "text": "x"})
    assert response.status_code == 404


# --- lists -------------------------------------------------------------------------------------


def test_the_report_list_shows_the_deadline_and_a_missed_one(world, client):
    report_in(world, status=Status.PENDING)
    late = report_in(world, status=Status.PENDING)
    PoliceReport.objects.filter(pk=late.pk).update(
        deadline=timezone.now() - dt.timedelta(hours=1), escalated_at=timezone.now())
    response = as_(client, world.admin_a).get(reverse("disclosures:report-list") + "?show=pending")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2


def test_the_report_list_makes_a_fixed_number_of_queries(world, client,
                                                         django_assert_max_num_queries):
    for _ in range(3):
        report_in(world)
    as_(client, world.head)
    client.get(reverse("disclosures:report-list"))
    for _ in range(5):
        report_in(world, world.school_b)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("disclosures:report-list"))
    assert len(response.context["page"].object_list) == 8
