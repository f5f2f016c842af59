"""Checking rows against the campaign, a batch at a time: who each row is, that the pupil is
in this campaign at this school, that the questionnaire is assigned and not yet submitted, no
row twice, every answer code. Rows that fit are handed on, once, to be scored and written
while the next batch is checked; the writer catches only what may have changed since
(``apply``)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from safechildhood.people.imports.problems import FileError, problem
from safechildhood.people.models import Pupil
from safechildhood.screening.imports.table import Row, batched, data_rows, find_layout, read_table
from safechildhood.screening.models import (
    Assignment,
    Campaign,
    Response,
)
from safechildhood.screening.scoring import AnswerError, Instrument, clean_answers
from safechildhood.screening.services.codes import code_hash, code_looks_valid
from safechildhood.screening.services.instruments import instrument_get

MAX_ROWS = 120_000  # a school's questionnaires for one campaign: a few thousand
BATCH_SIZE = 1000  # rows per look-up and per bulk write
PROGRESS_EVERY = 2000  # rows between stored progress updates
MAX_ERRORS = 500  # problems listed before the check stops


class ChangedMeanwhile(Exception):
    """Rows that passed the check no longer fit when they are applied."""


def _answer_lookups(instrument: Instrument) -> dict[str, dict[str, str]]:
    """For each choice item, the cells that are a valid answer as they stand, mapped to the
    code ``clean_answers`` keeps: the codes themselves. Anything else (other case, numbers,
    mistakes) goes the long way, through ``clean_answers`` and its messages."""
    return {item.id: {o.code: o.code for o in item.option_set.options}
            for item in instrument.items if item.option_set is not None}


@dataclass
class Checked:
    """A row that fits: the assignment, the pupil, the questionnaire and the cleaned answers."""

    row: int
    assignment_id: int
    pupil_id: int
    instrument: Instrument
    answers: dict[str, str]
    draft_id: int | None
    assigned: tuple[str, ...] = ()  # the assignment's questionnaires


@dataclass
class _Target:
    assignment_id: int
    pupil_id: int
    instruments: list[str]
    status: str


_NONE: dict[str, str] = {}


class _Checker:
    """Checks rows a batch at a time against the campaign, remembering only keys: which
    pupil and questionnaire each earlier row was."""

    def __init__(self, campaign: Campaign, school_id: int,
                 lock: AbstractContextManager[Any] | None = None):
        self.campaign = campaign
        self.school_id = school_id
        self._lock = lock or nullcontext()
        self.instruments = {i["code"]: instrument_get(i["code"], i["version"])
                            for i in campaign.instruments}
        self._lookups = {code: _answer_lookups(i) for code, i in self.instruments.items()}
        self.errors: list[dict[str, Any]] = []
        self.rows = 0
        self._seen: dict[tuple[int, str], int] = {}

    @property
    def item_ids(self) -> list[str]:
        return [i.id for inst in self.instruments.values() for i in inst.items]

    @property
    def full(self) -> bool:
        return len(self.errors) >= MAX_ERRORS

    def load(self) -> None:
        """The school's assignments in this campaign and the responses they already have, read
        once (a school has a few thousand pupils): the rows are matched against these, and the
        database is asked again only about rows that do not match (an IIN, a wrong code)."""
        self._assignments = {
            hashed: _Target(pk, pupil_id, instruments, status)
            for hashed, pk, pupil_id, instruments, status in
            Assignment.objects.filter(campaign=self.campaign, school_id=self.school_id)
            .order_by().values_list("code_hash", "pk", "pupil_id", "instruments", "status")}
        self._drafts = {(a, code): (pk, status) for a, code, pk, status in
                        Response.objects.filter(assignment__campaign=self.campaign,
                                                assignment__school_id=self.school_id)
                        .order_by().values_list("assignment_id", "instrument", "pk", "status")}

    def check(self, rows: list[Row], targets: dict[int, _Target | None]) -> list[Checked]:
        self.rows += len(rows)
        drafts = self._drafts
        checked = []
        for row in rows:
            before = len(self.errors)
            instrument, answers = self._answers(row)
            target = targets.get(row.number)
            if target is not None and instrument is not None:
                target = self._fits(row, target, instrument.code, drafts)
            if len(self.errors) == before and target is not None and instrument is not None:
                checked.append(Checked(row.number, target.assignment_id, target.pupil_id,
                                       instrument, answers,
                                       drafts.get((target.assignment_id, instrument.code),
                                                  (None, None))[0],
                                       tuple(target.instruments)))
        return checked

    def _answers(self, row: Row) -> tuple[Instrument | None, dict[str, str]]:
        lookups = self._lookups.get(row.instrument)
        if lookups is not None and row.answers:
            # the common case: every cell is an answer code as written
            cleaned = {}
            for item_id, text in row.answers.items():
                code = lookups.get(item_id, _NONE).get(text)
                if code is None:
                    break
                cleaned[item_id] = code
            else:
                return self.instruments[row.instrument], cleaned
        before = len(self.errors)
        if not row.instrument:
            self.errors.append(problem(row.number, "instrument", "required"))
            return None, {}
        instrument = self.instruments.get(row.instrument)
        if instrument is None:
            self.errors.append(problem(row.number, "instrument", "instrument_unknown",
                                       value=row.instrument[:40],
                                       codes=", ".join(self.instruments)))
            return None, {}
        answers = {}
        for item_id, text in row.answers.items():
            item = instrument.item(item_id)
            if item is None:
                self.errors.append(problem(row.number, item_id, "item_not_in_instrument",
                                           instrument=instrument.code))
            elif item.option_set is not None and item.option_set.by_code(text) is None:
                # "Yes" for "yes": codes are matched without regard to case when unambiguous
                same = [o.code for o in item.option_set.options
                        if o.code.casefold() == text.casefold()]
                answers[item_id] = same[0] if len(same) == 1 else text
            else:
                answers[item_id] = text
        try:
            cleaned = clean_answers(instrument, answers)
        except AnswerError as error:
            cleaned = {}
            for found in error.problems:
                self.errors.append(problem(row.number, found.item, found.code,
                                           answer=found.answer[:20]))
        if not row.answers:
            # An absent pupil is marked absent, not given an empty questionnaire.
            self.errors.append(problem(row.number, None, "no_answers"))
        return instrument, cleaned if len(self.errors) == before else {}

    def look_up(self, rows: list[Row]) -> dict[int, _Target | None]:
        """Each row's assignment in this campaign at this school, or a problem."""
        hashes = {r.number: code_hash(r.code) for r in rows
                  if r.code and code_looks_valid(r.code)}
        iins = {r.iin for r in rows if r.iin and len(r.iin) == 12 and r.iin.isdigit()}
        others = {h for h in hashes.values() if h not in self._assignments}
        elsewhere: set[str] = set()  # codes of other campaigns or schools
        pupil_iins: dict[int, str] = {}
        at_school: set[str] = set()
        by_iin: dict[str, _Target] = {}
        if others or iins:
            with self._lock:  # the database connection, shared with the writer (``apply``)
                if others:
                    elsewhere = set(Assignment.objects.filter(code_hash__in=others)
                                    .values_list("code_hash", flat=True))
                if iins:
                    by_iin, pupil_iins, at_school = self._by_iin(rows, hashes, iins)
        targets: dict[int, _Target | None] = {}
        for row in rows:
            found, column, code = None, "code", None
            if row.code:
                hashed = hashes.get(row.number, "")
                found = self._assignments.get(hashed)
                if found is None:
                    code = "not_in_campaign" if hashed in elsewhere else "code_unknown"
                elif row.iin and pupil_iins.get(found.pupil_id) != row.iin:
                    found, column, code = None, "iin", "code_iin_mismatch"
            elif row.iin:
                column = "iin"
                if not (len(row.iin) == 12 and row.iin.isdigit()):
                    code = "iin_format"
                else:
                    found = by_iin.get(row.iin)
                    if found is None:
                        code = "not_in_campaign" if row.iin in at_school else "iin_unknown"
            else:
                code = "pupil_required"
            if code is not None:
                self.errors.append(problem(row.number, column, code))
            targets[row.number] = found
        return targets

    def _by_iin(self, rows: list[Row], hashes: dict[int, str], iins: set[str]
                ) -> tuple[dict[str, _Target], dict[int, str], set[str]]:
        """For rows that name the pupil by IIN: the assignments by IIN, the IINs of the pupils
        whose codes are written next to an IIN, and the IINs of the school's pupils."""
        by_iin = {iin: _Target(pk, pupil_id, instruments, status)
                  for pk, pupil_id, instruments, status, iin in
                  Assignment.objects.filter(campaign=self.campaign, school_id=self.school_id,
                                            pupil__iin__in=iins)
                  .exclude(pupil__status=Pupil.Status.MERGED)
                  .values_list("pk", "pupil_id", "instruments", "status", "pupil__iin")}
        with_code = {self._assignments[hashes[r.number]].pupil_id for r in rows
                     if r.code and r.iin and hashes.get(r.number) in self._assignments}
        pupil_iins = dict(Pupil.objects.filter(pk__in=with_code).values_list("pk", "iin"))
        at_school = set(Pupil.objects.filter(school_id=self.school_id, iin__in=iins)
                        .exclude(status=Pupil.Status.MERGED).values_list("iin", flat=True))
        return by_iin, pupil_iins, at_school

    def _fits(self, row: Row, target: _Target, code: str,
              drafts: dict[tuple[int, str], tuple[int, str]]) -> _Target | None:
        if target.status in (Assignment.Status.NO_CONSENT, Assignment.Status.REFUSED):
            self.errors.append(problem(row.number, None, "not_screened"))
            return None
        if code not in target.instruments:
            self.errors.append(problem(row.number, "instrument", "not_assigned"))
            return None
        key = (target.assignment_id, code)
        first = self._seen.setdefault(key, row.number)
        if first != row.number:
            self.errors.append(problem(row.number, None, "duplicate_row", other_row=first))
            return None
        if drafts.get(key, (None, None))[1] == Response.Status.SUBMITTED:
            self.errors.append(problem(row.number, "instrument", "already_submitted"))
            return None
        return target


@dataclass
class CheckResult:
    rows: int
    errors: list[dict[str, Any]] = field(default_factory=list)


def results_check(content: bytes, file_name: str, *, campaign: Campaign, school_id: int,
                  on_progress: Callable[[int, int | None], None] | None = None,
                  on_checked: Callable[[list[Checked]], None] | None = None,
                  lock: AbstractContextManager[Any] | None = None) -> CheckResult:
    """Check every row; ``on_checked`` receives each batch of rows that fit while no row has
    had a problem (once one has, nothing will be applied). The look-ups of a batch hold
    ``lock``, when another thread writes on the same connection meanwhile."""
    rows, estimate = read_table(content, file_name)
    checker = _Checker(campaign, school_id, lock)
    layout, header_errors = find_layout(rows, checker.item_ids)
    if header_errors:
        return CheckResult(rows=0, errors=header_errors)
    checker.load()
    estimate = max(0, estimate - layout.header_row) if estimate is not None else None
    reported = 0
    fitting: list[Checked] | None = None
    for batch in batched(data_rows(rows, layout), BATCH_SIZE):
        if checker.rows + len(batch) > MAX_ROWS:
            raise FileError("too_many_rows", max=MAX_ROWS)
        targets = checker.look_up(batch)
        # the batch before is handed on only now: a writer on the same connection writes it
        # while this one is checked, not while this one is looked up
        if fitting is not None and on_checked is not None:
            on_checked(fitting)
        checked = checker.check(batch, targets)
        fitting = None if checker.errors else checked
        if checker.full:
            break
        if on_progress is not None and checker.rows - reported >= PROGRESS_EVERY:
            on_progress(checker.rows, estimate)
            reported = checker.rows
    if fitting is not None and on_checked is not None:
        on_checked(fitting)
    if checker.rows == 0:
        raise FileError("no_rows")
    errors = sorted(checker.errors, key=lambda e: e.get("row") or 0)
    if len(errors) >= MAX_ERRORS:
        errors = [*errors[:MAX_ERRORS], problem(None, None, "too_many_errors", shown=MAX_ERRORS)]
    return CheckResult(rows=checker.rows, errors=errors)
