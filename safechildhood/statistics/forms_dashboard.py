"""The dashboard's filters, read from the address (a GET form that works without a script): the
kind of period and the period, the area (``district``, then ``school``), and the measure the
tile map is coloured by.

A period of another kind than the one chosen (the kind was changed and the form sent without a
script) becomes the latest period of the chosen kind inside it, or the one containing today.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.periods import PeriodKind, ReportPeriod, period_choices

YEARS_BACK = 4  # periods offered: this year and the four before


class DashboardFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Period"), required=False, choices=PeriodKind.choices)
    period = forms.CharField(label=_("Year, quarter or month"), required=False,
                             widget=forms.Select)
    district = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    school = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    map = forms.CharField(label=_("Colour the map by"), required=False, max_length=80,
                          widget=forms.Select)

    def __init__(self, data=None, *, today: dt.date | None = None, first_year: int | None = None,
                 map_choices=()):
        super().__init__(data)
        self.today = today or timezone.localdate()
        self.first_year = min(first_year or self.today.year, self.today.year - YEARS_BACK)
        self.fields["map"].widget.choices = list(map_choices)

    def chosen_kind(self) -> str:
        kind = (self.data.get("kind") or "") if self.data else ""
        return kind if kind in PeriodKind.values else PeriodKind.YEAR

    def chosen_period(self) -> ReportPeriod:
        """The period asked for, made of the chosen kind; this year (quarter, month) without
        one; never a period that has not started."""
        kind = self.chosen_kind()
        asked = ReportPeriod.parse(self.data.get("period") if self.data else None)
        current = ReportPeriod.containing(self.today, kind)
        if asked is None or not asked.has_started(self.today):
            return current
        if asked.kind != kind:
            inside = [p for p in period_choices(kind=kind, first_year=asked.year,
                                                today=self.today)
                      if p.start >= asked.start and p.end <= asked.end]
            containing = ReportPeriod.containing(asked.start, kind)
            asked = inside[0] if inside else containing
        if asked.year < self.first_year:
            return current
        return asked

    def period_options(self, kind: str) -> list[tuple[str, str]]:
        return [(p.code, p.label) for p in period_choices(kind=kind, first_year=self.first_year,
                                                          today=self.today)]

    def area(self) -> tuple[int | None, int | None]:
        """(district id, school id) asked for; anything unreadable is the region."""
        if not self.is_valid():
            return None, None
        return self.cleaned_data.get("district"), self.cleaned_data.get("school")

    def prepare(self, period: ReportPeriod, map_code: str) -> None:
        """Show what is in force: the chosen kind and period selected, their options listed."""
        self.fields["period"].widget.choices = self.period_options(period.kind)
        self.initial.update({"kind": period.kind, "period": period.code, "map": map_code})
        if self.is_bound:
            self.data = self.data.copy()
            self.data["kind"], self.data["period"] = period.kind, period.code
            self.data["map"] = map_code
