"""The trust box services: a message arrives encrypted with nothing about its writer, the
reply code opens it and nothing else does, the centre answers, triages and closes."""

import pytest
from django.db import connection

from safechildhood.audit.models import AuditEvent
from safechildhood.errors import DomainError, NotFound
from safechildhood.trustbox import services
from safechildhood.trustbox.codes import (
    ALPHABET,
    LENGTH,
    reply_code_display,
    reply_code_hash,
)
from safechildhood.trustbox.models import TrustMessage, TrustReply
from safechildhood.trustbox.tests.fixtures import send

pytestmark = pytest.mark.django_db

TEXT = "Мой отчим бьёт меня, я боюсь идти домой."


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_a_message_is_stored_encrypted_and_its_code_only_as_a_keyed_hash(world):
    received = send(TEXT, language="ru", school=world.school_n)
    message = received.message
    code = received.code
    assert len(code) == LENGTH and set(code) <= set(ALPHABET)
    stored = _raw("trustbox_trustmessage", "body", message.pk)
    assert stored.startswith("fernet:") and "отчим" not in stored
    assert message.reply_code_hash == reply_code_hash(code) != code
    assert code not in str(TrustMessage.objects.values().get(pk=message.pk))
    assert message.district == world.north  # the school brings its district


def test_nothing_about_the_writer_has_a_column():
    names = {f.name for f in TrustMessage._meta.get_fields()}
    assert names == {"id", "created_at", "language", "body", "school", "district", "contact",
                     "contact_details", "priority", "signals", "status", "reply_code_hash",
                     "answered_at", "concern", "replies"}


def test_danger_words_make_a_message_urgent_and_the_audit_event_holds_no_text(world):
    received = send(TEXT, language="ru")
    assert received.message.priority == TrustMessage.Priority.URGENT
    assert received.message.signals == ["violence"]
    event = AuditEvent.objects.get(action="trustbox.message.received")
    assert event.actor_id is None
    assert "отчим" not in str(event.data) and received.code not in str(event.data)
    assert send("Скучно на уроках").message.priority == TrustMessage.Priority.NORMAL


def test_a_child_who_wants_no_contact_leaves_no_contact_details(world):
    message = send(contact=TrustMessage.Contact.CODE_ONLY,
                   contact_details="Айгерим, 7Б").message
    assert message.contact_details == ""


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"body": "   "}, "body"),
    ({"body": "x" * 4001}, "body"),
    ({"contact": TrustMessage.Contact.PHONE, "contact_details": ""}, "contact_details"),
    ({"language": "de"}, "language"),
])
def test_bad_input_is_refused_and_nothing_is_stored(world, kwargs, field):
    values = {"body": "Hello", "language": "en", **kwargs}
    with pytest.raises(DomainError) as refused:
        services.message_submit(**values)
    assert refused.value.field == field
    assert TrustMessage.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_the_code_opens_its_message_however_it_is_typed_and_nothing_else_does(world):
    received = send()
    send("another child")
    typed = reply_code_display(received.code).lower().replace("-", " - ")
    assert services.message_by_code(code=typed) == received.message
    wrong = ("A" if received.code[0] != "A" else "C") + received.code[1:]
    assert services.message_by_code(code=wrong) is None
    assert services.message_by_code(code="") is None


def test_the_centre_answers_and_the_message_counts_as_answered(world):
    message = send(school=world.school_n).message
    reply = services.reply_add(actor=world.spec_n, message=message, body="  We hear you.  ")
    message.refresh_from_db()
    assert reply.body == "We hear you."
    assert message.status == TrustMessage.Status.ANSWERED and message.answered_at
    assert _raw("trustbox_trustreply", "body", reply.pk).startswith("fernet:")
    event = AuditEvent.objects.get(action="trustbox.message.answered")
    assert event.data == {"message_id": message.pk, "reply_id": reply.pk}
    assert event.district_id == world.north.pk


def test_a_specialist_cannot_answer_a_message_of_another_district(world):
    message = send(school=world.school_s).message
    with pytest.raises(NotFound):
        services.reply_add(actor=world.spec_n, message=message, body="Hello")
    assert TrustReply.objects.count() == 0


def test_an_answer_rolls_back_when_its_audit_event_fails(world, monkeypatch):
    message = send(school=world.school_n).message

    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.reply_add(actor=world.head, message=message, body="Hello")
    message.refresh_from_db()
    assert TrustReply.objects.count() == 0 and message.status == TrustMessage.Status.NEW


def test_the_centre_sets_the_priority_and_closes_and_reopens(world):
    message = send(school=world.school_n).message
    services.message_set_priority(actor=world.head, message=message, priority="urgent")
    message.refresh_from_db()
    assert message.is_urgent
    services.message_close(actor=world.head, message=message)
    message.refresh_from_db()
    assert message.status == TrustMessage.Status.CLOSED
    with pytest.raises(DomainError):
        services.message_close(actor=world.head, message=message)
    services.message_reopen(actor=world.head, message=message)
    message.refresh_from_db()
    assert message.status == TrustMessage.Status.NEW
    assert list(AuditEvent.objects.filter(action__startswith="trustbox.message.")
                .exclude(action="trustbox.message.received")
                .values_list("action", flat=True).order_by("id")) == [
        "trustbox.message.prioritised", "trustbox.message.closed",
        "trustbox.message.reopened"]
