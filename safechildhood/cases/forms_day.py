"""The filter of the centre head's overview: a period and, optionally, one district. Errors in
the user's language; a bad filter falls back to the whole region over the default period."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from safechildhood.cases.selectors_day import DEFAULT_PERIOD, PERIODS
from safechildhood.geography.models import District


def _period_label(days: int) -> str:
    if days == 365:
        return _("the last 12 months")
    return ngettext_lazy("the last %(days)d day", "the last %(days)d days", days) % {
        "days": days}


class OverviewFilterForm(forms.Form):
    period = forms.TypedChoiceField(label=_("Period"), coerce=int, required=False,
                                    empty_value=DEFAULT_PERIOD)
    district = forms.TypedChoiceField(label=_("District"), coerce=int, required=False,
                                      empty_value=None)

    def __init__(self, *args, districts: list[District], **kwargs):
        super().__init__(*args, **kwargs)
        self._districts = {d.pk: d for d in districts}
        self.fields["period"].choices = [(days, _period_label(days)) for days in PERIODS]
        self.fields["period"].initial = DEFAULT_PERIOD
        self.fields["district"].choices = [("", _("all districts")),
                                           *((d.pk, d.name) for d in districts)]
        self.fields["district"].error_messages["invalid_choice"] = _(
            "Choose a district of your region from the list.")
        self.fields["period"].error_messages["invalid_choice"] = _(
            "Choose one of the periods in the list.")

    def _value(self, name: str):
        """The field's clean value; a field left empty or invalid gives its default (the
        other field still applies)."""
        if not self.is_bound:
            return self.fields[name].empty_value
        self.is_valid()
        return self.cleaned_data.get(name, self.fields[name].empty_value)

    def period_days(self) -> int:
        return self._value("period")

    def district_value(self) -> District | None:
        pk = self._value("district")
        return self._districts[pk] if pk is not None else None
