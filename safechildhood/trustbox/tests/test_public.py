"""The child's pages: write without an account or script, get a reply code, read the answer with
it. A wrong code reveals nothing and cannot be tried quickly; nothing identifying reaches the
database or the logs."""

import gzip
import logging
import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from safechildhood.audit.models import AuditEvent
from safechildhood.trustbox import services
from safechildhood.trustbox.models import TrustMessage
from safechildhood.trustbox.tests.fixtures import send

pytestmark = pytest.mark.django_db

WRITE = reverse("trustbox:write")
READ = reverse("trustbox:read")
SECRET = "Менің ағам мені ұрады, бүгін түнде үйге барғым келмейді"


def _form(client, url=WRITE, **params):
    page = client.get(url, params)
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.content.decode()).group(1)
    return page, nonce


def _post(client, nonce, **data):
    values = {"body": "I feel lonely.", "language": "en", "contact": "code", "nonce": nonce,
              "website": "", **data}
    return client.post(WRITE, values)


def _code(response) -> str:
    return re.search(r'id="reply-code">([A-Z0-9-]+)<', response.content.decode()).group(1)


def test_the_page_is_small_has_no_script_and_gives_the_111_line(client, world):
    page = client.get(WRITE, {"lang": "kk"})
    assert page.status_code == 200
    html = page.content.decode()
    assert len(page.content) < 50_000
    assert "<script" not in html
    assert "111" in html
    assert '<html lang="kk">' in html
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]


def test_a_poster_link_shows_its_school_which_the_child_can_remove_keeping_the_text(
        client, world):
    page, nonce = _form(client, school=world.school_n.pk)
    assert world.school_n.name in page.content.decode()
    cleared = client.post(WRITE, {"step": "clear", "body": "my words", "language": "en",
                                  "school": world.school_n.pk, "district": world.north.pk,
                                  "contact": "code", "nonce": nonce})
    html = cleared.content.decode()
    assert world.school_n.name not in html
    assert "my words" in html
    assert 'name="district"' in html


def test_a_stale_poster_link_opens_the_box_without_a_school(client, world):
    page = client.get(WRITE, {"school": "99999x"})
    assert page.status_code == 200


def test_without_script_a_district_then_a_school_is_chosen_and_the_text_is_kept(client, world):
    _page, nonce = _form(client)
    shown = client.post(WRITE, {"step": "place", "district": world.north.pk, "body": "words",
                                "language": "en", "contact": "code", "nonce": nonce})
    html = shown.content.decode()
    assert shown.status_code == 200
    assert world.school_n.name in html and world.school_s.name not in html
    assert "words" in html and TrustMessage.objects.count() == 0
    sent = _post(client, nonce, district=world.north.pk, school=world.school_n.pk)
    assert sent.status_code == 200
    message = TrustMessage.objects.get()
    assert message.school == world.school_n and message.district == world.north


def test_a_school_of_another_district_than_the_one_chosen_is_dropped(client, world):
    _page, nonce = _form(client)
    _post(client, nonce, district=world.south.pk, school=world.school_n.pk)
    message = TrustMessage.objects.get()
    assert message.school is None and message.district == world.south


def test_a_child_sends_a_message_and_reads_the_answer_with_the_code(client, world):
    _page, nonce = _form(client, school=world.school_n.pk, lang="kk")
    sent = _post(client, nonce, body=SECRET, language="kk", school=world.school_n.pk)
    assert sent.status_code == 200 and "no-store" in sent["Cache-Control"]
    code = _code(sent)
    message = TrustMessage.objects.get()
    assert message.body == SECRET and message.language == "kk" and message.is_urgent
    assert message.school == world.school_n
    services.reply_add(actor=world.spec_n, message=message, body="Біз сізбен біргеміз.")
    waiting = client.get(READ)
    assert waiting.status_code == 200
    answer = client.post(READ, {"code": code.lower(), "language": "kk"})
    assert answer.status_code == 200
    assert "Біз сізбен біргеміз." in answer.content.decode()
    assert Session.objects.count() == 0  # nothing links a browser to a message


def test_before_an_answer_the_code_says_to_come_back(client, world):
    code = send().code
    page = client.post(READ, {"code": code, "language": "en"})
    assert "There is no answer yet" in page.content.decode()


def test_a_wrong_code_reveals_nothing_whatever_exists(client, world):
    def wrong(code):
        response = client.post(READ, {"code": code, "language": "en"})
        return response.status_code, response.content.decode().replace(
            re.search(r'name="csrfmiddlewaretoken" value="[^"]*"',
                      response.content.decode()).group(0), "")

    empty_box = wrong("ACDE-FHJK-MNPQ")
    real = send()
    services.reply_add(actor=world.head, message=real.message, body="The answer")
    assert wrong("ACDE-FHJK-MNPQ") == empty_box
    assert wrong("nonsense!") == empty_box
    assert wrong(real.code[:-1]) == empty_box
    assert wrong("X" * 500) == empty_box
    assert empty_box[0] == 400 and "The answer" not in empty_box[1]
    assert "This code does not open an answer" in empty_box[1]


def test_codes_cannot_be_tried_quickly_even_a_right_one_waits(client, world, settings):
    settings.TRUST_CODE_ATTEMPTS = 3
    real = send()
    events = AuditEvent.objects.count()
    for _attempt in range(3):
        assert client.post(READ, {"code": "ACDE-FHJK-MNPQ", "language": "en"}).status_code == 400
    paused = client.post(READ, {"code": real.code, "language": "en"})
    assert paused.status_code == 429
    assert "Too many wrong codes" in paused.content.decode()
    # the counting lives in the cache only
    assert AuditEvent.objects.count() == events and Session.objects.count() == 0
    other_address = client.post(READ, {"code": real.code, "language": "en"},
                                REMOTE_ADDR="10.9.8.7")
    assert other_address.status_code == 200


def test_the_honeypot_keeps_automated_posts_out(client, world):
    _page, nonce = _form(client)
    refused = _post(client, nonce, website="http://spam.example")
    assert refused.status_code == 400
    assert "could not be sent" in refused.content.decode()
    assert TrustMessage.objects.count() == 0


def test_a_few_messages_an_hour_from_one_address(client, world, settings):
    settings.TRUST_MESSAGES_PER_HOUR = 2
    for _n in range(2):
        _page, nonce = _form(client)
        assert _post(client, nonce).status_code == 200
    _page, nonce = _form(client)
    refused = _post(client, nonce, body="third one")
    assert refused.status_code == 429
    assert "third one" in refused.content.decode()  # the text is not lost
    assert TrustMessage.objects.count() == 2


def test_a_resent_form_does_not_send_twice(client, world):
    _page, nonce = _form(client)
    assert _post(client, nonce).status_code == 200
    again = _post(client, nonce)
    assert "already been sent" in again.content.decode()
    assert "reply-code" not in again.content.decode()
    assert TrustMessage.objects.count() == 1


@pytest.mark.parametrize(("data", "error"), [
    ({"body": ""}, "Write your message first."),
    ({"body": "x" * 4001}, "The message is too long"),
    ({"contact": "phone", "contact_details": ""}, "Write how we can reach you"),
])
def test_bad_input_gets_a_clear_error_and_nothing_is_stored(client, world, data, error):
    _page, nonce = _form(client)
    response = _post(client, nonce, **data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert TrustMessage.objects.count() == 0


def test_the_text_and_the_code_never_reach_the_logs(client, world, caplog):
    caplog.set_level(logging.DEBUG)
    _page, nonce = _form(client)
    sent = _post(client, nonce, body=SECRET, contact="phone",
                 contact_details="+7 701 000 11 22")
    code = _code(sent)
    client.post(READ, {"code": code, "language": "en"})
    client.post(READ, {"code": "WRONG-CODE-XYZ", "language": "en"})
    _post(client, "", body=SECRET)  # an invalid form too
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    for secret in (SECRET, "ұрады", "701 000", code, code.replace("-", "")):
        assert secret not in logged


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_page_weighs_a_few_kilobytes_over_a_slow_connection(client, world, language):
    """The whole page (styles inline, no script, no picture, no font): what a cheap phone on a
    slow connection loads, compressed as the server sends it, with a region's districts."""
    from safechildhood.geography.tests.factories import DistrictFactory

    for _n in range(11):
        DistrictFactory(region=world.region)
    for params in ({"lang": language}, {"lang": language, "school": world.school_n.pk}):
        page = client.get(WRITE, params)
        compressed = len(gzip.compress(page.content))
        assert compressed < 5_000, compressed
        assert b"<img" not in page.content and b"<link" not in page.content


ADDRESS = "203.0.113.77"
BROWSER = "CheapPhone/1.0 (Android 8; KZ-SIM 7-701-555-0199)"


def _everything_stored() -> str:
    """Every row of every table, as text: what a copy of the database would give away."""
    from django.db import connection

    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump.extend(str(row) for row in cursor.fetchall())
    return "\n".join(dump)


def test_no_address_browser_or_session_reaches_the_database_or_the_logs(client, world, caplog):
    caplog.set_level(logging.DEBUG)
    headers = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": BROWSER,
               "HTTP_X_FORWARDED_FOR": ADDRESS, "HTTP_ACCEPT_LANGUAGE": "kk"}
    page = client.get(WRITE, {"school": world.school_n.pk}, **headers)
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.content.decode()).group(1)
    sent = client.post(WRITE, {"body": SECRET, "language": "kk", "contact": "code",
                               "nonce": nonce, "website": "", "school": world.school_n.pk},
                       **headers)
    code = _code(sent)
    services.reply_add(actor=world.spec_n, message=TrustMessage.objects.get(), body="Answer")
    client.post(READ, {"code": code, "language": "kk"}, **headers)
    client.post(READ, {"code": "ACDE-FHJK-MNPQ", "language": "kk"}, **headers)
    stored = _everything_stored()
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    # (the phone number in the browser string, whole: four digits alone turn up in timestamps)
    for trace in (ADDRESS, "203.0.113", "CheapPhone", "555-0199", SECRET, code,
                  code.replace("-", "")):
        assert trace not in stored, trace
        assert trace not in logged, trace
    assert Session.objects.count() == 0
    assert "sessionid" not in sent.cookies


def test_the_servers_logs_keep_no_address_and_no_query_string():
    """Django logs requests only on server errors (the path, never the query or the address);
    the access log of ``scripts/run`` writes time, method, path without query, status and
    duration: no client address (%(h)s), request line (%(r)s), query (%(q)s), user agent
    (%(a)s) or header."""
    from pathlib import Path

    from django.conf import settings

    loggers = settings.LOGGING["loggers"]
    assert loggers["django.request"]["level"] == "ERROR"
    assert loggers["django.server"]["level"] == "WARNING"
    run = (Path(settings.BASE_DIR) / "scripts" / "run").read_text()
    log_format = re.search(r"--access-logformat '([^']*)'", run).group(1)
    for field in ("%(h)s", "%(r)s", "%(q)s", "%(a)s", "%(f)s", "%(u)s", "}i)s", "}e)s"):
        assert field not in log_format, field
    assert "%(U)s" in log_format
