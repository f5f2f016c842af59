"""Writing staged rows (checked and scored by the check pass): the same responses, triage
proposals, crisis alerts and completed assignments as paper forms typed in one at a time, written
a batch at a time in a few statements. What may have changed since the check rejects the file
(``ChangedMeanwhile`` or ``IntegrityError``): a response started or finished online meanwhile
(the unique constraint; a draft no longer a draft), a refusal recorded (the assignments
completed are counted)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import connection
from django.utils import timezone

from safechildhood.access.policy import Actor
from safechildhood.audit.services import audit_record_many
from safechildhood.directory.models import School
from safechildhood.screening.imports.check import ChangedMeanwhile
from safechildhood.screening.imports.stage import Staged
from safechildhood.screening.imports.write import insert_rows
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
        self._on_duty: Any = None
        self._on_duty_known = False

    def write(self, batch: list[Staged]) -> None:
        """Store a batch as submitted responses with their follow-up; complete the assignments
        that now have every questionnaire. A response that appeared since the check (the pupil
        started online) breaks the unique constraint: ``IntegrityError``."""
        if not batch:
            return
        now = timezone.now()
        new = [s for s in batch if s.draft_id is None]
        ids = dict(zip(((s.assignment_id, s.instrument) for s in new),
                       self._insert(new, now), strict=True))
        self._update_drafts([s for s in batch if s.draft_id is not None], now)
        ids.update({(s.assignment_id, s.instrument): s.draft_id for s in batch if s.draft_id})
        self._proposals(batch, ids, now)
        self._alerts([s for s in batch if s.alert is not None], ids)
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

    def _alerts(self, critical: list[Staged], ids: dict[tuple[int, str], int]) -> None:
        """A crisis alert for each critical result, raised as the paper form raises it (the
        specialist on duty for the school's district, the same deadline rule, audited)."""
        if not critical:
            return
        now = timezone.now()
        if not self._on_duty_known:
            self._on_duty = on_duty_for(self.school.district_id, timezone.localdate(now))
            self._on_duty_known = True
        alerts = CrisisAlert.objects.bulk_create([
            CrisisAlert(pupil_id=s.pupil_id, response_id=ids[s.assignment_id, s.instrument],
                        school=self.school, district_id=self.school.district_id,
                        flags=list(s.alert[0]), acute=s.alert[1], raised_at=now,
                        deadline=alert_deadline(now, s.alert[1]), on_duty=self._on_duty)
            for s in critical])
        audit_record_many(actor=self.actor, action="screening.alert.raised",
                          events=[(alert, alert_audit_data(alert)) for alert in alerts])

    def _complete(self, batch: list[Staged], now) -> None:
        """As for a paper form: an assignment with every questionnaire submitted is completed.
        Most assignments have one questionnaire, the row's: completed at once, unless it was
        refused meanwhile. The others are looked up, with what earlier batches wrote."""
        single = [s.assignment_id for s in batch if s.assigned == (s.instrument,)]
        updated = (Assignment.objects.filter(pk__in=single).exclude(status__in=_NOT_SCREENED)
                   .update(status=Assignment.Status.COMPLETED, completed_at=now))
        if updated != len(single):
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
