"""The columns a roster has, as the three languages name them, and the template's example."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from safechildhood.people.iin import make_iin
from safechildhood.people.models import Pupil

FIELDS = ("last_name", "first_name", "middle_name", "birth_date", "sex", "grade",
          "class_letter", "iin")
REQUIRED = ("last_name", "first_name", "birth_date", "sex", "grade")

# The header row of the template, per language. These are data, not interface text: the reader
# must recognise all three languages whatever the uploader's language is and whatever the state
# of the translation catalogues, so they are spelt out here rather than taken from gettext.
TEMPLATE_HEADERS: dict[str, dict[str, str]] = {
    "kk": {"last_name": "Тегі", "first_name": "Аты", "middle_name": "Әкесінің аты",
           "birth_date": "Туған күні", "sex": "Жынысы", "grade": "Сынып",
           "class_letter": "Литер", "iin": "ЖСН"},
    "ru": {"last_name": "Фамилия", "first_name": "Имя", "middle_name": "Отчество",
           "birth_date": "Дата рождения", "sex": "Пол", "grade": "Класс",
           "class_letter": "Буква класса", "iin": "ИИН"},
    "en": {"last_name": "Last name", "first_name": "First name", "middle_name": "Patronymic",
           "birth_date": "Date of birth", "sex": "Sex", "grade": "Grade",
           "class_letter": "Class letter", "iin": "IIN"},
}
# Other spellings seen in school lists. "full_name" is one column with "last first patronymic".
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "last_name": ("surname", "family name", "lastname", "тегi"),
    "first_name": ("есімі", "firstname", "given name"),
    "middle_name": ("әкесінің есімі", "middle name", "patronymic name"),
    "birth_date": ("туылған күні", "туған күні айы жылы", "туған жылы", "дата рожд",
                   "birth date", "birthdate", "dob"),
    "sex": ("жыныс", "gender"),
    "grade": ("сынып нөмірі", "class", "form"),
    "class_letter": ("литера", "литер класса", "сынып литері", "буква", "class letter",
                     "letter"),
    "iin": ("жсн иин", "иин жсн", "iin жсн"),
    "full_name": ("фио", "ф и о", "фио ученика", "фио учащегося", "аты жөні", "толық аты жөні",
                  "оқушының аты жөні", "full name"),
}

# How a column is named when a problem is shown: the pupil's own field labels, translated.
COLUMN_LABELS: dict[str, Any] = {
    **{name: Pupil._meta.get_field(name).verbose_name for name in FIELDS},
    "full_name": _("full name"),
}

EXAMPLE_BIRTH = dt.date(2012, 9, 5)
EXAMPLE_IIN = make_iin(EXAMPLE_BIRTH, "F", 4321)
EXAMPLE_NAMES = {"kk": ("Сейітқызы", "Әйгерім", "Нұрланқызы", "қыз"),
                 "ru": ("Сейткызы", "Айгерим", "Нурлановна", "Ж"),
                 "en": ("Seitkyzy", "Aigerim", "Nurlanqyzy", "F")}
EXAMPLE_LAST_NAMES = frozenset(names[0] for names in EXAMPLE_NAMES.values())
