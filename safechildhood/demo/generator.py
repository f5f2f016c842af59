"""Deterministic generation of the demo's schools and pupils. Plain Python, no database: the same
seed, number of pupils and school year always give the same schools, names, birth dates and IINs.

* Pupils are spread over districts and settlements by the weights in ``data/zhambyl.py``; each
  settlement has at least one school and about one school per 450 pupils.
* Birth dates agree with the grade: a pupil starts grade 1 aged 6 on 1 September (a few aged 7).
* About 85% of pupils have an IIN built with ``people.iin.make_iin``, consistent with the birth
  date and sex and unique (the serial number is drawn per birth date and sex).
* A few deliberate duplicate records (same name and birth date at two schools, the second without
  an IIN) give the duplicates page something to review, starting with the demo schools.

``DemoPlan.pupil_rows()`` yields pupils one by one, school after school, so a caller can write
them in batches without holding the region in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from safechildhood.demo.data import names as N
from safechildhood.demo.data.zhambyl import DEMO_SCHOOLS, DISTRICTS, DistrictSpec, Names
from safechildhood.people.iin import make_iin

PUPILS_PER_SCHOOL = 450
CLASS_SIZE = 25
IIN_SHARE = 0.85
MALE_SHARE = 0.51
# Grades 10 and 11 are smaller: many pupils leave for college after grade 9.
GRADES = tuple(range(1, 12))
GRADE_WEIGHTS = (1, 1, 1, 1, 1, 1, 1, 1, 1, 0.75, 0.7)
# Parallel classes: Kazakh-medium classes use А, Ә, Б; Russian-medium А, Б, В.
CLASS_LETTERS = {"kk": ("А", "Ә", "Б"), "ru": ("А", "Б", "В"), "mixed": ("А", "Ә", "Б", "В")}
# Share of pupils with Kazakh names by the school's language of instruction.
KAZAKH_SHARE = {"kk": 0.97, "mixed": 0.75, "ru": 0.45}
LANGUAGES = ("kk", "mixed", "ru")
CONSENT_GIVEN = 0.92
CONSENT_REFUSED = 0.04  # the rest have no consent record yet


def current_school_year(today: dt.date) -> int:
    """The calendar year in which the current school year began (on 1 September)."""
    return today.year if (today.month, today.day) >= (9, 1) else today.year - 1


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights`` (largest remainder)."""
    weight_sum = sum(weights)
    quotas = [total * w / weight_sum for w in weights]
    parts = [math.floor(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (parts[i] - quotas[i], i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def feminine(surname: str) -> str:
    """The feminine form of a Kazakh or Russian surname given in the masculine."""
    for masculine, feminine_ending in (("ский", "ская"), ("цкий", "цкая"), ("ов", "ова"),
                                       ("ев", "ева"), ("ёв", "ёва"), ("ин", "ина"),
                                       ("ын", "ына")):
        if surname.endswith(masculine):
            return surname[: -len(masculine)] + feminine_ending
    return surname  # -енко, -ко and the like do not change


@dataclass(frozen=True)
class SchoolPlan:
    index: int
    district: str  # district key
    settlement: str  # settlement key
    names: Names
    language: str  # directory.School.Language value
    pupils: int
    letters: tuple[str, ...]  # the parallel classes in use
    demo_key: str = ""  # "taraz" or "baizak" for the schools with demo staff


@dataclass(frozen=True)
class GuardianRow:
    relation: str  # people.Guardian.Relation value
    full_name: str
    phone: str


@dataclass(frozen=True)
class PupilRow:
    index: int
    school: int  # SchoolPlan.index
    last_name: str
    first_name: str
    middle_name: str
    birth_date: dt.date
    sex: str
    grade: int
    class_letter: str
    iin: str | None
    enrolled_on: dt.date
    guardians: tuple[GuardianRow, ...]
    consent: str | None  # people.Consent.Decision value, or None for no record yet
    consent_on: dt.date | None
    duplicate_pair: int | None = None  # both records of a deliberate duplicate share it


def _school_names(rng: random.Random, number: int, language: str, urban: bool,
                  used_namesakes: set[int]) -> Names:
    kind = rng.random()
    if kind < 0.15:
        return Names(f"№{number} мектеп-гимназия", f"Школа-гимназия №{number}",
                     f"School-gymnasium No. {number}")
    if urban and kind < 0.20:
        return Names(f"№{number} мектеп-лицей", f"Школа-лицей №{number}",
                     f"School-lyceum No. {number}")
    if kind < 0.45:
        last = len(N.SCHOOL_NAMESAKES) - (0 if language != "kk" else N.RUSSIAN_LANGUAGE_NAMESAKES)
        free = [i for i in range(last) if i not in used_namesakes]
        if free:
            chosen = rng.choice(free)
            used_namesakes.add(chosen)
            kk, ru, en = N.SCHOOL_NAMESAKES[chosen]
            return Names(f"{kk} атындағы орта мектеп", f"Средняя школа имени {ru}",
                         f"{en} secondary school")
    return Names(f"№{number} орта мектеп", f"Средняя школа №{number}",
                 f"Secondary school No. {number}")


def plan_schools(pupils: int, seed: int) -> list[SchoolPlan]:
    """Every school of the demo with its number of pupils, district by district."""
    rng = random.Random(f"{seed}:schools")  # noqa: S311 - invented demo data, not security
    demo_settlements = {settlement: (key, lang) for key, (settlement, lang)
                        in DEMO_SCHOOLS.items()}
    schools: list[SchoolPlan] = []
    for district, district_pupils in zip(
        DISTRICTS, apportion(pupils, [d.weight for d in DISTRICTS]), strict=True
    ):
        number = 0
        used_namesakes: set[int] = set()
        settlement_pupils = apportion(district_pupils, [s.weight for s in district.settlements])
        for settlement, count in zip(district.settlements, settlement_pupils, strict=True):
            sizes = apportion(count, [1] * max(1, round(count / PUPILS_PER_SCHOOL)))
            for position, size in enumerate(sizes):
                number += 1
                demo_key, language = "", _language(rng, district)
                if position == 0 and settlement.key in demo_settlements:
                    demo_key, language = demo_settlements[settlement.key]
                letters = CLASS_LETTERS[language]
                parallels = min(len(letters), max(1, math.ceil(size / 11 / CLASS_SIZE)))
                schools.append(SchoolPlan(
                    index=len(schools),
                    district=district.key,
                    settlement=settlement.key,
                    names=_school_names(rng, number, language, settlement.kind != "village",
                                        used_namesakes),
                    language=language,
                    pupils=size,
                    letters=letters[:parallels],
                    demo_key=demo_key,
                ))
    return schools


def _language(rng: random.Random, district: DistrictSpec) -> str:
    return rng.choices(LANGUAGES, weights=district.languages)[0]


def plan_duplicate_slots(schools: Sequence[SchoolPlan], pupils: int) -> dict[tuple[int, int], int]:
    """Where the deliberate duplicates go: (school index, position in school) -> pair number.

    The first pair joins the two demo schools (a pupil moved from Taraz to the village), the
    second the Baizak demo school and its district centre; the rest are spread over the region.
    """
    if len(schools) < 2 or pupils == 0:
        return {}
    wanted = min(len(schools) - 1, max(3, pupils // 1000))
    demo = {s.demo_key: s.index for s in schools if s.demo_key}
    baizak_centre = next(s.index for s in schools if s.district == "baizak")
    pairs = [(demo["taraz"], demo["baizak"]), (baizak_centre, demo["baizak"])]
    spread = len(schools) // 2
    for k in range(wanted - len(pairs)):
        first = (k * len(schools)) // max(1, wanted - 2)
        second = (first + spread) % len(schools)
        pairs.append((first, second if second != first else (first + 1) % len(schools)))
    slots: dict[tuple[int, int], int] = {}
    used = [0] * len(schools)
    for number, (first, second) in enumerate(pairs):
        if first == second or used[first] >= schools[first].pupils or \
                used[second] >= schools[second].pupils:
            continue
        slots[(first, used[first])] = number
        slots[(second, used[second])] = number
        used[first] += 1
        used[second] += 1
    return slots


@dataclass(frozen=True)
class _Person:
    last_name: str
    first_name: str
    middle_name: str
    family_surname: str  # the parents' surname, masculine
    father: str  # the father's first name
    kazakh: bool


class DemoPlan:
    """The whole demo for one seed, number of pupils and school year."""

    def __init__(self, *, pupils: int, seed: int, school_year: int, as_of: dt.date):
        self.pupils = pupils
        self.seed = seed
        self.school_year = school_year
        self.as_of = as_of
        self.schools = plan_schools(pupils, seed)
        self.duplicate_slots = plan_duplicate_slots(self.schools, pupils)

    @property
    def duplicate_pairs(self) -> int:
        return len(self.duplicate_slots) // 2

    def pupil_rows(self) -> Iterator[PupilRow]:
        rng = random.Random(f"{self.seed}:pupils")  # noqa: S311 - invented demo data
        serials: dict[tuple[dt.date, str], int] = {}
        first_of_pair: dict[int, PupilRow] = {}
        index = 0
        for school in self.schools:
            for position in range(school.pupils):
                pair = self.duplicate_slots.get((school.index, position))
                original = first_of_pair.get(pair) if pair is not None else None
                if original is not None:
                    row = self._moved_copy(rng, school, index, original)
                else:
                    row = self._pupil(rng, school, index, serials, pair)
                    if pair is not None:
                        first_of_pair[pair] = row
                yield row
                index += 1

    # --- one pupil ---------------------------------------------------------------------------

    def _pupil(self, rng: random.Random, school: SchoolPlan, index: int,
               serials: dict[tuple[dt.date, str], int], pair: int | None) -> PupilRow:
        sex = "M" if rng.random() < MALE_SHARE else "F"
        person = _person(rng, sex, kazakh=rng.random() < KAZAKH_SHARE[school.language])
        grade = rng.choices(GRADES, weights=GRADE_WEIGHTS)[0]
        birth_date = self._birth_date(rng, grade)
        iin = _iin(rng, birth_date, sex, serials) if rng.random() < IIN_SHARE else None
        return PupilRow(
            index=index,
            school=school.index,
            last_name=person.last_name,
            first_name=person.first_name,
            middle_name=person.middle_name,
            birth_date=birth_date,
            sex=sex,
            grade=grade,
            class_letter=rng.choice(school.letters),
            iin=iin,
            enrolled_on=dt.date(self.school_year - grade + 1, 9, 1),
            guardians=_guardians(rng, person),
            duplicate_pair=pair,
            **self._consent(rng),
        )

    def _moved_copy(self, rng: random.Random, school: SchoolPlan, index: int,
                    original: PupilRow) -> PupilRow:
        """The same child entered again at another school this year, without the IIN."""
        return PupilRow(
            index=index,
            school=school.index,
            last_name=original.last_name,
            first_name=original.first_name,
            middle_name=original.middle_name,
            birth_date=original.birth_date,
            sex=original.sex,
            grade=original.grade,
            class_letter=rng.choice(school.letters),
            iin=None,
            enrolled_on=dt.date(self.school_year, 9, 1),
            guardians=original.guardians[:1],
            duplicate_pair=original.duplicate_pair,
            **self._consent(rng),
        )

    def _birth_date(self, rng: random.Random, grade: int) -> dt.date:
        """Aged 6 on 1 September of the year the pupil started grade 1; one in seven aged 7."""
        first_grade_year = self.school_year - grade + 1
        older = 1 if rng.random() < 1 / 7 else 0
        earliest = dt.date(first_grade_year - 7 - older, 9, 2)
        latest = dt.date(first_grade_year - 6 - older, 9, 1)
        return earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))

    def _consent(self, rng: random.Random) -> dict:
        draw = rng.random()
        if draw >= CONSENT_GIVEN + CONSENT_REFUSED:
            return {"consent": None, "consent_on": None}
        start = dt.date(self.school_year, 9, 1)
        on = min(start + dt.timedelta(days=rng.randint(1, 25)), max(self.as_of, start))
        return {"consent": "given" if draw < CONSENT_GIVEN else "refused", "consent_on": on}


def _person(rng: random.Random, sex: str, *, kazakh: bool) -> _Person:
    male = sex == "M"
    if kazakh:
        father = rng.choice(N.KAZAKH_MEN)
        first = rng.choice(N.KAZAKH_BOYS if male else N.KAZAKH_GIRLS)
        surname = rng.choice(N.KAZAKH_SURNAMES)
        suffix = "ұлы" if male else "қызы"
        if rng.random() < 0.06:
            # Registered with the father's name as the surname (Серікұлы), no patronymic.
            return _Person(father + suffix, first, "", surname, father, kazakh)
        middle = "" if rng.random() < 0.05 else father + suffix
        return _Person(surname if male else feminine(surname), first, middle, surname, father,
                       kazakh)
    father, son_of, daughter_of = rng.choice(N.RUSSIAN_FATHERS)
    first = rng.choice(N.RUSSIAN_BOYS if male else N.RUSSIAN_GIRLS)
    surname = rng.choice(N.RUSSIAN_SURNAMES)
    return _Person(surname if male else feminine(surname), first,
                   son_of if male else daughter_of, surname, father, kazakh)


def _adult(rng: random.Random, surname: str, first: str, *, woman: bool, kazakh: bool) -> str:
    if kazakh:
        patronymic = rng.choice(N.KAZAKH_MEN) + ("қызы" if woman else "ұлы")
    else:
        _, son_of, daughter_of = rng.choice(N.RUSSIAN_FATHERS)
        patronymic = daughter_of if woman else son_of
    return f"{feminine(surname) if woman else surname} {first} {patronymic}"


def _guardians(rng: random.Random, person: _Person) -> tuple[GuardianRow, ...]:
    women = N.KAZAKH_WOMEN if person.kazakh else N.RUSSIAN_WOMEN
    surname = person.family_surname

    def mother(relation: str = "mother") -> GuardianRow:
        return GuardianRow(relation, _adult(rng, surname, rng.choice(women), woman=True,
                                            kazakh=person.kazakh), _phone(rng))

    def father() -> GuardianRow:
        return GuardianRow("father", _adult(rng, surname, person.father, woman=False,
                                            kazakh=person.kazakh), _phone(rng))

    draw = rng.random()
    if draw < 0.88:
        return (mother(), father()) if rng.random() < 0.6 else (mother(),)
    if draw < 0.94:
        return (father(),)
    if draw < 0.99:
        return (mother("grandparent"),)  # a grandmother bringing the child up
    return (mother("guardian"),)


def _phone(rng: random.Random) -> str:
    return (f"+7 {rng.choice(N.MOBILE_PREFIXES)} {rng.randint(0, 999):03d} "
            f"{rng.randint(0, 99):02d} {rng.randint(0, 99):02d}")


def _iin(rng: random.Random, birth_date: dt.date, sex: str,
         serials: dict[tuple[dt.date, str], int]) -> str | None:
    """A valid IIN not yet given to anyone born that day of that sex in this demo."""
    key = (birth_date, sex)
    serial = serials.get(key) or rng.randint(1, 4000)
    while serial <= 9999:
        iin = make_iin(birth_date, sex, serial)
        serial += rng.randint(1, 7)
        if iin is not None:
            serials[key] = serial
            return iin
    serials[key] = serial
    return None


def digest(rows: Iterator[PupilRow] | Sequence[PupilRow]) -> str:
    """SHA-256 over every generated field: equal digests mean the same demo."""
    h = hashlib.sha256()
    for row in rows:
        h.update(repr(row).encode())
    return h.hexdigest()
