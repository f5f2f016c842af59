"""Writing staged rows (checked and scored): the same responses, triage proposals, crisis
alerts and completed assignments as paper forms typed in one at a time, written a batch at a
time in a few statements, by a second thread while the next batch is checked (``Background``).
What may have changed since a batch was checked rejects the file (``ChangedMeanwhile`` or
``IntegrityError``): a response started or finished online meanwhile (the unique constraint; a
draft no longer a draft), a refusal recorded (the assignments completed are counted)."""

from __future__ import annotations

import queue
import sys
import threading
from collections import defaultdict

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.utils import timezone

from safechildhood.access.policy import Actor
from safechildhood.audit.services import audit_record_many
from safechildhood.directory.models import School
from safechildhood.screening.imports.check import ChangedMeanwhile
from safechildhood.screening.imports.stage import Staged
from safechildhood.screening.imports.write import ids_condition, insert_rows
from safechildhood.screening.models import (
    Assignment,
    CrisisAlert,
    Response,
    ResponseImport,
    TriageProposal,
)
from safechildhood.screening.services.responses import (
    alert_audit_data,
    alert_deadline,
    on_duty_for,
)

_RESPONSE_COLUMNS = ("pupil_id", "campaign_id", "assignment_id", "school_id", "instrument",
                     "version", "answers", "position", "source", "status", "language", "scores",
                     "band", "total", "completeness", "critical", "level", "entered_by_id",
                     "import_batch_id", "created_at", "submitted_at")
_DRAFT_COLUMNS = ("version", "answers", "source", "status", "language", "scores", "band",
                  "total", "completeness", "critical", "level", "entered_by_id",
                  "import_batch_id", "submitted_at")
_PROPOSAL_COLUMNS = ("pupil_id", "school_id", "district_id", "response_id", "source",
                     "category", "level", "evidence", "status", "created_at", "decision_reason")
_NOT_SCREENED = (Assignment.Status.NO_CONSENT, Assignment.Status.REFUSED)


class BulkWriter:
    """Writes the batches of one import inside its transaction (the school locked)."""

    def __init__(self, *, results_import: ResponseImport, school: School, actor: Actor):
        self.results_import = results_import
        self.school = school
        self.actor = actor
        self.created = 0
        self.alerted = 0
        # (pupil, response, (flags, acute)) of the critical results, alerted by ``finish``
        self._critical: list[tuple[int, int, tuple[tuple[str, ...], bool]]] = []

    def write(self, batch: list[Staged]) -> None:
        """Store a batch as submitted responses with their triage proposals (the crisis alerts
        wait for ``finish``); complete the assignments that now have every questionnaire. A
        response that appeared since the check (the pupil started online) breaks the unique
        constraint: ``IntegrityError``."""
        if not batch:
            return
        now = timezone.now()
        new = [s for s in batch if s.draft_id is None]
        ids = dict(zip(((s.assignment_id, s.instrument) for s in new),
                       self._insert(new, now), strict=True))
        self._update_drafts([s for s in batch if s.draft_id is not None], now)
        ids.update({(s.assignment_id, s.instrument): s.draft_id for s in batch if s.draft_id})
        self._proposals(batch, ids, now)
        self._critical += [(s.pupil_id, ids[s.assignment_id, s.instrument], s.alert)
                           for s in batch if s.alert is not None]
        self._complete(batch, now)
        self.created += len(new)

    def _insert(self, new: list[Staged], now) -> list[int]:
        imported = self.results_import
        at = connection.ops.adapt_datetimefield_value(now)
        return insert_rows(Response, _RESPONSE_COLUMNS, [
            (s.pupil_id, imported.campaign_id, s.assignment_id, self.school.pk, s.instrument,
             s.version, s.answers, 0, Response.Source.IMPORT, Response.Status.SUBMITTED, "",
             s.scores, s.band, s.total, s.completeness, s.critical, s.level,
             imported.uploaded_by_id, imported.pk, at, at) for s in new])

    def _update_drafts(self, drafts: list[Staged], now) -> None:
        """Questionnaires started online and completed from the file (few); each must still be
        the draft it was when checked."""
        imported = self.results_import
        at = connection.ops.adapt_datetimefield_value(now)
        quote = connection.ops.quote_name
        columns = ", ".join(f"{quote(c)} = %s" for c in _DRAFT_COLUMNS)
        sql = (f"UPDATE {quote(Response._meta.db_table)} SET {columns} "  # noqa: S608
               "WHERE id = %s AND status = %s")
        with connection.cursor() as cursor:
            for s in drafts:
                cursor.execute(sql, [
                    s.version, s.answers, Response.Source.IMPORT, Response.Status.SUBMITTED, "",
                    s.scores, s.band, s.total, s.completeness, s.critical, s.level,
                    imported.uploaded_by_id, imported.pk, at, s.draft_id, Response.Status.DRAFT])
                if cursor.rowcount != 1:
                    raise ChangedMeanwhile

    def _proposals(self, batch: list[Staged], ids: dict[tuple[int, str], int], now) -> None:
        at = connection.ops.adapt_datetimefield_value(now)
        school, district = self.school.pk, self.school.district_id
        insert_rows(TriageProposal, _PROPOSAL_COLUMNS, [
            (s.pupil_id, school, district, ids[s.assignment_id, s.instrument],
             TriageProposal.Source.SCREENING, category, level, evidence,
             TriageProposal.Status.PROPOSED, at, "")
            for s in batch for category, level, evidence in s.proposals])

    def finish(self) -> None:
        """A crisis alert for each critical result, raised as the paper form raises it (the
        specialist on duty for the school's district, the same deadline rule, audited): all
        of the file's at the end, in one insert and one chained audit insert."""
        critical, self._critical = self._critical, []
        self.alerted += len(critical)
        if not critical:
            return
        now = timezone.now()
        on_duty = on_duty_for(self.school.district_id, timezone.localdate(now))
        alerts = CrisisAlert.objects.bulk_create([
            CrisisAlert(pupil_id=pupil_id, response_id=response_id, school=self.school,
                        district_id=self.school.district_id, flags=list(flags), acute=acute,
                        raised_at=now, deadline=alert_deadline(now, acute), on_duty=on_duty)
            for pupil_id, response_id, (flags, acute) in critical])
        audit_record_many(actor=self.actor, action="screening.alert.raised",
                          events=[(alert, alert_audit_data(alert)) for alert in alerts])

    def _complete(self, batch: list[Staged], now) -> None:
        """As for a paper form: an assignment with every questionnaire submitted is completed.
        Most assignments have one questionnaire, the row's: completed at once, unless it was
        refused meanwhile. The others are looked up, with what earlier batches wrote."""
        single = [s.assignment_id for s in batch if s.assigned == (s.instrument,)]
        if single:
            quote = connection.ops.quote_name
            among, ids = ids_condition("id", single)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {quote(Assignment._meta.db_table)} "  # noqa: S608
                    f"SET status = %s, completed_at = %s WHERE {among} AND status NOT IN (%s, %s)",
                    [Assignment.Status.COMPLETED, connection.ops.adapt_datetimefield_value(now),
                     *ids, *_NOT_SCREENED])
                if cursor.rowcount != len(single):
                    raise ChangedMeanwhile
        several = [s for s in batch if s.assigned != (s.instrument,)]
        if not several:
            return
        assignment_ids = {s.assignment_id for s in several}
        assignments = dict(Assignment.objects.filter(pk__in=assignment_ids)
                           .values_list("pk", "status"))
        if any(status in _NOT_SCREENED for status in assignments.values()):
            raise ChangedMeanwhile
        done: dict[int, set[str]] = defaultdict(set)
        for assignment_id, code in (Response.objects
                                    .filter(assignment_id__in=assignment_ids,
                                            status=Response.Status.SUBMITTED)
                                    .values_list("assignment_id", "instrument")):
            done[assignment_id].add(code)
        finished = {s.assignment_id for s in several if set(s.assigned) <= done[s.assignment_id]
                    and assignments.get(s.assignment_id) != Assignment.Status.COMPLETED}
        if finished:
            Assignment.objects.filter(pk__in=finished).update(
                status=Assignment.Status.COMPLETED, completed_at=now)


# While a writer runs, Python threads take turns every half millisecond instead of every five:
# the writer waits on the database many times a second and each time must get the interpreter
# back from the thread that checks (measured: a 100,000-row import on PostgreSQL 10.9 → 9.9 s).
SWITCH_INTERVAL = 0.0005


class _ShortSwitch:
    """The process-wide switch interval, shortened while any writer runs (imports may run at
    once in the task consumer's threads) and given back when the last one ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._before = 0.0

    def start(self) -> None:
        with self._lock:
            if self._running == 0:
                self._before = sys.getswitchinterval()
                sys.setswitchinterval(min(self._before, SWITCH_INTERVAL))
            self._running += 1

    def end(self) -> None:
        with self._lock:
            self._running -= 1
            if self._running == 0:
                sys.setswitchinterval(self._before)


_short_switch = _ShortSwitch()


class Background:
    """Runs a ``BulkWriter`` in a second thread on the caller's own connection, so that the
    database stores one batch while Python checks and scores the next (psycopg and sqlite3
    let other Python code run while the database works). One connection, one transaction: the
    thread borrows the caller's connection, and ``lock`` makes the two take turns on it. While
    this runs the caller only reads (its look-ups hold ``lock`` too) and opens no transaction
    or savepoint. Leaving the ``with`` block waits for the batches handed over; the first
    error of the writer is raised then, or by the next ``put``."""

    def __init__(self, writer: BulkWriter, lock: threading.Lock):
        self.writer = writer
        self.lock = lock
        self._batches: queue.Queue[list[Staged] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._connection = connections[DEFAULT_DB_ALIAS]
        self._thread = threading.Thread(target=self._run, name="results-import-writer",
                                        daemon=True)

    def __enter__(self) -> Background:
        self._connection.inc_thread_sharing()
        _short_switch.start()
        self._thread.start()
        return self

    def put(self, batch: list[Staged]) -> None:
        self._raise()
        if batch:
            self._batches.put(batch)

    def _run(self) -> None:
        connections[DEFAULT_DB_ALIAS] = self._connection  # this thread's ORM uses it too
        while (batch := self._batches.get()) is not None:
            if self._error is not None:
                continue  # after a failure, only take what is handed over until the end
            try:
                with self.lock:
                    self.writer.write(batch)
            except BaseException as error:  # raised again in the caller's thread
                self._error = error

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        self._batches.put(None)
        self._thread.join()
        _short_switch.end()
        self._connection.dec_thread_sharing()
        if exc_type is None or issubclass(exc_type, DatabaseError):
            # the writer's failure explains a failed look-up (the transaction is aborted)
            self._raise()
