import factory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

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


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app. Codes for it: ``totp_code(device)``."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "authenticator"
    confirmed = True


def totp_code(device: TOTPDevice) -> str:
    """The code the person's phone would show now for ``device``."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                drift=device.drift)
    return f"{code:06d}"


def login_verified(client, user) -> TOTPDevice:
    """``client.force_login(user)`` plus a session that has passed the second factor, the way
    django-otp records it."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
        TOTPDeviceFactory(user=user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
