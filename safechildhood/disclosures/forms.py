"""Forms of the disclosure pages: parsing and validation, with errors in the user's language.
Saving is the services' job."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safechildhood.directory.models import School
from safechildhood.disclosures import workflow
from safechildhood.disclosures.filters import (
    CONCERN_REPORT_STATES,
    REPORT_STAGES,
    ConcernFilters,
    ReportFilters,
)
from safechildhood.disclosures.models import Concern, OversightNote, PoliceReport
from safechildhood.disclosures.selectors import (
    SHOW_ALL,
    SHOW_ATTENTION,
    SHOW_FINAL,
    SHOW_OPEN,
    SHOW_PENDING,
)
from safechildhood.geography.models import District
from safechildhood.screening.forms import DateInput
from safechildhood.screening.models import TriageProposal
from safechildhood.ui.filters import ActiveFilters


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker; the value travels as 2025-10-01T14:30."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ConcernForm(forms.Form):
    category = forms.ChoiceField(label=_("What is the concern about?"),
                                 choices=Concern.Category.choices, widget=forms.RadioSelect)
    triage_category = forms.ChoiceField(
        label=_("For “other”: what does it come closest to?"), required=False,
        choices=[("", _("choose"))] + [(c, TriageProposal.Category(c).label)
                                       for c in workflow.OTHER_TRIAGE_CHOICES],
        help_text=_("The centre uses it to decide whether the child needs the risk group."))
    disclosed_by = forms.ChoiceField(label=_("Who disclosed it or raised the concern?"),
                                     choices=Concern.DisclosedBy.choices,
                                     widget=forms.RadioSelect)
    channel = forms.ChoiceField(label=_("How?"), choices=Concern.Channel.choices)
    disclosed_at = forms.DateTimeField(
        label=_("When?"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"],
        help_text=_("Date and time of the disclosure, or when the signs were noticed."))
    immediate_danger = forms.BooleanField(
        label=_("The child may be in danger now (for example, must go home to the person who "
                "hurt them)"), required=False)
    safety_actions = forms.CharField(
        label=_("What was done to keep the child safe now?"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the child stays with the school psychologist; the centre was "
                    "called; a parent who is not involved collects the child."))
    narrative = forms.CharField(
        label=_("What was said or seen"), max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("In the child's own words where you can, without asking leading questions. "
                    "Stored encrypted; shown only to you, the centre and the police unit the "
                    "report goes to."))
    send_report = forms.BooleanField(
        label=_("Also prepare a police report (optional for this category)"), required=False,
        help_text=_("Violence in the family, sexual abuse, neglect and exploitation are always "
                    "reported: the report is prepared whatever you tick here."))

    def clean_disclosed_at(self):
        value = self.cleaned_data["disclosed_at"]
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("The disclosure cannot be in the future."),
                                        code="future")
        return value

    def clean(self):
        data = super().clean()
        if data.get("category") == Concern.Category.OTHER and not data.get("triage_category"):
            self.add_error("triage_category", _("Choose what this concern comes closest to."))
        return data


class Named(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class AreaFilterMixin(ActiveFilters):
    """District and school filters (the statistics pages link to a list filtered to an area
    and a period). The district is chosen from the region's; the school travels in the address
    only. A school or district the viewer may not see just leaves the list empty: the list
    applies the viewer's scope."""

    def limit_districts(self, region_id: int | None) -> None:
        self.fields["district"].queryset = District.objects.filter(
            region_id=region_id).order_by("kind", "name_ru")


def _district_field():
    return Named(label=_("District"), queryset=District.objects.none(), required=False,
                 empty_label=_("all districts"))


def _school_field():
    return Named(label=_("School"), queryset=School.objects.all(), required=False,
                 widget=forms.HiddenInput)


class ConcernFilterForm(AreaFilterMixin, forms.Form):
    district = _district_field()
    school = _school_field()
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("all categories")),
                                          *Concern.Category.choices])
    channel = forms.ChoiceField(label=_("How"), required=False,
                                choices=[("", _("any way")), *Concern.Channel.choices])
    report = forms.ChoiceField(label=pgettext_lazy("police", "Police report"), required=False,
                               choices=[("", _("with or without")),
                                        *CONCERN_REPORT_STATES.items()])
    date_from = forms.DateField(label=_("Recorded from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Recorded to"), required=False, widget=DateInput())

    def __init__(self, *args, region_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_districts(region_id)

    def filters(self) -> ConcernFilters:
        d = self.valid()
        return ConcernFilters(district=d.get("district"), school=d.get("school"),
                              category=d.get("category", ""), channel=d.get("channel", ""),
                              report=d.get("report", ""), date_from=d.get("date_from"),
                              date_to=d.get("date_to"))


class ReportFilterForm(AreaFilterMixin, forms.Form):
    not_shown = frozenset({"show"})
    show = forms.ChoiceField(label=_("Show"), required=False, choices=[
        (SHOW_ALL, _("all reports")),
        (SHOW_ATTENTION, _("waiting for me")),
        (SHOW_PENDING, _("to be sent")),
        (SHOW_OPEN, _("with the police")),
        (SHOW_FINAL, _("verdict or refusal")),
    ])
    district = _district_field()
    school = _school_field()
    stage = forms.ChoiceField(label=_("Status"), required=False,
                              choices=[("", _("any status")), *REPORT_STAGES.items()])
    sent_from = forms.DateField(label=_("Sent from"), required=False, widget=DateInput())
    sent_to = forms.DateField(label=_("Sent to"), required=False, widget=DateInput())
    # the send-by deadline: from the statistics pages' "not sent in time" only
    due_from = forms.DateField(label=_("Due from"), required=False, widget=forms.HiddenInput)
    due_to = forms.DateField(label=_("Due to"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, region_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_districts(region_id)

    def show_value(self) -> str:
        return self.valid().get("show") or SHOW_ALL

    def filters(self) -> ReportFilters:
        d = self.valid()
        return ReportFilters(district=d.get("district"), school=d.get("school"),
                             stage=d.get("stage", ""), sent_from=d.get("sent_from"),
                             sent_to=d.get("sent_to"), due_from=d.get("due_from"),
                             due_to=d.get("due_to"))


class ConfirmForm(forms.Form):
    """Nothing to fill in: the button says it (a form all the same, for the CSRF token)."""


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("Note (police only)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


STATUS_CHOICES = [
    (PoliceReport.Status.REGISTERED, _("registered in the ERDR")),
    (PoliceReport.Status.INVESTIGATION, _("pre-trial investigation")),
    (PoliceReport.Status.COURT, _("sent to court")),
    (PoliceReport.Status.VERDICT, _("verdict delivered")),
    (PoliceReport.Status.REFUSED, _("refusal to open a case")),
]


class StatusForm(forms.Form):
    """The next step of a report; only the steps that may follow its status are offered."""

    status = forms.ChoiceField(label=_("New status"), choices=STATUS_CHOICES,
                               widget=forms.RadioSelect)
    erdr_number = forms.CharField(
        label=_("ERDR registration number"), required=False, max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("15 digits; needed when the report is registered."))
    reason = forms.CharField(label=_("Reason for the refusal"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Needed for a refusal to open a case."))
    note = forms.CharField(label=_("Note (police and prosecutor only)"), required=False,
                           max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, report: PoliceReport, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = workflow.next_statuses(report.status)
        self.fields["status"].choices = [(v, label) for v, label in STATUS_CHOICES
                                         if v in allowed]
        # the page shows the number and reason fields only where they can be needed
        self.offers_erdr = PoliceReport.Status.REGISTERED in allowed
        self.offers_refusal = PoliceReport.Status.REFUSED in allowed

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status == PoliceReport.Status.REGISTERED:
            number = workflow.normalise_erdr(data.get("erdr_number", ""))
            if not workflow.ERDR_PATTERN.match(number):
                self.add_error("erdr_number", workflow.ERDR_FORMAT_ERROR)
            data["erdr_number"] = number
        if status == PoliceReport.Status.REFUSED and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for the refusal to open a case."))
        return data


class OversightNoteForm(forms.Form):
    addressed_to = forms.ChoiceField(label=_("Addressed to"),
                                     choices=OversightNote.AddressedTo.choices,
                                     widget=forms.RadioSelect)
    text = forms.CharField(label=_("Note"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    response_due = forms.DateField(
        label=_("Response required by"), required=False, widget=DateInput(),
        help_text=_("Leave empty if no response is required."))

    def clean_response_due(self):
        value = self.cleaned_data.get("response_due")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("The date for the response has passed."),
                                        code="due_past")
        return value


class ResponseForm(forms.Form):
    response = forms.CharField(label=_("Your response"), max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3}))
