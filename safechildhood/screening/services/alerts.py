"""Crisis alerts after they are raised: acknowledgement and escalation to the centre head."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require
from safechildhood.audit.services import audit_record
from safechildhood.errors import DomainError
from safechildhood.screening.models import CrisisAlert


def alert_acknowledge(*, actor: Actor, alert: CrisisAlert) -> CrisisAlert:
    require(actor, Action.ALERT_VIEW, alert)
    with transaction.atomic():
        alert = CrisisAlert.objects.select_for_update().select_related("school__district").get(
            pk=alert.pk)
        if alert.status != CrisisAlert.Status.OPEN:
            raise DomainError(_("This alert has already been acknowledged."),
                              code="already_acknowledged")
        require(actor, Action.ALERT_ACKNOWLEDGE, alert)
        alert.status = CrisisAlert.Status.ACKNOWLEDGED
        alert.acknowledged_by = actor.user
        alert.acknowledged_at = timezone.now()
        alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        audit_record(actor=actor, action="screening.alert.acknowledged", target=alert,
                     data={"alert_id": alert.pk, "late": alert.acknowledged_at > alert.deadline})
    return alert


def alerts_escalate(*, now: dt.datetime | None = None) -> int:
    """Escalate every open alert past its deadline to the centre head, once. Driven by the
    stored deadline, so a restart of the consumer loses nothing: the next sweep catches up."""
    now = now or timezone.now()
    count = 0
    due = CrisisAlert.objects.filter(status=CrisisAlert.Status.OPEN, escalated_at__isnull=True,
                                     deadline__lt=now).values_list("pk", flat=True)
    for alert_id in list(due):
        with transaction.atomic():
            alert = (CrisisAlert.objects.select_for_update().select_related("school__district")
                     .filter(pk=alert_id, status=CrisisAlert.Status.OPEN,
                             escalated_at__isnull=True).first())
            if alert is None:
                continue
            alert.escalated_at = now
            alert.save(update_fields=["escalated_at"])
            audit_record(actor=None, action="screening.alert.escalated", target=alert,
                         data={"alert_id": alert.pk, "deadline": alert.deadline.isoformat()})
            count += 1
    return count
