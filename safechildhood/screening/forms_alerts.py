"""Forms of the crisis alert, duty roster and results pages: parsing and validation, with errors
in the user's language. Saving is the services' job."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from safechildhood.accounts.models import User
from safechildhood.directory.models import School
from safechildhood.geography.models import District
from safechildhood.periods import ReportPeriod
from safechildhood.screening.forms import DateInput
from safechildhood.screening.models import DutyShift
from safechildhood.screening.selectors_alerts import LIST_ACKNOWLEDGED, LIST_ALL, LIST_OPEN


class AlertFilterForm(forms.Form):
    """The list's filter: open or all alerts; and, from a statistics figure's link, the district
    or school and the period (``2025``, ``2025-q1``, ``2025-03``) the alerts were raised in. A
    value that does not parse is left out."""

    status = forms.ChoiceField(label=_("Show"), required=False, choices=[
        (LIST_ALL, _("all alerts, open ones first")),
        (LIST_OPEN, _("open alerts only")),
        (LIST_ACKNOWLEDGED, _("acknowledged alerts")),
    ])
    district = forms.ModelChoiceField(queryset=District.objects.all(), required=False,
                                      widget=forms.HiddenInput)
    school = forms.ModelChoiceField(queryset=School.objects.all(), required=False,
                                    widget=forms.HiddenInput)
    period = forms.CharField(required=False, max_length=7, widget=forms.HiddenInput)

    def _data(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def status_value(self) -> str:
        return self._data().get("status") or LIST_ALL

    def filters(self) -> dict:
        data = self._data()
        period = ReportPeriod.parse(data.get("period"))
        return {"status": self.status_value(),
                "district_id": data["district"].pk if data.get("district") else None,
                "school_id": data["school"].pk if data.get("school") else None,
                "raised_from": period.starts_at if period else None,
                "raised_before": period.ends_at if period else None}

    def active(self) -> list[str]:
        """The area and period shown, in words (the status is on the form itself)."""
        data = self._data()
        phrases = []
        period = ReportPeriod.parse(data.get("period"))
        if period is not None:
            phrases.append(_("raised in %(period)s") % {"period": period.label})
        if data.get("school"):
            phrases.append(_("school: %(name)s") % {"name": data["school"].name})
        if data.get("district"):
            phrases.append(_("district: %(name)s") % {"name": data["district"].name})
        return [str(p) for p in phrases]


class AcknowledgeForm(forms.Form):
    """Nothing to fill in: the button says it. (A form all the same, for the CSRF token and a
    place for the refusal.)"""


class SpecialistChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class DutyShiftForm(forms.Form):
    """A shift on a district's roster: one specialist assigned to the district, from one day to
    another (inclusive)."""

    specialist = SpecialistChoice(label=_("Specialist on duty"), queryset=User.objects.none(),
                                  empty_label=_("choose a specialist"))
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until (inclusive)"), widget=DateInput())

    def __init__(self, *args, specialists: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = specialists
        if not specialists.exists():
            self.fields["specialist"].help_text = _(
                "No centre specialist is assigned to this district yet. The regional "
                "administrator assigns districts to the specialists' accounts.")

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day of the shift comes before its first day."))
        return data


class DutyRemoveForm(forms.Form):
    shift = forms.ModelChoiceField(queryset=DutyShift.objects.none(), widget=forms.HiddenInput,
                                   error_messages={
                                       "required": _("Choose the shift to remove."),
                                       "invalid_choice": _("This shift is no longer on the "
                                                           "roster."),
                                   })

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shift"].queryset = DutyShift.objects.filter(district=district)


class ResultsForm(forms.Form):
    """Which instrument of a campaign to count, and (centre staff) which district by school."""

    instrument = forms.ChoiceField(label=_("Questionnaire"), required=False)
    district = forms.ModelChoiceField(label=_("District"), required=False,
                                      queryset=District.objects.none(),
                                      empty_label=_("all districts"))

    def __init__(self, *args, instruments: list[tuple[str, str]],
                 districts: QuerySet[District] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instruments
        if districts is None:
            del self.fields["district"]
        else:
            self.fields["district"].queryset = districts

    def instrument_code(self) -> str:
        codes = [code for code, _label in self.fields["instrument"].choices]
        if self.is_valid() and self.cleaned_data["instrument"]:
            return self.cleaned_data["instrument"]
        return codes[0] if codes else ""

    def chosen_district(self) -> District | None:
        if "district" in self.fields and self.is_valid():
            return self.cleaned_data["district"]
        return None
