"""Each instrument object is scored by its own compiled plan: two versions of one questionnaire
with different rules never share one, whichever is scored first, and an instrument rebuilt with
other texts scores the same. Items that share a skip rule are shown or skipped together. Pure: no
database, no Django."""

from __future__ import annotations

import tomllib
from dataclasses import replace

from safechildhood.screening.scoring import COMPLETE, PARTIAL, parse_instrument, score

LABEL = '{ kk = "x", ru = "x", en = "x" }'


def make(version: str, *, reverse: bool, high_from: int) -> object:
    text = f"""
format = 1
code = "twin"
version = "{version}"
texts = "included"
age_min = 10
age_max = 17
name = {LABEL}
citation = "Test instrument"
licence = "Test"
translation = {{ kk = "working", ru = "working", en = "original" }}
[option_sets.f]
options = [ {{ code = "a", value = 0, label = {LABEL} }},
            {{ code = "b", value = 1, label = {LABEL} }},
            {{ code = "c", value = 2, label = {LABEL} }} ]
[[items]]
id = "q1"
options = "f"
reverse = {"true" if reverse else "false"}
text = {LABEL}
[[items]]
id = "q2"
options = "f"
text = {LABEL}
[[items]]
id = "q3"
options = "f"
text = {LABEL}
show_if = {{ item = "q1", in = ["c"] }}
[[items]]
id = "q4"
options = "f"
text = {LABEL}
show_if = {{ item = "q1", in = ["c"] }}
[[scales]]
id = "total"
label = {LABEL}
items = ["q1", "q2"]
bands = [ {{ code = "low", max = {high_from - 1}, label = {LABEL} }},
          {{ code = "high", max = 4, label = {LABEL} }} ]
[[flags]]
id = "high"
label = {LABEL}
when = {{ band = "total", in = ["high"] }}
"""
    return parse_instrument(tomllib.loads(text), f"twin-{version}.toml")


ANSWERS = {"q1": "c", "q2": "b"}  # q1 counts 2, or 0 reverse-scored


def summary(instrument, answers=ANSWERS) -> tuple:
    result = score(instrument, answers)
    return result.scales["total"].total, result.scales["total"].band, result.flags["high"].state


def test_two_versions_of_one_code_are_scored_each_by_its_own_rules():
    old, new = make("1.0", reverse=False, high_from=3), make("2.0", reverse=True, high_from=1)
    assert old.code == new.code
    for _round in range(2):  # whichever is scored first, and again after the other
        assert summary(new) == (1, "high", True)
        assert summary(old) == (3, "high", True)
    assert summary(old, {"q1": "a", "q2": "b"}) == (1, "low", False)
    assert summary(new, {"q1": "a", "q2": "b"}) == (3, "high", True)


def test_an_instrument_rebuilt_with_other_texts_scores_the_same():
    instrument = make("1.0", reverse=True, high_from=3)
    before = score(instrument, ANSWERS)
    renamed = replace(instrument, name={"kk": "y", "ru": "y", "en": "y"})
    assert score(renamed, ANSWERS) == before
    assert score(instrument, ANSWERS) == before


def test_items_with_the_same_skip_rule_are_asked_or_skipped_together():
    instrument = make("1.0", reverse=False, high_from=3)
    asked = score(instrument, {"q1": "c", "q2": "a", "q3": "a"})
    assert asked.missing == ["q4"] and asked.status == PARTIAL
    skipped = score(instrument, {"q1": "b", "q2": "a", "q3": "a", "q4": "b"})
    assert skipped.ignored == ["q3", "q4"]
    assert skipped.missing == [] and skipped.status == COMPLETE
    assert (skipped.answered, skipped.expected) == (2, 2)
