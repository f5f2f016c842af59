"""Golden scoring vectors for every built-in instrument, taken from the published scoring rules.

Each table gives answers and the result the published rules require, including both sides of every
band boundary. Pure: no database, no Django.
"""

from __future__ import annotations

import pytest

from safechildhood.screening.scoring import COMPLETE, FOLLOW_UP, PARTIAL, load_directory, score

INSTRUMENTS = load_directory()


def spread(total: int, item_ids: list[str], max_value: int) -> dict[str, int]:
    """Values for the items adding up to ``total``, filling items from the first one."""
    assert 0 <= total <= max_value * len(item_ids)
    values = {}
    for item_id in item_ids:
        values[item_id] = min(max_value, total)
        total -= values[item_id]
    return values


def triage_of(result) -> dict[str, str]:
    return {t.category: t.level for t in result.triage}


# --- PHQ-A ------------------------------------------------------------------------------------

PHQ = INSTRUMENTS["phq-a"]
PHQ_ITEMS = [f"phq_a_{n}" for n in range(1, 10)]


def phq_answers(values: list[int] | dict[str, int], **extra: str) -> dict[str, str]:
    """PHQ-A answers: the nine symptom items plus "no" to past year, sa1 and sa2 by default."""
    if isinstance(values, list):
        values = dict(zip(PHQ_ITEMS, values, strict=True))
    answers = {item_id: str(value) for item_id, value in values.items()}
    answers.update({"phq_a_past_year": "no", "phq_a_sa1": "no", "phq_a_sa2": "no"})
    answers.update(extra)
    return answers


def test_phq_a_published_example_is_mild_and_critical():
    result = score(PHQ, phq_answers([1, 2, 1, 2, 0, 1, 1, 0, 1]))
    assert result.scales["total"].total == 9
    assert result.scales["total"].band == "mild"
    assert result.flags["suicide_risk"].state is True
    assert result.critical is True
    assert result.acute is False
    assert result.status == COMPLETE
    assert triage_of(result) == {"suicide_risk": "critical", "depression": "low"}


# PHQ-9 severity bands (Kroenke et al. 2001): 0-4, 5-9, 10-14, 15-19, 20-27.
@pytest.mark.parametrize(("total", "band"), [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
    (15, "moderately_severe"), (19, "moderately_severe"), (20, "severe"), (24, "severe"),
    (27, "severe"),
])
def test_phq_a_total_bands(total, band):
    # item 9 is filled last, so it stays 0 up to a total of 24
    result = score(PHQ, phq_answers(spread(total, PHQ_ITEMS, 3)))
    assert result.scales["total"].total == total
    assert result.scales["total"].band == band
    assert result.flags["suicide_risk"].state is (total > 24)


@pytest.mark.parametrize(("total", "moderate", "depression"), [
    (0, False, None), (9, False, None), (10, True, "medium"), (14, True, "medium"),
    (15, True, "high"), (18, True, "high"),
])
def test_phq_a_moderate_flag_and_depression_level(total, moderate, depression):
    # items 3..8 only, so the PHQ-2 stays negative and item 9 stays 0
    values = {**dict.fromkeys(PHQ_ITEMS, 0), **spread(total, PHQ_ITEMS[2:8], 3)}
    result = score(PHQ, phq_answers(values))
    assert result.flags["depression_moderate"].state is moderate
    assert triage_of(result).get("depression") == depression


@pytest.mark.parametrize(("item1", "item2", "band", "positive"), [
    (2, 1, "positive", True), (1, 1, "negative", False), (0, 0, "negative", False),
    (2, 0, "negative", False), (0, 3, "positive", True), (3, 3, "positive", True),
])
def test_phq2_is_scored_from_the_first_two_items(item1, item2, band, positive):
    result = score(PHQ, phq_answers([item1, item2, 0, 0, 0, 0, 0, 0, 0]))
    assert result.scales["phq2"].total == item1 + item2
    assert result.scales["phq2"].band == band
    assert result.flags["phq2_positive"].state is positive
    # a positive PHQ-2 with a total of 9 or less is a low-level depression proposal
    assert triage_of(result).get("depression") == ("low" if positive else None)


@pytest.mark.parametrize(("sa1", "sa2", "suicide_flag"), [
    ("no", "no", None), ("yes", "no", True), ("no", "yes", True), ("", "", None),
])
def test_phq_a_blank_item_9_needs_follow_up(sa1, sa2, suicide_flag):
    answers = phq_answers([1, 1, 1, 1, 1, 1, 1, 1, 0], phq_a_sa1=sa1, phq_a_sa2=sa2)
    answers["phq_a_9"] = ""  # an explicit blank is "not answered"
    result = score(PHQ, answers)
    assert result.status == FOLLOW_UP
    assert "phq_a_9" in result.follow_up
    assert result.flags["suicide_risk"].state is suicide_flag
    assert result.scales["total"].total is None
    assert result.scales["total"].band is None
    assert result.scales["total"].complete is False
    assert result.critical is (suicide_flag is True)


def test_phq_a_item_9_alone_raises_the_suicide_flag():
    result = score(PHQ, phq_answers([0, 0, 0, 0, 0, 0, 0, 0, 1]))
    assert result.flags["suicide_risk"].state is True
    assert result.scales["total"].band == "minimal"


def test_phq_a_difficulty_is_optional():
    answers = phq_answers([0] * 9)
    assert "phq_a_difficulty" not in answers
    assert score(PHQ, answers).status == COMPLETE


def test_phq_a_missing_non_critical_item_is_partial():
    answers = phq_answers([0] * 9)
    del answers["phq_a_3"]
    result = score(PHQ, answers)
    assert result.status == PARTIAL
    assert result.missing == ["phq_a_3"]
    assert result.flags["suicide_risk"].state is False


# --- GAD-7 ------------------------------------------------------------------------------------

GAD = INSTRUMENTS["gad-7"]
GAD_ITEMS = [f"gad7_{n}" for n in range(1, 8)]


def gad_answers(values) -> dict[str, str]:
    if isinstance(values, list):
        values = dict(zip(GAD_ITEMS, values, strict=True))
    return {item_id: str(value) for item_id, value in values.items()}


def test_gad_7_published_example_is_mild():
    result = score(GAD, gad_answers([1, 1, 1, 1, 0, 1, 2]))
    assert result.scales["total"].total == 7
    assert result.scales["total"].band == "mild"
    assert result.flags["anxiety_moderate"].state is False
    assert result.triage == []
    assert result.status == COMPLETE


# Spitzer et al. 2006: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe; 10 is the cut-off.
@pytest.mark.parametrize(("total", "band", "flag", "anxiety"), [
    (0, "minimal", False, None), (4, "minimal", False, None), (5, "mild", False, None),
    (9, "mild", False, None), (10, "moderate", True, "medium"), (14, "moderate", True, "medium"),
    (15, "severe", True, "high"), (21, "severe", True, "high"),
])
def test_gad_7_bands_flag_and_triage(total, band, flag, anxiety):
    result = score(GAD, gad_answers(spread(total, GAD_ITEMS, 3)))
    assert result.scales["total"].total == total
    assert result.scales["total"].band == band
    assert result.flags["anxiety_moderate"].state is flag
    assert triage_of(result).get("anxiety") == anxiety
    assert result.critical is False


def test_gad_7_missing_item_has_no_total():
    answers = gad_answers([3, 3, 3, 3, 3, 3, 3])
    del answers["gad7_7"]
    result = score(GAD, answers)
    assert result.status == PARTIAL
    assert result.scales["total"].total is None
    assert result.flags["anxiety_moderate"].state is None
    assert result.triage == []


# --- ASQ --------------------------------------------------------------------------------------

ASQ = INSTRUMENTS["asq"]


def asq_answers(**answers: str) -> dict[str, str]:
    base = {f"asq_{n}": "no" for n in range(1, 5)}
    base.update({f"asq_{k[1:]}" if k.startswith("q") else k: v for k, v in answers.items()})
    return base


def test_asq_all_no_skips_question_5_and_is_negative():
    result = score(ASQ, asq_answers())
    assert result.status == COMPLETE
    assert result.expected == 4
    assert "asq_5" not in result.missing
    assert result.flags["positive"].state is False
    assert result.flags["acute"].state is False
    assert result.critical is False
    assert result.triage == []


def test_asq_answer_to_skipped_question_5_is_ignored():
    result = score(ASQ, asq_answers(q5="yes"))
    assert result.ignored == ["asq_5"]
    assert result.flags["acute"].state is False
    assert result.critical is False


def test_asq_refusal_is_positive_but_not_acute():
    result = score(ASQ, asq_answers(q2="refused", q5="no"))
    assert result.status == COMPLETE
    assert result.flags["positive"].state is True
    assert result.flags["acute"].state is False
    assert result.acute is False
    assert result.critical is False
    assert triage_of(result) == {"suicide_risk": "high"}


@pytest.mark.parametrize("question", ["q1", "q2", "q3", "q4"])
@pytest.mark.parametrize("answer", ["yes", "refused"])
def test_asq_yes_or_refusal_to_any_of_questions_1_to_4_is_positive(question, answer):
    result = score(ASQ, asq_answers(**{question: answer, "q5": "no"}))
    assert result.flags["positive"].state is True
    assert result.expected == 5
    assert result.status == COMPLETE


def test_asq_yes_to_question_5_is_acute_and_critical():
    result = score(ASQ, asq_answers(q1="yes", q5="yes"))
    assert result.flags["acute"].state is True
    assert result.flags["acute"].critical is True
    assert result.flags["acute"].acute is True
    assert result.acute is True
    assert result.critical is True
    assert triage_of(result) == {"suicide_risk": "critical"}


def test_asq_unanswered_question_5_when_asked_needs_follow_up():
    result = score(ASQ, asq_answers(q3="yes"))
    assert result.status == FOLLOW_UP
    assert result.flags["acute"].state is None
    assert result.flags["positive"].state is True
    assert set(result.follow_up) == {"asq_5", "acute"}
    assert result.critical is False


def test_asq_blank_screening_question_leaves_question_5_undecided():
    answers = asq_answers()
    del answers["asq_1"]
    result = score(ASQ, answers)
    assert result.flags["positive"].state is None
    assert result.status == FOLLOW_UP  # question 5 may be due and is unanswered
    assert "asq_5" in result.follow_up


# --- CRAFFT 2.1 -------------------------------------------------------------------------------

CRAFFT = INSTRUMENTS["crafft"]
PART_B = ["crafft_b_car", "crafft_b_relax", "crafft_b_alone", "crafft_b_forget",
          "crafft_b_family", "crafft_b_trouble"]


def crafft_answers(days=(0, 0, 0), yes=(), asked=PART_B) -> dict[str, str]:
    answers = {f"crafft_a{n}": str(d) for n, d in enumerate(days, 1)}
    answers.update({item_id: "yes" if item_id in yes else "no" for item_id in asked})
    return answers


def test_crafft_no_use_asks_only_car():
    result = score(CRAFFT, crafft_answers(asked=["crafft_b_car"]))
    assert result.status == COMPLETE
    assert result.expected == 4  # three Part A items and CAR
    assert result.missing == []
    assert result.scales["part_b"].total == 0
    assert result.scales["part_b"].expected == 1
    assert result.scales["part_b"].band == "negative"
    assert result.flags["substance_positive"].state is False
    assert result.flags["car_risk"].state is False
    assert result.triage == []


def test_crafft_no_use_but_car_yes_is_flagged_and_negative():
    result = score(CRAFFT, crafft_answers(yes=["crafft_b_car"], asked=["crafft_b_car"]))
    assert result.flags["car_risk"].state is True
    assert result.flags["car_risk"].critical is False
    assert result.scales["part_b"].band == "negative"
    assert result.flags["substance_positive"].state is False


@pytest.mark.parametrize("days", [(1, 0, 0), (0, 1, 0), (0, 0, 1), (365, 365, 365)])
def test_crafft_any_use_asks_all_six(days):
    result = score(CRAFFT, crafft_answers(days=days, asked=["crafft_b_car"]))
    assert result.status == PARTIAL
    assert result.missing == PART_B[1:]
    assert result.scales["part_b"].total is None


def test_crafft_use_and_two_yes_is_positive():
    result = score(CRAFFT, crafft_answers(days=(3, 0, 0), yes=["crafft_b_relax", "crafft_b_alone"]))
    assert result.status == COMPLETE
    assert result.scales["part_b"].total == 2
    assert result.scales["part_b"].band == "positive"
    assert result.flags["substance_positive"].state is True
    assert result.flags["car_risk"].state is False
    assert triage_of(result) == {"substance_use": "medium"}


# CRAFFT 2.1: a score of 2 or more is positive; the programme raises the level at 4.
@pytest.mark.parametrize(("count", "band", "positive", "level"), [
    (0, "negative", False, None), (1, "negative", False, None), (2, "positive", True, "medium"),
    (3, "positive", True, "medium"), (4, "positive", True, "high"), (6, "positive", True, "high"),
])
def test_crafft_part_b_bands(count, band, positive, level):
    result = score(CRAFFT, crafft_answers(days=(0, 12, 0), yes=PART_B[6 - count:]))
    assert result.scales["part_b"].total == count
    assert result.scales["part_b"].band == band
    assert result.flags["substance_positive"].state is positive
    assert triage_of(result).get("substance_use") == level


def test_crafft_blank_part_a_leaves_part_b_expected():
    answers = crafft_answers(asked=PART_B)
    del answers["crafft_a2"]
    result = score(CRAFFT, answers)
    assert result.status == PARTIAL
    assert result.missing == ["crafft_a2"]
    # the B answers given are used, since the questions may have been due
    assert result.scales["part_b"].total == 0
    assert result.ignored == []


# --- CATS -------------------------------------------------------------------------------------

CATS = INSTRUMENTS["cats"]
EVENTS = [f"cats_e{n}" for n in range(1, 17)]
SYMPTOMS = [f"cats_s{n}" for n in range(1, 21)]
IMPAIRMENT = [f"cats_i{n}" for n in range(1, 6)]


def cats_answers(events=(), symptom_total: int | None = None) -> dict[str, str]:
    answers = {e: "yes" if e in events else "no" for e in EVENTS}
    if symptom_total is not None:
        answers.update({k: str(v) for k, v in spread(symptom_total, SYMPTOMS, 3).items()})
        answers.update(dict.fromkeys(IMPAIRMENT, "no"))
    return answers


def test_cats_no_events_skips_symptoms():
    result = score(CATS, cats_answers())
    assert result.status == COMPLETE
    assert result.expected == 16
    assert result.scales["symptoms"].expected == 0
    assert result.scales["symptoms"].answered == 0
    assert result.flags["ptsd_probable"].state is False
    assert result.raised_flags == []
    assert result.triage == []


def test_cats_bullying_alone_does_not_open_symptoms():
    result = score(CATS, cats_answers(events=["cats_e16"]))
    assert result.status == COMPLETE
    assert result.expected == 16
    assert result.flags["bullying"].state is True
    assert triage_of(result) == {"trauma_violence": "medium"}


def test_cats_event_asks_symptoms_and_impairment():
    result = score(CATS, cats_answers(events=["cats_e1"]))
    assert result.status == PARTIAL
    assert result.missing == SYMPTOMS + IMPAIRMENT
    assert result.scales["symptoms"].total is None
    assert result.flags["ptsd_probable"].state is None


# Sachser et al. 2017 (self-report 7-17): 0-14 below, 15-20 moderate, 21 or more probable PTSD.
@pytest.mark.parametrize(("total", "band", "ptsd"), [
    (0, "below", False), (14, "below", False), (15, "moderate", False), (20, "moderate", False),
    (21, "probable_ptsd", True), (60, "probable_ptsd", True),
])
def test_cats_symptom_bands(total, band, ptsd):
    result = score(CATS, cats_answers(events=["cats_e2"], symptom_total=total))
    assert result.status == COMPLETE
    assert result.expected == 16 + 20 + 5
    assert result.scales["symptoms"].total == total
    assert result.scales["symptoms"].band == band
    assert result.flags["ptsd_probable"].state is ptsd
    assert triage_of(result).get("trauma_violence") == ("medium" if ptsd else None)


@pytest.mark.parametrize(("event", "flag"), [
    ("cats_e4", "family_violence"), ("cats_e6", "family_violence"),
    ("cats_e8", "sexual_abuse"), ("cats_e9", "sexual_abuse"),
])
def test_cats_violence_in_family_and_sexual_abuse_are_high_but_not_critical(event, flag):
    result = score(CATS, cats_answers(events=[event], symptom_total=0))
    assert result.flags[flag].state is True
    assert result.flags[flag].critical is False
    assert result.critical is False
    assert triage_of(result) == {"trauma_violence": "high"}


@pytest.mark.parametrize("event", ["cats_e5", "cats_e7", "cats_e11"])
def test_cats_violence_outside_the_family_is_not_family_violence(event):
    result = score(CATS, cats_answers(events=[event], symptom_total=0))
    assert result.flags["family_violence"].state is False
    assert result.flags["sexual_abuse"].state is False


def test_cats_family_violence_with_probable_ptsd_keeps_the_highest_level():
    result = score(CATS, cats_answers(events=["cats_e4", "cats_e16"], symptom_total=30))
    assert set(result.raised_flags) == {"family_violence", "bullying", "ptsd_probable"}
    assert triage_of(result) == {"trauma_violence": "high"}


# --- Y-PSC-17 ---------------------------------------------------------------------------------

YPSC = INSTRUMENTS["y-psc-17"]
SUBSCALES = {
    "internalising": ["ypsc_2", "ypsc_6", "ypsc_9", "ypsc_11", "ypsc_15"],
    "attention": ["ypsc_1", "ypsc_3", "ypsc_7", "ypsc_13", "ypsc_17"],
    "externalising": ["ypsc_4", "ypsc_5", "ypsc_8", "ypsc_10", "ypsc_12", "ypsc_14", "ypsc_16"],
}
YPSC_CODES = {0: "never", 1: "sometimes", 2: "often"}


def ypsc_answers(internalising=0, attention=0, externalising=0) -> dict[str, str]:
    totals = {"internalising": internalising, "attention": attention,
              "externalising": externalising}
    answers = {}
    for subscale, item_ids in SUBSCALES.items():
        for item_id, value in spread(totals[subscale], item_ids, 2).items():
            answers[item_id] = YPSC_CODES[value]
    return answers


def test_ypsc_subscales_cover_all_items_once():
    members = [item_id for item_ids in SUBSCALES.values() for item_id in item_ids]
    assert sorted(members, key=lambda i: int(i.split("_")[1])) == [
        f"ypsc_{n}" for n in range(1, 18)]
    assert list(YPSC.scales[-1].items) == [f"ypsc_{n}" for n in range(1, 18)]


# Gardner et al. 1999: internalising >= 5, attention >= 7, externalising >= 7, total >= 15.
@pytest.mark.parametrize(("scores", "scale", "positive", "triage"), [
    ({"internalising": 4}, "internalising", False, {}),
    ({"internalising": 5}, "internalising", True, {"depression": "medium"}),
    ({"internalising": 10}, "internalising", True, {"depression": "medium"}),
    ({"attention": 6}, "attention", False, {}),
    ({"attention": 7}, "attention", True, {"behaviour": "low"}),
    ({"attention": 10}, "attention", True, {"behaviour": "low"}),
    ({"externalising": 6}, "externalising", False, {}),
    ({"externalising": 7}, "externalising", True, {"behaviour": "medium"}),
    ({"externalising": 14}, "externalising", True, {"behaviour": "medium"}),
    ({"internalising": 4, "attention": 6, "externalising": 4}, "total", False, {}),
    ({"internalising": 4, "attention": 6, "externalising": 5}, "total", True,
     {"behaviour": "medium"}),
])
def test_ypsc_cutoffs(scores, scale, positive, triage):
    result = score(YPSC, ypsc_answers(**scores))
    assert result.status == COMPLETE
    assert result.scales[scale].total == (sum(scores.values()) if scale == "total"
                                          else scores[scale])
    assert result.scales[scale].band == ("positive" if positive else "below")
    assert result.flags[f"{scale}_positive"].state is positive
    # only the scale under test crosses its cut-off
    assert result.raised_flags == ([f"{scale}_positive"] if positive else [])
    assert triage_of(result) == triage


def test_ypsc_all_often_is_positive_everywhere():
    result = score(YPSC, {f"ypsc_{n}": "often" for n in range(1, 18)})
    assert result.scales["total"].total == 34
    assert len(result.raised_flags) == 4
    assert triage_of(result) == {"depression": "medium", "behaviour": "medium"}


def test_ypsc_all_never_is_negative():
    result = score(YPSC, ypsc_answers())
    assert result.scales["total"].total == 0
    assert result.raised_flags == []
    assert result.triage == []
