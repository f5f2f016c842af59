"""Changes of state in the trust box: a child's message arrives, the centre answers it, sets its
priority or closes it, and records a concern from it.

The child's side has no actor: nothing about the writer is known or kept. The reply code is made
here, returned once to the page that shows it, and stored only as a keyed hash. The centre's
side asks the policy and writes its audit event in the same transaction; events carry ids and
codes, never the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require
from safechildhood.audit.services import audit_record
from safechildhood.directory.models import School
from safechildhood.disclosures.models import Concern
from safechildhood.disclosures.services import concern_create
from safechildhood.errors import DomainError
from safechildhood.geography.models import District
from safechildhood.people.models import Pupil
from safechildhood.trustbox import urgency
from safechildhood.trustbox.codes import reply_code_hash, reply_code_new
from safechildhood.trustbox.models import TrustMessage, TrustReply

REPLY_MAX_CHARS = 4000
CONTACT_DETAILS_MAX_CHARS = 300


@dataclass(frozen=True)
class Received:
    message: TrustMessage
    code: str  # the plain reply code: shown to the child once, stored nowhere


def _text(value: str, *, limit: int, empty, too_long, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(empty, code="empty", field=field)
    if len(text) > limit:
        raise DomainError(too_long % {"limit": limit}, code="too_long", field=field)
    return text


def message_submit(*, body: str, language: str, school: School | None = None,
                   district: District | None = None,
                   contact: str = TrustMessage.Contact.CODE_ONLY,
                   contact_details: str = "") -> Received:
    """Store a child's message and make its reply code. A school sets the district; a district
    alone is kept when the child named no school."""
    text = _text(body, limit=settings.TRUST_MESSAGE_MAX_CHARS, field="body",
                 empty=_("Write your message first."),
                 too_long=_("The message is too long: at most %(limit)s characters."))
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose a language."), code="language", field="language")
    if contact not in TrustMessage.Contact.values:
        raise DomainError(_("Choose how we may answer you."), code="contact", field="contact")
    details = (contact_details or "").strip()
    if contact == TrustMessage.Contact.CODE_ONLY:
        details = ""  # the child chose not to be contacted: keep nothing that could name them
    elif not details:
        raise DomainError(_("Write how we can reach you, or choose an answer here only."),
                          code="contact_details", field="contact_details")
    elif len(details) > CONTACT_DETAILS_MAX_CHARS:
        raise DomainError(_("Contact details are too long: at most %(limit)s characters.")
                          % {"limit": CONTACT_DETAILS_MAX_CHARS}, code="too_long",
                          field="contact_details")
    if school is not None:
        district = school.district
    signals = urgency.signals_in(f"{text}\n{details}")
    with transaction.atomic():
        code = reply_code_new()
        while TrustMessage.objects.filter(reply_code_hash=reply_code_hash(code)).exists():
            code = reply_code_new()  # astronomically rare; never reuse a code
        message = TrustMessage.objects.create(
            body=text, language=language, school=school, district=district, contact=contact,
            contact_details=details, signals=signals, reply_code_hash=reply_code_hash(code),
            priority=(TrustMessage.Priority.URGENT if signals else TrustMessage.Priority.NORMAL))
        audit_record(actor=None, action="trustbox.message.received", target=message,
                     data={"message_id": message.pk, "priority": message.priority,
                           "signals": signals})
    return Received(message=message, code=code)


def message_by_code(*, code: str) -> TrustMessage | None:
    """The message a reply code opens, or None: the caller shows the same page either way."""
    return (TrustMessage.objects.prefetch_related("replies")
            .filter(reply_code_hash=reply_code_hash(code)).first())


def reply_add(*, actor: Actor, message: TrustMessage, body: str) -> TrustReply:
    """The centre answers; the child sees it with the code. The message counts as answered."""
    text = _text(body, limit=REPLY_MAX_CHARS, field="body", empty=_("Write the answer first."),
                 too_long=_("The answer is too long: at most %(limit)s characters."))
    with transaction.atomic():
        message = TrustMessage.objects.select_for_update().get(pk=message.pk)
        require(actor, Action.TRUST_MESSAGE_REPLY, message)
        reply = TrustReply.objects.create(message=message, body=text, author=actor.user)
        message.status = TrustMessage.Status.ANSWERED
        message.answered_at = message.answered_at or timezone.now()
        message.save(update_fields=["status", "answered_at"])
        audit_record(actor=actor, action="trustbox.message.answered", target=message,
                     data={"message_id": message.pk, "reply_id": reply.pk})
    return reply


def message_set_priority(*, actor: Actor, message: TrustMessage, priority: str) -> TrustMessage:
    """Triage: a specialist reading the message raises or lowers its priority."""
    if priority not in TrustMessage.Priority.values:
        raise DomainError(_("Choose urgent or normal."), code="priority", field="priority")
    with transaction.atomic():
        message = TrustMessage.objects.select_for_update().get(pk=message.pk)
        require(actor, Action.TRUST_MESSAGE_REPLY, message)
        if message.priority == priority:
            return message
        previous = message.priority
        message.priority = priority
        message.save(update_fields=["priority"])
        audit_record(actor=actor, action="trustbox.message.prioritised", target=message,
                     data={"message_id": message.pk, "from": previous, "to": priority})
    return message


def message_close(*, actor: Actor, message: TrustMessage) -> TrustMessage:
    """Close a message that needs nothing more (answered and settled, or not a real message).
    A closed message still shows its answers to the child."""
    with transaction.atomic():
        message = TrustMessage.objects.select_for_update().get(pk=message.pk)
        require(actor, Action.TRUST_MESSAGE_REPLY, message)
        if message.status == TrustMessage.Status.CLOSED:
            raise DomainError(_("The message is already closed."), code="closed")
        previous = message.status
        message.status = TrustMessage.Status.CLOSED
        message.save(update_fields=["status"])
        audit_record(actor=actor, action="trustbox.message.closed", target=message,
                     data={"message_id": message.pk, "from": previous})
    return message


def message_reopen(*, actor: Actor, message: TrustMessage) -> TrustMessage:
    with transaction.atomic():
        message = TrustMessage.objects.select_for_update().get(pk=message.pk)
        require(actor, Action.TRUST_MESSAGE_REPLY, message)
        if message.status != TrustMessage.Status.CLOSED:
            raise DomainError(_("The message is not closed."), code="open")
        message.status = (TrustMessage.Status.ANSWERED if message.answered_at
                          else TrustMessage.Status.NEW)
        message.save(update_fields=["status"])
        audit_record(actor=actor, action="trustbox.message.reopened", target=message,
                     data={"message_id": message.pk})
    return message


def message_convert(*, actor: Actor, message: TrustMessage, pupil: Pupil, category: str,
                    safety_actions: str, narrative: str, immediate_danger: bool = False,
                    triage_category: str = "", send_report: bool = False) -> Concern:
    """Record a concern (disclosures) from a message whose writer named themselves, or whom the
    centre identified from what they wrote (in the actor's scope, or found by the look-up
    among the enrolled pupils of their area): disclosed by the child, through the trust box, at
    the time the message arrived. The concern follows its own rules (a police report for the
    categories the law requires, a proposed risk-group entry); the message keeps the link and
    stays in the inbox for the answer to the child. One message gives at most one concern."""
    with transaction.atomic():
        message = TrustMessage.objects.select_for_update().get(pk=message.pk)
        require(actor, Action.TRUST_MESSAGE_CONVERT, message)
        if message.concern_id is not None:
            raise DomainError(_("A concern has already been recorded from this message."),
                              code="converted")
        require(actor, Action.TRUST_MESSAGE_CONVERT, pupil)
        concern = concern_create(
            actor=actor, pupil=pupil, category=category,
            disclosed_by=Concern.DisclosedBy.CHILD, channel=Concern.Channel.TRUST_BOX,
            disclosed_at=message.created_at, safety_actions=safety_actions,
            narrative=narrative, immediate_danger=immediate_danger,
            triage_category=triage_category, send_report=send_report, trust_message=message)
        message.concern = concern
        message.save(update_fields=["concern"])
        audit_record(actor=actor, action="trustbox.message.converted", target=message,
                     data={"message_id": message.pk, "concern_id": concern.pk})
    return concern
