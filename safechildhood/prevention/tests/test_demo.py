"""The demo's prevention work loads through the services, the same for the same seed."""

import pytest
from django.utils import timezone

from safechildhood.demo.prevention import demo_prevention
from safechildhood.prevention.models import Event, ParentConsultation, TrainingParticipant
from safechildhood.prevention.selectors import Period, parents_reached

pytestmark = pytest.mark.django_db


def test_the_demo_records_trainings_events_and_outreach(world):
    counts = demo_prevention(seed=7, region=world.region, head=world.head.user,
                             districts={"north": world.north, "south": world.south},
                             schools=[world.school_n, world.school_s])
    assert counts["trainings"] == 3
    assert counts["events"] == Event.objects.count() >= 2 + 2 + 1 + 1
    assert Event.objects.filter(police_unit=world.unit_n).exists()
    assert Event.objects.filter(prosecutor_office=world.office).exists()
    assert TrainingParticipant.objects.filter(attendance="attended").exists()
    assert ParentConsultation.objects.count() == counts["consultations"] == 4  # one twice each
    today = timezone.localdate()
    reached = parents_reached(actor=world.head, period=Period(today.replace(year=today.year - 1),
                                                              today))
    assert reached.identified == 2 and reached.in_groups > 0
