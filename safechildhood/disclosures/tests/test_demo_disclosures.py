"""The demo's disclosures: written through the services, in varied states, the same every time."""

from __future__ import annotations

import pytest

from safechildhood.demo.disclosures import SITUATIONS, demo_disclosures
from safechildhood.disclosures.models import Concern, OversightNote, PoliceReport
from safechildhood.disclosures.selectors import oversight_overview
from safechildhood.disclosures.tests import fixtures
from safechildhood.people.tests.factories import PupilFactory

world = fixtures.world
_no_second_factor = fixtures._no_second_factor
pytestmark = pytest.mark.django_db


def test_the_demo_makes_reports_in_every_state_the_overview_shows(world):
    for school in (world.school_a, world.school_b):
        PupilFactory.create_batch(len(SITUATIONS) + 2, school=school, grade=7)
    staff = {"psy.a": world.psy_a.user, "psy.b": world.psy_b.user, "insp.a": world.insp_a.user,
             "insp.b": world.insp_b.user, "analyst": world.analyst.user}
    counts = demo_disclosures(seed=7, region=world.region,
                              schools=[world.school_a, world.school_b], staff=staff)
    assert (counts.concerns, counts.reports, counts.notes) == (16, 14, 2)
    assert Concern.objects.count() == 16
    statuses = set(PoliceReport.objects.values_list("status", flat=True))
    assert statuses == {"pending", "sent", "registered", "investigation", "refused", "court"}
    assert PoliceReport.objects.filter(escalated_at__isnull=False).count() == 2
    assert OversightNote.objects.filter(responded_at__isnull=True).count() == 2
    overview = oversight_overview(actor=world.analyst)
    assert overview.stale_count == 2 and overview.refusals_count == 2
    assert overview.overdue_acks_count == 2 and overview.unsent_overdue_count == 2
