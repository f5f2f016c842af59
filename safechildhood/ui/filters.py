"""The filter line above a list: a list's filter form takes ``ActiveFilters`` to get the filters
that parsed and, for ``ui/_active_filters.html``, the ones in force as (label, value).

The statistics pages link to lists filtered to an area, a period and what a figure counts; the
line says what the list is narrowed to, with a link to show everything."""

from __future__ import annotations

from django import forms
from django.utils.formats import date_format


class ActiveFilters:
    """For a ``forms.Form`` of a list's filters (given in the address)."""

    not_shown: frozenset[str] = frozenset()  # filters left out of the line above the list

    def valid(self) -> dict:
        """The filters that parsed: one that does not is left out (and shown as an error on
        the form) while the others apply."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def active(self) -> list[tuple[str, str]]:
        """(label, value) of each filter in force, for the line above the list."""
        shown = []
        for name, value in self.valid().items():
            if name in self.not_shown:
                continue
            field = self.fields[name]
            if hasattr(value, "name"):
                text = value.name
            elif isinstance(field, forms.ChoiceField) \
                    and not isinstance(field, forms.ModelChoiceField):
                text = str(dict(field.choices).get(value, value))
            elif hasattr(value, "strftime"):
                text = date_format(value, "SHORT_DATE_FORMAT")
            else:
                text = str(value)
            shown.append((str(field.label), text))
        return shown
