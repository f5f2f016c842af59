"""Forms of the staff's screening pages: parsing and validation, with errors in the user's
language. Saving is the services' job."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safechildhood.directory.models import School
from safechildhood.geography.models import District
from safechildhood.people.names import normalise_class_letter
from safechildhood.screening.models import Assignment, Campaign
from safechildhood.screening.scoring import Instrument

# --- campaigns ---------------------------------------------------------------------------------

GRADES = range(1, 12)


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as 2025-10-01 whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class InstrumentCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in which the instruments that cannot be used yet are shown but disabled."""

    def __init__(self, *args, disabled: frozenset[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled = disabled

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.disabled:
            option["attrs"]["disabled"] = True
        return option


def instrument_label(instrument: Instrument, language: str) -> str:
    name = instrument.localized(instrument.name, language)
    label = gettext("%(name)s (ages %(low)s–%(high)s)") % {
        "name": name, "low": instrument.age_min, "high": instrument.age_max}
    if not instrument.has_texts:
        label += " — " + gettext("cannot be chosen yet: its question texts have not been "
                                 "supplied (the operator adds them once the centre holds "
                                 "permission to use them)")
    return label


class CampaignForm(forms.Form):
    """The plan of a campaign. Districts and schools left empty: the whole region."""

    name = forms.CharField(label=_("Name"), max_length=200,
                           help_text=_("For example: Autumn screening 2025, grades 5–11."))
    instruments = forms.MultipleChoiceField(
        label=_("Questionnaires"),
        help_text=_("Each pupil gets the chosen questionnaires that fit their age on the first "
                    "day of the campaign."))
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"), queryset=District.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)
    schools = forms.MultipleChoiceField(
        label=_("Schools"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Schools to add one by one, beyond the districts chosen above."))
    grades = forms.TypedMultipleChoiceField(
        label=_("Grades"), coerce=int, widget=forms.CheckboxSelectMultiple,
        choices=[(g, str(g)) for g in GRADES])
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    consent_rule = forms.ChoiceField(label=_("Parents' consent"),
                                     choices=Campaign.ConsentRule.choices,
                                     widget=forms.RadioSelect,
                                     initial=Campaign.ConsentRule.OPT_OUT)

    def __init__(self, *args, instruments: list[Instrument], districts: QuerySet[District],
                 schools: QuerySet[School], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.usable = frozenset(i.code for i in instruments if i.has_texts)
        field = self.fields["instruments"]
        field.widget = InstrumentCheckboxes(
            disabled=frozenset(i.code for i in instruments) - self.usable)
        field.choices = [(i.code, instrument_label(i, language)) for i in instruments]
        self.fields["districts"].queryset = districts
        self._schools = {str(s.pk): s for s in schools}
        groups: dict[str, list[tuple[str, str]]] = {}
        for school in schools:
            groups.setdefault(str(school.district), []).append((str(school.pk), str(school)))
        self.fields["schools"].choices = list(groups.items())

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict:
        return {
            "name": campaign.name, "instruments": campaign.instrument_codes,
            "districts": list(campaign.districts.all()),
            "schools": [str(s.pk) for s in campaign.schools.all()],
            "grades": [str(g) for g in campaign.grades], "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on, "consent_rule": campaign.consent_rule,
        }

    def school_groups(self) -> list[dict]:
        """The school checkboxes by district, for one folding list per district."""
        boxes = iter(self["schools"])
        groups = []
        for district, options in self.fields["schools"].choices:
            widgets = [next(boxes) for _option in options]
            groups.append({"district": district, "boxes": widgets,
                           "chosen": sum(1 for w in widgets if w.data["selected"])})
        return groups

    def clean_instruments(self) -> list[str]:
        codes = self.cleaned_data["instruments"]
        if any(code not in self.usable for code in codes):
            raise forms.ValidationError(
                _("A questionnaire whose question texts have not been supplied cannot be used "
                  "yet."), code="instrument_without_texts")
        return codes

    def clean_schools(self) -> list[School]:
        return [self._schools[pk] for pk in self.cleaned_data["schools"]]

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day cannot come before the first day."))
        return data


class ConfirmForm(forms.Form):
    """A tick that the person knows what an irreversible step does (closing a campaign)."""

    confirm = forms.BooleanField(
        label=_("I understand that pupils can no longer answer once the campaign is closed."))


# --- assignments: classes, status, paper forms ------------------------------------------------


def _letter(value: str) -> str:
    letter = normalise_class_letter(value or "")
    if len(letter) > 3 or not all(ch.isalpha() for ch in letter):
        raise forms.ValidationError(_("The class letter is at most three letters."),
                                    code="letter_format")
    return letter


class ClassForm(forms.Form):
    """A class of the school: grade and letter (the letter may be empty)."""

    grade = forms.TypedChoiceField(label=_("Grade"), coerce=int,
                                   choices=[(g, str(g)) for g in range(0, 13)])
    letter = forms.CharField(label=_("Class letter"), max_length=5, required=False)

    def clean_letter(self) -> str:
        return _letter(self.cleaned_data["letter"])


class AssignmentStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[
        (Assignment.Status.ABSENT, _("absent")),
        (Assignment.Status.REFUSED, _("pupil refused")),
        (Assignment.Status.PENDING, _("back to not started")),
    ])
    next = forms.CharField(required=False)


class PaperForm(forms.Form):
    """Every question of one instrument, as on the paper form. A question may be left blank:
    nothing is imputed, and a blank critical question is followed up by the school."""

    BLANK = ""

    language = forms.ChoiceField(label=_("Language of the paper form"),
                                 choices=settings.LANGUAGES, widget=forms.RadioSelect)

    def __init__(self, *args, instrument: Instrument, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["language"].initial = language
        self.sections: list[tuple[str, list]] = []
        for number, item in enumerate(instrument.items, start=1):
            text = instrument.localized(item.text, language) if item.text else item.topic
            label = f"{number}. {text or item.id}"
            if item.option_set is not None:
                choices = [(o.code, instrument.localized(o.label, language) or o.code)
                           for o in item.option_set.options]
                field = forms.ChoiceField(
                    label=label, required=False, widget=forms.RadioSelect, initial=self.BLANK,
                    choices=[*choices, (self.BLANK, gettext("left blank"))])
            else:
                field = forms.IntegerField(
                    label=label, required=False, min_value=item.number_min,
                    max_value=item.number_max,
                    help_text=gettext("A whole number from %(low)s to %(high)s; empty if left "
                                      "blank.") % {"low": item.number_min,
                                                   "high": item.number_max})
            name = f"q_{item.id}"
            self.fields[name] = field
            if not self.sections or self.sections[-1][0] != item.section:
                self.sections.append((item.section, []))
            self.sections[-1][1].append(self[name])

    def clean(self):
        data = super().clean()
        if not self.errors and not self.answers():
            # An empty form would spend the pupil's questionnaire: surely a slip of the hand.
            raise forms.ValidationError(
                _("Nothing is filled in. Enter the answers from the paper form; if the pupil "
                  "left it empty, go back and mark the pupil instead."), code="empty")
        return data

    def answers(self) -> dict[str, str]:
        out = {}
        for item in self.instrument.items:
            value = self.cleaned_data.get(f"q_{item.id}")
            if value not in (None, self.BLANK):
                out[item.id] = str(value)
        return out

    def field_for(self, item_id: str | None) -> str | None:
        name = f"q_{item_id}"
        return name if name in self.fields else None
