"""Reporting periods: a month, a quarter or a year, as the dashboards, the reports, the official
figures and the lists their figures link to count them (here, outside statistics, because those
lists belong to other apps and nothing imports statistics).

A period is written in addresses and files as ``2025`` (a year), ``2025-q1`` (a quarter) or
``2025-03`` (a month). It has the days it covers (``start`` and ``end``, both included, so it can
be given wherever a ``prevention.selectors.Period`` is taken) and the moments (``starts_at``
included, ``ends_at`` excluded, in the server's time zone) for timestamps.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy


class PeriodKind(models.TextChoices):
    YEAR = "year", pgettext_lazy("period", "year")
    QUARTER = "quarter", pgettext_lazy("period", "quarter")
    MONTH = "month", pgettext_lazy("period", "month")


_CODE = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<quarter>[qQ][1-4])|(?P<month>0[1-9]|1[0-2])))?$")
FIRST_YEAR = 2000  # nothing of the programme is older


@dataclass(frozen=True, order=True)
class ReportPeriod:
    year: int
    kind: str = PeriodKind.YEAR
    number: int = 0  # the quarter (1-4) or the month (1-12); 0 for a year

    def __post_init__(self) -> None:
        limits = {PeriodKind.YEAR: (0, 0), PeriodKind.QUARTER: (1, 4), PeriodKind.MONTH: (1, 12)}
        if self.kind not in limits:
            raise ValueError(f"unknown period kind {self.kind!r}")
        low, high = limits[PeriodKind(self.kind)]
        if not low <= self.number <= high or not FIRST_YEAR <= self.year <= 9998:
            raise ValueError(f"no such period: {self.kind} {self.number} of {self.year}")

    # --- making one ----------------------------------------------------------------------------

    @classmethod
    def parse(cls, code: str | None) -> ReportPeriod | None:
        """The period written as ``2025``, ``2025-q1`` or ``2025-03``; None for anything else."""
        match = _CODE.match((code or "").strip())
        if not match:
            return None
        year = int(match["year"])
        try:
            if match["quarter"]:
                return cls(year, PeriodKind.QUARTER, int(match["quarter"][1]))
            if match["month"]:
                return cls(year, PeriodKind.MONTH, int(match["month"]))
            return cls(year)
        except ValueError:
            return None

    @classmethod
    def containing(cls, day: dt.date, kind: str = PeriodKind.YEAR) -> ReportPeriod:
        """The month, quarter or year that ``day`` falls in."""
        if kind == PeriodKind.MONTH:
            return cls(day.year, PeriodKind.MONTH, day.month)
        if kind == PeriodKind.QUARTER:
            return cls(day.year, PeriodKind.QUARTER, (day.month - 1) // 3 + 1)
        return cls(day.year)

    # --- what it covers ------------------------------------------------------------------------

    @property
    def first_month(self) -> int:
        if self.kind == PeriodKind.MONTH:
            return self.number
        if self.kind == PeriodKind.QUARTER:
            return 3 * (self.number - 1) + 1
        return 1

    @property
    def months(self) -> int:
        return {PeriodKind.YEAR: 12, PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}[
            PeriodKind(self.kind)]

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        return self.next().start - dt.timedelta(days=1)

    @property
    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def ends_at(self) -> dt.datetime:
        """The first moment after the period."""
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1),
                                                       dt.time.min))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def has_started(self, today: dt.date | None = None) -> bool:
        return self.start <= (today or timezone.localdate())

    # --- neighbours ----------------------------------------------------------------------------

    def next(self) -> ReportPeriod:
        month = self.first_month - 1 + self.months
        year = self.year + month // 12
        if self.kind == PeriodKind.YEAR:
            return ReportPeriod(year)
        if self.kind == PeriodKind.QUARTER:
            return ReportPeriod(year, PeriodKind.QUARTER, month % 12 // 3 + 1)
        return ReportPeriod(year, PeriodKind.MONTH, month % 12 + 1)

    def previous(self) -> ReportPeriod:
        month = self.first_month - 1 - self.months
        year = self.year + month // 12
        if self.kind == PeriodKind.YEAR:
            return ReportPeriod(self.year - 1)
        if self.kind == PeriodKind.QUARTER:
            return ReportPeriod(year, PeriodKind.QUARTER, month % 12 // 3 + 1)
        return ReportPeriod(year, PeriodKind.MONTH, month % 12 + 1)

    def year_before(self) -> ReportPeriod:
        """The same month, quarter or year a year earlier (for year-on-year change)."""
        return ReportPeriod(self.year - 1, self.kind, self.number)

    def parts(self) -> list[ReportPeriod]:
        """The months of a quarter, the quarters of a year; a month has none."""
        if self.kind == PeriodKind.YEAR:
            return [ReportPeriod(self.year, PeriodKind.QUARTER, q) for q in range(1, 5)]
        if self.kind == PeriodKind.QUARTER:
            return [ReportPeriod(self.year, PeriodKind.MONTH, self.first_month + i)
                    for i in range(3)]
        return []

    # --- how it is written ---------------------------------------------------------------------

    @property
    def code(self) -> str:
        """``2025``, ``2025-q1``, ``2025-03``: for addresses, forms and file names."""
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}-q{self.number}"
        if self.kind == PeriodKind.MONTH:
            return f"{self.year}-{self.number:02d}"
        return str(self.year)

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        """The period as the pages and reports name it, in the active language."""
        if self.kind == PeriodKind.QUARTER:
            return gettext("Q%(quarter)s %(year)s") % {"quarter": self.number, "year": self.year}
        if self.kind == PeriodKind.MONTH:
            return gettext("%(month)s %(year)s") % {
                "month": MONTH_NAMES[self.number - 1](), "year": self.year}
        return str(self.year)


# Month names in the nominative, as a period's title ("March 2025"; Kazakh puts the year first
# through its own translation of "%(month)s %(year)s").
MONTH_NAMES = [
    lambda: gettext("January"), lambda: gettext("February"), lambda: gettext("March"),
    lambda: gettext("April"), lambda: gettext("May"), lambda: gettext("June"),
    lambda: gettext("July"), lambda: gettext("August"), lambda: gettext("September"),
    lambda: gettext("October"), lambda: gettext("November"), lambda: gettext("December"),
]


def period_choices(*, kind: str, first_year: int, today: dt.date | None = None
                   ) -> list[ReportPeriod]:
    """The periods of a kind from ``first_year`` to the current one, newest first."""
    today = today or timezone.localdate()
    periods = []
    period = ReportPeriod.containing(today, kind)
    while period.year >= first_year:
        periods.append(period)
        period = period.previous()
    return periods
