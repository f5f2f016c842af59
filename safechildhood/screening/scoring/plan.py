"""What ``score`` needs of an instrument, worked out once per instrument object.

An instrument is frozen and validated when it is loaded, so everything scoring would otherwise
look up for every response (option values with reverse scoring applied, scale members, bands,
skip logic, the conditions of flags and triage rules, critical items) is compiled here once and
kept on the instrument object itself (``plan_for``): two instruments never share a plan, not even
two versions of one code, and an instrument rebuilt with ``dataclasses.replace`` gets its own.

Conditions become closures ``test(answers, shown, scales, flags) -> True | False | None`` with
the same three-valued meaning as the instruments' README gives them (None: unknown because an
item it depends on is unanswered).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import LEVELS, Condition, Instrument, Item

Test = Callable[[dict, dict, Any, Any], Any]
RANK = {level: n for n, level in enumerate(LEVELS)}
INTERN_LIMIT = 4096  # distinct scale results kept per scale (they are immutable and shared)


def plan_for(instrument: Instrument) -> Plan:
    plan = instrument.__dict__.get("_scoring_plan")
    if plan is None:
        plan = Plan(instrument)
        object.__setattr__(instrument, "_scoring_plan", plan)
    return plan


def choice_values(item: Item) -> dict[str, int]:
    """Answer code -> scored value, reverse scoring applied."""
    options = item.option_set.options
    if not item.reverse:
        return {o.code: o.value for o in options}
    top = item.option_set.max_value + item.option_set.min_value
    return {o.code: top - o.value for o in options}


class Plan:
    def __init__(self, instrument: Instrument):
        from .engine import FlagResult, TriageResult

        items = instrument.items
        self.items = {i.id: i for i in items}
        self.item_ids = tuple(i.id for i in items)
        self.values = {i.id: choice_values(i) for i in items if i.option_set is not None}
        # cleaning: item id -> (item, {code: code} for choice items, None for number items)
        self.cleaning = {i.id: (i, {o.code: o.code for o in i.option_set.options}
                                if i.option_set is not None else None) for i in items}
        self.conditional = frozenset(i.id for i in items if i.show_if is not None)
        self.all_shown = dict.fromkeys(self.item_ids, True)  # never changed: copied when needed
        # skip logic, in item order: (item id, test, or the earlier item with the same rule)
        self.skips: list[tuple[str, Test | None, str | None]] = []
        first_with: dict[str, str] = {}
        for item in items:
            if item.show_if is None:
                continue
            key = repr(item.show_if)
            if key in first_with:  # the same rule on earlier items only: the same answer
                self.skips.append((item.id, None, first_with[key]))
            else:
                first_with[key] = item.id
                self.skips.append((item.id, self.compile(item.show_if), None))
        self.scales = [self._scale(s) for s in instrument.scales]
        self.flags = []
        for flag in instrument.flags:
            states = {state: FlagResult(state=state, critical=flag.critical, acute=flag.acute)
                      for state in (True, False, None)}
            self.flags.append((flag.id, self.compile(flag.when), states, flag.critical,
                               flag.acute))
        self.critical_flags = tuple(f.id for f in instrument.flags if f.critical)
        self.triage = [(self.compile(rule.when), TriageResult(rule.category, rule.level),
                        rule.category, RANK[rule.level]) for rule in instrument.triage]
        # completeness
        self.simple = not self.conditional and not any(i.optional for i in items)
        self.critical_items = tuple(i.id for i in items if i.critical)
        self.completeness = tuple((i.id, i.optional, i.critical, i.show_if is not None)
                                  for i in items)

    def _scale(self, scale) -> tuple:
        members = tuple((item_id, self.values.get(item_id), self.items[item_id].optional)
                        for item_id in scale.items)
        conditional = any(item_id in self.conditional for item_id in scale.items)
        count_codes = frozenset(scale.count_codes) if scale.method == "count" else None
        plain = (not conditional and count_codes is None
                 and all(values is not None for _i, values, _o in members))
        bands = tuple((b.max, b.code) for b in scale.bands)
        return scale.id, members, conditional, count_codes, plain, bands, {}

    # --- conditions ----------------------------------------------------------------------------

    def compile(self, cond: Condition) -> Test:
        if "any" in cond:
            return _any(tuple(self.compile(c) for c in cond["any"]))
        if "all" in cond:
            return _all(tuple(self.compile(c) for c in cond["all"]))
        if "not" in cond:
            return _not(self.compile(cond["not"]))
        if "item" in cond:
            return self._item_test(cond)
        if "scale" in cond:
            return _scale_test(cond["scale"], cond.get("min"), cond.get("max"))
        if "band" in cond:
            return _band_test(cond["band"], frozenset(cond["in"]))
        if "flag" in cond:
            flag_id = cond["flag"]
            return lambda answers, shown, scales, flags: flags[flag_id].state
        raise ValueError(f"bad condition {cond!r}")  # the loader makes this unreachable

    def _item_test(self, cond: Condition) -> Test:
        item = self.items[cond["item"]]
        item_id, skipped = item.id, item.show_if is not None
        wanted = cond.get("in")
        lo, hi = cond.get("min"), cond.get("max")
        values = self.values.get(item_id)
        if values is None:  # a number item: its value is the number
            return _number_test(item_id, skipped, wanted, lo, hi)
        accept = frozenset(
            code for code, value in values.items()
            if (wanted is None or code in wanted) and (lo is None or value >= lo)
            and (hi is None or value <= hi))
        if skipped:
            def test(answers, shown, scales, flags):
                if shown.get(item_id) is False:
                    return False  # a skipped question is not a "yes"
                code = answers.get(item_id)
                return None if code is None else code in accept
        else:
            def test(answers, shown, scales, flags):
                code = answers.get(item_id)
                return None if code is None else code in accept
        return test


def _any(parts: tuple[Test, ...]) -> Test:
    def test(answers, shown, scales, flags):
        unknown = False
        for part in parts:
            state = part(answers, shown, scales, flags)
            if state is True:
                return True
            if state is None:
                unknown = True
        return None if unknown else False
    return test


def _all(parts: tuple[Test, ...]) -> Test:
    def test(answers, shown, scales, flags):
        unknown = False
        for part in parts:
            state = part(answers, shown, scales, flags)
            if state is False:
                return False
            if state is None:
                unknown = True
        return None if unknown else True
    return test


def _not(part: Test) -> Test:
    def test(answers, shown, scales, flags):
        state = part(answers, shown, scales, flags)
        return None if state is None else not state
    return test


def _number_test(item_id: str, skipped: bool, wanted: Any, lo: Any, hi: Any) -> Test:
    def test(answers, shown, scales, flags):
        if skipped and shown.get(item_id) is False:
            return False
        code = answers.get(item_id)
        if code is None:
            return None
        ok = True
        if wanted is not None:
            ok = code in wanted
        value = int(code)
        if lo is not None:
            ok = ok and value >= lo
        if hi is not None:
            ok = ok and value <= hi
        return ok
    return test


def _scale_test(scale_id: str, lo: Any, hi: Any) -> Test:
    def test(answers, shown, scales, flags):
        total = scales[scale_id].total
        if total is None:
            return None
        return (lo is None or total >= lo) and (hi is None or total <= hi)
    return test


def _band_test(scale_id: str, wanted: frozenset) -> Test:
    def test(answers, shown, scales, flags):
        band = scales[scale_id].band
        return None if band is None else band in wanted
    return test
