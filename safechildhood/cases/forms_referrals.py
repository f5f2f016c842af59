"""Forms of referrals, the provider directory and re-screenings. Parsing and validation with
errors in the user's language; the rules (which providers, which steps follow which, which
instruments suit the child) are the services'."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.cases import counting
from safechildhood.cases.models import Referral
from safechildhood.cases.services.referrals import NOTE_MAX, next_statuses
from safechildhood.directory.models import School, ServiceProvider
from safechildhood.geography.models import District
from safechildhood.periods import ReportPeriod
from safechildhood.screening.forms import DateInput
from safechildhood.screening.scoring import Instrument
from safechildhood.screening.selectors_answers import instrument_name


class ProviderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: ServiceProvider) -> str:
        place = obj.district.name if obj.district_id else _("whole region")
        return f"{obj.name} ({obj.get_kind_display()}, {place})"


class DistrictChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: District) -> str:
        return obj.name


class ProviderFilterForm(forms.Form):
    """The directory's filter: a bad value is ignored, never an error."""

    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("all kinds")), *ServiceProvider.Kind.choices])
    district = DistrictChoice(label=_("District"), required=False,
                              queryset=District.objects.none(), empty_label=_("all districts"))

    def __init__(self, *args, districts: QuerySet[District], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts

    def values(self) -> dict:
        if not self.is_valid():
            return {"kind": None, "district": None}
        return {"kind": self.cleaned_data["kind"] or None,
                "district": self.cleaned_data["district"]}


class ReferralFilterForm(forms.Form):
    """The referral list's filter, from a statistics figure's link: the period the referrals
    were sent in (``2025``, ``2025-q1``, ``2025-03``), the district or school, and which of them
    (completed or overdue). Without any, the list shows the referrals waiting for a next step.
    A value that does not parse is left out."""

    district = forms.ModelChoiceField(queryset=District.objects.all(), required=False,
                                      widget=forms.HiddenInput)
    school = forms.ModelChoiceField(queryset=School.objects.all(), required=False,
                                    widget=forms.HiddenInput)
    period = forms.CharField(required=False, max_length=7, widget=forms.HiddenInput)
    show = forms.ChoiceField(required=False, choices=counting.REFERRAL_SHOWN,
                             widget=forms.HiddenInput)

    def _data(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def filters(self) -> dict | None:
        """The filter of ``referrals_counted``; None when nothing is asked for."""
        data = self._data()
        period = ReportPeriod.parse(data.get("period"))
        if period is None and not any(data.get(k) for k in ("district", "school", "show")):
            return None
        return {"period": period,
                "district_id": data["district"].pk if data.get("district") else None,
                "school_id": data["school"].pk if data.get("school") else None,
                "show": data.get("show") or ""}

    def active(self) -> list[str]:
        data = self._data()
        phrases = []
        period = ReportPeriod.parse(data.get("period"))
        if period is not None:
            phrases.append(_("sent in %(period)s") % {"period": period.label})
        if data.get("show"):
            phrases.append(dict(counting.REFERRAL_SHOWN)[data["show"]])
        if data.get("school"):
            phrases.append(_("school: %(name)s") % {"name": data["school"].name})
        if data.get("district"):
            phrases.append(_("district: %(name)s") % {"name": data["district"].name})
        return [str(p) for p in phrases]


class ReferralForm(forms.Form):
    provider = ProviderChoice(label=_("Service provider"), queryset=ServiceProvider.objects.none(),
                              empty_label=_("choose a provider"),
                              error_messages={"required": _("Choose the service provider."),
                                              "invalid_choice": _("Choose a provider from the "
                                                                  "list.")})
    reason = forms.CharField(label=_("Reason for referral"), max_length=NOTE_MAX,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Stored encrypted. Write what the provider should "
                                         "know; the referral letter is yours to send."),
                             error_messages={"required": _("Say why the child is referred.")})
    on = forms.DateField(label=_("Sent on"), required=False, widget=DateInput(),
                         help_text=_("Leave empty for today."),
                         error_messages={"invalid": _("Enter a valid date.")})

    def __init__(self, *args, providers: QuerySet[ServiceProvider], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class ReferralStepForm(forms.Form):
    status = forms.ChoiceField(label=_("What happened"), widget=forms.RadioSelect,
                               error_messages={"required": _("Choose what happened."),
                                               "invalid_choice": _("This step cannot follow "
                                                                   "the referral's status.")})
    on = forms.DateField(label=_("Date"), required=False, widget=DateInput(),
                         help_text=_("Leave empty for today."),
                         error_messages={"invalid": _("Enter a valid date.")})
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required when the provider declines or the referral "
                                       "is withdrawn. Stored encrypted."))
    feedback = forms.CharField(label=_("Provider's feedback"), required=False,
                               max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("With the step “feedback received”. Stored "
                                           "encrypted."))

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Referral.Status.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in next_statuses(referral.status)]


class RescreeningForm(forms.Form):
    instruments = forms.MultipleChoiceField(
        label=_("Questionnaires"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one instrument."),
                        "invalid_choice": _("This questionnaire does not suit the child.")})
    due_on = forms.DateField(label=_("Due"), widget=DateInput(),
                             error_messages={"required": _("Enter the due date."),
                                             "invalid": _("Enter a valid date.")})

    def __init__(self, *args, instruments: list[Instrument], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instruments"].choices = [
            (i.code, instrument_name(i, i.code, language)) for i in instruments]
        self.fields["due_on"].initial = timezone.localdate()


class ConfirmForm(forms.Form):
    """A button that changes something (issue a code, cancel): the hidden field makes an empty
    post an invalid form rather than an action."""

    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True,
                                 error_messages={"required": _("Press the button to "
                                                               "confirm.")})
