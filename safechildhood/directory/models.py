"""Organisations of the programme: schools, the psychological support centre, police units, the
prosecutor's office and the service providers that referrals go to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safechildhood.geography.models import District, Region, Settlement, TrilingualName


class School(TrilingualName):
    class Language(models.TextChoices):
        KAZAKH = "kk", _("Kazakh")
        RUSSIAN = "ru", _("Russian")
        MIXED = "mixed", _("Kazakh and Russian")
        OTHER = "other", _("other")

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="schools",
                                   verbose_name=_("settlement"))
    # Denormalised from the settlement so that scoping a region's pupils by district is one join.
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools",
                                 verbose_name=_("district"), editable=False)
    language = models.CharField(_("language of instruction"), max_length=5,
                                choices=Language.choices, default=Language.KAZAKH)
    bin = models.CharField(_("BIN"), max_length=12, blank=True,
                           help_text=_("Business identification number, if known."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name_ru"]

    def save(self, *args, **kwargs):
        # Keeping the denormalised district in step with the settlement is part of the row itself,
        # not a domain side effect.
        self.district_id = self.settlement.district_id
        super().save(*args, **kwargs)


class SupportCentre(TrilingualName):
    """The regional psychological support centre."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="centres",
                               verbose_name=_("region"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("psychological support centre")
        verbose_name_plural = _("psychological support centres")


class PoliceUnit(TrilingualName):
    """A district police unit with its juvenile inspectors."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="police_units",
                                 verbose_name=_("district"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("police unit")
        verbose_name_plural = _("police units")


class ProsecutorOffice(TrilingualName):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="prosecutor_offices",
                               verbose_name=_("region"))

    class Meta:
        verbose_name = _("prosecutor's office")
        verbose_name_plural = _("prosecutor's offices")


class ServiceProvider(TrilingualName):
    class Kind(models.TextChoices):
        PSYCHIATRIST = "psychiatrist", _("psychiatrist")
        NARCOLOGIST = "narcologist", _("narcologist")
        PAEDIATRICIAN = "paediatrician", _("paediatrician")
        SOCIAL_PROTECTION = "social", _("social protection")
        CRISIS_CENTRE = "crisis", _("crisis centre")
        NGO = "ngo", _("NGO")
        UNIVERSITY = "university", _("university clinic")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="providers",
                               verbose_name=_("region"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="providers", verbose_name=_("district"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["kind", "name_ru"]
