"""The anonymous trust box: a child writes, the centre answers, the child reads the answer with
the reply code the page showed once.

What is stored, and what is not: the text (encrypted), the language, optionally the school or
district the child named, how the child wishes to be contacted (and, only if the child wrote
them, the contact details, encrypted), the urgency found in the words, and a keyed hash of the
reply code. No network address, browser, device or session is stored with a message.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safechildhood.directory.models import School
from safechildhood.fields import EncryptedTextField
from safechildhood.geography.models import District


class TrustMessage(models.Model):
    class Contact(models.TextChoices):
        CODE_ONLY = "code", _("Only an answer here, read with my code")
        AT_SCHOOL = "school", _("A specialist may find me at my school")
        PHONE = "phone", _("A specialist may call or message me")

    class Priority(models.TextChoices):
        URGENT = "urgent", _("urgent")
        NORMAL = "normal", _("normal")

    class Status(models.TextChoices):
        NEW = "new", _("waiting for an answer")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", pgettext_lazy("trust message status", "closed")

    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    body = EncryptedTextField(_("message"))
    school = models.ForeignKey(School, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("school"))
    # The school's district, or the district the child named without a school.
    district = models.ForeignKey(District, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"))
    contact = models.CharField(_("contact wish"), max_length=10, choices=Contact.choices,
                               default=Contact.CODE_ONLY)
    contact_details = EncryptedTextField(_("contact details"), blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices,
                                default=Priority.NORMAL)
    # Codes of the urgency word groups found in the text (trustbox/urgency.py), not the words.
    signals = models.JSONField(_("urgency signals"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.NEW)
    reply_code_hash = models.CharField(max_length=64, unique=True, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # The concern a centre specialist recorded from this message (disclosures) once the child
    # named themselves or their school: the message leads to the concern, and the concern's
    # ``trust_message`` back to the message.
    concern = models.OneToOneField("disclosures.Concern", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="trust_message",
                                   verbose_name=_("concern"))

    class Meta:
        verbose_name = _("trust box message")
        verbose_name_plural = _("trust box messages")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "priority", "created_at"],
                                name="trust_inbox_order")]

    def __str__(self) -> str:
        return _("Trust box message %(number)s") % {"number": self.pk}

    @property
    def is_urgent(self) -> bool:
        return self.priority == self.Priority.URGENT


class TrustReply(models.Model):
    """The centre's answer to a message, shown to the child who enters the reply code."""

    message = models.ForeignKey(TrustMessage, on_delete=models.CASCADE, related_name="replies",
                                verbose_name=_("message"))
    body = EncryptedTextField(_("answer"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("trust box answer")
        verbose_name_plural = _("trust box answers")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return _("Answer to message %(number)s") % {"number": self.message_id}
