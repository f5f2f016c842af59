"""What a response stores of its result is the whole result: ``Result.as_dict`` (written out by
hand for the bulk path's speed) holds exactly what the dataclasses hold, and scoring answers that
were already cleaned gives the same result as scoring them raw."""

from __future__ import annotations

from dataclasses import asdict

from hypothesis import given, settings
from hypothesis import strategies as st

from safechildhood.screening.scoring import clean_answers, score
from safechildhood.screening.services.instruments import instrument_list

INSTRUMENTS = {i.code: i for i in instrument_list()}


@st.composite
def answered(draw):
    instrument = INSTRUMENTS[draw(st.sampled_from(sorted(INSTRUMENTS)))]
    answers = {}
    for item in instrument.items:
        if item.option_set is not None:
            choices = [o.code for o in item.option_set.options]
        else:
            choices = [str(n) for n in range(item.number_min, item.number_max + 1)]
        value = draw(st.one_of(st.none(), st.sampled_from(choices)))
        if value is not None:
            answers[item.id] = value
    return instrument, answers


@settings(max_examples=300, deadline=None)
@given(answered())
def test_stored_result_holds_every_field_of_the_result(case):
    instrument, answers = case
    result = score(instrument, answers)
    expected = {**asdict(result), "critical": result.critical, "acute": result.acute}
    assert result.as_dict() == expected


@settings(max_examples=300, deadline=None)
@given(answered())
def test_scoring_cleaned_answers_gives_the_same_result(case):
    instrument, answers = case
    cleaned = clean_answers(instrument, answers)
    assert score(instrument, cleaned, cleaned=True) == score(instrument, answers)
