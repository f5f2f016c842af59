"""The prevention pages: who gets in (anonymous → login, out of scope → 404), the happy paths as
plain form posts, invalid forms with clear errors, a form sent twice counting once, the
certificates (Kazakh letters checked with pdftotext) and the materials served only within
scope."""

import subprocess
from shutil import which

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safechildhood.audit.models import AuditEvent
from safechildhood.prevention import services
from safechildhood.prevention.models import Event, ParentConsultation, ParentMeeting, Training
from safechildhood.prevention.pdf import certificate_pdf
from safechildhood.prevention.tests.fixtures import (
    KAZAKH_LETTERS,
    consultation,
    days_ago,
    event,
    meeting,
    training,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n"


def _login(client, actor):
    client.force_login(actor.user)
    return client


def _attended(world, actor=None, **kwargs):
    actor = actor or world.psychologist_n
    t = training(world.head, **kwargs)
    services.participants_add(actor=world.head, training=t, users=[actor.user])
    row = t.participants.get(user=actor.user)
    return t, services.attendance_mark(actor=world.head, participant=row, attendance="attended")


@pytest.mark.parametrize("name", ["prevention:overview", "prevention:training-list",
                                  "prevention:event-list", "prevention:meeting-list",
                                  "prevention:consultation-list", "prevention:event-create"])
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_overview_shows_this_years_figures(client, world):
    event(world.head, district=world.north)
    meeting(world.head, district=world.north, parents=12)
    consultation(world.psychologist_n, guardian=world.guardian_n)
    response = _login(client, world.head).get(reverse("prevention:overview"))
    assert response.status_code == 200
    assert response.context["events"] == 1
    assert response.context["parents"].total == 13


# --- trainings ---------------------------------------------------------------------------------


def test_the_centre_creates_a_training_with_a_plain_form_post(client, world):
    _login(client, world.head)
    form = client.get(reverse("prevention:training-create")).context["form"]
    data = {"topic": "Буллингтің алдын алу", "starts_on": days_ago(3).isoformat(),
            "ends_on": days_ago(2).isoformat(), "hours": "12", "trainer": "Сәрсенова А.",
            "token": form.initial["token"]}
    response = client.post(reverse("prevention:training-create"), data)
    t = Training.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "prevention:training-detail", args=[t.pk])
    client.post(reverse("prevention:training-create"), data)  # a double click
    assert Training.objects.count() == 1


def test_an_invalid_training_form_says_what_to_fix(client, world):
    _login(client, world.head)
    response = client.post(reverse("prevention:training-create"), {
        "topic": "", "starts_on": days_ago(1).isoformat(), "ends_on": days_ago(3).isoformat(),
        "hours": "0", "trainer": "x"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["topic"] == ["Enter the topic."]
    assert "The last day cannot be before the first day." in form.errors["ends_on"]
    assert "hours" in form.errors
    assert not Training.objects.exists()


def test_adding_participants_and_marking_attendance(client, world):
    t = training(world.head)
    _login(client, world.head)
    page = client.get(reverse("prevention:participant-add", args=[t.pk]),
                      {"district": world.north.pk})
    offered = set(page.context["form"].fields["users"].queryset)
    assert offered == {world.psychologist_n.user, world.psychologist_n2.user}
    response = client.post(
        reverse("prevention:participant-add", args=[t.pk]) + f"?district={world.north.pk}",
        {"users": [world.psychologist_n.user.pk]})
    assert response.status_code == 302
    row = t.participants.get()
    response = client.post(reverse("prevention:attendance-mark", args=[row.pk]),
                           {"attendance": "attended"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.has_certificate


def test_adding_nobody_is_an_error(client, world):
    t = training(world.head)
    response = _login(client, world.head).post(
        reverse("prevention:participant-add", args=[t.pk]), {})
    assert response.status_code == 400
    assert response.context["form"].errors["users"] == [
        "Choose at least one school psychologist."]


def test_a_psychologist_sees_their_own_trainings_and_certificate_only(client, world):
    mine, row = _attended(world)
    other, other_row = _attended(world, world.psychologist_s, topic="Other")
    _login(client, world.psychologist_n)
    listing = client.get(reverse("prevention:training-list"))
    assert [r["training"] for r in listing.context["rows"]] == [mine]
    assert listing.context["rows"][0]["mine"] == row
    detail = client.get(reverse("prevention:training-detail", args=[mine.pk]))
    assert list(detail.context["page"].object_list) == [row]
    assert client.get(reverse("prevention:training-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("prevention:certificate", args=[other_row.pk])).status_code == 404
    response = client.get(reverse("prevention:certificate", args=[row.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="prevention.certificate.downloaded").count() == 1
    assert client.get(reverse("prevention:training-create")).status_code == 403


def test_no_certificate_for_a_participant_who_did_not_attend(client, world):
    t = training(world.head)
    services.participants_add(actor=world.head, training=t, users=[world.psychologist_n.user])
    row = t.participants.get()
    response = _login(client, world.psychologist_n).get(
        reverse("prevention:certificate", args=[row.pk]))
    assert response.status_code == 302


@pytest.mark.skipif(not which("pdftotext"), reason="poppler-utils not installed")
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_certificate_prints_kazakh_letters(world, language, tmp_path):
    world.psychologist_n.user.first_name = "Әсемгүл"
    world.psychologist_n.user.last_name = "Қожахметова"
    world.psychologist_n.user.save()
    _t, row = _attended(world, topic="Балалардың өмір қауіпсіздігі: ғ, ң, ұ, һ, і")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(certificate_pdf(row, language=language))
    text = subprocess.run([which("pdftotext"), str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Әсемгүл Қожахметова" in text
    for letter in KAZAKH_LETTERS:
        assert letter in text.lower(), letter
    assert row.certificate_number in text
    assert "Психологиялық қолдау орталығы" in text or language == "ru"


def test_the_certificate_follows_the_participants_language(world):
    from safechildhood.prevention.pdf import certificate_language

    _t, row = _attended(world)
    row.user.language = "ru"
    assert certificate_language(row) == "ru"
    assert certificate_language(row, "kk") == "kk"
    row.user.language = "en"
    row.school.language = "ru"
    assert certificate_language(row) == "ru"
    row.school.language = "mixed"
    assert certificate_language(row) == "kk"


# --- events ------------------------------------------------------------------------------------


def _event_post(world, **overrides):
    data = {"kind": "law_enforcement", "title": "Заң және біз", "held_on":
            days_ago(1).isoformat(), "district": world.north.pk, "organisers": ["police"],
            "pupils": "120", "parents": "0", "teachers": "5", "psychologists": "1",
            "others": "0", "description": "", "token": "tok-1"}
    data.update(overrides)
    return data


def test_an_inspector_records_a_meeting_with_pupils(client, world):
    _login(client, world.inspector_n)
    page = client.get(reverse("prevention:event-create"))
    assert set(page.context["form"].fields["district"].queryset) == {world.north}
    response = client.post(reverse("prevention:event-create"), _event_post(world))
    e = Event.objects.get()
    assert response.status_code == 302 and e.police_unit == world.unit_n
    client.post(reverse("prevention:event-create"), _event_post(world))  # sent twice
    assert Event.objects.count() == 1
    detail = client.get(reverse("prevention:event-detail", args=[e.pk]))
    assert detail.context["may_edit"]


def test_an_invalid_event_form_says_what_to_fix(client, world):
    _login(client, world.head)
    response = client.post(reverse("prevention:event-create"), _event_post(
        world, pupils="0", teachers="0", psychologists="0", held_on="", kind=""))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["held_on"] == ["Enter the date."]
    assert errors["kind"] == ["Choose the type of event."]
    assert errors["pupils"] == ["Enter how many took part: at least one group above zero."]
    response = client.post(reverse("prevention:event-create"), _event_post(
        world, held_on=days_ago(-2).isoformat()))
    assert response.status_code == 400
    assert "future" in response.context["form"].errors["held_on"][0]
    assert not Event.objects.exists()


def test_events_outside_scope_are_not_found(client, world):
    e = event(world.head, district=world.north)
    _login(client, world.psychologist_far)  # a school of another region
    assert client.get(reverse("prevention:event-detail", args=[e.pk])).status_code == 404
    assert client.get(reverse("prevention:event-edit", args=[e.pk])).status_code == 404
    assert not client.get(reverse("prevention:event-list")).context["page"].object_list


def test_the_event_list_filters_and_paginates(client, world):
    for n in range(27):
        event(world.head, district=world.north if n % 3 else world.south, title=f"Event {n}")
    _login(client, world.head)
    first = client.get(reverse("prevention:event-list"))
    assert first.context["page"].paginator.count == 27
    assert len(first.context["page"].object_list) == 25
    south = client.get(reverse("prevention:event-list"), {"district": world.south.pk})
    assert south.context["page"].paginator.count == 9
    found = client.get(reverse("prevention:event-list"), {"q": "Event 1"})
    assert found.context["page"].paginator.count == 11  # 1, 10..19


def test_the_event_list_runs_a_fixed_number_of_queries(client, world,
                                                       django_assert_max_num_queries):
    for n in range(30):
        event(world.head, district=world.north, school=world.school_n, title=f"E{n}")
    _login(client, world.head)
    client.get(reverse("prevention:event-list"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("prevention:event-list")).status_code == 200


def test_materials_are_attached_and_served_only_within_scope(client, world):
    e = event(world.psychologist_n, district=world.north, school=world.school_n,
              organisers=["school"])
    _login(client, world.psychologist_n)
    bad = client.post(reverse("prevention:material-add", args=[e.pk]),
                      {"file": SimpleUploadedFile("virus.exe", b"MZ")})
    assert bad.status_code == 400
    assert "Attach a PDF" in bad.context["material_form"].errors["file"][0]
    response = client.post(reverse("prevention:material-add", args=[e.pk]),
                           {"file": SimpleUploadedFile("Жоспар.pdf", PDF)})
    assert response.status_code == 302
    material = e.materials.get()
    download = client.get(reverse("prevention:material-download", args=[material.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    _login(client, world.psychologist_s)  # another district's school
    assert client.get(reverse("prevention:material-download",
                              args=[material.pk])).status_code == 404
    _login(client, world.prosecutor)  # sees the event, may not remove its files
    assert client.get(reverse("prevention:material-download",
                              args=[material.pk])).status_code == 200
    assert client.post(reverse("prevention:material-remove",
                               args=[material.pk])).status_code == 403


# --- parent outreach ---------------------------------------------------------------------------


def test_a_psychologist_records_a_group_meeting(client, world):
    _login(client, world.psychologist_n)
    page = client.get(reverse("prevention:meeting-create"))
    assert page.context["form"].initial["school"] == world.school_n.pk
    data = {"held_on": days_ago(1).isoformat(), "topic": "Интернет қауіпсіздігі",
            "district": world.north.pk, "school": world.school_n.pk, "parents_count": "42",
            "token": "m-1"}
    assert client.post(reverse("prevention:meeting-create"), data).status_code == 302
    assert client.post(reverse("prevention:meeting-create"), data).status_code == 302
    assert ParentMeeting.objects.get().parents_count == 42
    data.update(parents_count="", token="m-2")
    response = client.post(reverse("prevention:meeting-create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["parents_count"] == [
        "Enter how many parents were present."]


def test_consultations_are_for_the_school_and_the_centre_only(client, world):
    c = consultation(world.psychologist_n, guardian=world.guardian_n)
    for actor in (world.prosecutor, world.inspector_n, world.admin_n, world.regional_admin):
        _login(client, actor)
        assert client.get(reverse("prevention:consultation-list")).status_code == 403
        assert client.get(reverse("prevention:consultation-detail",
                                  args=[c.pk])).status_code in (403, 404)
    _login(client, world.psychologist_s)
    assert client.get(reverse("prevention:consultation-detail", args=[c.pk])).status_code == 404
    _login(client, world.psychologist_n)
    response = client.get(reverse("prevention:consultation-detail", args=[c.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="prevention.consultation.viewed",
                                     target_id=str(c.pk)).exists()


def test_a_consultation_is_recorded_by_choosing_a_guardian(client, world):
    _login(client, world.psychologist_n)
    page = client.get(reverse("prevention:consultation-create"), {"q": "Әбдір"})
    assert set(page.context["form"].fields["guardian"].queryset) == {world.guardian_n}
    data = {"held_on": days_ago(1).isoformat(), "guardian": world.guardian_n.pk,
            "topic": "Сабаққа қатысу", "token": "c-1"}
    assert client.post(reverse("prevention:consultation-create"), data).status_code == 302
    assert client.post(reverse("prevention:consultation-create"), data).status_code == 302
    assert ParentConsultation.objects.count() == 1
    data.update(guardian=world.guardian_s.pk, token="c-2")  # another school's parent
    response = client.post(reverse("prevention:consultation-create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["guardian"] == [
        "Choose a parent or guardian from the list."]


@pytest.mark.parametrize("name", ["prevention:training-list", "prevention:meeting-list",
                                  "prevention:consultation-list", "prevention:overview"])
def test_list_pages_run_a_fixed_number_of_queries(client, world, name,
                                                  django_assert_max_num_queries):
    for n in range(12):
        _attended(world, topic=f"T{n}")
        meeting(world.psychologist_n, district=world.north, school=world.school_n, parents=n + 1)
        consultation(world.psychologist_n, guardian=world.guardian_n)
    _login(client, world.psychologist_n)
    client.get(reverse(name))
    with django_assert_max_num_queries(12):
        assert client.get(reverse(name)).status_code == 200
