"""Prevention objects for the authorization matrix, inside the test region and outside it:

* a training of the region's centre whose participant (attended, with a certificate) is the
  matrix's school psychologist;
* an event at the matrix's school, recorded by the police unit of the matrix's inspector (so
  that the centre, the school's psychologist and that inspector may edit it), with a material;
* a parents' group meeting at the school and a consultation with a guardian of the matrix's
  pupil.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.directory.tests.factories import PoliceUnitFactory, SupportCentreFactory
from safechildhood.people.tests.factories import GuardianFactory
from safechildhood.prevention.models import (
    Event,
    EventMaterial,
    ParentConsultation,
    ParentMeeting,
    Training,
    TrainingParticipant,
)

MATRIX_FILE = "prevention/materials/matrix/programme.pdf"


def _side(school, psychologist, police_unit, author):
    district = school.district
    region_id = district.region_id
    day = timezone.localdate() - dt.timedelta(days=10)
    centre = SupportCentreFactory(region_id=region_id)
    training = Training.objects.create(
        region_id=region_id, centre=centre, topic="Балалардың қауіпсіздігі", starts_on=day,
        ends_on=day, hours=8, trainer="Сәрсенова А.", created_by=author)
    participant = TrainingParticipant.objects.create(
        training=training, user=psychologist, region_id=region_id, district=district,
        school=school, attendance=TrainingParticipant.Attendance.ATTENDED)
    participant.certificate_number = f"{day:%Y}-{training.pk:04d}-{participant.pk:05d}"
    participant.save()
    event = Event.objects.create(
        kind=Event.Kind.LAW_ENFORCEMENT, title="Meeting with pupils", held_on=day,
        region_id=region_id, district=district, settlement=school.settlement, school=school,
        organisers=["police"], police_unit=police_unit, pupils=120, created_by=author)
    # One fixed stored file shared by every run, so that the matrix leaves nothing behind.
    if not default_storage.exists(MATRIX_FILE):
        default_storage.save(MATRIX_FILE, ContentFile(b"%PDF-1.4\n"))
    material = EventMaterial.objects.create(event=event, original_name="programme.pdf",
                                            file=MATRIX_FILE, content_type="application/pdf",
                                            size=9, uploaded_by=author)
    meeting = ParentMeeting.objects.create(held_on=day, topic="Parents' meeting",
                                           region_id=region_id, district=district,
                                           school=school, parents_count=40, created_by=author)
    return {"training": training, "participant": participant, "event": event,
            "material": material, "meeting": meeting}


def objects(w) -> dict[str, tuple]:
    inspector = w.users[Role.POLICE_INSPECTOR.value].memberships.first()
    psychologist = w.users[Role.SCHOOL_PSYCHOLOGIST.value]
    inside = _side(w.school, psychologist, inspector.police_unit, psychologist)
    other_psychologist = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST,
                                           school=w.other_school).user
    outside = _side(w.other_school, other_psychologist,
                    PoliceUnitFactory(district=w.other_school.district), other_psychologist)
    for side, pupil, author in ((inside, w.pupil, psychologist),
                                (outside, w.other_pupil, other_psychologist)):
        school = pupil.school
        side["consultation"] = ParentConsultation.objects.create(
            held_on=timezone.localdate(), guardian=GuardianFactory(pupil=pupil),
            region_id=school.district.region_id, district=school.district, school=school,
            topic="School attendance", created_by=author)
    return {f"prevention_{kind}": (inside[kind], outside[kind]) for kind in inside}
