"""A small region for the field-work tests (contacts and trips): one district with two villages
and a school in each, a second district, the district's specialist and a colleague, the centre
head, and an active case of the specialist's with a mother's phone on file."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.cases.models import Contact
from safechildhood.cases.services.contacts import ContactInput
from safechildhood.cases.tests.factories import RiskCaseFactory, head_for, specialist_for
from safechildhood.directory.tests.factories import SchoolFactory, SupportCentreFactory
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)
from safechildhood.people.tests.factories import GuardianFactory, PupilFactory

NOTES = "Анасы айтты: үйде ұрыс болады. Мама говорит, дома ссоры."


@pytest.fixture
def field(db):
    region = RegionFactory(name_en="Zhambyl region")
    district = DistrictFactory(region=region, name_en="Baizak", name_kk="Байзақ",
                               name_ru="Байзакский район")
    other_district = DistrictFactory(region=region, name_en="Merke")
    village = SettlementFactory(district=district, name_en="Sarykemer", name_kk="Сарыкемер",
                                name_ru="Сарыкемер")
    hamlet = SettlementFactory(district=district, name_en="Kokbastau", name_kk="Көкбастау",
                               name_ru="Кокбастау")
    school = SchoolFactory(settlement=village, name_en="Abai school", name_kk="Абай мектебі",
                           name_ru="Школа имени Абая")
    hamlet_school = SchoolFactory(settlement=hamlet, name_en="Kokbastau school",
                                  name_kk="Көкбастау мектебі", name_ru="Школа Кокбастау")
    other_school = SchoolFactory(settlement=SettlementFactory(district=other_district))
    centre = SupportCentreFactory(region=region)
    specialist = specialist_for(district, centre=centre)
    colleague = specialist_for(district, centre=centre)
    head = head_for(region, centre=centre)
    pupil = PupilFactory(school=school, last_name="Әбдіқадыров", first_name="Ерғали",
                         grade=7, class_letter="Ә")
    GuardianFactory(pupil=pupil, full_name="Әбдіқадырова Гүлжан", phone="+7 701 111 22 33")
    case = RiskCaseFactory(pupil=pupil, active=True, owner=specialist, opened_by=head)
    return SimpleNamespace(
        region=region, district=district, other_district=other_district, village=village,
        hamlet=hamlet, school=school, hamlet_school=hamlet_school, other_school=other_school,
        centre=centre, specialist=specialist, colleague=colleague, head=head, pupil=pupil,
        case=case, spec=actor_for(specialist), colleague_actor=actor_for(colleague),
        head_actor=actor_for(head))


def yesterday_at(hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def contact_input(**overrides) -> ContactInput:
    values = {"kind": Contact.Kind.FAMILY, "held_at": yesterday_at(),
              "duration_minutes": 50,
              "present": [Contact.Present.CHILD, Contact.Present.MOTHER],
              "notes": NOTES, "next_step": "Бір аптадан кейін үйге бару."}
    values.update(overrides)
    return ContactInput(**values)
