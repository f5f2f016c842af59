"""Who reads the trust box: the centre head (region and unplaced), a specialist (their districts
and unplaced); never a school, the police or another region."""

import pytest

from safechildhood.access.policy import Action, can, scope
from safechildhood.trustbox.models import TrustMessage
from safechildhood.trustbox.tests.fixtures import send

pytestmark = pytest.mark.django_db


def _seen(actor):
    return set(scope(actor, TrustMessage.objects.all()))


def test_each_role_sees_the_messages_of_its_area_and_the_unplaced_ones(world):
    north = send(school=world.school_n).message
    south = send(district=world.south).message
    far = send(school=world.school_far).message
    unplaced = send().message
    assert _seen(world.head) == {north, south, unplaced}
    assert _seen(world.spec_n) == {north, unplaced}
    assert _seen(world.spec_far) == {far, unplaced}
    assert _seen(world.head_far) == {far, unplaced}
    for outsider in (world.psychologist_n, world.admin_n, world.inspector):
        assert _seen(outsider) == set()
        assert not can(outsider, Action.TRUST_MESSAGE_LIST)


def test_posters_are_printed_by_the_school_for_itself_and_by_the_head_for_the_region(world):
    assert can(world.psychologist_n, Action.TRUST_POSTER_PRINT, world.school_n)
    assert can(world.admin_n, Action.TRUST_POSTER_PRINT, world.school_n)
    assert not can(world.psychologist_n, Action.TRUST_POSTER_PRINT, world.school_s)
    assert can(world.head, Action.TRUST_POSTER_PRINT, world.school_s)
    assert not can(world.head, Action.TRUST_POSTER_PRINT, world.school_far)
    assert not can(world.spec_n, Action.TRUST_POSTER_PRINT, world.school_n)
    assert not can(world.inspector, Action.TRUST_POSTER_PRINT)
