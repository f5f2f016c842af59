"""The demo's trust box messages (safechildhood/demo/trustbox.py)."""

import pytest

from safechildhood.demo.trustbox import demo_trustbox
from safechildhood.trustbox import services
from safechildhood.trustbox.models import TrustMessage

pytestmark = pytest.mark.django_db


def test_the_demo_makes_messages_urgent_first_one_answered_and_its_code_reads_it(world):
    made = demo_trustbox(seed=1, head=world.head.user,
                         specialists={world.spec_n.user: ["north"]},
                         districts={"north": world.north, "south": world.south},
                         schools=[world.school_n, world.school_s])
    assert made.messages == TrustMessage.objects.count() == 6
    assert TrustMessage.objects.filter(priority=TrustMessage.Priority.URGENT).count() >= 2
    assert TrustMessage.objects.filter(status=TrustMessage.Status.CLOSED).count() == 1
    answered = services.message_by_code(code=made.answered_code)
    assert answered.status == TrustMessage.Status.ANSWERED and answered.replies.count() == 1
