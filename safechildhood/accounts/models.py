"""Staff accounts and their memberships: a membership is one role with its scope."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from safechildhood.directory.models import (
    PoliceUnit,
    ProsecutorOffice,
    School,
    SupportCentre,
)
from safechildhood.geography.models import District, Region


class User(AbstractUser):
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES,
                                blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    SCHOOL_PSYCHOLOGIST = "school_psychologist", _("school psychologist")
    SCHOOL_ADMIN = "school_admin", _("school administrator")
    CENTRE_SPECIALIST = "centre_specialist", _("centre specialist")
    CENTRE_HEAD = "centre_head", _("centre head")
    POLICE_INSPECTOR = "police_inspector", _("juvenile inspector")
    PROSECUTOR_ANALYST = "prosecutor_analyst", _("prosecutor's analyst")
    REGIONAL_ADMIN = "regional_admin", _("regional administrator")


# Which organisation field each role's scope hangs on. The policy module reads this table.
ROLE_SCOPE_FIELD: dict[str, str] = {
    Role.SCHOOL_PSYCHOLOGIST: "school",
    Role.SCHOOL_ADMIN: "school",
    Role.CENTRE_SPECIALIST: "centre",
    Role.CENTRE_HEAD: "centre",
    Role.POLICE_INSPECTOR: "police_unit",
    Role.PROSECUTOR_ANALYST: "prosecutor_office",
    Role.REGIONAL_ADMIN: "region",
}


class Membership(models.Model):
    """One role held by a staff member, with the organisation (and districts) it covers."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("staff member"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="memberships",
                               verbose_name=_("region"), editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="memberships", verbose_name=_("school"))
    centre = models.ForeignKey(SupportCentre, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="memberships",
                               verbose_name=_("psychological support centre"))
    police_unit = models.ForeignKey(PoliceUnit, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="memberships", verbose_name=_("police unit"))
    prosecutor_office = models.ForeignKey(ProsecutorOffice, on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="memberships",
                                          verbose_name=_("prosecutor's office"))
    districts = models.ManyToManyField(District, blank=True, related_name="specialists",
                                       verbose_name=_("districts assigned"))
    region_scope = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("region"),
                                     help_text=_("For regional administrators."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.scope_label}"

    def save(self, *args, **kwargs):
        # The region column is derived from the organisation so that every scope query can start
        # from it; keeping it in step is part of the row.
        self.region_id = self._derive_region_id()
        super().save(*args, **kwargs)

    @property
    def organisation(self):
        return getattr(self, ROLE_SCOPE_FIELD[self.role])

    @property
    def scope_label(self) -> str:
        org = self.organisation
        return str(org) if org is not None else ""

    def clean(self) -> None:
        field = ROLE_SCOPE_FIELD.get(self.role)
        if field is None:
            return
        if field == "region":
            if self.region_scope_id is None:
                raise ValidationError({"region_scope": _("Choose the region for this role.")})
        elif getattr(self, f"{field}_id") is None:
            raise ValidationError({field: _("This role needs this organisation.")})
        self.region_id = self._derive_region_id()

    def _derive_region_id(self) -> int:
        if self.school_id:
            return self.school.district.region_id
        if self.centre_id:
            return self.centre.region_id
        if self.police_unit_id:
            return self.police_unit.district.region_id
        if self.prosecutor_office_id:
            return self.prosecutor_office.region_id
        return self.region_scope_id
