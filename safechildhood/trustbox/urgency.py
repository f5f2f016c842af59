"""Words that signal immediate danger in a trust box message, in Kazakh, Russian and English.

A message whose text holds any of them is marked urgent and goes to the top of the centre's
inbox. The list is deliberately wide: a false alarm costs a specialist a minute, a missed one
can cost a child. Each entry is a word stem matched at the start of a word in the normalised
text (lower case, ё → е, punctuation removed, spaces collapsed), so that "убью себя", "Убью
себя!" and "убью   себя" match alike. Only the group codes are stored with the message, never
the words found.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from django.utils.translation import gettext_lazy as _

SELF_HARM = "self_harm"
VIOLENCE = "violence"
SEXUAL = "sexual"
WEAPON = "weapon"
IMMINENT = "imminent"
RUNAWAY = "runaway"

LABELS = {
    SELF_HARM: _("suicide or self-harm"),
    VIOLENCE: _("violence or threats"),
    SEXUAL: _("sexual abuse"),
    WEAPON: _("a weapon"),
    IMMINENT: _("danger now or tonight"),
    RUNAWAY: _("running away"),
}

STEMS: dict[str, tuple[str, ...]] = {
    SELF_HARM: (
        # ru
        "суицид", "самоубий", "покончить с собой", "покончу с собой", "убить себя", "убью себя",
        "не хочу жить", "не хочется жить", "хочу умереть", "хочется умереть", "лучше умереть",
        "повешусь", "повеситься", "вскрою вены", "вскрыть вены", "режу себя", "порезать себя",
        "порежу себя", "режу руки", "выпрыгну", "прыгну с", "наглотаюсь", "наглотаться",
        "селфхарм", "меня не станет",
        # kk
        "өзімді өлтір", "өзіме қол жұмса", "өлгім келеді", "өмір сүргім келмейді",
        "өмір сүргім келмей", "асылып өл", "асыламын", "тамырымды кес", "өзімді кесем",
        "өзімді кесіп", "өлгенім жақсы", "өмірден кеткім", "өзіме зиян",
        # en
        "suicide", "suicidal", "kill myself", "killing myself", "end my life", "want to die",
        "wanna die", "better off dead", "hurt myself", "hurting myself", "cut myself",
        "cutting myself", "self harm", "selfharm",
    ),
    VIOLENCE: (
        # ru
        "бьет меня", "бьют меня", "избивает", "избивают", "избил", "побои", "ударил меня",
        "душит", "угрожает", "угрожают", "убьет", "убьют", "убить меня", "издевается",
        "запирает", "не дает есть", "выгнал из дома", "выгнали из дома", "насилие",
        "избили", "побил", "ударила меня", "бьет нас", "бьет маму",
        # kk
        "ұрады", "ұрып", "соғады", "соққы", "қорқытады", "өлтіреді", "өлтіремін деп",
        "зорлық", "үйден қуып", "тамақ бермейді", "ұрды", "тепті", "өлтірем",
        # en
        "beats me", "beat me", "beating me", "hits me", "hit me", "hurts me", "kicks me",
        "chokes me", "threatens", "threatened", "kill me", "going to kill", "abuse",
        "locks me",
    ),
    SEXUAL: (
        # ru
        "изнасил", "насилует", "домогает", "пристает ко мне", "трогает меня",
        "трогает мое тело", "раздевает", "интим", "голые фото", "голых фото",
        # kk
        "зорлады", "зорлайды", "зорлау", "жыныстық", "денеме тиіс", "жалаңаш сурет",
        # en
        "rape", "raped", "molest", "touches me", "touched me", "sexual", "nude photo",
        "nudes",
    ),
    WEAPON: (
        "нож", "ножом", "пистолет", "ружье", "оружие",
        "пышақ", "мылтық", "қару",
        "knife", "gun", "weapon",
    ),
    IMMINENT: (
        "сегодня ночью", "сегодня вечером", "этой ночью", "прямо сейчас", "завтра меня",
        "бүгін түнде", "бүгін кешке", "дәл қазір", "қазір келеді",
        "tonight", "right now", "this evening",
    ),
    RUNAWAY: (
        "сбегу из дома", "убегу из дома", "уйду из дома", "сбежать из дома",
        "үйден қашам", "үйден кетем", "үйден қашып",
        "run away", "running away", "leave home",
    ),
}


def normalise(text: str) -> str:
    """Lower case, compatibility-folded, ё as е, punctuation as space, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    text = re.sub(r"[^\w\s]|_", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@cache
def _patterns() -> dict[str, re.Pattern]:
    return {
        group: re.compile(r"(?<!\w)(?:" + "|".join(re.escape(normalise(s)) for s in stems) + ")")
        for group, stems in STEMS.items()
    }


def signals_in(text: str) -> list[str]:
    """The codes of the word groups found in ``text``, in a fixed order."""
    plain = normalise(text)
    return [group for group, pattern in _patterns().items() if pattern.search(plain)]


def signal_labels(codes: list[str]) -> list[str]:
    return [str(LABELS[code]) for code in codes if code in LABELS]
