"""Words of immediate danger raise a message's priority, in Kazakh, Russian and English."""

import pytest

from safechildhood.trustbox import urgency


@pytest.mark.parametrize(("text", "group"), [
    ("Я больше не хочу жить", urgency.SELF_HARM),
    ("Отчим БЬЁТ МЕНЯ каждый вечер", urgency.VIOLENCE),
    ("Он пришёл с ножом", urgency.WEAPON),
    ("Он сказал, что придёт сегодня ночью!!!", urgency.IMMINENT),
    ("Өлгім келеді, ешкім түсінбейді", urgency.SELF_HARM),
    ("Әкем мені ұрады", urgency.VIOLENCE),
    ("Ағамда пышақ бар", urgency.WEAPON),
    ("Ол бүгін түнде келеді", urgency.IMMINENT),
    ("Кеше әкем мені ұрды", urgency.VIOLENCE),
    ("Өмірден кеткім келеді", urgency.SELF_HARM),
    ("Вчера меня избили у подъезда", urgency.VIOLENCE),
    ("Sometimes I want to   DIE.", urgency.SELF_HARM),
    ("My uncle touches me and I am scared", urgency.SEXUAL),
    ("I will run away from home", urgency.RUNAWAY),
])
def test_danger_words_are_found_whatever_the_case_spacing_or_punctuation(text, group):
    assert group in urgency.signals_in(text)


@pytest.mark.parametrize("text", [
    "Мне трудно с математикой, учитель ругается.",
    "Сыныптастарым менімен сөйлеспейді.",
    "I have no friends in my new class.",
    "Можно ли поменять кружок? Мне скучно.",
])
def test_ordinary_worries_are_not_urgent(text):
    assert urgency.signals_in(text) == []


def test_a_stem_matches_only_at_the_start_of_a_word():
    assert urgency.signals_in("grapes and a begun story") == []


def test_every_group_has_a_label():
    assert set(urgency.LABELS) == set(urgency.STEMS)
