"""A small region for the disclosure tests: two districts, each with a school, a police unit
and its inspector; the school staff, the centre, the prosecutor's analyst; and a school, unit and
analyst of another region. Helpers record concerns and move reports along."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from safechildhood.accounts.models import Role
from safechildhood.directory.tests.factories import (
    PoliceUnitFactory,
    ProsecutorOfficeFactory,
    SupportCentreFactory,
)
from safechildhood.disclosures import services
from safechildhood.disclosures.models import Concern, PoliceReport
from safechildhood.geography.tests.factories import DistrictFactory, RegionFactory
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.tests.alerts_fixtures import school_in, staff

NARRATIVE = "Аружан said her stepfather hits her with a belt when he drinks."
SAFETY = "She stays with the school psychologist until her aunt collects her."
ERDR = "255000031000123"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


@pytest.fixture
def world(db):
    region = RegionFactory()
    baizak = DistrictFactory(region=region, name_en="Baizak", name_ru="Байзак")
    merke = DistrictFactory(region=region, name_en="Merke", name_ru="Мерке")
    school_a, school_b = school_in(baizak), school_in(merke)
    unit_a = PoliceUnitFactory(district=baizak, name_en="Baizak police")
    unit_b = PoliceUnitFactory(district=merke, name_en="Merke police")
    far_region = RegionFactory()
    far_district = DistrictFactory(region=far_region)
    school_far = school_in(far_district)
    far_unit = PoliceUnitFactory(district=far_district)
    centre = SupportCentreFactory(region=region)
    office = ProsecutorOfficeFactory(region=region)
    return SimpleNamespace(
        region=region, baizak=baizak, merke=merke, school_a=school_a, school_b=school_b,
        unit_a=unit_a, unit_b=unit_b, far_district=far_district, school_far=school_far,
        far_unit=far_unit, centre=centre, office=office,
        psy_a=staff(Role.SCHOOL_PSYCHOLOGIST, school=school_a),
        admin_a=staff(Role.SCHOOL_ADMIN, school=school_a),
        psy_b=staff(Role.SCHOOL_PSYCHOLOGIST, school=school_b),
        admin_b=staff(Role.SCHOOL_ADMIN, school=school_b),
        psy_far=staff(Role.SCHOOL_PSYCHOLOGIST, school=school_far),
        spec_a=staff(Role.CENTRE_SPECIALIST, centre=centre, districts=[baizak]),
        spec_b=staff(Role.CENTRE_SPECIALIST, centre=centre, districts=[merke]),
        head=staff(Role.CENTRE_HEAD, centre=centre),
        insp_a=staff(Role.POLICE_INSPECTOR, police_unit=unit_a),
        insp_b=staff(Role.POLICE_INSPECTOR, police_unit=unit_b),
        insp_far=staff(Role.POLICE_INSPECTOR, police_unit=far_unit),
        analyst=staff(Role.PROSECUTOR_ANALYST, prosecutor_office=office),
        analyst_far=staff(Role.PROSECUTOR_ANALYST,
                          prosecutor_office=ProsecutorOfficeFactory(region=far_region)),
        regional_admin=staff(Role.REGIONAL_ADMIN, region_scope=region),
    )


def reporter_of(w, school):
    return {w.school_a.pk: w.psy_a, w.school_b.pk: w.psy_b, w.school_far.pk: w.psy_far}[school.pk]


def concern_in(w, school=None, *, category=Concern.Category.FAMILY_VIOLENCE, actor=None,
               pupil=None, **extra) -> Concern:
    """A concern about a new pupil of ``school`` (school A by default), recorded by its
    psychologist."""
    school = school or w.school_a
    pupil = pupil or PupilFactory(school=school, grade=7)
    values = {"disclosed_by": Concern.DisclosedBy.CHILD, "channel": Concern.Channel.IN_PERSON,
              "disclosed_at": timezone.now() - dt.timedelta(hours=1),
              "safety_actions": SAFETY, "narrative": NARRATIVE, **extra}
    return services.concern_create(actor=actor or reporter_of(w, school), pupil=pupil,
                                   category=category, **values)


def report_in(w, school=None, *, status=PoliceReport.Status.SENT, **concern) -> PoliceReport:
    """A report of a concern in ``school``, taken as far as ``status`` by the right people."""
    school = school or w.school_a
    report = concern_in(w, school, **concern).report
    if status == PoliceReport.Status.PENDING:
        return report
    report = services.report_send(actor=reporter_of(w, school), report=report)
    inspector = {w.school_a.pk: w.insp_a, w.school_b.pk: w.insp_b,
                 w.school_far.pk: w.insp_far}[school.pk]
    path = [PoliceReport.Status.ACKNOWLEDGED, PoliceReport.Status.REGISTERED,
            PoliceReport.Status.INVESTIGATION, PoliceReport.Status.COURT,
            PoliceReport.Status.VERDICT]
    if status == PoliceReport.Status.REFUSED:
        path = [PoliceReport.Status.ACKNOWLEDGED, PoliceReport.Status.REFUSED]
    for step in path[:path.index(status) + 1] if status in path else []:
        if step == PoliceReport.Status.ACKNOWLEDGED:
            report = services.report_acknowledge(actor=inspector, report=report)
            continue
        extra = {}
        if step == PoliceReport.Status.REGISTERED:
            extra["erdr_number"] = f"2550000{report.pk:08d}"
        if step == PoliceReport.Status.REFUSED:
            extra["reason"] = "No signs of a criminal offence were found."
        report = services.report_status_change(actor=inspector, report=report, status=step,
                                               **extra)
    return report
