"""The append-only, hash-chained audit log. Events hold codes and identifiers, never names,
IINs or narratives."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), db_index=True)
    # Plain columns, not foreign keys: a stored event never changes, whatever happens to the rows
    # it names, or its hash would break.
    actor_id = models.BigIntegerField(_("staff member"), null=True, blank=True)
    actor_username = models.CharField(_("login"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=30, blank=True)
    membership_id = models.BigIntegerField(null=True, blank=True)
    scope = models.CharField(_("scope"), max_length=120, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("object type"), max_length=60, blank=True)
    target_id = models.CharField(_("object"), max_length=40, blank=True)
    region_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    district_id = models.BigIntegerField(null=True, blank=True)
    school_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"
