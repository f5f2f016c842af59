"""The two passes over a roster against the school's pupils: the check (every row, keeping only
keys in memory) and the apply (batched bulk writes, inside the caller's transaction)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from safechildhood.people.imports.columns import FIELDS
from safechildhood.people.imports.problems import FileError, problem
from safechildhood.people.imports.rows import RosterRow, parse_row
from safechildhood.people.imports.table import Table
from safechildhood.people.models import Enrollment, Pupil

PROGRESS_EVERY = 200  # rows between stored progress updates
BATCH_SIZE = 500  # rows per bulk insert/update and per look-up of IINs at other schools
MAX_ERRORS = 500  # problems listed before the check stops
MAX_ROWS = 50_000  # a school's roster is a few thousand rows at most


class ChangedMeanwhile(Exception):
    """Rows that passed the check no longer fit the database when they are applied."""


@dataclass
class SchoolRoster:
    """The school's pupils as the importer matches them: by IIN, else by name and birth date."""

    school_id: int
    by_iin: dict[str, int] = field(default_factory=dict)
    by_key: dict[str, list[int]] = field(default_factory=dict)
    iin_of: dict[int, str | None] = field(default_factory=dict)

    @classmethod
    def load(cls, school_id: int) -> SchoolRoster:
        roster = cls(school_id)
        pupils = (Pupil.objects.filter(school_id=school_id).exclude(status=Pupil.Status.MERGED)
                  .values_list("pk", "iin", "match_key"))
        for pk, iin, key in pupils.iterator(chunk_size=2000):
            roster.add(pk, iin, key)
        return roster

    def add(self, pk: int, iin: str | None, key: str) -> None:
        if iin:
            self.by_iin[iin] = pk
        self.by_key.setdefault(key, []).append(pk)
        self.iin_of[pk] = iin

    def match(self, row: RosterRow) -> tuple[int | None, str | None]:
        """The pupil this row is, or None for a new pupil; or a problem code."""
        if row.iin and row.iin in self.by_iin:
            return self.by_iin[row.iin], None
        candidates = self.by_key.get(row.key, [])
        if not candidates:
            return None, None
        if len(candidates) > 1:
            return None, "ambiguous_match"
        pk = candidates[0]
        if row.iin and self.iin_of[pk] and self.iin_of[pk] != row.iin:
            return None, "iin_differs"
        return pk, None


def _iins_elsewhere(school_id: int, iins: list[str]) -> set[str]:
    """Which of these IINs belong to a pupil of another school (never who that pupil is)."""
    if not iins:
        return set()
    return set(
        Pupil.objects.filter(iin__in=iins).exclude(school_id=school_id)
        .exclude(status=Pupil.Status.MERGED).values_list("iin", flat=True)
    )


# --- the check pass ----------------------------------------------------------------------------


@dataclass
class CheckResult:
    rows: int
    errors: list[dict[str, Any]]


class _Checker:
    """Checks rows one at a time, remembering only keys: the IINs, names and pupils seen."""

    def __init__(self, school_id: int, today: dt.date):
        self.school_id = school_id
        self.today = today
        self.roster = SchoolRoster.load(school_id)
        self.errors: list[dict[str, Any]] = []
        self.rows = 0
        self._iins: dict[str, int] = {}
        self._people: dict[str, tuple[int, str | None]] = {}
        self._pupils: dict[int, int] = {}
        self._pending: list[tuple[int, str]] = []

    @property
    def full(self) -> bool:
        return len(self.errors) >= MAX_ERRORS

    def check(self, number: int, values: Sequence[Any], columns: dict[str, int]) -> None:
        self.rows += 1
        row, errors = parse_row(number, values, columns, today=self.today)
        self.errors.extend(errors)
        if row is None:
            return
        if not self._check_within_file(row):
            return
        pk, code = self.roster.match(row)
        if code:
            self.errors.append(problem(number, "iin" if code == "iin_differs" else None, code))
        elif pk is not None:
            if pk in self._pupils:
                self.errors.append(problem(number, None, "same_pupil",
                                           other_row=self._pupils[pk]))
            else:
                self._pupils[pk] = number
        if row.iin and row.iin not in self.roster.by_iin:
            self._pending.append((number, row.iin))
            if len(self._pending) >= BATCH_SIZE:
                self.flush()

    def _check_within_file(self, row: RosterRow) -> bool:
        """False (and a problem) if an earlier row of the file is the same child."""
        if row.iin:
            first = self._iins.setdefault(row.iin, row.row)
            if first != row.row:
                self.errors.append(problem(row.row, "iin", "duplicate_iin", other_row=first))
                return False
        earlier = self._people.get(row.key)
        if earlier is None:
            self._people[row.key] = (row.row, row.iin)
        elif not (row.iin and earlier[1] and row.iin != earlier[1]):
            # Two children with one name and birthday are told apart only by their IINs.
            self.errors.append(problem(row.row, None, "duplicate_person", other_row=earlier[0]))
            return False
        return True

    def flush(self) -> None:
        elsewhere = _iins_elsewhere(self.school_id, [iin for _n, iin in self._pending])
        for number, iin in self._pending:
            if iin in elsewhere:
                self.errors.append(problem(number, "iin", "iin_other_school"))
        self._pending.clear()


def _sort_key(error: dict[str, Any]) -> tuple[int, int]:
    column = error.get("column")
    order = FIELDS.index(column) if column in FIELDS else -1
    return (error.get("row") or 0, order)


def roster_check(table: Table, *, school_id: int, today: dt.date,
                 on_progress=None) -> CheckResult:
    """Check every row of the table against the file itself and the school's roster."""
    checker = _Checker(school_id, today)
    for number, values in table.rows:
        if checker.rows >= MAX_ROWS:
            raise FileError("too_many_rows", max=MAX_ROWS)
        checker.check(number, values, table.columns)
        if checker.full:
            break
        if on_progress is not None and checker.rows % PROGRESS_EVERY == 0:
            on_progress(checker.rows, table.estimated_rows)
    checker.flush()
    if checker.rows == 0:
        raise FileError("no_rows")
    errors = sorted(checker.errors, key=_sort_key)
    if len(errors) >= MAX_ERRORS:
        errors = [*errors[:MAX_ERRORS], problem(None, None, "too_many_errors", shown=MAX_ERRORS)]
    return CheckResult(rows=checker.rows, errors=errors)


# --- the apply pass ----------------------------------------------------------------------------


@dataclass
class ApplyResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    changed_ids: list[int] = field(default_factory=list)


_PUPIL_FIELDS = ("last_name", "first_name", "middle_name", "birth_date", "sex", "grade",
                 "class_letter", "iin")


def roster_apply(table: Table, *, school_id: int, today: dt.date) -> ApplyResult:
    """Write a checked table: update the pupils it matches, add the others with an open
    enrolment. Call inside a transaction; raises ``ChangedMeanwhile`` if a row no longer fits.

    Rows are matched against the pupils as they were before the import, exactly as the check
    did (pupils added by earlier rows are not matched again: the check has already made sure no
    two rows are one child)."""
    roster = SchoolRoster.load(school_id)
    result = ApplyResult()
    for batch in _batched(table.rows, BATCH_SIZE):
        new_rows: list[RosterRow] = []
        matched: dict[int, RosterRow] = {}
        for number, values in batch:
            row, _errors = parse_row(number, values, table.columns, today=today)
            if row is None:
                raise ChangedMeanwhile
            pk, code = roster.match(row)
            if code or pk in matched:
                raise ChangedMeanwhile
            if pk is None:
                new_rows.append(row)
            else:
                matched[pk] = row
        result.rows += len(batch)
        _add_pupils(new_rows, school_id, today, result)
        _update_pupils(matched, school_id, today, result)
    return result


def _batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _add_pupils(rows: list[RosterRow], school_id: int, today: dt.date,
                result: ApplyResult) -> None:
    if not rows:
        return
    pupils = Pupil.objects.bulk_create(
        [Pupil(school_id=school_id, match_key=row.key, status=Pupil.Status.ACTIVE,
               **{name: getattr(row, name) for name in _PUPIL_FIELDS}) for row in rows],
        batch_size=BATCH_SIZE,
    )
    Enrollment.objects.bulk_create(
        [Enrollment(pupil=pupil, school_id=school_id, grade=pupil.grade,
                    class_letter=pupil.class_letter, started_on=today) for pupil in pupils],
        batch_size=BATCH_SIZE,
    )
    for pupil in pupils:
        result.changed_ids.append(pupil.pk)
    result.created += len(pupils)


def _update_pupils(matched: dict[int, RosterRow], school_id: int, today: dt.date,
                   result: ApplyResult) -> None:
    if not matched:
        return
    pupils = Pupil.objects.in_bulk(list(matched))
    open_enrolments = {
        e.pupil_id: e for e in Enrollment.objects.filter(pupil_id__in=list(matched),
                                                         ended_on__isnull=True)
    }
    now = timezone.now()
    # Pupils grouped by the fields that changed: a new school year changes only the grade of
    # most pupils, and an UPDATE of one column is much cheaper than of all of them.
    changed_pupils: dict[tuple[str, ...], list[Pupil]] = defaultdict(list)
    changed_enrolments, new_enrolments = [], []
    for pk, row in matched.items():
        pupil = pupils[pk]
        fields = [name for name in _PUPIL_FIELDS
                  # a file without the IIN does not erase a known one
                  if getattr(row, name) != getattr(pupil, name) and (name != "iin" or row.iin)]
        for name in fields:
            setattr(pupil, name, getattr(row, name))
        if pupil.status == Pupil.Status.LEFT:  # back at this school
            pupil.status = Pupil.Status.ACTIVE
            fields.append("status")
        if pupil.match_key != row.key:
            pupil.match_key = row.key
            fields.append("match_key")
        enrolment = open_enrolments.get(pk)
        class_changed = enrolment is None or (enrolment.grade, enrolment.class_letter) != (
            row.grade, row.class_letter)
        if enrolment is None:
            new_enrolments.append(Enrollment(pupil=pupil, school_id=school_id, grade=row.grade,
                                             class_letter=row.class_letter, started_on=today))
        elif class_changed:
            enrolment.grade, enrolment.class_letter = row.grade, row.class_letter
            changed_enrolments.append(enrolment)
        if fields or class_changed:
            pupil.updated_at = now
            changed_pupils[(*fields, "updated_at")].append(pupil)
            result.changed_ids.append(pk)
    for fields, group in changed_pupils.items():
        Pupil.objects.bulk_update(group, fields, batch_size=BATCH_SIZE)
    Enrollment.objects.bulk_update(changed_enrolments, ["grade", "class_letter"],
                                   batch_size=BATCH_SIZE)
    Enrollment.objects.bulk_create(new_enrolments, batch_size=BATCH_SIZE)
    result.updated += sum(len(group) for group in changed_pupils.values())
