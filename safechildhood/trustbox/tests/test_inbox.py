"""The centre's inbox: who gets in, urgent first then oldest, a read is audited, answering,
triage and closing through plain form posts; and the schools' posters."""

import datetime as dt
import subprocess
from shutil import which

import pytest
import segno
from django.urls import reverse
from django.utils import timezone

from safechildhood.audit.models import AuditEvent
from safechildhood.trustbox import pdf as poster
from safechildhood.trustbox.models import TrustMessage
from safechildhood.trustbox.tests.fixtures import send

pytestmark = pytest.mark.django_db

INBOX = reverse("trustbox:inbox")


def _aged(message, hours):
    TrustMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=hours))
    return message


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_school_staff_never_see_the_inbox(client, world):
    for actor in (world.psychologist_n, world.admin_n):
        client.force_login(actor.user)
        assert client.get(INBOX).status_code == 403


def test_the_inbox_puts_urgent_first_then_the_oldest(client, world):
    old = _aged(send("old worry", school=world.school_n).message, 50)
    new = _aged(send("new worry", school=world.school_n).message, 1)
    urgent = _aged(send("Хочу умереть", school=world.school_s).message, 2)
    answered = send("done", school=world.school_n).message
    TrustMessage.objects.filter(pk=answered.pk).update(status=TrustMessage.Status.ANSWERED)
    client.force_login(world.head.user)
    response = client.get(INBOX)
    assert [r["message"] for r in response.context["rows"]] == [urgent, old, new]
    html = response.content.decode()
    assert "old worry" not in html  # the list shows no text
    assert "suicide or self-harm" in html
    everything = client.get(INBOX, {"show": "all"})
    assert answered in [r["message"] for r in everything.context["rows"]]


def test_a_specialist_sees_their_districts_and_unplaced_messages_only(client, world):
    mine = send(school=world.school_n).message
    unplaced = send().message
    other = send(school=world.school_s).message
    client.force_login(world.spec_n.user)
    rows = [r["message"] for r in client.get(INBOX).context["rows"]]
    assert set(rows) == {mine, unplaced}
    assert client.get(reverse("trustbox:message-detail", args=[other.pk])).status_code == 404


def test_the_inbox_queries_do_not_grow_with_the_messages(client, world,
                                                         django_assert_max_num_queries):
    client.force_login(world.head.user)
    for n in range(3):
        send(f"message {n}", school=world.school_n)
    client.get(INBOX)
    with django_assert_max_num_queries(12) as few:
        client.get(INBOX)
    for n in range(20):
        send(f"more {n}", school=world.school_s if n % 2 else world.school_n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(INBOX)


def test_opening_a_message_is_audited_and_shows_the_text_and_contact(client, world):
    message = send("Please help", school=world.school_n, contact="phone",
                   contact_details="+7 701 555 00 00").message
    client.force_login(world.spec_n.user)
    page = client.get(reverse("trustbox:message-detail", args=[message.pk]))
    html = page.content.decode()
    assert "Please help" in html and "+7 701 555 00 00" in html
    event = AuditEvent.objects.get(action="trustbox.message.viewed")
    assert event.actor_id == world.spec_n.user.pk and event.data == {"message_id": message.pk}


def test_the_centre_answers_with_a_plain_form_post(client, world):
    message = send(school=world.school_n).message
    client.force_login(world.spec_n.user)
    url = reverse("trustbox:message-reply", args=[message.pk])
    empty = client.post(url, {"body": "  "})
    assert empty.status_code == 400 and "Write the answer first." in empty.content.decode()
    done = client.post(url, {"body": "We read you. Come to room 12."}, follow=True)
    assert "The answer is saved" in done.content.decode()
    assert message.replies.get().body == "We read you. Come to room 12."


def test_priority_and_closing_are_form_posts(client, world):
    message = send(school=world.school_n).message
    client.force_login(world.head.user)
    client.post(reverse("trustbox:message-priority", args=[message.pk]), {"priority": "urgent"})
    client.post(reverse("trustbox:message-close", args=[message.pk]))
    message.refresh_from_db()
    assert message.is_urgent and message.status == TrustMessage.Status.CLOSED
    client.post(reverse("trustbox:message-close", args=[message.pk]), {"reopen": "1"})
    message.refresh_from_db()
    assert message.status == TrustMessage.Status.NEW


# --- posters -----------------------------------------------------------------------------------


def test_a_school_psychologist_prints_their_schools_poster_with_its_qr_code(client, world):
    client.force_login(world.psychologist_n.user)
    listing = client.get(reverse("trustbox:poster-list"))
    assert [s for s in listing.context["page"].object_list] == [world.school_n]
    response = client.get(reverse("trustbox:poster-pdf", args=[world.school_n.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="trustbox.poster.printed",
                                     target_id=str(world.school_n.pk)).exists()
    other = client.get(reverse("trustbox:poster-pdf", args=[world.school_s.pk]))
    assert other.status_code == 403


def test_the_head_prints_the_poster_of_any_school_of_the_region(client, world):
    client.force_login(world.head.user)
    listing = client.get(reverse("trustbox:poster-list"), {"district": world.south.pk})
    assert list(listing.context["page"].object_list) == [world.school_s]
    assert client.get(reverse("trustbox:poster-pdf",
                              args=[world.school_s.pk])).status_code == 200
    assert client.get(reverse("trustbox:poster-pdf",
                              args=[world.school_far.pk])).status_code == 404


def test_the_posters_qr_code_opens_the_box_with_the_school_chosen(tmp_path):
    address = "http://testserver/trust/?school=7"
    content = poster.poster_pdf(school_names={"kk": "Мектеп", "ru": "Школа"},
                                address=address, short_address="testserver/trust/",
                                compress=False)
    assert content.startswith(b"%PDF")
    assert segno.make(address, error="m", micro=False).designator  # the code the page draws
    if not (which("pdftoppm") and which("zbarimg")):
        pytest.skip("pdftoppm and zbarimg are needed to read the printed code back")
    (tmp_path / "poster.pdf").write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "72", str(tmp_path / "poster.pdf"),  # noqa: S607
                    str(tmp_path / "poster")], check=True)
    read = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "poster-1.png")],  # noqa: S607
                          capture_output=True, text=True, check=True)
    assert read.stdout.strip() == address


def _tool_output(args) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_a_schools_printed_poster_reads_back_its_qr_code_and_kazakh_letters(client, world,
                                                                           tmp_path):
    """The poster as printed: its QR code (read back from the picture with zbarimg) opens the
    box with the school chosen, and Kazakh letters come out as text (pdftotext)."""
    if not (which("pdftoppm") and which("zbarimg") and which("pdftotext")):
        pytest.skip("poppler-utils and zbar-tools are needed to read the poster back")
    world.school_n.name_kk = "Абай атындағы №12 жалпы білім беретін мектеп"
    world.school_n.name_ru = "Школа №12 имени Абая"
    world.school_n.save()
    client.force_login(world.psychologist_n.user)
    response = client.get(reverse("trustbox:poster-pdf", args=[world.school_n.pk]))
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(response.content)
    text = _tool_output(["pdftotext", str(pdf), "-"])
    assert "Абай атындағы №12 жалпы білім беретін мектеп" in text
    assert "111" in text and "testserver/trust/" in text
    _tool_output(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "poster")])
    address = _tool_output(["zbarimg", "-q", "--raw", str(tmp_path / "poster-1.png")]).strip()
    assert address == f"http://testserver/trust/?school={world.school_n.pk}"
    page = client.get(address.removeprefix("http://testserver"))
    assert page.status_code == 200
    assert f'name="school" value="{world.school_n.pk}"' in page.content.decode()
