"""Access rules of the trust box: registered into the policy's tables (see policy.py).

Who reads the children's messages:

* the centre head: every message naming a school or district of the region;
* a centre specialist: messages naming a school or district among the specialist's districts;
* both, in every region: messages that name no place. The public page belongs to no region, so
  an unplaced message is in nobody's area; showing it to all the centre's staff means that an
  urgent one is never left unread. By the design of the box nothing in it names a child unless
  the child chose to write it.

School psychologists and school administrators never see the inbox: a child writes to the
trust box precisely because it is not the school. They print the poster of their own school;
the centre head prints the poster of any school of the region. A centre specialist turns a
message into a concern about a pupil: one in their own scope, or an enrolled pupil of their
districts whom the centre does not know yet. A child who names themselves in the box is often
new to the centre; the specialist may then look that one child up (by exact IIN, or by exact
name within a chosen school: ``convert_lookup_pupils``), each look-up audited, and record the
concern about them; the concern's triage proposal then puts the child in the centre's scope.
Writing to the box and reading an answer with the reply code need no account and go through
no rule here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from safechildhood.access import policy
from safechildhood.access.policy import CENTRE_ROLES, SCHOOL_ROLES, Action, Actor
from safechildhood.accounts.models import Role
from safechildhood.directory.models import School
from safechildhood.people.models import Pupil
from safechildhood.trustbox.models import TrustMessage, TrustReply

# Who turns a message into a concern (the head supervises and is not a recorder of these).
CONVERTERS = frozenset({Role.CENTRE_SPECIALIST})


def _messages(actor: Actor, qs: QuerySet) -> QuerySet:
    m = actor.membership
    if m is None or m.role not in CENTRE_ROLES:
        return qs.none()
    unplaced = Q(district__isnull=True)
    if m.role == Role.CENTRE_HEAD:
        return qs.filter(Q(district__region_id=m.region_id) | unplaced)
    return qs.filter(Q(district_id__in=policy._district_ids(actor)) | unplaced)


def _replies(actor: Actor, qs: QuerySet) -> QuerySet:
    return qs.filter(message__in=_messages(actor, TrustMessage.objects.all()).values("pk"))


def _centre(actor: Actor) -> bool:
    m = actor.membership
    return m is not None and m.role in CENTRE_ROLES


def convert_lookup_pupils(actor: Actor) -> QuerySet:
    """The pupils a message may be turned into a concern about beyond the actor's scope:
    enrolled pupils of a specialist's districts (the head's region). Only for the look-up of
    the child a trust message names (exact IIN or exact name and school, audited by the
    caller): never a roster."""
    area = policy._centre_area(actor, "school__district")
    if area is None or actor.role not in CONVERTERS:
        return Pupil.objects.none()
    return Pupil.objects.filter(status=Pupil.Status.ACTIVE, **area)


def convert_lookup_schools(actor: Actor) -> QuerySet:
    """The schools a name look-up may be run in: those of the same area, active."""
    area = policy._centre_area(actor, "district")
    if area is None or actor.role not in CONVERTERS:
        return School.objects.none()
    return School.objects.filter(is_active=True, **area)


def _convertible(actor: Actor, obj: Any) -> bool:
    """obj: the message (in the actor's scope), or the pupil the concern is about (in the
    actor's pupil scope and enrolled, or found by the look-up: enrolled, of their area)."""
    if obj is None:
        return True
    if isinstance(obj, Pupil):
        if obj.status != Pupil.Status.ACTIVE:
            return False
        return (convert_lookup_pupils(actor).filter(pk=obj.pk).exists()
                or policy.in_scope(actor, obj))
    return policy.in_scope(actor, obj)


def _rule(actor: Actor, action: Action, obj: Any) -> bool | None:
    m = actor.membership
    match action:
        case Action.TRUST_MESSAGE_LIST:
            return _centre(actor)
        case Action.TRUST_MESSAGE_VIEW | Action.TRUST_MESSAGE_REPLY:
            return _centre(actor) and (obj is None or policy.in_scope(actor, obj))
        case Action.TRUST_MESSAGE_CONVERT:
            # Recording a concern is a specialist's work (the head supervises). With a pupil
            # as obj, disclosures.concern_create accepts the pupil on this rule when it
            # records a concern from a trust message.
            return m is not None and m.role in CONVERTERS and _convertible(actor, obj)
        case Action.TRUST_POSTER_PRINT:
            # obj, if given, is the school whose poster is printed
            if m is None:
                return False
            if m.role in SCHOOL_ROLES:
                return obj is None or (isinstance(obj, School) and obj.pk == m.school_id)
            if m.role == Role.CENTRE_HEAD:
                return obj is None or (isinstance(obj, School)
                                       and obj.district.region_id == m.region_id)
            return False
    return None


policy.SCOPES[TrustMessage] = _messages
policy.SCOPES[TrustReply] = _replies
policy.ACTION_RULES.append(_rule)
