"""A small region for the statistics tests: a city and two districts, staff of every role that
matters here, and helpers to write spreadsheets."""

from __future__ import annotations

import io
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.geography.models import District
from safechildhood.geography.tests.factories import DistrictFactory, RegionFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


@pytest.fixture
def region(db):
    from safechildhood.accounts.tests.factories import MembershipFactory
    from safechildhood.directory.tests.factories import (
        ProsecutorOfficeFactory,
        SchoolFactory,
        SupportCentreFactory,
    )
    from safechildhood.geography.tests.factories import SettlementFactory

    r = RegionFactory(name_kk="Жамбыл облысы", name_ru="Жамбылская область",
                      name_en="Zhambyl region")
    taraz = DistrictFactory(region=r, name_kk="Тараз", name_ru="Тараз", name_en="Taraz",
                            kind=District.Kind.CITY, kato="311010000")
    baizak = DistrictFactory(region=r, name_kk="Байзақ ауданы", name_ru="Байзакский район",
                             name_en="Baizak district")
    korday = DistrictFactory(region=r, name_kk="Қордай ауданы", name_ru="Кордайский район",
                             name_en="Korday district")
    school = SchoolFactory(settlement=SettlementFactory(district=baizak))
    other_school = SchoolFactory(settlement=SettlementFactory(district=baizak))
    centre = SupportCentreFactory(region=r)
    head = MembershipFactory(role=Role.CENTRE_HEAD, centre=centre)
    analyst = MembershipFactory(role=Role.PROSECUTOR_ANALYST,
                                prosecutor_office=ProsecutorOfficeFactory(region=r))
    specialist = MembershipFactory(role=Role.CENTRE_SPECIALIST, centre=centre)
    specialist.districts.set([baizak])
    psychologist = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=school)
    admin = MembershipFactory(role=Role.REGIONAL_ADMIN, region_scope=r)
    other = RegionFactory()
    other_analyst = MembershipFactory(role=Role.PROSECUTOR_ANALYST,
                                      prosecutor_office=ProsecutorOfficeFactory(region=other))
    return SimpleNamespace(
        region=r, taraz=taraz, baizak=baizak, korday=korday, school=school,
        other_school=other_school, centre=centre,
        head=actor_for(head.user), analyst=actor_for(analyst.user),
        specialist=actor_for(specialist.user), psychologist=actor_for(psychologist.user),
        admin=actor_for(admin.user), other_region=other,
        other_analyst=actor_for(other_analyst.user))


HEADER_EN = ["Year", "Quarter", "Month", "District or city", "Crimes committed by minors",
             "Crimes against minors", "Suicides of minors", "Suicide attempts of minors"]
HEADER_RU = ["Год", "Квартал", "Месяц", "Район", "Преступления, совершённые несовершеннолетними",
             "Преступления против несовершеннолетних", "Суициды несовершеннолетних",
             "Попытки суицида несовершеннолетних"]
HEADER_KK = ["Жыл", "Тоқсан", "Ай", "Аудан", "Кәмелетке толмағандар жасаған қылмыстар",
             "Кәмелетке толмағандарға қатысты қылмыстар", "Кәмелетке толмағандардың суицидтері",
             "Кәмелетке толмағандардың суицидке әрекеттері"]


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(rows, name="figures.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx(rows), content_type="application/octet-stream")
