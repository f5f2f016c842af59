"""Scoring: one function for every path (answer page, paper entry, bulk import, API).

Answers are a mapping of item id to answer code (a string; for number items the number as text).
Nothing is ever imputed: a scale with an unanswered item has no total and no band, and a flag
whose condition depends on an unanswered item is *unknown*. An unknown critical flag makes the
response "incomplete — follow up", never a pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import LEVELS, Condition, Instrument, Item, Scale


@dataclass(frozen=True)
class AnswerProblem:
    item: str
    code: str  # unknown_item, unknown_code, not_a_number, out_of_range
    answer: str = ""


class AnswerError(ValueError):
    def __init__(self, problems: list[AnswerProblem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.item}: {p.code}" for p in problems))


@dataclass(frozen=True)
class ScaleResult:
    total: int | None  # None when incomplete
    complete: bool
    band: str | None
    answered: int
    expected: int


@dataclass(frozen=True)
class FlagResult:
    state: bool | None  # None: unknown because an item it depends on is unanswered
    critical: bool
    acute: bool


@dataclass(frozen=True)
class TriageResult:
    category: str
    level: str


# completeness status
COMPLETE = "complete"
PARTIAL = "partial"  # non-critical items missing
FOLLOW_UP = "incomplete_follow_up"  # a critical item or critical flag is unknown


@dataclass(frozen=True)
class Result:
    instrument: str
    version: str
    scales: dict[str, ScaleResult]
    flags: dict[str, FlagResult]
    triage: list[TriageResult]
    status: str
    answered: int
    expected: int
    missing: list[str]
    follow_up: list[str]  # critical items/flags that could not be decided
    ignored: list[str] = field(default_factory=list)  # answers to items that were skipped

    @property
    def critical(self) -> bool:
        return any(f.state is True and f.critical for f in self.flags.values())

    @property
    def acute(self) -> bool:
        return any(f.state is True and f.acute for f in self.flags.values())

    @property
    def raised_flags(self) -> list[str]:
        return [k for k, f in self.flags.items() if f.state is True]

    @property
    def top_level(self) -> str | None:
        levels = [t.level for t in self.triage]
        return max(levels, key=LEVELS.index) if levels else None

    def as_dict(self) -> dict[str, Any]:
        """Plain data (what a response stores). Written out rather than ``dataclasses.asdict``,
        whose deep copy costs more than scoring on the bulk path."""
        return {
            "instrument": self.instrument, "version": self.version,
            "scales": {k: {"total": s.total, "complete": s.complete, "band": s.band,
                           "answered": s.answered, "expected": s.expected}
                       for k, s in self.scales.items()},
            "flags": {k: {"state": f.state, "critical": f.critical, "acute": f.acute}
                      for k, f in self.flags.items()},
            "triage": [{"category": t.category, "level": t.level} for t in self.triage],
            "status": self.status, "answered": self.answered, "expected": self.expected,
            "missing": list(self.missing), "follow_up": list(self.follow_up),
            "ignored": list(self.ignored), "critical": self.critical, "acute": self.acute,
        }


def validate_answers(instrument: Instrument, answers: Mapping[str, Any]) -> list[AnswerProblem]:
    problems = []
    for item_id, raw in answers.items():
        item = instrument.item(str(item_id))
        if item is None:
            problems.append(AnswerProblem(str(item_id), "unknown_item", str(raw)))
            continue
        if raw is None or raw == "":
            continue  # an explicit blank is "not answered"
        code = str(raw).strip()
        if item.option_set is not None:
            if item.option_set.by_code(code) is None:
                problems.append(AnswerProblem(item.id, "unknown_code", code))
        else:
            try:
                number = int(code)
            except ValueError:
                problems.append(AnswerProblem(item.id, "not_a_number", code))
                continue
            if not item.number_min <= number <= item.number_max:
                problems.append(AnswerProblem(item.id, "out_of_range", code))
    return problems


def clean_answers(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, str]:
    """Validated answers as {item id: code}, blanks dropped; raises AnswerError."""
    problems = validate_answers(instrument, answers)
    if problems:
        raise AnswerError(problems)
    cleaned = {}
    for item_id, raw in answers.items():
        if raw is None or raw == "":
            continue
        code = str(raw).strip()
        item = instrument.item(str(item_id))
        cleaned[item.id] = code if item.option_set is not None else str(int(code))
    return cleaned


class _Evaluator:
    def __init__(self, instrument: Instrument, answers: dict[str, str]):
        self.instrument = instrument
        self.answers = answers
        self.shown: dict[str, bool | None] = {}
        self.scales: dict[str, ScaleResult] = {}
        self.flags: dict[str, FlagResult] = {}

    def value(self, item: Item) -> int | None:
        """The scored value of the item's answer (reverse applied); None when unanswered or
        skipped."""
        if self.shown.get(item.id) is False:
            return None
        code = self.answers.get(item.id)
        if code is None:
            return None
        if item.option_set is None:
            return int(code)
        option = item.option_set.by_code(code)
        if item.reverse:
            return item.option_set.max_value + item.option_set.min_value - option.value
        return option.value

    def test(self, cond: Condition) -> bool | None:
        if "any" in cond:
            states = [self.test(c) for c in cond["any"]]
            return True if True in states else (None if None in states else False)
        if "all" in cond:
            states = [self.test(c) for c in cond["all"]]
            return False if False in states else (None if None in states else True)
        if "not" in cond:
            state = self.test(cond["not"])
            return None if state is None else not state
        if "item" in cond:
            item = self.instrument.item(cond["item"])
            if self.shown.get(item.id) is False:
                return False  # a skipped question is not a "yes"
            code = self.answers.get(item.id)
            if code is None:
                return None
            ok = True
            if "in" in cond:
                ok = ok and code in cond["in"]
            value = self.value(item)
            if "min" in cond:
                ok = ok and value >= cond["min"]
            if "max" in cond:
                ok = ok and value <= cond["max"]
            return ok
        if "scale" in cond:
            total = self.scales[cond["scale"]].total
            if total is None:
                return None
            return ("min" not in cond or total >= cond["min"]) and (
                "max" not in cond or total <= cond["max"])
        if "band" in cond:
            band = self.scales[cond["band"]].band
            return None if band is None else band in cond["in"]
        if "flag" in cond:
            return self.flags[cond["flag"]].state
        raise ValueError(f"bad condition {cond!r}")  # the loader makes this unreachable

    def scale(self, scale: Scale) -> ScaleResult:
        total, answered, expected, complete = 0, 0, 0, True
        for item_id in scale.items:
            item = self.instrument.item(item_id)
            if self.shown[item_id] is False:
                continue
            expected += 1
            code = self.answers.get(item_id)
            if code is None:
                if not item.optional:
                    complete = False
                continue
            answered += 1
            if scale.method == "count":
                total += 1 if code in scale.count_codes else 0
            else:
                total += self.value(item)
        if not complete:
            return ScaleResult(total=None, complete=False, band=None, answered=answered,
                               expected=expected)
        band = scale.band_for(total)
        return ScaleResult(total=total, complete=True, band=band.code if band else None,
                           answered=answered, expected=expected)


def score(instrument: Instrument, answers: Mapping[str, Any], *, cleaned: bool = False) -> Result:
    """Score one response. Raises AnswerError for unknown items or codes. ``cleaned=True``
    says the answers already came out of ``clean_answers`` (the bulk import checks every row
    first), so they are not validated twice; cleaning is idempotent, the result is the same."""
    cleaned = dict(answers) if cleaned else clean_answers(instrument, answers)
    ev = _Evaluator(instrument, cleaned)
    for item in instrument.items:
        ev.shown[item.id] = True if item.show_if is None else ev.test(item.show_if)
    for scale in instrument.scales:
        ev.scales[scale.id] = ev.scale(scale)
    for flag in instrument.flags:
        ev.flags[flag.id] = FlagResult(state=ev.test(flag.when), critical=flag.critical,
                                       acute=flag.acute)
    triage = [TriageResult(rule.category, rule.level) for rule in instrument.triage
              if ev.test(rule.when) is True]
    # the highest level per category
    best: dict[str, TriageResult] = {}
    for t in triage:
        if t.category not in best or LEVELS.index(t.level) > LEVELS.index(best[t.category].level):
            best[t.category] = t

    missing, follow_up, ignored = [], [], []
    answered = expected = 0
    for item in instrument.items:
        shown = ev.shown[item.id]
        if shown is False:
            if item.id in cleaned:
                ignored.append(item.id)
            continue
        if item.optional and item.id not in cleaned:
            continue
        expected += 1
        if item.id in cleaned:
            answered += 1
        else:
            missing.append(item.id)
            if item.critical:
                follow_up.append(item.id)
    for flag in instrument.flags:
        if flag.critical and ev.flags[flag.id].state is None and flag.id not in follow_up:
            follow_up.append(flag.id)
    if follow_up:
        status = FOLLOW_UP
    elif missing:
        status = PARTIAL
    else:
        status = COMPLETE
    return Result(
        instrument=instrument.code, version=instrument.version, scales=ev.scales,
        flags=ev.flags, triage=list(best.values()), status=status, answered=answered,
        expected=expected, missing=missing, follow_up=follow_up, ignored=ignored,
    )


def next_unanswered(instrument: Instrument, answers: Mapping[str, str]) -> Item | None:
    """The first item still to be asked, following skip logic (used to resume a session).
    Blanks count as unanswered, as in ``score``; raises AnswerError for unknown items or codes."""
    cleaned = clean_answers(instrument, answers)
    ev = _Evaluator(instrument, cleaned)
    for item in instrument.items:
        shown = True if item.show_if is None else ev.test(item.show_if)
        ev.shown[item.id] = shown
        if shown is not False and item.id not in cleaned:
            return item
    return None


def is_shown(instrument: Instrument, item: Item, answers: Mapping[str, str]) -> bool | None:
    ev = _Evaluator(instrument, clean_answers(instrument, answers))
    for other in instrument.items:
        ev.shown[other.id] = True if other.show_if is None else ev.test(other.show_if)
        if other.id == item.id:
            return ev.shown[other.id]
    return None
