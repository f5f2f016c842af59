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

from safechildhood.geography.models import District, Region
from safechildhood.periods import PeriodKind, ReportPeriod


class Indicator(models.TextChoices):
    """What an official figure counts."""

    CRIMES_BY_MINORS = "crimes_by_minors", _("crimes committed by minors")
    CRIMES_AGAINST_MINORS = "crimes_against_minors", _("crimes against minors")
    SUICIDES = "suicides", _("suicides of minors")
    SUICIDE_ATTEMPTS = "suicide_attempts", _("suicide attempts of minors")


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


class Report(models.Model):
    """An official report of a region for a month or a quarter (for the prosecutor's office and
    the local government), in Kazakh or Russian, written in the background as XLSX, PDF or both.

    The files are kept in the database (``xlsx_content``, ``pdf_content``): they are small (tens
    of kilobytes: districts × tables), every web process and every task worker of a deployment
    reads the same database whatever machine it runs on (no shared volume to set up for two
    workers), the status and the file change in one transaction (never "done" without a file),
    and backups hold them with the rest. Lists defer the two columns.

    The content is the same whoever asks: a report leaves the system, so small counts are
    always suppressed as on the public page (``statistics/reports/content.py``)."""

    class Kind(models.TextChoices):
        MONTHLY = "month", _("monthly")
        QUARTERLY = "quarter", _("quarterly")

    class Language(models.TextChoices):
        KAZAKH = "kk", "Қазақша"
        RUSSIAN = "ru", "Русский"

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"
        BOTH = "both", _("XLSX and PDF")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("in progress")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    class Error(models.TextChoices):
        """Why a report could not be written; shown translated, the report may be retried."""

        NOT_ALLOWED = "not_allowed", _("The person who asked for the report may no longer "
                                       "prepare reports of this region.")
        FAILED = "failed", _("An error occurred while preparing the report.")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    period = models.CharField(_("period"), max_length=8,
                              help_text=_("2025-03 for a month, 2025-q1 for a quarter."))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("requested by"))
    # the role the report was asked under: checked again when the report is written
    membership = models.ForeignKey("accounts.Membership", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", editable=False)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error_code = models.CharField(_("error"), max_length=16, choices=Error.choices, blank=True)
    xlsx_content = models.BinaryField(null=True, blank=True, editable=False)
    pdf_content = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("official report")
        verbose_name_plural = _("official reports")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["region", "-requested_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_max"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.period} {self.language} {self.format}"

    @property
    def formats(self) -> list[str]:
        """The files asked for: ["xlsx"], ["pdf"] or both."""
        if self.format == self.Format.BOTH:
            return [self.Format.XLSX.value, self.Format.PDF.value]
        return [self.format]

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def period_label(self) -> str:
        """"Q1 2025", "March 2025" in the active language."""
        period = ReportPeriod.parse(self.period)
        return period.label if period is not None else self.period
