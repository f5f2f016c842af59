"""Instrument definitions as frozen data classes (no Django here: see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("kk", "ru", "en")
TRANSLATION_STATUSES = ("original", "official", "working")
RISK_CATEGORIES = (
    "suicide_risk", "depression", "anxiety", "substance_use", "trauma_violence", "behaviour",
)
LEVELS = ("low", "medium", "high", "critical")

Text = dict[str, str]  # language code -> text
Condition = dict[str, Any]  # see instruments/README.md


@dataclass(frozen=True)
class Option:
    code: str
    value: int
    label: Text


@dataclass(frozen=True)
class OptionSet:
    id: str
    options: tuple[Option, ...]
    translation: dict[str, str] = field(default_factory=dict)

    def by_code(self, code: str) -> Option | None:
        cache = self.__dict__.get("_by_code")
        if cache is None:
            cache = {o.code: o for o in self.options}
            object.__setattr__(self, "_by_code", cache)
        return cache.get(code)

    @property
    def min_value(self) -> int:
        return min(o.value for o in self.options)

    @property
    def max_value(self) -> int:
        return max(o.value for o in self.options)


@dataclass(frozen=True)
class Item:
    id: str
    text: Text
    option_set: OptionSet | None  # None for a number item
    kind: str = "choice"  # "choice" or "number"
    number_min: int = 0
    number_max: int = 0
    reverse: bool = False
    optional: bool = False
    critical: bool = False
    show_if: Condition | None = None
    section: str = ""
    topic: str = ""
    loinc: str = ""

    @property
    def has_text(self) -> bool:
        return all(self.text.get(lang) for lang in LANGUAGES)


@dataclass(frozen=True)
class Band:
    code: str
    max: int
    label: Text


@dataclass(frozen=True)
class Scale:
    id: str
    label: Text
    items: tuple[str, ...]
    method: str = "sum"  # "sum" or "count"
    count_codes: tuple[str, ...] = ()
    bands: tuple[Band, ...] = ()

    def band_for(self, total: int) -> Band | None:
        return next((b for b in self.bands if total <= b.max), None)


@dataclass(frozen=True)
class Flag:
    id: str
    label: Text
    when: Condition
    critical: bool = False
    acute: bool = False


@dataclass(frozen=True)
class TriageRule:
    category: str
    level: str
    when: Condition


@dataclass(frozen=True)
class Instrument:
    code: str
    version: str
    name: Text
    short_name: Text
    instructions: Text
    age_min: int
    age_max: int
    texts: str  # "included" or "operator"
    citation: str
    licence: str
    translation: dict[str, str]
    translation_note: str
    loinc: str
    option_sets: dict[str, OptionSet]
    items: tuple[Item, ...]
    scales: tuple[Scale, ...]
    flags: tuple[Flag, ...]
    triage: tuple[TriageRule, ...]
    source: str = ""  # the file it came from
    local: bool = False  # the centre's own instrument (from SC_INSTRUMENTS_DIR)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {i.id: i for i in self.items})

    def item(self, item_id: str) -> Item | None:
        return self._by_id.get(item_id)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    @property
    def has_texts(self) -> bool:
        """Every item and option has its text in all three languages: ready to be answered."""
        if not all(i.has_text for i in self.items):
            return False
        return all(
            all(o.label.get(lang) for lang in LANGUAGES)
            for s in self.option_sets.values() for o in s.options
        )

    @property
    def missing_texts(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items if not i.has_text)

    @property
    def critical_item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items if i.critical)

    def covers_age(self, age: int) -> bool:
        return self.age_min <= age <= self.age_max

    def localized(self, text: Text, language: str) -> str:
        return text.get(language) or text.get("en") or next(iter(text.values()), "")
