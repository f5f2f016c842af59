import factory

from safechildhood.accounts.models import Membership, Role, User
from safechildhood.directory.tests.factories import (
    PoliceUnitFactory,
    ProsecutorOfficeFactory,
    SchoolFactory,
    SupportCentreFactory,
)
from safechildhood.geography.tests.factories import RegionFactory

PASSWORD = "correct-horse-battery-7"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "Айгүл"
    last_name = "Сәрсенова"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    """A membership whose organisation matches its role. Pass ``school=``, ``centre=`` ... to
    place it; ``districts=[...]`` for a centre specialist."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = Role.SCHOOL_PSYCHOLOGIST

    @factory.lazy_attribute
    def school(self):
        school_roles = (Role.SCHOOL_PSYCHOLOGIST, Role.SCHOOL_ADMIN)
        return SchoolFactory() if self.role in school_roles else None

    @factory.lazy_attribute
    def centre(self):
        if self.role in (Role.CENTRE_SPECIALIST, Role.CENTRE_HEAD):
            return SupportCentreFactory()
        return None

    @factory.lazy_attribute
    def police_unit(self):
        return PoliceUnitFactory() if self.role == Role.POLICE_INSPECTOR else None

    @factory.lazy_attribute
    def prosecutor_office(self):
        return ProsecutorOfficeFactory() if self.role == Role.PROSECUTOR_ANALYST else None

    @factory.lazy_attribute
    def region_scope(self):
        return RegionFactory() if self.role == Role.REGIONAL_ADMIN else None

    @factory.post_generation
    def districts(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.districts.set(extracted)
