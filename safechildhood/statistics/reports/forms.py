"""The form asking for an official report: the period (a month or a quarter, in one list
grouped by kind, so that it works without JavaScript), the language and the files."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.periods import PeriodKind, ReportPeriod, period_choices
from safechildhood.statistics.models import Report

YEARS_BACK = 3  # periods offered: this year's and those of the three years before


class ReportRequestForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"),
                               help_text=_("A quarter or a month; the current one is counted "
                                           "up to today."))
    language = forms.ChoiceField(label=_("Language"), choices=Report.Language.choices,
                                 widget=forms.RadioSelect)
    format = forms.ChoiceField(label=_("Files"), choices=Report.Format.choices,
                               initial=Report.Format.BOTH, widget=forms.RadioSelect)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        first_year = (today or timezone.localdate()).year - YEARS_BACK
        self.fields["period"].choices = [
            (_("Quarters"), [(p.code, p.label) for p in period_choices(
                kind=PeriodKind.QUARTER, first_year=first_year, today=today)]),
            (_("Months"), [(p.code, p.label) for p in period_choices(
                kind=PeriodKind.MONTH, first_year=first_year, today=today)]),
        ]

    def clean_period(self) -> ReportPeriod:
        period = ReportPeriod.parse(self.cleaned_data["period"])
        if period is None or period.kind not in Report.Kind.values:
            raise forms.ValidationError(_("Choose a month or a quarter."))
        return period
