"""Forms of the pupil pages: parsing and validation, with errors in the user's language. Saving
is the services' job."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safechildhood.directory.models import School
from safechildhood.people.iin import IINError, check_iin_matches
from safechildhood.people.messages import PHONE_MESSAGE, iin_message
from safechildhood.people.models import Consent, DuplicateCandidate, Guardian, Pupil, Sex
from safechildhood.people.names import clean_name, normalise_class_letter
from safechildhood.people.phones import PhoneError, normalise_kz_phone

MIN_AGE, MAX_AGE = 5, 20
GRADE_CHOICES = [(0, _("0 (pre-school class)"))] + [(g, str(g)) for g in range(1, 13)]
NAME_PUNCTUATION = frozenset(" -'’ʼ`.")


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as 2011-03-14 whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _clean_person_name(value: str, *, required: bool = True) -> str:
    value = clean_name(value)
    if not value:
        if required:
            raise forms.ValidationError(_("This field is required."), code="required")
        return value
    if not all(ch.isalpha() or ch in NAME_PUNCTUATION for ch in value):
        raise forms.ValidationError(
            _("Use letters only (hyphens, apostrophes and spaces are allowed)."),
            code="name_invalid")
    return value


def _clean_letter(value: str) -> str:
    letter = normalise_class_letter(value or "")
    if len(letter) > 3 or not all(ch.isalpha() for ch in letter):
        raise forms.ValidationError(_("The class letter is at most three letters."),
                                    code="letter_format")
    return letter


def _not_in_future(value: dt.date | None, message) -> dt.date | None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(message, code="date_future")
    return value


class PupilForm(forms.Form):
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    middle_name = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DateInput())
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    grade = forms.TypedChoiceField(label=_("Grade"), choices=GRADE_CHOICES, coerce=int)
    class_letter = forms.CharField(label=_("Class letter"), max_length=5, required=False,
                                   help_text=_("For example А or Ә; leave empty if the grade "
                                               "has one class."))
    iin = forms.CharField(
        label=_("IIN"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("12 digits, from the birth certificate or identity card. May be left "
                    "empty; if filled in, it is checked against the date of birth and sex."),
    )

    def clean_last_name(self) -> str:
        return _clean_person_name(self.cleaned_data["last_name"])

    def clean_first_name(self) -> str:
        return _clean_person_name(self.cleaned_data["first_name"])

    def clean_middle_name(self) -> str:
        return _clean_person_name(self.cleaned_data["middle_name"], required=False)

    def clean_class_letter(self) -> str:
        return _clean_letter(self.cleaned_data["class_letter"])

    def clean_iin(self) -> str | None:
        return "".join(self.cleaned_data["iin"].split()) or None

    def clean_birth_date(self) -> dt.date:
        birth_date = self.cleaned_data["birth_date"]
        age = age_on(birth_date, timezone.localdate())
        if not MIN_AGE <= age <= MAX_AGE:
            raise forms.ValidationError(
                _("A pupil is aged %(min_age)s to %(max_age)s: check the date of birth."),
                code="date_range", params={"min_age": MIN_AGE, "max_age": MAX_AGE})
        return birth_date

    def clean(self):
        cleaned = super().clean()
        iin = cleaned.get("iin")
        if iin:
            try:
                check_iin_matches(iin, birth_date=cleaned.get("birth_date"),
                                  sex=cleaned.get("sex"))
            except IINError as error:
                self.add_error("iin", forms.ValidationError(iin_message(error.code),
                                                            code=error.code))
        return cleaned

    @classmethod
    def initial_for(cls, pupil: Pupil) -> dict:
        return {name: getattr(pupil, name) or "" for name in cls.base_fields}


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: School) -> str:
        return f"{obj.district} — {obj}"


class TransferForm(forms.Form):
    to_school = SchoolChoiceField(label=_("New school"), queryset=School.objects.none(),
                                  empty_label=_("Choose the school"))
    grade = forms.TypedChoiceField(label=_("Grade at the new school"), choices=GRADE_CHOICES,
                                   coerce=int)
    class_letter = forms.CharField(label=_("Class letter"), max_length=5, required=False)
    on_date = forms.DateField(label=_("Date of transfer"), widget=DateInput())

    def __init__(self, *args, schools: QuerySet[School], pupil: Pupil, **kwargs):
        """``schools``: where this pupil may move (``selectors.transfer_schools``)."""
        kwargs.setdefault("initial", {"grade": pupil.grade, "class_letter": pupil.class_letter,
                                      "on_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["to_school"].queryset = schools

    def clean_class_letter(self) -> str:
        return _clean_letter(self.cleaned_data["class_letter"])

    def clean_on_date(self) -> dt.date:
        return _not_in_future(self.cleaned_data["on_date"],
                              _("The date of transfer cannot be in the future."))


class GuardianForm(forms.Form):
    relation = forms.ChoiceField(label=_("Relation to the pupil"),
                                 choices=Guardian.Relation.choices)
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off",
                                      "placeholder": "+7 701 234 56 78"}),
        help_text=_("A Kazakhstan number: +7 and ten digits. May be left empty."),
    )

    def clean_full_name(self) -> str:
        return _clean_person_name(self.cleaned_data["full_name"])

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        try:
            return normalise_kz_phone(phone)
        except PhoneError:
            raise forms.ValidationError(PHONE_MESSAGE, code="phone_format") from None


class GuardianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Guardian) -> str:
        return f"{obj.full_name} ({obj.get_relation_display()})"


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Consent.Decision.choices,
                                 widget=forms.RadioSelect)
    decided_on = forms.DateField(label=_("Date of decision"), widget=DateInput())
    guardian = GuardianChoiceField(label=_("Parent or guardian"),
                                   queryset=Guardian.objects.none(), required=False,
                                   empty_label=_("Not named"))
    note = forms.CharField(
        label=pgettext_lazy("consent", "Note"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional, for example how the decision was received. Stored encrypted."),
    )

    def __init__(self, *args, pupil: Pupil, **kwargs):
        kwargs.setdefault("initial", {"decided_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = Guardian.objects.filter(pupil=pupil)

    def clean_decided_on(self) -> dt.date:
        return _not_in_future(self.cleaned_data["decided_on"],
                              _("The date of the decision cannot be in the future."))


class PupilSearchForm(forms.Form):
    """The list's search and filters; anything unreadable is ignored, not an error page."""

    STATUS_CHOICES = [("active", _("Enrolled")), ("left", _("Left school")), ("all", _("All"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "autocomplete": "off"}),
                        help_text=_("Last or first name, IIN, or date of birth (14.03.2011)."))
    grade = forms.TypedChoiceField(label=_("Grade"), required=False, coerce=int,
                                   empty_value=None,
                                   choices=[("", _("All grades")), *GRADE_CHOICES])
    class_letter = forms.CharField(label=_("Class letter"), required=False, max_length=5)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or "active"
        return {
            "query": data.get("q", ""),
            "grade": data.get("grade"),
            "class_letter": data.get("class_letter", ""),
            "status": None if status == "all" else status,
        }


class DuplicateResolveForm(forms.Form):
    """Keep one of two records (merge) or say they are different children (dismiss)."""

    MERGE, DISMISS = "merge", "dismiss"

    decision = forms.ChoiceField(choices=[(MERGE, MERGE), (DISMISS, DISMISS)])
    keep = forms.TypedChoiceField(label=_("Record to keep"), coerce=int, required=False,
                                  widget=forms.RadioSelect)

    def __init__(self, *args, candidate: DuplicateCandidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(candidate.first_id, candidate.first_id),
                                       (candidate.second_id, candidate.second_id)]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.MERGE and not cleaned.get("keep"):
            self.add_error("keep", forms.ValidationError(
                _("Choose the record to keep."), code="required"))
        return cleaned
