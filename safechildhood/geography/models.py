"""Region → district (or city of regional significance) → settlement, named in kk/ru/en."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TrilingualName(models.Model):
    """A name in Kazakh, Russian and English; ``name`` picks the active language.

    Kazakh or Russian is always present (official names); English falls back to Russian.
    """

    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "ru")[:2]
        if lang == "kk":
            return self.name_kk or self.name_ru
        if lang == "en":
            return self.name_en or self.name_ru
        return self.name_ru or self.name_kk


class Region(TrilingualName):
    kato = models.CharField(_("KATO code"), max_length=9, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name_ru"]


class District(TrilingualName):
    class Kind(models.TextChoices):
        DISTRICT = "district", _("district")
        CITY = "city", _("city of regional significance")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts",
                               verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DISTRICT)
    kato = models.CharField(_("KATO code"), max_length=9, blank=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["kind", "name_ru"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name_ru"], name="district_unique_name"),
        ]


class Settlement(TrilingualName):
    class Kind(models.TextChoices):
        CITY = "city", _("city")
        TOWN = "town", _("town")
        VILLAGE = "village", _("village")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="settlements",
                                 verbose_name=_("district"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VILLAGE)
    kato = models.CharField(_("KATO code"), max_length=9, blank=True)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["name_ru"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name_ru"], name="settlement_unique_name"),
        ]
