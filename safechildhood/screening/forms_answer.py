"""Forms of the pupil's pages: the code, and one page of questions built from the instrument."""

from __future__ import annotations

from functools import lru_cache

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safechildhood.screening.services.answering import Page

_RADIO = '<label class="opt"><input type="radio" name="{}" value="{}"{}> {}</label>'


@lru_cache(maxsize=8192)
def _question_html(language: str, label: str, name: str, auto_id: str, value: str,
                   options: tuple[tuple[str, str], ...] | None, low, high,
                   errors: tuple[str, ...] = ()) -> str:
    """One question as HTML, the same for every pupil who sees it with the same answer: kept
    in the process (Django's per-option widget templates cost more than the rest of the page
    together)."""
    parts = [format_html("<fieldset>\n<legend>{}</legend>\n", label)]
    if errors:
        parts.append(format_html('<p class="err" role="alert">{}</p>\n', " ".join(errors)))
    if options is not None:
        parts += [format_html(_RADIO, name, code, mark_safe(" checked") if code == value else "",
                              text) for code, text in options]
    else:
        with translation.override(language):
            days = gettext("Number of days")
        parts.append(format_html(
            '<label class="muted" for="{}">{}</label>\n<input type="number" name="{}" id="{}" '
            'value="{}" min="{}" max="{}" inputmode="numeric">', auto_id, days, name, auto_id,
            value, "" if low is None else low, "" if high is None else high))
    parts.append("\n</fieldset>\n")
    return mark_safe("".join(parts))  # noqa: S308 -- every value above is escaped


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

    def rows(self) -> list[str]:
        """The page's questions as HTML, in the language the page is rendered in."""
        language = translation.get_language()
        # a refused page shows what was typed: built afresh, never kept (it is the pupil's text)
        build = _question_html.__wrapped__ if self.is_bound else _question_html
        rows = []
        for bound, item in zip(self.questions, self.current.items, strict=True):
            value = bound.data if self.is_bound else bound.initial
            field = bound.field
            rows.append(build(
                language, str(bound.label), bound.html_name, bound.auto_id,
                "" if value is None else str(value),
                tuple((str(c), str(t)) for c, t in field.choices)
                if item.option_set is not None else None,
                getattr(field, "min_value", None), getattr(field, "max_value", None),
                tuple(str(e) for e in self.errors.get(bound.name, ())) if self.is_bound else ()))
        return rows

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
