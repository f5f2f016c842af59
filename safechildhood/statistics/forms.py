"""Forms of statistics: the upload of official figures and the figure list's filters."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safechildhood.geography.models import District
from safechildhood.periods import PeriodKind
from safechildhood.statistics.models import Indicator

ACCEPT = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGION = "region"  # the district filter's value for the region's own figures


class FigureUploadForm(forms.Form):
    file = forms.FileField(label=_("File of figures (.xlsx)"),
                           widget=forms.FileInput(attrs={"accept": ACCEPT}))
    document_name = forms.CharField(
        label=_("Document"), max_length=300,
        help_text=_("The official document the figures come from, e.g. the legal statistics "
                    "report of the prosecutor's office."))
    document_number = forms.CharField(label=_("Document number"), max_length=100,
                                      required=False)
    document_date = forms.DateField(label=_("Document date"),
                                    widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "An Excel workbook made from the template, up to %(size)s."
        ) % {"size": filesizeformat(settings.ROSTER_MAX_BYTES)}

    def clean_document_date(self):
        date = self.cleaned_data["document_date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The document date cannot be in the future."))
        return date


class FigureFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    period_kind = forms.ChoiceField(
        label=_("Period"), required=False,
        choices=[("", _("all periods")), *PeriodKind.choices])
    period_number = forms.IntegerField(label=_("Quarter or month"), required=False,
                                       min_value=1, max_value=12)
    district = forms.ChoiceField(label=_("District or city"), required=False)
    indicator = forms.ChoiceField(label=_("Indicator"), required=False,
                                  choices=[("", _("all indicators")), *Indicator.choices])

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [
            ("", _("all")), (REGION, _("the region as a whole")),
            *[(str(d.pk), d.name) for d in districts]]

    def filters(self, districts) -> dict:
        """Keyword arguments for ``selectors.figure_list``."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        by_pk = {str(d.pk): d for d in districts}
        return {"year": data.get("year"), "period_kind": data.get("period_kind") or None,
                "period_number": data.get("period_number"),
                "region_total": data.get("district") == REGION,
                "district": by_pk.get(data.get("district") or ""),
                "indicator": data.get("indicator") or None}


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


def district_choices(region_id: int):
    return District.objects.filter(region_id=region_id).order_by("kind", "name_ru")
