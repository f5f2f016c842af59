import factory

from safechildhood.directory.models import (
    PoliceUnit,
    ProsecutorOffice,
    School,
    ServiceProvider,
    SupportCentre,
)
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    settlement = factory.SubFactory(SettlementFactory)
    name_kk = factory.Sequence(lambda n: f"№{n} мектеп")
    name_ru = factory.Sequence(lambda n: f"Школа №{n}")
    name_en = factory.Sequence(lambda n: f"School No. {n}")


class SupportCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportCentre

    region = factory.SubFactory(RegionFactory)
    name_kk = "Психологиялық қолдау орталығы"
    name_ru = "Центр психологической поддержки"
    name_en = "Psychological support centre"


class PoliceUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoliceUnit

    district = factory.SubFactory(DistrictFactory)
    name_kk = factory.Sequence(lambda n: f"Полиция бөлімі {n}")
    name_ru = factory.Sequence(lambda n: f"Отдел полиции {n}")
    name_en = factory.Sequence(lambda n: f"Police unit {n}")


class ProsecutorOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProsecutorOffice

    region = factory.SubFactory(RegionFactory)
    name_kk = "Облыстық прокуратура"
    name_ru = "Областная прокуратура"
    name_en = "Regional prosecutor's office"


class ServiceProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceProvider

    kind = ServiceProvider.Kind.PSYCHIATRIST
    region = factory.SubFactory(RegionFactory)
    name_kk = factory.Sequence(lambda n: f"Емхана {n}")
    name_ru = factory.Sequence(lambda n: f"Поликлиника {n}")
    name_en = factory.Sequence(lambda n: f"Clinic {n}")
