"""Scoring: one function for every path (answer page, paper entry, bulk import, API).

Answers are a mapping of item id to answer code (a string; for number items the number as text).
Nothing is ever imputed: a scale with an unanswered item has no total and no band, and a flag
whose condition depends on an unanswered item is *unknown*. An unknown critical flag makes the
response "incomplete — follow up", never a pass.

What each instrument needs for this is worked out once (``plan.py``); scoring a response only
walks the answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import LEVELS, Instrument, Item
from .plan import INTERN_LIMIT, plan_for


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

    # ``score`` works out critical, acute and top_level as it goes and keeps them next to the
    # fields (not fields: equality and ``asdict`` are unchanged); a Result made otherwise
    # computes them from its flags and triage.

    @property
    def critical(self) -> bool:
        known = self.__dict__.get("_critical")
        if known is not None:
            return known
        return any(f.state is True and f.critical for f in self.flags.values())

    @property
    def acute(self) -> bool:
        known = self.__dict__.get("_acute")
        if known is not None:
            return known
        return any(f.state is True and f.acute for f in self.flags.values())

    @property
    def raised_flags(self) -> list[str]:
        return [k for k, f in self.flags.items() if f.state is True]

    @property
    def top_level(self) -> str | None:
        if "_top_level" in self.__dict__:
            return self.__dict__["_top_level"]
        levels = [t.level for t in self.triage]
        return max(levels, key=LEVELS.index) if levels else None

    def as_dict(self) -> dict[str, Any]:
        """Plain data (what a response stores). Written out rather than ``dataclasses.asdict``,
        whose deep copy costs more than scoring on the bulk path. The parts are flat frozen
        data classes whose ``__dict__`` is exactly their fields, in order: copied as they are."""
        return {
            "instrument": self.instrument, "version": self.version,
            "scales": {k: s.__dict__.copy() for k, s in self.scales.items()},
            "flags": {k: f.__dict__.copy() for k, f in self.flags.items()},
            "triage": [t.__dict__.copy() for t in self.triage],
            "status": self.status, "answered": self.answered, "expected": self.expected,
            "missing": list(self.missing), "follow_up": list(self.follow_up),
            "ignored": list(self.ignored), "critical": self.critical, "acute": self.acute,
        }


def _frozen(cls: type, values: dict[str, Any]) -> Any:
    """An instance of a frozen data class from all its field values (for a Result, also what
    ``score`` worked out), without the generated ``__init__``'s ``object.__setattr__`` per field.
    Like every result, not to be changed afterwards: the scale, flag and triage parts are shared
    between results (``plan.py``)."""
    obj = object.__new__(cls)
    obj.__dict__.update(values)
    return obj


def _check(instrument: Instrument, answers: Mapping[str, Any]
           ) -> tuple[list[AnswerProblem], dict[str, str]]:
    """The problems of the answers, and the answers cleaned (meaningful without problems)."""
    cleaning = plan_for(instrument).cleaning
    problems: list[AnswerProblem] = []
    cleaned: dict[str, str] = {}
    for item_id, raw in answers.items():
        found = cleaning.get(item_id if type(item_id) is str else str(item_id))
        if found is None:
            problems.append(AnswerProblem(str(item_id), "unknown_item", str(raw)))
            continue
        if raw is None or raw == "":
            continue  # an explicit blank is "not answered"
        item, codes = found
        code = raw.strip() if type(raw) is str else str(raw).strip()
        if codes is not None:
            known = codes.get(code)
            if known is None:
                problems.append(AnswerProblem(item.id, "unknown_code", code))
            else:
                cleaned[item.id] = known
            continue
        try:
            number = int(code)
        except ValueError:
            problems.append(AnswerProblem(item.id, "not_a_number", code))
            continue
        if not item.number_min <= number <= item.number_max:
            problems.append(AnswerProblem(item.id, "out_of_range", code))
        else:
            cleaned[item.id] = str(number)
    return problems, cleaned


def validate_answers(instrument: Instrument, answers: Mapping[str, Any]) -> list[AnswerProblem]:
    return _check(instrument, answers)[0]


def clean_answers(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, str]:
    """Validated answers as {item id: code}, blanks dropped; raises AnswerError."""
    problems, cleaned = _check(instrument, answers)
    if problems:
        raise AnswerError(problems)
    return cleaned


def _shown(plan, answers: Mapping[str, str]) -> dict[str, bool | None]:
    """Skip logic: item id -> shown (True), skipped (False) or unknown (None). Rules look only at
    earlier items, so they are decided in item order."""
    if not plan.skips:
        return plan.all_shown  # shared: not to be changed
    shown = plan.all_shown.copy()
    for item_id, test, same_as in plan.skips:
        shown[item_id] = shown[same_as] if test is None else test(answers, shown, None, None)
    return shown


def _scales(plan, answers: Mapping[str, str], shown: dict) -> dict[str, ScaleResult]:
    get = answers.get
    out = {}
    for scale_id, members, conditional, count_codes, plain, bands, known in plan.scales:
        total = answered = expected = 0
        complete = True
        if plain:  # every member asked, every member a choice, summed
            expected = len(members)
            for item_id, values, optional in members:
                code = get(item_id)
                if code is None:
                    if not optional:
                        complete = False
                    continue
                answered += 1
                total += values[code]
        else:
            for item_id, values, optional in members:
                if conditional and shown[item_id] is False:
                    continue
                expected += 1
                code = get(item_id)
                if code is None:
                    if not optional:
                        complete = False
                    continue
                answered += 1
                if count_codes is not None:
                    total += 1 if code in count_codes else 0
                elif values is not None:
                    total += values[code]
                else:
                    total += int(code)
        key = (total if complete else None, answered, expected)
        result = known.get(key)
        if result is None:
            band = None
            if complete:
                band = next((code for top, code in bands if total <= top), None)
            result = _frozen(ScaleResult, {"total": key[0], "complete": complete, "band": band,
                                           "answered": answered, "expected": expected})
            if len(known) < INTERN_LIMIT:
                known[key] = result
        out[scale_id] = result
    return out


def score(instrument: Instrument, answers: Mapping[str, Any], *, cleaned: bool = False) -> Result:
    """Score one response. Raises AnswerError for unknown items or codes. ``cleaned=True``
    says the answers already came out of ``clean_answers`` (the bulk import checks every row
    first), so they are not validated twice; cleaning is idempotent, the result is the same."""
    if not cleaned:
        answers = clean_answers(instrument, answers)
    elif type(answers) is not dict:
        answers = dict(answers)
    plan = plan_for(instrument)
    shown = _shown(plan, answers)
    scales = _scales(plan, answers, shown)

    flags: dict[str, FlagResult] = {}
    critical = acute = False
    for flag_id, test, states, is_critical, is_acute in plan.flags:
        state = test(answers, shown, scales, flags)
        flags[flag_id] = states[state]
        if state is True:
            critical = critical or is_critical
            acute = acute or is_acute

    best: dict[str, TriageResult] = {}  # the highest level per category, in order of the first
    ranks: dict[str, int] = {}
    for test, rule_result, category, rank in plan.triage:
        if test(answers, shown, scales, flags) is True and ranks.get(category, -1) < rank:
            best[category] = rule_result
            ranks[category] = rank
    top_level = None
    if ranks:
        top_level = best[max(ranks, key=ranks.__getitem__)].level

    ignored: list[str] = []
    if plan.simple:  # no skip logic, no optional items
        missing = [item_id for item_id in plan.item_ids if item_id not in answers]
        expected = len(plan.item_ids)
        answered = expected - len(missing)
        follow_up = ([item_id for item_id in plan.critical_items if item_id not in answers]
                     if missing else [])
    else:
        missing, follow_up = [], []
        answered = expected = 0
        for item_id, optional, is_critical, conditional in plan.completeness:
            if conditional and shown[item_id] is False:
                if item_id in answers:
                    ignored.append(item_id)
                continue
            if item_id in answers:
                answered += 1
            elif optional:
                continue
            else:
                missing.append(item_id)
                if is_critical:
                    follow_up.append(item_id)
            expected += 1
    for flag_id in plan.critical_flags:
        if flags[flag_id].state is None and flag_id not in follow_up:
            follow_up.append(flag_id)
    status = FOLLOW_UP if follow_up else PARTIAL if missing else COMPLETE
    return _frozen(Result, {
        "instrument": instrument.code, "version": instrument.version, "scales": scales,
        "flags": flags, "triage": list(best.values()), "status": status, "answered": answered,
        "expected": expected, "missing": missing, "follow_up": follow_up, "ignored": ignored,
        "_critical": critical, "_acute": acute, "_top_level": top_level,
    })


def next_unanswered(instrument: Instrument, answers: Mapping[str, str]) -> Item | None:
    """The first item still to be asked, following skip logic (used to resume a session).
    Blanks count as unanswered, as in ``score``; raises AnswerError for unknown items or codes."""
    cleaned = clean_answers(instrument, answers)
    plan = plan_for(instrument)
    shown = _shown(plan, cleaned)
    for item in instrument.items:
        if shown[item.id] is not False and item.id not in cleaned:
            return item
    return None


def is_shown(instrument: Instrument, item: Item, answers: Mapping[str, str]) -> bool | None:
    plan = plan_for(instrument)
    cleaned = clean_answers(instrument, answers)
    if item.id not in plan.items:
        return None
    return _shown(plan, cleaned)[item.id]
