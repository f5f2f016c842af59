"""Turning a trust box message into a concern when the child names themselves: the specialist
finds the child among the children they may see, records the concern (disclosed by the child,
through the trust box) and the message keeps the link both ways."""

import pytest
from django.urls import reverse

from safechildhood.audit.models import AuditEvent
from safechildhood.disclosures.models import Concern, PoliceReport
from safechildhood.errors import DomainError, Forbidden
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


def test_only_a_specialist_converts_and_only_for_a_child_in_their_scope(world):
    mine = known_pupil(world.school_n)
    unknown = PupilFactory(school=world.school_n)  # not known to the centre: out of scope
    message = send(TEXT, school=world.school_n).message
    args = {"category": Concern.Category.BULLYING, "safety_actions": "x", "narrative": "y"}
    with pytest.raises(Forbidden):
        services.message_convert(actor=world.head, message=message, pupil=mine, **args)
    with pytest.raises((Forbidden, DomainError)):
        services.message_convert(actor=world.spec_n, message=message, pupil=unknown, **args)
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
    outsider = PupilFactory(school=world.school_n)
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
