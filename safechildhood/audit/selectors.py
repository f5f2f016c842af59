"""Reads of the audit log: the trail page and the latest events on the home page.

The trail pages by event id ("older than #n", "newer than #n") rather than by page number: the
log of a region grows by millions of rows, and counting them or skipping with OFFSET on every
page view would get slower every month, while a step along the primary key costs the same on
the first page and the ten-thousandth.

Reading the trail is not itself written to the trail (it would record its own reading forever);
the records it names stay closed to whoever may not open them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.audit.models import AuditEvent

PAGE_SIZE = 50

# What a trail row shows; the chain hashes and the details stay in the database.
_LISTED = ("id", "at", "actor_id", "actor_username", "role", "scope", "action", "target_type",
           "target_id", "region_id")


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def event_list(
    *,
    actor: Actor,
    action: str = "",
    username: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    target_type: str = "",
    target_id: str = "",
) -> QuerySet[AuditEvent]:
    """The events the actor may read, newest first. Dates are whole local days (Asia/Almaty):
    ``date_to`` includes the events of that day."""
    require(actor, Action.AUDIT_VIEW)
    qs = scope(actor, AuditEvent.objects.all()).only(*_LISTED)
    if action:
        qs = qs.filter(action=action)
    if username:
        qs = qs.filter(actor_username__iexact=username.strip())
    if date_from is not None:
        qs = qs.filter(at__gte=_local_midnight(date_from))
    if date_to is not None:
        qs = qs.filter(at__lt=_local_midnight(date_to + dt.timedelta(days=1)))
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id.strip())
    return qs.order_by("-id")


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    newer_than: int | None  # id for the "newer" link, None on the newest page
    older_than: int | None  # id for the "older" link, None on the oldest page


def event_page(
    events: QuerySet[AuditEvent],
    *,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> EventPage:
    """One page of ``events`` (newest first): the ``size`` events older than ``before``, or the
    ``size`` events just newer than ``after``, or the newest ones. Two queries."""
    if after is not None:
        rows = list(events.filter(id__gt=after).order_by("id")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        more_older = bool(rows) and events.filter(id__lt=rows[-1].pk).exists()
    else:
        cut = events.filter(id__lt=before) if before is not None else events
        rows = list(cut.order_by("-id")[: size + 1])
        more_older = len(rows) > size
        rows = rows[:size]
        more_newer = before is not None and bool(rows) and \
            events.filter(id__gt=rows[0].pk).exists()
    return EventPage(
        events=rows,
        newer_than=rows[0].pk if rows and more_newer else None,
        older_than=rows[-1].pk if rows and more_older else None,
    )


def recent_events(*, actor: Actor, limit: int = 8) -> list[AuditEvent]:
    """The latest events the actor may read (for the home page)."""
    return list(event_list(actor=actor)[:limit])
