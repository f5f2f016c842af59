"""Reads of the trust box: the centre's inbox (urgent first, then oldest), one message with its
answers (the read is audited), the schools and districts the public page offers, and the
schools whose posters an actor may print."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.access.rules_trustbox import convert_lookup_pupils, convert_lookup_schools
from safechildhood.audit.services import audit_record
from safechildhood.directory.models import School
from safechildhood.errors import NotFound
from safechildhood.geography.models import District
from safechildhood.people.models import Pupil
from safechildhood.people.names import normalise_name
from safechildhood.trustbox.models import TrustMessage

INBOX_FILTERS = ("waiting", "answered", "closed", "all")


def _not_found() -> NotFound:
    return NotFound(_("Not found."), code="not_found")


def message_list(*, actor: Actor, show: str = "waiting") -> QuerySet:
    """The inbox: messages in the actor's scope, urgent first, then the oldest first."""
    require(actor, Action.TRUST_MESSAGE_LIST)
    qs = scope(actor, TrustMessage.objects.all())
    if show == "waiting":
        qs = qs.filter(status=TrustMessage.Status.NEW)
    elif show == "answered":
        qs = qs.filter(status=TrustMessage.Status.ANSWERED)
    elif show == "closed":
        qs = qs.filter(status=TrustMessage.Status.CLOSED)
    urgent_first = Case(When(priority=TrustMessage.Priority.URGENT, then=Value(0)),
                        default=Value(1), output_field=IntegerField())
    # The text is not needed for the list (and is not decrypted): only what triage needs.
    return (qs.select_related("school", "district")
            .defer("body", "contact_details")
            .order_by(urgent_first, "created_at", "pk"))


def message_counts(*, actor: Actor) -> dict[str, int]:
    """Waiting messages and urgent ones among them, for the inbox heading and the home page."""
    require(actor, Action.TRUST_MESSAGE_LIST)
    waiting = scope(actor, TrustMessage.objects.filter(status=TrustMessage.Status.NEW))
    return {"waiting": waiting.count(),
            "urgent": waiting.filter(priority=TrustMessage.Priority.URGENT).count()}


def message_get(*, actor: Actor, pk: int) -> TrustMessage:
    """One message with its answers, to read. Outside the actor's scope: ``NotFound``. The read
    is audited."""
    message = (scope(actor, TrustMessage.objects.all())
               .select_related("school__district", "district")
               .prefetch_related("replies__author").filter(pk=pk).first())
    if message is None:
        raise _not_found()
    require(actor, Action.TRUST_MESSAGE_VIEW, message)
    audit_record(actor=actor, action="trustbox.message.viewed", target=message,
                 data={"message_id": message.pk})
    return message


def message_find(*, actor: Actor, pk: int) -> TrustMessage:
    """One message to act on (no audit: acting is audited by the service)."""
    require(actor, Action.TRUST_MESSAGE_LIST)
    message = scope(actor, TrustMessage.objects.all()).filter(pk=pk).first()
    if message is None:
        raise _not_found()
    return message


# --- turning a message into a concern ----------------------------------------------------------

PUPILS_SHOWN = 20
LOOKUP_SHOWN = 10


def convert_pupils(*, actor: Actor, message: TrustMessage) -> QuerySet:
    """Every pupil the actor could record the concern about (what the form accepts, never
    listed as such): the people rules' scope (for a centre specialist, the children the centre
    already knows in their districts), enrolled, and the enrolled pupils of their districts
    the look-up finds."""
    known = _known_pupils(actor=actor, message=message).values("pk")
    lookup = convert_lookup_pupils(actor).values("pk")
    return (Pupil.objects.filter(status=Pupil.Status.ACTIVE)
            .filter(Q(pk__in=known) | Q(pk__in=lookup))
            .select_related("school__district"))


def _known_pupils(*, actor: Actor, message: TrustMessage) -> QuerySet:
    """The enrolled pupils in the actor's scope: what the free search looks through."""
    require(actor, Action.TRUST_MESSAGE_CONVERT, message)
    return (scope(actor, Pupil.objects.filter(status=Pupil.Status.ACTIVE))
            .select_related("school__district"))


def convert_lookup_school_list(*, actor: Actor, message: TrustMessage) -> QuerySet:
    """The schools a name look-up may choose: the active schools of the actor's area."""
    require(actor, Action.TRUST_MESSAGE_CONVERT, message)
    return (convert_lookup_schools(actor).select_related("district")
            .order_by("district__name_ru", "name_ru"))


def convert_pupil_lookup(*, actor: Actor, message: TrustMessage, iin: str = "",
                         last_name: str = "", first_name: str = "",
                         school: School | None = None) -> list[Pupil]:
    """Find the child a message names who may be new to the centre: an enrolled pupil of the
    actor's area with exactly this IIN, or exactly this last and first name (any case) in the
    chosen school of the area. At most ``LOOKUP_SHOWN``; only what identifies the child is
    loaded (name, date of birth, school, class). Every look-up is audited with how it was made
    and how many matched, never what was typed."""
    require(actor, Action.TRUST_MESSAGE_CONVERT, message)
    qs = convert_lookup_pupils(actor)
    if iin:
        how = "iin"
        qs = qs.filter(iin=iin)
    else:
        how = "name"
        last, first = normalise_name(last_name), normalise_name(first_name)
        if not last or not first or school is None or "|" in last + first:
            qs = qs.none()  # "|" separates the parts of the match key: never part of a name
        else:
            qs = qs.filter(school=school, match_key__startswith=f"{last}|{first}|")
    found = list(qs.select_related("school")
                 .only("pk", "last_name", "first_name", "middle_name", "birth_date", "grade",
                       "class_letter", "school__name_ru", "school__name_kk", "school__name_en")
                 .order_by("last_name", "first_name", "birth_date", "pk")[:LOOKUP_SHOWN])
    audit_record(actor=actor, action="trustbox.pupil.looked_up", target=message,
                 data={"message_id": message.pk, "how": how, "matches": len(found)})
    return found


def convert_pupil_search(*, actor: Actor, message: TrustMessage, query: str) -> list[Pupil]:
    """Pupils in the actor's scope matching the words of a name (any order, any case, Kazakh
    letters included) or the beginning of an IIN; pupils of the school the child named come
    first. Nothing is listed for an empty query: the specialist searches for the child the
    message names, not through a roster."""
    words = (query or "").split()
    if not words or len("".join(words)) < 2:
        return []
    qs = _known_pupils(actor=actor, message=message)  # never the look-up's wider area
    for word in words:
        if word.isdigit():
            qs = qs.filter(iin__startswith=word)
        else:
            for part in normalise_name(word).split():
                qs = qs.filter(match_key__contains=part)
    named_school_first = Case(When(school_id=message.school_id, then=Value(0)), default=Value(1),
                              output_field=IntegerField())
    return list(qs.order_by(named_school_first, "last_name", "first_name", "pk")[:PUPILS_SHOWN])


# --- the public page ---------------------------------------------------------------------------


def public_school(pk) -> School | None:
    """The school a poster's QR code names, if it exists and is active; otherwise none (a
    stale or mistyped link simply opens the box without a school)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (School.objects.select_related("district__region")
            .filter(pk=pk, is_active=True).first())


def public_districts() -> QuerySet:
    return District.objects.select_related("region").order_by("region__name_ru", "kind",
                                                              "name_ru")


def public_schools(district: District) -> QuerySet:
    return School.objects.filter(district=district, is_active=True).order_by("name_ru")


# --- posters -----------------------------------------------------------------------------------


def poster_schools(*, actor: Actor, district_id: int | None = None) -> QuerySet:
    """The schools whose posters the actor may print: their own school, or (the centre head)
    every active school of the region, by district."""
    require(actor, Action.TRUST_POSTER_PRINT)
    m = actor.membership
    qs = scope(actor, School.objects.filter(is_active=True)).select_related("district")
    if m.school_id:
        qs = qs.filter(pk=m.school_id)
    elif district_id:
        qs = qs.filter(district_id=district_id)
    return qs.order_by("district__name_ru", "name_ru")


def poster_school_get(*, actor: Actor, pk: int) -> School:
    """The school whose poster is printed; the printing is audited."""
    school = (scope(actor, School.objects.all()).select_related("district")
              .filter(pk=pk).first())
    if school is None:
        raise _not_found()
    require(actor, Action.TRUST_POSTER_PRINT, school)
    audit_record(actor=actor, action="trustbox.poster.printed", target=school,
                 data={"school_id": school.pk})
    return school
