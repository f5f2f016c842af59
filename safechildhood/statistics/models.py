"""Models of statistics: official juvenile crime figures and the imports they come from.

The official figures are counts the state publishes (the prosecutor's office's legal statistics):
no child is named in them. Each figure keeps its source, the import of an official document
(name, number, date; who imported it and when).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safechildhood.geography.models import District, Region


class Indicator(models.TextChoices):
    """What an official figure counts."""

    CRIMES_BY_MINORS = "crimes_by_minors", _("crimes committed by minors")
    CRIMES_AGAINST_MINORS = "crimes_against_minors", _("crimes against minors")
    SUICIDES = "suicides", _("suicides of minors")
    SUICIDE_ATTEMPTS = "suicide_attempts", _("suicide attempts of minors")


class PeriodKind(models.TextChoices):
    YEAR = "year", pgettext_lazy("period", "year")
    QUARTER = "quarter", pgettext_lazy("period", "quarter")
    MONTH = "month", pgettext_lazy("period", "month")


class FigureImport(models.Model):
    """One upload of an official document's figures: checked first (a preview of what will be
    created or changed), then committed in one transaction, or discarded."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("waiting for confirmation")
        REJECTED = "rejected", _("has problems")
        COMMITTED = "committed", _("imported")
        DISCARDED = "discarded", _("discarded")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    document_name = models.CharField(_("document"), max_length=300)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    document_date = models.DateField(_("document date"))
    file_name = models.CharField(_("file"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # The rows as read from the file (district id, period, indicator, value) and the problems
    # found, as codes with parameters: the preview is shown from these, the commit writes them.
    rows = models.JSONField(default=list, editable=False)
    errors = models.JSONField(default=list, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    committed_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        verbose_name = _("import of official figures")
        verbose_name_plural = _("imports of official figures")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.document_name} ({self.document_date:%d.%m.%Y})"


class CrimeFigure(models.Model):
    """One official figure: a period (a year, a quarter or a month of a year) × a district (or
    the region as a whole, ``district`` empty) × an indicator."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"),
                                 help_text=_("Empty for the figure of the region as a whole."))
    indicator = models.CharField(_("indicator"), max_length=24, choices=Indicator.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_number = models.PositiveSmallIntegerField(
        _("quarter or month"), default=0, help_text=_("0 for a whole year."))
    value = models.PositiveIntegerField(_("value"))
    source = models.ForeignKey(FigureImport, on_delete=models.PROTECT, related_name="figures",
                               verbose_name=_("source"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("official figure")
        verbose_name_plural = _("official figures")
        ordering = ["-year", "period_kind", "period_number", "district_id", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "district", "indicator", "year", "period_kind",
                        "period_number"],
                condition=Q(district__isnull=False), name="crime_figure_once_per_district"),
            models.UniqueConstraint(
                fields=["region", "indicator", "year", "period_kind", "period_number"],
                condition=Q(district__isnull=True), name="crime_figure_once_per_region"),
            models.CheckConstraint(
                condition=(Q(period_kind="year", period_number=0)
                           | Q(period_kind="quarter", period_number__gte=1,
                               period_number__lte=4)
                           | Q(period_kind="month", period_number__gte=1,
                               period_number__lte=12)),
                name="crime_figure_period_valid"),
        ]
        indexes = [models.Index(fields=["region", "year", "period_kind", "period_number"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}/{self.period_kind}{self.period_number}: {self.value}"
