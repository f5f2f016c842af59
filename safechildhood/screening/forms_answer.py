"""Forms of the pupil's pages: the code, and one page of questions built from the instrument."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from safechildhood.screening.services.answering import Page


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Your code"), max_length=20, strip=True,
                           widget=forms.TextInput(attrs={
                               "autocomplete": "off", "autocapitalize": "characters",
                               "spellcheck": "false", "inputmode": "text"}))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES,
                                 widget=forms.RadioSelect)


class PageForm(forms.Form):
    """Every question of the page is optional: a pupil may pass a question. Nothing is
    imputed; an unanswered critical question is followed up by the school."""

    instrument = forms.CharField(widget=forms.HiddenInput)
    position = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, current: Page, language: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        self.fields["instrument"].initial = current.instrument.code
        self.fields["position"].initial = current.position
        self.questions = []
        for number, item in enumerate(current.items, start=current.position + 1):
            label = f"{number}. {current.instrument.localized(item.text, language)}"
            if item.option_set is not None:
                field = forms.ChoiceField(
                    label=label, required=False, widget=forms.RadioSelect,
                    choices=[(o.code, current.instrument.localized(o.label, language))
                             for o in item.option_set.options])
            else:
                field = forms.IntegerField(label=label, required=False,
                                           min_value=item.number_min, max_value=item.number_max)
            field.initial = current.answers.get(item.id)
            self.fields[f"q_{item.id}"] = field
            self.questions.append(self[f"q_{item.id}"])

    def clean(self):
        data = super().clean()
        if data.get("instrument") != self.current.instrument.code or \
                data.get("position") != self.current.position:
            raise forms.ValidationError("stale page", code="stale")
        return data

    def answers(self) -> dict[str, str]:
        out = {}
        for item in self.current.items:
            value = self.cleaned_data.get(f"q_{item.id}")
            if value not in (None, ""):
                out[item.id] = str(value)
        return out
