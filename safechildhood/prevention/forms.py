"""Forms of prevention records: parsing and validation, errors in the user's language. The create
forms carry a one-time token so that a form sent twice records once (see services)."""

from __future__ import annotations

import secrets

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.accounts.models import User
from safechildhood.directory.models import School
from safechildhood.geography.models import District, Settlement
from safechildhood.people.forms import DateInput
from safechildhood.people.models import Guardian
from safechildhood.prevention.models import Event, Organiser, TrainingParticipant
from safechildhood.prevention.services import (
    MAX_GROUP,
    MAX_HOURS,
    MAX_PARENTS,
    ConsultationInput,
    EventInput,
    MeetingInput,
    TrainingInput,
)
from safechildhood.ui.filters import ActiveFilters

WHOLE = {"invalid": _("Enter a whole number.")}
DAY = {"required": _("Enter the date."), "invalid": _("Enter a valid date.")}


def new_token() -> str:
    return secrets.token_hex(16)


class Named(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class SchoolChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: School) -> str:
        return f"{obj.name} ({obj.district.name})"


class SettlementChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Settlement) -> str:
        return f"{obj.name} ({obj.district.name})"


class GuardianChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Guardian) -> str:
        return _("%(guardian)s (%(relation)s of %(pupil)s)") % {
            "guardian": obj.full_name, "relation": obj.get_relation_display(),
            "pupil": obj.pupil.full_name}


class PeopleChoice(forms.ModelMultipleChoiceField):
    """A school psychologist with their school (``psychologist_choices`` prefetches it)."""

    def label_from_instance(self, obj: User) -> str:
        schools = [m.school.name for m in obj.memberships.all() if m.school_id]
        return f"{obj} · {schools[0]}" if schools else str(obj)


class Tokened(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {"token": new_token(), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)


# --- trainings ---------------------------------------------------------------------------------


class TrainingForm(Tokened):
    topic = forms.CharField(label=_("Topic"), max_length=300,
                            error_messages={"required": _("Enter the topic.")})
    starts_on = forms.DateField(label=_("First day"), widget=DateInput(), error_messages=DAY)
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput(), error_messages=DAY)
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=MAX_HOURS,
                               error_messages={"required": _("Enter the hours."), **WHOLE})
    trainer = forms.CharField(label=_("Trainer"), max_length=200,
                              help_text=_("Who taught: a name, or the centre's team."),
                              error_messages={"required": _("Enter the trainer.")})
    place = forms.CharField(label=_("Place"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data

    def to_input(self) -> TrainingInput:
        d = self.cleaned_data
        return TrainingInput(topic=d["topic"], starts_on=d["starts_on"], ends_on=d["ends_on"],
                             hours=d["hours"], trainer=d["trainer"], place=d["place"])


class ListFilter(ActiveFilters, forms.Form):
    """A list's filters. The statistics pages link to a list filtered to an area and a period:
    the school travels in the address only (hidden); a filter that does not parse is left out
    (and shown as an error) while the others apply."""

    school = Named(label=_("School"), queryset=School.objects.all(), required=False,
                   widget=forms.HiddenInput)

    def __init__(self, *args, districts: QuerySet[District] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if "district" in self.fields and districts is not None:
            self.fields["district"].queryset = districts


class TrainingFilterForm(ListFilter):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    district = Named(label=_("Participants from"), queryset=District.objects.none(),
                     required=False, empty_label=_("all districts"))
    date_from = forms.DateField(label=_("Ended from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Ended to"), required=False, widget=DateInput())


class ParticipantDistrictForm(forms.Form):
    district = Named(label=_("District"), queryset=District.objects.none(), required=False,
                     empty_label=_("all districts"))

    def __init__(self, *args, districts: QuerySet[District], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts


class ParticipantAddForm(forms.Form):
    users = PeopleChoice(label=_("School psychologists"), queryset=User.objects.none(),
                         widget=forms.CheckboxSelectMultiple,
                         error_messages={"required": _("Choose at least one school "
                                                       "psychologist.")})

    def __init__(self, *args, people: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = people


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(label=_("Attendance"),
                                   choices=TrainingParticipant.Attendance.choices,
                                   error_messages={"required": _("Choose the attendance.")})


# --- events ------------------------------------------------------------------------------------


class PlaceMixin:
    """District, settlement and school choices limited to what the actor may record."""

    def limit_places(self, *, districts, settlements=None, schools=None) -> None:
        self.fields["district"].queryset = districts
        if "settlement" in self.fields:
            self.fields["settlement"].queryset = settlements
        if "school" in self.fields:
            self.fields["school"].queryset = schools


class EventForm(PlaceMixin, Tokened):
    kind = forms.ChoiceField(label=_("Type of event"), choices=Event.Kind.choices,
                             error_messages={"required": _("Choose the type of event.")})
    title = forms.CharField(label=_("Title"), max_length=300,
                            error_messages={"required": _("Enter the title.")})
    held_on = forms.DateField(label=_("Date"), widget=DateInput(), error_messages=DAY,
                              initial=timezone.localdate)
    district = Named(label=_("District"), queryset=District.objects.none(),
                     error_messages={"required": _("Choose the district."),
                                     "invalid_choice": _("Choose a district from the list.")})
    settlement = SettlementChoice(label=_("Settlement"), queryset=Settlement.objects.none(),
                                  required=False, empty_label=_("district-wide or not named"))
    school = SchoolChoice(label=_("School"), queryset=School.objects.none(), required=False,
                          empty_label=_("no single school"),
                          error_messages={"invalid_choice": _("Choose a school from the list.")})
    organisers = forms.MultipleChoiceField(
        label=_("Organisers"), choices=Organiser.choices, widget=forms.CheckboxSelectMultiple,
        required=False, help_text=_("Mark every organiser."))
    pupils = forms.IntegerField(label=_("Pupils"), min_value=0, max_value=MAX_GROUP, initial=0,
                                error_messages=WHOLE)
    parents = forms.IntegerField(label=_("Parents"), min_value=0, max_value=MAX_GROUP,
                                 initial=0, error_messages=WHOLE)
    teachers = forms.IntegerField(label=_("Teachers"), min_value=0, max_value=MAX_GROUP,
                                  initial=0, error_messages=WHOLE)
    psychologists = forms.IntegerField(label=_("Psychologists"), min_value=0,
                                       max_value=MAX_GROUP, initial=0, error_messages=WHOLE)
    others = forms.IntegerField(label=_("Others"), min_value=0, max_value=MAX_GROUP, initial=0,
                                error_messages=WHOLE)
    description = forms.CharField(label=_("Description"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("What was done. No names of children."))

    def clean(self):
        data = super().clean()
        groups = [data.get(name) for name in ("pupils", "parents", "teachers", "psychologists",
                                              "others")]
        if all(value is not None for value in groups) and not any(groups):
            self.add_error("pupils", _("Enter how many took part: at least one group above "
                                       "zero."))
        return data

    def to_input(self) -> EventInput:
        d = self.cleaned_data
        return EventInput(kind=d["kind"], title=d["title"], held_on=d["held_on"],
                          district=d["district"], settlement=d.get("settlement"),
                          school=d.get("school"), organisers=list(d["organisers"]),
                          pupils=d["pupils"], parents=d["parents"], teachers=d["teachers"],
                          psychologists=d["psychologists"], others=d["others"],
                          description=d["description"])


class EventFilterForm(ListFilter):
    kind = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("all types")), *Event.Kind.choices])
    district = Named(label=_("District"), queryset=District.objects.none(), required=False,
                     empty_label=_("all districts"))
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class MaterialForm(forms.Form):
    file = forms.FileField(label=_("File"),
                           help_text=_("PDF, JPEG or PNG photo, Word, PowerPoint or Excel; at "
                                       "most 10 MB."),
                           error_messages={"required": _("Choose a file."),
                                           "empty": _("The file is empty.")})


# --- parent outreach ---------------------------------------------------------------------------


class MeetingForm(PlaceMixin, Tokened):
    held_on = forms.DateField(label=_("Date"), widget=DateInput(), error_messages=DAY,
                              initial=timezone.localdate)
    topic = forms.CharField(label=_("Topic"), max_length=300,
                            error_messages={"required": _("Enter the topic.")})
    district = Named(label=_("District"), queryset=District.objects.none(),
                     error_messages={"required": _("Choose the district.")})
    school = SchoolChoice(label=_("School"), queryset=School.objects.none(), required=False,
                          empty_label=_("no single school"))
    parents_count = forms.IntegerField(
        label=_("Parents present"), min_value=1, max_value=MAX_PARENTS,
        help_text=_("A head count: people at group meetings are counted, not named."),
        error_messages={"required": _("Enter how many parents were present."), **WHOLE})

    def to_input(self) -> MeetingInput:
        d = self.cleaned_data
        return MeetingInput(held_on=d["held_on"], topic=d["topic"], district=d["district"],
                            school=d.get("school"), parents_count=d["parents_count"])


class ConsultationForm(Tokened):
    held_on = forms.DateField(label=_("Date"), widget=DateInput(), error_messages=DAY,
                              initial=timezone.localdate)
    guardian = GuardianChoice(label=_("Parent or guardian"), queryset=Guardian.objects.none(),
                              error_messages={"required": _("Choose the parent or guardian."),
                                              "invalid_choice": _("Choose a parent or guardian "
                                                                  "from the list.")})
    topic = forms.CharField(label=_("Topic"), max_length=300,
                            help_text=_("A few words, such as \"school attendance\". No details "
                                        "of the family's situation."),
                            error_messages={"required": _("Enter the topic.")})

    def __init__(self, *args, guardians: QuerySet[Guardian], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = guardians

    def to_input(self) -> ConsultationInput:
        d = self.cleaned_data
        return ConsultationInput(held_on=d["held_on"], guardian=d["guardian"], topic=d["topic"])


class OutreachFilterForm(ListFilter):
    district = Named(label=_("District"), queryset=District.objects.none(), required=False,
                     empty_label=_("all districts"))
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
