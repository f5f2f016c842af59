import factory

from safechildhood.geography.models import District, Region, Settlement


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name_kk = factory.Sequence(lambda n: f"Облыс {n}")
    name_ru = factory.Sequence(lambda n: f"Область {n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    region = factory.SubFactory(RegionFactory)
    name_kk = factory.Sequence(lambda n: f"Аудан {n}")
    name_ru = factory.Sequence(lambda n: f"Район {n}")
    name_en = factory.Sequence(lambda n: f"District {n}")


class SettlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Settlement

    district = factory.SubFactory(DistrictFactory)
    name_kk = factory.Sequence(lambda n: f"Ауыл {n}")
    name_ru = factory.Sequence(lambda n: f"Село {n}")
    name_en = factory.Sequence(lambda n: f"Village {n}")
