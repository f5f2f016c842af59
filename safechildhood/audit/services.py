"""Writing and verifying the audit log.

Every event is chained to the one before by SHA-256 over a canonical form of its fields, so that
changing, inserting or deleting a stored event breaks the chain at that point. ``audit_record``
must run inside the transaction of the change it records: if the change rolls back, so does the
event.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from safechildhood.audit.models import AuditEvent

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x5AFEC41D  # one advisory lock serialises appends on PostgreSQL


def _canonical(event: AuditEvent) -> bytes:
    payload = [
        event.prev_hash,
        event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        event.actor_id,
        event.actor_username,
        event.role,
        event.membership_id,
        event.scope,
        event.action,
        event.target_type,
        event.target_id,
        event.region_id,
        event.district_id,
        event.school_id,
        event.data,
    ]
    return json.dumps(payload, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _locate(target: Any) -> tuple[int | None, int | None, int | None]:
    """Region, district and school of the object an event is about, so scopes can filter."""
    school = getattr(target, "school", None)
    if school is not None:
        return school.district.region_id, school.district_id, school.pk
    district = getattr(target, "district", None)
    if district is not None:
        return district.region_id, district.pk, None
    if target._meta.label_lower == "geography.region":
        return target.pk, None, None
    region_id = getattr(target, "region_id", None)
    return region_id, None, None


def audit_record(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` is an ``access.policy.Actor`` or ``None`` for the system.

    ``data`` holds identifiers and codes only, never names, IINs or narratives.
    """
    if not connection.in_atomic_block:
        with transaction.atomic():
            return audit_record(actor=actor, action=action, target=target, data=data)
    event = _event(actor=actor, action=action, target=target, data=data, prev_hash=_last_hash())
    event.save(force_insert=True)
    return event


def audit_record_many(*, actor: Any, action: str, events: list[tuple[Any, dict[str, Any]]]
                      ) -> list[AuditEvent]:
    """``audit_record`` of one action for many targets ((target, data) pairs), chained in that
    order and written in one insert (a bulk import's alerts)."""
    if not events:
        return []
    if not connection.in_atomic_block:
        with transaction.atomic():
            return audit_record_many(actor=actor, action=action, events=events)
    prev_hash = _last_hash()
    written = []
    for target, data in events:
        event = _event(actor=actor, action=action, target=target, data=data,
                       prev_hash=prev_hash)
        prev_hash = event.hash
        written.append(event)
    AuditEvent.objects.bulk_create(written)
    return written


def _last_hash() -> str:
    """The chain's last hash, holding the append lock (PostgreSQL) until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    return AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS


def _event(*, actor: Any, action: str, target: Any, data: dict[str, Any] | None,
           prev_hash: str) -> AuditEvent:
    region_id, district_id, school_id = _locate(target) if target is not None else (None,) * 3
    user = getattr(actor, "user", None)
    membership = getattr(actor, "membership", None)
    if region_id is None and membership is not None:
        # Objects without a place of their own (staff accounts, memberships) belong to the
        # region of the person acting, so that region's audit trail shows them.
        region_id = membership.region_id
    event = AuditEvent(
        at=timezone.now(),
        actor_id=user.pk if user is not None else None,
        actor_username=user.get_username() if user is not None else "",
        role=membership.role if membership is not None else "",
        membership_id=membership.pk if membership is not None else None,
        scope=(membership.scope_label[:120] if membership is not None else ""),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        region_id=region_id,
        district_id=district_id,
        school_id=school_id,
        data=data or {},
        prev_hash=prev_hash,
    )
    event.hash = event_hash(event)
    return event


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


def audit_verify(*, batch_size: int = 5000) -> tuple[int, ChainBreak | None]:
    """Walk the whole chain in order. Returns the number of events checked and the first break."""
    expected_prev = GENESIS
    checked = 0
    events: Iterator[AuditEvent] = AuditEvent.objects.order_by("id").iterator(
        chunk_size=batch_size
    )
    for event in events:
        if event.prev_hash != expected_prev:
            return checked, ChainBreak(event.pk, "previous-hash mismatch (an event before it was "
                                                 "changed, removed or inserted)")
        if event_hash(event) != event.hash:
            return checked, ChainBreak(event.pk, "content does not match its hash (changed)")
        expected_prev = event.hash
        checked += 1
    return checked, None
