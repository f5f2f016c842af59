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
message into a concern about a pupil in their own scope (people and disclosures rules decide
which pupils that is). Writing to the box and reading
an answer with the reply code need no account and go through no rule here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from safechildhood.access import policy
from safechildhood.access.policy import CENTRE_ROLES, SCHOOL_ROLES, Action, Actor
from safechildhood.accounts.models import Role
from safechildhood.directory.models import School
from safechildhood.trustbox.models import TrustMessage, TrustReply


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


def _rule(actor: Actor, action: Action, obj: Any) -> bool | None:
    m = actor.membership
    match action:
        case Action.TRUST_MESSAGE_LIST:
            return _centre(actor)
        case Action.TRUST_MESSAGE_VIEW | Action.TRUST_MESSAGE_REPLY:
            return _centre(actor) and (obj is None or policy.in_scope(actor, obj))
        case Action.TRUST_MESSAGE_CONVERT:
            # Recording a concern is a specialist's work (the head supervises and is not a
            # recorder: rules_disclosures.RECORDERS); the pupil is then checked by that rule.
            return (m is not None and m.role == Role.CENTRE_SPECIALIST
                    and (obj is None or policy.in_scope(actor, obj)))
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
