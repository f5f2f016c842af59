"""Turning a trust box message into a concern when the child names themselves: the specialist
finds the child among the children they may see, or (a child new to the centre) by the audited
look-up by exact IIN or exact name and school among the enrolled pupils of their districts,
records the concern (disclosed by the child, through the trust box) and the message keeps the
link both ways."""

import pytest
from django.urls import reverse

from safechildhood.access.policy import Action, can
from safechildhood.audit.models import AuditEvent
from safechildhood.disclosures.models import Concern, PoliceReport
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.people.models import Pupil
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import TriageProposal
from safechildhood.trustbox import services
from safechildhood.trustbox.models import TrustMessage
from safechildhood.trustbox.tests.fixtures import send

pytestmark = pytest.mark.django_db

TEXT = "Мен Аружан Сейітова, 7Б. Өгей әкем мені ұрады."


def known_pupil(school, **names):
    """A pupil the centre already knows (a triage proposal in the district): in the scope of
    the district's specialist."""
    pupil = PupilFactory(school=school, with_iin=True, **names)
    TriageProposal.objects.create(
        pupil=pupil, school=school, district=school.district,
        source=TriageProposal.Source.SCREENING, category=TriageProposal.Category.ANXIETY,
        level=TriageProposal.Level.MEDIUM)
    return pupil


def _fields(pupil, **extra):
    return {"pupil": pupil.pk if pupil else "", "category": Concern.Category.FAMILY_VIOLENCE,
            "safety_actions": "A specialist goes to the school today.", "narrative": TEXT,
            **extra}


def test_a_specialist_turns_a_message_into_a_concern_and_the_link_is_kept(world):
    pupil = known_pupil(world.school_n, last_name="Сейітова", first_name="Аружан")
    message = send(TEXT, language="kk", school=world.school_n).message
    concern = services.message_convert(
        actor=world.spec_n, message=message, pupil=pupil,
        category=Concern.Category.FAMILY_VIOLENCE, safety_actions="Visit today.",
        narrative=TEXT, immediate_danger=True)
    message.refresh_from_db()
    assert message.concern == concern and concern.trust_message == message
    assert concern.pupil == pupil
    assert concern.disclosed_by == Concern.DisclosedBy.CHILD
    assert concern.channel == Concern.Channel.TRUST_BOX
    assert concern.disclosed_at == message.created_at
    assert PoliceReport.objects.filter(concern=concern).exists()  # the law's category
    event = AuditEvent.objects.get(action="trustbox.message.converted")
    assert event.data == {"message_id": message.pk, "concern_id": concern.pk}
    with pytest.raises(DomainError):
        services.message_convert(actor=world.spec_n, message=message, pupil=pupil,
                                 category=Concern.Category.BULLYING, safety_actions="x",
                                 narrative="y")
    assert Concern.objects.count() == 1


def test_only_a_specialist_converts_and_only_for_a_child_of_their_districts(world):
    mine = known_pupil(world.school_n)
    other_district = PupilFactory(school=world.school_s)  # not known, not in their districts
    left = PupilFactory(school=world.school_n, status=Pupil.Status.LEFT)
    message = send(TEXT, school=world.school_n).message
    args = {"category": Concern.Category.BULLYING, "safety_actions": "x", "narrative": "y"}
    with pytest.raises(Forbidden):
        services.message_convert(actor=world.head, message=message, pupil=mine, **args)
    for pupil in (other_district, left):
        with pytest.raises((NotFound, Forbidden)):
            services.message_convert(actor=world.spec_n, message=message, pupil=pupil, **args)
    assert Concern.objects.count() == 0
    message.refresh_from_db()
    assert message.concern is None  # nothing half-done


def test_the_convert_page_finds_the_child_by_name_or_iin_within_scope(client, world):
    pupil = known_pupil(world.school_n, last_name="Сейітова", first_name="Аружан")
    other_district = known_pupil(world.school_s, last_name="Сейітова", first_name="Айгерім")
    PupilFactory(school=world.school_n, last_name="Сейітова", first_name="Дана")  # unknown
    message = send(TEXT, language="kk", school=world.school_n).message
    client.force_login(world.spec_n.user)
    url = reverse("trustbox:message-convert", args=[message.pk])
    empty = client.get(url)
    assert empty.status_code == 200 and empty.context["candidates"] == []
    found = client.get(url, {"q": "сейітова"})
    assert found.context["candidates"] == [pupil]
    assert other_district.first_name not in found.content.decode()
    assert "Дана" not in found.content.decode()
    by_iin = client.get(url, {"q": pupil.iin[:8]})
    assert by_iin.context["candidates"] == [pupil]


def test_the_convert_form_posts_and_the_message_page_links_the_concern(client, world):
    pupil = known_pupil(world.school_n)
    message = send(TEXT, school=world.school_n).message
    client.force_login(world.spec_n.user)
    url = reverse("trustbox:message-convert", args=[message.pk])
    invalid = client.post(url, _fields(None))
    assert invalid.status_code == 400 and "Choose the child." in invalid.content.decode()
    outsider = PupilFactory(school=world.school_s)  # another district: never accepted
    refused = client.post(url, _fields(outsider))
    assert refused.status_code == 400 and Concern.objects.count() == 0
    done = client.post(url, _fields(pupil), follow=True)
    concern = Concern.objects.get()
    assert TrustMessage.objects.get().concern == concern
    html = done.content.decode()
    assert reverse("disclosures:concern-detail", args=[concern.pk]) in html
    assert reverse("trustbox:message-convert", args=[message.pk]) not in html
    again = client.get(url)
    assert again.status_code == 302


def test_the_head_and_other_districts_cannot_open_the_convert_page(client, world):
    message = send(TEXT, school=world.school_s).message
    url = reverse("trustbox:message-convert", args=[message.pk])
    client.force_login(world.spec_n.user)
    assert client.get(url).status_code == 404
    client.force_login(world.head.user)
    assert client.get(url).status_code == 403


# --- the look-up of a child new to the centre --------------------------------------------------


def _lookup_iin(client, url, iin):
    return client.post(url, {"lookup": "iin", "by_iin-iin": iin})


def _lookup_name(client, url, last, first, school):
    return client.post(url, {"lookup": "name", "by_name-last_name": last,
                             "by_name-first_name": first, "by_name-school": school.pk})


def test_a_specialist_finds_a_child_new_to_the_centre_by_iin_and_converts(client, world):
    child = PupilFactory(school=world.school_n, with_iin=True, last_name="Сейітова",
                         first_name="Аружан")
    message = send(TEXT, language="kk", school=world.school_n).message
    client.force_login(world.spec_n.user)
    url = reverse("trustbox:message-convert", args=[message.pk])
    assert client.get(url, {"q": "Сейітова"}).context["candidates"] == []  # not in scope
    found = _lookup_iin(client, url, child.iin[:6] + " " + child.iin[6:])
    assert found.status_code == 200 and found.context["candidates"] == [child]
    html = found.content.decode()
    assert "Сейітова Аружан" in html and child.class_name in html
    done = client.post(url, _fields(child), follow=True)
    assert done.status_code == 200
    concern = Concern.objects.get()
    assert concern.pupil == child and concern.channel == Concern.Channel.TRUST_BOX
    assert TrustMessage.objects.get().concern == concern
    # the concern's triage proposal now puts the child in the centre's scope
    assert can(world.spec_n, Action.PUPIL_VIEW, child)


def test_a_specialist_finds_a_child_by_exact_name_in_a_school(client, world):
    child = PupilFactory(school=world.school_n, last_name="Сейітова", first_name="Аружан")
    PupilFactory(school=world.school_n, last_name="Сейітова", first_name="Аружана")  # not exact
    PupilFactory(school=world.school_n, last_name="Сейітова", first_name="Аружан",
                 status=Pupil.Status.LEFT)
    message = send(TEXT, language="kk", school=world.school_n).message
    client.force_login(world.spec_n.user)
    url = reverse("trustbox:message-convert", args=[message.pk])
    found = _lookup_name(client, url, "  сейітова ", "АРУЖАН", world.school_n)
    assert found.status_code == 200 and found.context["candidates"] == [child]
    services.message_convert(actor=world.spec_n, message=message, pupil=child,
                             category=Concern.Category.BULLYING, safety_actions="x",
                             narrative="y")
    assert Concern.objects.get().pupil == child


def test_a_wrong_iin_checksum_is_a_clear_error_and_searches_nothing(client, world):
    child = PupilFactory(school=world.school_n, with_iin=True)
    wrong = child.iin[:11] + str((int(child.iin[11]) + 1) % 10)
    message = send(TEXT, school=world.school_n).message
    client.force_login(world.spec_n.user)
    response = _lookup_iin(client, reverse("trustbox:message-convert", args=[message.pk]), wrong)
    assert response.status_code == 400 and response.context["candidates"] == []
    assert "check digit is wrong" in response.content.decode()
    assert not AuditEvent.objects.filter(action="trustbox.pupil.looked_up").exists()


def test_a_pupil_of_another_district_or_region_is_not_found(client, world):
    south = PupilFactory(school=world.school_s, with_iin=True, last_name="Омар",
                         first_name="Ерлан")
    far = PupilFactory(school=world.school_far, with_iin=True, last_name="Омар",
                       first_name="Ерлан")
    message = send(TEXT, school=world.school_n).message
    client.force_login(world.spec_n.user)
    url = reverse("trustbox:message-convert", args=[message.pk])
    answers = [_lookup_iin(client, url, south.iin), _lookup_iin(client, url, far.iin)]
    for response in answers:
        assert response.status_code == 200 and response.context["candidates"] == []
        assert "No enrolled pupil of your districts matches." in response.content.decode()
    # the schools of other districts are not offered, and cannot be posted
    offered = list(answers[0].context["name_form"].fields["school"].queryset)
    assert offered == [world.school_n]
    refused = _lookup_name(client, url, "Омар", "Ерлан", world.school_s)
    assert refused.status_code == 400 and refused.context["candidates"] == []
    assert Concern.objects.count() == 0
    posted = client.post(url, _fields(south))
    assert posted.status_code == 400 and Concern.objects.count() == 0


def test_every_lookup_is_audited_without_what_was_typed(client, world):
    child = PupilFactory(school=world.school_n, with_iin=True, last_name="Сейітова",
                         first_name="Аружан")
    message = send(TEXT, school=world.school_n).message
    client.force_login(world.spec_n.user)
    url = reverse("trustbox:message-convert", args=[message.pk])
    _lookup_iin(client, url, child.iin)
    _lookup_name(client, url, "Нұрлан", "Бекова", world.school_n)
    events = list(AuditEvent.objects.filter(action="trustbox.pupil.looked_up").order_by("pk"))
    assert [e.data for e in events] == [
        {"message_id": message.pk, "how": "iin", "matches": 1},
        {"message_id": message.pk, "how": "name", "matches": 0}]
    for event in events:
        stored = str(event.__dict__)
        assert child.iin not in stored and "Нұрлан" not in stored and "Бекова" not in stored


def test_school_staff_and_the_police_cannot_use_the_lookup(client, world):
    child = PupilFactory(school=world.school_n, with_iin=True)
    message = send(TEXT, school=world.school_n).message
    url = reverse("trustbox:message-convert", args=[message.pk])
    for actor in (world.psychologist_n, world.admin_n, world.inspector, world.head):
        client.force_login(actor.user)
        response = _lookup_iin(client, url, child.iin)
        assert response.status_code in (403, 404)
        assert not can(actor, Action.TRUST_MESSAGE_CONVERT, child)
    assert not AuditEvent.objects.filter(action="trustbox.pupil.looked_up").exists()


def test_the_wider_pupil_rule_holds_only_when_recording_from_a_trust_message(world):
    from django.utils import timezone

    from safechildhood.disclosures.services import concern_create

    child = PupilFactory(school=world.school_n)  # new to the centre, in the specialist's district
    assert can(world.spec_n, Action.TRUST_MESSAGE_CONVERT, child)
    assert not can(world.spec_n, Action.CONCERN_CREATE, child)
    assert not can(world.spec_far, Action.TRUST_MESSAGE_CONVERT, child)
    with pytest.raises((NotFound, Forbidden)):  # the disclosures form's way: the narrow scope
        concern_create(actor=world.spec_n, pupil=child, category=Concern.Category.BULLYING,
                       disclosed_by=Concern.DisclosedBy.CHILD,
                       channel=Concern.Channel.TRUST_BOX, disclosed_at=timezone.now(),
                       safety_actions="x", narrative="y")
    assert Concern.objects.count() == 0
