"""A risk case's place: the pupil's current school and its district, stored on the case
(cases/models.py) and kept equal to the pupil's.

The case is opened with the pupil's school (triage.py); when the pupil moves school,
``pupil_transfer`` (people/services.py) calls ``cases_follow_pupil`` through the followers
``people`` keeps (people/moves.py; registered in cases/apps.py), in the transfer's transaction.
All of the pupil's cases follow, closed ones too: the statistics count a case at the pupil's
current school, for past periods as well (statistics/indicators_cases.py). The move itself is
audited by the transfer ("people.pupil.transferred").
"""

from __future__ import annotations

from safechildhood.cases.models import RiskCase
from safechildhood.directory.models import School
from safechildhood.people.models import Pupil


def cases_follow_pupil(pupil: Pupil) -> int:
    """Give every case of ``pupil`` the pupil's current school and district (as saved); returns
    the number of cases moved."""
    district_id = School.objects.values_list("district_id", flat=True).get(pk=pupil.school_id)
    return (RiskCase.objects.filter(pupil_id=pupil.pk)
            .exclude(school_id=pupil.school_id, district_id=district_id)
            .update(school_id=pupil.school_id, district_id=district_id))
