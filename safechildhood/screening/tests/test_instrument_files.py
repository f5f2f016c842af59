"""Instrument files: the built-in ones load and are documented; broken files are refused with the
file and the field named; answers are scored by item id and validated. Pure: no database."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safechildhood.screening.scoring import (
    BUILTIN_DIR,
    LANGUAGES,
    AnswerError,
    InstrumentFileError,
    is_shown,
    load_directory,
    load_instrument_file,
    next_unanswered,
    score,
)

BUILTIN_FILES = sorted(BUILTIN_DIR.glob("*.toml"))
INSTRUMENTS = load_directory()
WITH_TEXTS = ["asq", "gad-7", "phq-a", "y-psc-17"]
OPERATOR_TEXTS = ["cats", "crafft"]
REPO_ROOT = Path(__file__).resolve().parents[3]


def test_the_expected_instruments_are_built_in():
    assert sorted(INSTRUMENTS) == sorted(WITH_TEXTS + OPERATOR_TEXTS)


@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda p: p.name)
def test_every_built_in_file_loads(path):
    instrument = load_instrument_file(path)
    assert instrument.code == path.stem
    assert instrument.source == path.name
    assert instrument.local is False
    assert instrument.items


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_every_instrument_is_cited_licensed_and_states_its_translations(code):
    instrument = INSTRUMENTS[code]
    assert len(instrument.citation) > 40
    assert len(instrument.licence) > 40
    assert set(instrument.translation) == set(LANGUAGES)
    assert instrument.translation["en"] == "original"
    assert all(instrument.name.get(lang) for lang in LANGUAGES)
    assert 5 <= instrument.age_min <= instrument.age_max <= 19


@pytest.mark.parametrize("code", WITH_TEXTS)
def test_included_texts_are_complete_in_every_language(code):
    instrument = INSTRUMENTS[code]
    assert instrument.texts == "included"
    assert instrument.has_texts is True
    assert instrument.missing_texts == ()
    for item in instrument.items:
        assert all(item.text.get(lang) for lang in LANGUAGES), item.id
        for option in item.option_set.options:
            assert all(option.label.get(lang) for lang in LANGUAGES), (item.id, option.code)


@pytest.mark.parametrize("code", OPERATOR_TEXTS)
def test_operator_text_instruments_ship_no_texts(code):
    instrument = INSTRUMENTS[code]
    assert instrument.texts == "operator"
    assert instrument.has_texts is False
    assert instrument.missing_texts == instrument.item_ids
    assert all(item.topic for item in instrument.items)
    assert f"{code}.texts.toml" in instrument.licence


def test_only_acute_asq_and_phq_a_suicide_flags_are_critical():
    critical = {(code, f.id) for code, i in INSTRUMENTS.items() for f in i.flags if f.critical}
    assert critical == {("asq", "acute"), ("phq-a", "suicide_risk")}
    assert INSTRUMENTS["asq"].critical_item_ids == ("asq_5",)


def test_gad_7_carries_its_loinc_codes_in_item_order():
    gad = INSTRUMENTS["gad-7"]
    assert gad.loinc == "69737-5"
    assert [i.loinc for i in gad.items] == [
        "69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]


# --- scoring by item id -----------------------------------------------------------------------


def full_answers(instrument, rng: random.Random) -> dict[str, str]:
    """A random answer to every item (skip logic aside: skipped answers are ignored)."""
    answers = {}
    for item in instrument.items:
        if item.option_set is not None:
            answers[item.id] = rng.choice(item.option_set.options).code
        else:
            answers[item.id] = str(rng.randint(item.number_min, item.number_max))
    return answers


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
@pytest.mark.parametrize("seed", range(5))
def test_scoring_is_by_item_id_not_position(code, seed):
    instrument = INSTRUMENTS[code]
    rng = random.Random(seed)
    answers = full_answers(instrument, rng)
    shuffled = list(answers.items())
    rng.shuffle(shuffled)
    expected = score(instrument, answers).as_dict()
    assert score(instrument, dict(shuffled)).as_dict() == expected
    assert score(instrument, dict(reversed(list(answers.items())))).as_dict() == expected


@settings(max_examples=60, deadline=None)
@given(data=st.data(), code=st.sampled_from(sorted(INSTRUMENTS)))
def test_a_result_decided_on_partial_answers_does_not_change_when_the_rest_come(data, code):
    """Nothing is imputed: a flag or total decided on part of a response keeps its value when the
    rest of the answers come (answers to questions the skip logic leaves out are dropped first)."""
    instrument = INSTRUMENTS[code]
    answers = full_answers(instrument, random.Random(data.draw(st.integers(0, 10_000))))
    for item_id in score(instrument, answers).ignored:
        del answers[item_id]
    kept = data.draw(st.sets(st.sampled_from(sorted(answers))))
    partial = score(instrument, {k: v for k, v in answers.items() if k in kept})
    full = score(instrument, answers)
    for flag_id, result in partial.flags.items():
        if result.state is not None:
            assert result.state == full.flags[flag_id].state, flag_id
    for scale_id, result in partial.scales.items():
        if result.total is not None:
            assert result.total == full.scales[scale_id].total, scale_id


# --- answer validation ------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "answers", "problem"), [
    ("phq-a", {"phq_a_10": "1"}, "unknown_item"),
    ("phq-a", {"phq_a_1": "4"}, "unknown_code"),
    ("phq-a", {"phq_a_1": "Not at all"}, "unknown_code"),  # labels are never answers
    ("asq", {"asq_5": "refused"}, "unknown_code"),
    ("crafft", {"crafft_a1": "366"}, "out_of_range"),
    ("crafft", {"crafft_a2": "-1"}, "out_of_range"),
    ("crafft", {"crafft_a3": "a few"}, "not_a_number"),
    ("crafft", {"crafft_b_car": "maybe"}, "unknown_code"),
    ("cats", {"cats_s1": "4"}, "unknown_code"),
])
def test_invalid_answers_raise_answer_error(code, answers, problem):
    with pytest.raises(AnswerError) as caught:
        score(INSTRUMENTS[code], answers)
    item_id = next(iter(answers))
    assert [(p.item, p.code) for p in caught.value.problems] == [(item_id, problem)]


def test_answer_error_lists_every_problem():
    answers = {"crafft_a1": "400", "crafft_x": "1", "crafft_b_car": "y", "crafft_a2": "7"}
    with pytest.raises(AnswerError) as caught:
        score(INSTRUMENTS["crafft"], answers)
    assert {(p.item, p.code) for p in caught.value.problems} == {
        ("crafft_a1", "out_of_range"), ("crafft_x", "unknown_item"),
        ("crafft_b_car", "unknown_code")}


def test_number_answers_accept_integers_and_padded_text():
    result = score(INSTRUMENTS["crafft"], {"crafft_a1": 0, "crafft_a2": " 0 ", "crafft_a3": "0",
                                           "crafft_b_car": "no"})
    assert result.status == "complete"


# --- skip logic when resuming a session -------------------------------------------------------

ASQ_NO = {f"asq_{n}": "no" for n in range(1, 5)}
CRAFFT_NO_USE = {"crafft_a1": "0", "crafft_a2": "0", "crafft_a3": "0"}


@pytest.mark.parametrize(("code", "answers", "expected"), [
    ("asq", {}, "asq_1"),
    ("asq", {**ASQ_NO, "asq_2": "refused"}, "asq_5"),
    ("asq", ASQ_NO, None),
    ("asq", {**ASQ_NO, "asq_3": ""}, "asq_3"),  # a blank is not an answer
    ("crafft", CRAFFT_NO_USE, "crafft_b_car"),
    ("crafft", {**CRAFFT_NO_USE, "crafft_b_car": "no"}, None),
    ("crafft", {**CRAFFT_NO_USE, "crafft_a3": "1", "crafft_b_car": "no"}, "crafft_b_relax"),
    ("crafft", {**CRAFFT_NO_USE, "crafft_a1": "", "crafft_b_car": "no"}, "crafft_a1"),
    ("cats", {f"cats_e{n}": "no" for n in range(1, 17)}, None),
    ("cats", {**{f"cats_e{n}": "no" for n in range(1, 17)}, "cats_e15": "yes"}, "cats_s1"),
])
def test_next_unanswered_follows_skip_logic(code, answers, expected):
    item = next_unanswered(INSTRUMENTS[code], answers)
    assert (item.id if item else None) == expected


@pytest.mark.parametrize(("answers", "shown"), [
    (ASQ_NO, False), ({**ASQ_NO, "asq_4": "yes"}, True), ({**ASQ_NO, "asq_1": ""}, None),
])
def test_asq_question_5_is_shown_only_after_a_positive_answer(answers, shown):
    asq = INSTRUMENTS["asq"]
    assert is_shown(asq, asq.item("asq_5"), answers) is shown


def test_next_unanswered_refuses_unknown_codes():
    with pytest.raises(AnswerError):
        next_unanswered(INSTRUMENTS["asq"], {"asq_1": "Yes"})


# --- malformed files --------------------------------------------------------------------------

VALID = """\
format = 1
code = "tiny"
version = "1.0"
texts = "included"
age_min = 10
age_max = 17
name = { kk = "Шағын", ru = "Малый", en = "Tiny" }
citation = "Nobody N. A tiny test instrument. 2024."
licence = "Written for this test."
translation = { kk = "working", ru = "working", en = "original" }

[option_sets.yesno]
options = [
  { code = "yes", value = 1, label = { kk = "Иә", ru = "Да", en = "Yes" } },
  { code = "no", value = 0, label = { kk = "Жоқ", ru = "Нет", en = "No" } },
]

[[items]]
id = "tiny_1"
options = "yesno"
text = { kk = "Бір", ru = "Один", en = "One" }

[[items]]
id = "tiny_2"
options = "yesno"
text = { kk = "Екі", ru = "Два", en = "Two" }

[[scales]]
id = "total"
label = { kk = "Барлығы", ru = "Итого", en = "Total" }
items = ["tiny_1", "tiny_2"]
bands = [
  { code = "low", max = 0, label = { kk = "Төмен", ru = "Низкий", en = "Low" } },
  { code = "high", max = 2, label = { kk = "Жоғары", ru = "Высокий", en = "High" } },
]

[[flags]]
id = "any_yes"
label = { kk = "Иә бар", ru = "Есть да", en = "Any yes" }
when = { any = [ { item = "tiny_1", in = ["yes"] }, { item = "tiny_2", in = ["yes"] } ] }
"""


def test_the_valid_template_loads(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(VALID, encoding="utf-8")
    instrument = load_instrument_file(path)
    assert instrument.code == "tiny"
    assert score(instrument, {"tiny_1": "yes", "tiny_2": "no"}).scales["total"].band == "high"


@pytest.mark.parametrize(("name", "old", "new", "where"), [
    ("syntax", 'code = "tiny"', 'code = "tiny', "(syntax)"),
    ("missing_field", 'citation = "Nobody N. A tiny test instrument. 2024."\n', "", "citation"),
    ("missing_language", 'name = { kk = "Шағын", ru = "Малый", en = "Tiny" }',
     'name = { kk = "Шағын", en = "Tiny" }', "name.ru"),
    ("unknown_option_set", 'id = "tiny_2"\noptions = "yesno"', 'id = "tiny_2"\noptions = "yn"',
     "items[1].options"),
    ("bad_band_order", '{ code = "low", max = 0,', '{ code = "low", max = 2,', "scales[0].bands"),
    ("last_band_below_max", '{ code = "high", max = 2,', '{ code = "high", max = 1,',
     "scales[0].bands"),
    ("condition_unknown_item", '{ item = "tiny_2", in = ["yes"] } ] }',
     '{ item = "tiny_3", in = ["yes"] } ] }', "flags[0].when.any[1].item"),
    ("condition_unknown_code", '{ item = "tiny_2", in = ["yes"] } ] }',
     '{ item = "tiny_2", in = ["Yes"] } ] }', "flags[0].when.any[1].in"),
    ("show_if_later_item", 'id = "tiny_1"\noptions = "yesno"',
     'id = "tiny_1"\nshow_if = { item = "tiny_2", in = ["yes"] }\noptions = "yesno"',
     "items[0].show_if.item"),
    ("duplicate_item_id", 'id = "tiny_2"', 'id = "tiny_1"', "items[1].id"),
    ("unknown_field", 'id = "tiny_1"\n', 'id = "tiny_1"\ncolour = "red"\n', "items[0].colour"),
    ("unknown_top_field", "format = 1\n", "format = 1\nauthor = \"me\"\n", "author"),
    ("wrong_type", "age_min = 10", 'age_min = "10"', "age_min"),
    ("bad_translation_status", 'en = "original" }', 'en = "machine" }', "translation.en"),
    ("unknown_scale_item", 'items = ["tiny_1", "tiny_2"]', 'items = ["tiny_1", "tiny_9"]',
     "scales[0].items"),
])
def test_malformed_file_names_the_file_and_the_field(tmp_path, name, old, new, where):
    assert old in VALID
    path = tmp_path / f"broken-{name}.toml"
    path.write_text(VALID.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InstrumentFileError) as caught:
        load_instrument_file(path)
    assert caught.value.source == path.name
    assert caught.value.where == where
    assert str(caught.value).startswith(f"{path.name}: {where}: ")


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(VALID.replace("Tiny", "Tin\xff").encode("latin-1", errors="replace"))
    with pytest.raises(InstrumentFileError) as caught:
        load_instrument_file(path)
    assert (caught.value.source, caught.value.where) == ("latin.toml", "(encoding)")


def test_a_broken_local_file_stops_loading_and_is_named(tmp_path):
    (tmp_path / "tiny.toml").write_text(VALID.replace('version = "1.0"\n', ""), encoding="utf-8")
    with pytest.raises(InstrumentFileError, match=r"^tiny\.toml: version: is required"):
        load_directory(local=tmp_path)


# --- the centre's own files and operator texts --------------------------------------------------


def test_a_local_instrument_is_loaded_and_marked_local(tmp_path):
    (tmp_path / "tiny.toml").write_text(VALID, encoding="utf-8")
    found = load_directory(local=tmp_path)
    assert found["tiny"].local is True
    assert found["phq-a"].local is False


def test_a_local_instrument_may_not_reuse_a_built_in_code(tmp_path):
    text = (BUILTIN_DIR / "phq-a.toml").read_text(encoding="utf-8")
    (tmp_path / "my-phq.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InstrumentFileError) as caught:
        load_directory(local=tmp_path)
    assert caught.value.source == "my-phq.toml"
    assert caught.value.where == "code"
    assert "phq-a.toml" in caught.value.message


def crafft_texts(version: str = "2.1", skip: str = "") -> str:
    lines = ["format = 1", 'texts_for = "crafft"', f'version = "{version}"', ""]
    for item in INSTRUMENTS["crafft"].items:
        if item.id == skip:
            continue
        lines += [f"[items.{item.id}]",
                  f'text = {{ kk = "{item.id} kk", ru = "{item.id} ru", en = "{item.id} en" }}', ""]
    lines += ["[option_sets.yesno.labels]",
              'yes = { kk = "Иә", ru = "Да", en = "Yes" }',
              'no = { kk = "Жоқ", ru = "Нет", en = "No" }', ""]
    return "\n".join(lines)


def test_operator_texts_complete_crafft(tmp_path):
    (tmp_path / "crafft.texts.toml").write_text(crafft_texts(), encoding="utf-8")
    crafft = load_directory(local=tmp_path)["crafft"]
    assert crafft.has_texts is True
    assert crafft.missing_texts == ()
    assert crafft.item("crafft_b_car").text["ru"] == "crafft_b_car ru"
    assert crafft.item("crafft_b_car").option_set.by_code("yes").label["kk"] == "Иә"
    assert crafft.source == "crafft.toml + crafft.texts.toml"
    # the scoring definition is untouched
    answers = {"crafft_a1": "2", "crafft_a2": "0", "crafft_a3": "0"}
    answers.update(dict.fromkeys(
        ["crafft_b_car", "crafft_b_relax", "crafft_b_alone", "crafft_b_forget",
         "crafft_b_family", "crafft_b_trouble"], "yes"))
    assert score(crafft, answers) == score(INSTRUMENTS["crafft"], answers)


def test_operator_texts_that_miss_an_item_leave_it_missing(tmp_path):
    (tmp_path / "crafft.texts.toml").write_text(crafft_texts(skip="crafft_a3"), encoding="utf-8")
    crafft = load_directory(local=tmp_path)["crafft"]
    assert crafft.has_texts is False
    assert crafft.missing_texts == ("crafft_a3",)


def test_operator_texts_for_another_version_are_refused(tmp_path):
    (tmp_path / "crafft.texts.toml").write_text(crafft_texts(version="2.0"), encoding="utf-8")
    with pytest.raises(InstrumentFileError) as caught:
        load_directory(local=tmp_path)
    assert (caught.value.source, caught.value.where) == ("crafft.texts.toml", "version")


def test_operator_texts_for_an_unknown_item_are_refused(tmp_path):
    text = crafft_texts() + '\n[items.crafft_b_car2]\ntext = { kk = "a", ru = "b", en = "c" }\n'
    (tmp_path / "crafft.texts.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InstrumentFileError) as caught:
        load_directory(local=tmp_path)
    assert (caught.value.source, caught.value.where) == ("crafft.texts.toml",
                                                         "items.crafft_b_car2")


def test_operator_texts_for_an_unknown_instrument_are_refused(tmp_path):
    text = crafft_texts().replace('texts_for = "crafft"', 'texts_for = "crafft-3"')
    (tmp_path / "crafft.texts.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InstrumentFileError) as caught:
        load_directory(local=tmp_path)
    assert (caught.value.source, caught.value.where) == ("crafft.texts.toml", "texts_for")


# --- purity -----------------------------------------------------------------------------------


def test_the_scoring_core_imports_no_django():
    code = ("import sys; import safechildhood.screening.scoring; "
            "assert not any(m.startswith('django') for m in sys.modules), "
            "sorted(m for m in sys.modules if m.startswith('django'))")
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT)}, timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
