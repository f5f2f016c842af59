"""Forms of the field work: recording a contact, planning a trip and changing its itinerary.
Parsing and validation with errors in the user's language; the rules of the programme (no
future contacts, whose districts, which cases) are the services'."""

from __future__ import annotations

import datetime as dt
import secrets

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.cases.models import Contact, FieldTrip, RiskCase, TripStop
from safechildhood.cases.selectors_work import DEFAULT_NO_CONTACT_DAYS
from safechildhood.cases.services.contacts import (
    MAX_DURATION_MINUTES,
    MAX_NOTES_LENGTH,
    MAX_PARENTS_REACHED,
    ContactInput,
)
from safechildhood.geography.models import District, Settlement
from safechildhood.screening.forms import DateInput


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class NamedChoice(forms.ModelChoiceField):
    """Choices labelled by the object's name in the active language."""

    def label_from_instance(self, obj) -> str:
        return obj.name


class TripChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: FieldTrip) -> str:
        return f"{obj.district.name}, {obj.starts_on:%d.%m.%Y} – {obj.ends_on:%d.%m.%Y}"


def new_token() -> str:
    return secrets.token_hex(16)


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=Contact.Kind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": _("Choose what kind of contact it "
                                                           "was.")})
    held_on = forms.DateField(label=_("Date"), widget=DateInput(),
                              error_messages={"required": _("Enter the date of the contact."),
                                              "invalid": _("Enter a valid date.")})
    held_time = forms.TimeField(label=_("Time"), widget=TimeInput(),
                                error_messages={"required": _("Enter the time it began."),
                                                "invalid": _("Enter a valid time, such as "
                                                             "14:30.")})
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=MAX_DURATION_MINUTES,
        error_messages={"required": _("Enter how long it lasted, in minutes."),
                        "invalid": _("Enter a whole number of minutes.")})
    settlement = NamedChoice(label=_("Place"), required=False, queryset=Settlement.objects.none(),
                             empty_label=_("no place (a phone call)"),
                             error_messages={"invalid_choice": _("Choose a settlement from "
                                                                 "the list.")})
    present = forms.MultipleChoiceField(
        label=_("Who was present"), choices=Contact.Present.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Mark who was present.")})
    parents_reached = forms.IntegerField(
        label=_("Parents or guardians reached"), required=False, min_value=0,
        max_value=MAX_PARENTS_REACHED,
        help_text=_("Leave empty to count the mother, father or guardian marked present. For a "
                    "group meeting with parents, enter how many came."),
        error_messages={"invalid": _("Enter a whole number.")})
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 6}),
                            max_length=MAX_NOTES_LENGTH,
                            help_text=_("Stored encrypted; only the case's specialists and the "
                                        "centre head read them."),
                            error_messages={"required": _("Write what happened: the notes are "
                                                          "the record of the contact.")})
    next_step = forms.CharField(label=_("Next step"), required=False,
                                max_length=MAX_NOTES_LENGTH,
                                widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("Printed on the next trip's itinerary."))
    trip = TripChoice(label=_("Field trip"), required=False, queryset=FieldTrip.objects.none(),
                      empty_label=_("not on a field trip"),
                      error_messages={"invalid_choice": _("Choose one of your trips.")})
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, settlements: QuerySet[Settlement], trips: QuerySet[FieldTrip],
                 **kwargs):
        kwargs.setdefault("initial", {})
        now = timezone.localtime()
        kwargs["initial"] = {"held_on": now.date(), "held_time": now.time().replace(
            second=0, microsecond=0), "token": new_token(), **kwargs["initial"]}
        super().__init__(*args, **kwargs)
        self.fields["settlement"].queryset = settlements
        self.fields["trip"].queryset = trips
        if not trips.exists():
            del self.fields["trip"]

    def clean(self):
        data = super().clean()
        day, time = data.get("held_on"), data.get("held_time")
        if day and time:
            data["held_at"] = timezone.make_aware(dt.datetime.combine(day, time))
        return data

    def contact_input(self) -> ContactInput:
        data = self.cleaned_data
        return ContactInput(kind=data["kind"], held_at=data["held_at"],
                            duration_minutes=data["duration_minutes"], present=data["present"],
                            notes=data["notes"], settlement=data.get("settlement"),
                            parents_reached=data.get("parents_reached"),
                            next_step=data.get("next_step", ""), trip=data.get("trip"))


class TripForm(forms.Form):
    district = NamedChoice(label=_("District"), queryset=District.objects.none(),
                           empty_label=_("choose a district"),
                           error_messages={"required": _("Choose the district."),
                                           "invalid_choice": _("Choose one of your districts.")})
    starts_on = forms.DateField(label=_("From"), widget=DateInput(),
                                error_messages={"required": _("Enter the first day."),
                                                "invalid": _("Enter a valid date.")})
    ends_on = forms.DateField(label=_("Until (inclusive)"), widget=DateInput(),
                              error_messages={"required": _("Enter the last day."),
                                              "invalid": _("Enter a valid date.")})
    no_contact_days = forms.IntegerField(
        label=_("Visit children not seen for (days)"), min_value=1, max_value=365,
        initial=DEFAULT_NO_CONTACT_DAYS,
        help_text=_("Children never contacted, with a review or planned actions due by the "
                    "trip's last day are put on the itinerary too."),
        error_messages={"required": _("Enter a number of days."),
                        "invalid": _("Enter a whole number of days.")})

    def __init__(self, *args, districts: QuerySet[District], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The trip's last day comes before its first day."))
        return data


class CaseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: RiskCase) -> str:
        pupil = obj.pupil
        return f"{pupil.full_name}, {pupil.class_name} ({pupil.school.name})"


class TripStopAddForm(forms.Form):
    case = CaseChoice(label=_("Add a child"), queryset=RiskCase.objects.none(),
                      empty_label=_("choose a case"),
                      error_messages={"required": _("Choose the case to add."),
                                      "invalid_choice": _("This case cannot be added to the "
                                                          "trip.")})

    def __init__(self, *args, candidates: QuerySet[RiskCase], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = candidates


class TripStopRemoveForm(forms.Form):
    stop = forms.ModelChoiceField(queryset=TripStop.objects.none(), widget=forms.HiddenInput,
                                  error_messages={
                                      "required": _("Choose the stop to remove."),
                                      "invalid_choice": _("This case is no longer on the "
                                                          "itinerary."),
                                  })

    def __init__(self, *args, trip: FieldTrip, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stop"].queryset = TripStop.objects.filter(trip=trip)


class TripStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(FieldTrip.Status.DONE, _("done")),
                                        (FieldTrip.Status.CANCELLED, _("cancelled"))],
                               widget=forms.HiddenInput,
                               error_messages={"required": _("Choose done or cancelled."),
                                               "invalid_choice": _("Choose done or "
                                                                   "cancelled.")})
