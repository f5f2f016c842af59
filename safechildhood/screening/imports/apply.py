"""Writing checked rows: the same scoring and follow-up as a paper form typed in on its own."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.utils import timezone

from safechildhood.access.policy import Actor
from safechildhood.directory.models import School
from safechildhood.screening.imports.check import BATCH_SIZE, Checked
from safechildhood.screening.models import (
    Assignment,
    Response,
    ResponseImport,
)
from safechildhood.screening.services.responses import follow_up_many, scored_fields

_WRITTEN = ("pupil_id", "campaign_id", "assignment_id", "school_id", "instrument", "version",
            "answers", "source", "status", "language", "entered_by_id", "import_batch_id",
            "submitted_at", "scores", "total", "band", "completeness", "critical", "level")


def responses_bulk_submit(checked: list[Checked], *, results_import: ResponseImport,
                          school: School, actor: Actor) -> int:
    """Store a batch of checked rows as submitted responses, each scored and followed up (triage
    proposals, crisis alerts) exactly as a paper form typed in on its own; then complete the
    assignments that have every questionnaire. Call inside the import's transaction."""
    now = timezone.now()
    drafts = Response.objects.in_bulk([c.draft_id for c in checked if c.draft_id])
    new, updated, follow = [], [], []
    for row in checked:
        result, fields = scored_fields(row.instrument, row.answers, cleaned=True)
        values = {
            "pupil_id": row.pupil_id, "campaign_id": results_import.campaign_id,
            "assignment_id": row.assignment_id, "school_id": school.pk,
            "instrument": row.instrument.code, "version": row.instrument.version,
            "answers": row.answers, "source": Response.Source.IMPORT,
            "status": Response.Status.SUBMITTED, "language": "",
            "entered_by_id": results_import.uploaded_by_id,
            "import_batch_id": results_import.pk, "submitted_at": now, **fields,
        }
        if row.draft_id:
            response = drafts[row.draft_id]
            for name, value in values.items():
                setattr(response, name, value)
            updated.append(response)
        else:
            response = Response(**values)
            new.append(response)
        follow.append((response, result, row.pupil_id))
    _insert(new)
    Response.objects.bulk_update(updated, list(_WRITTEN), batch_size=BATCH_SIZE)
    for response, _result, _pupil_id in follow:
        response.school = school
    follow_up_many(follow, actor)
    _complete_done({row.assignment_id for row in checked}, now)
    return len(new)


def _insert(responses: list[Response]) -> None:
    """``bulk_create``; on PostgreSQL, COPY with ids taken from the table's sequence first.
    Django's bulk insert there passes each column as an array, which escapes every JSON
    document of the batch into an array literal: for scored responses that costs more than the
    scoring."""
    if connection.vendor != "postgresql" or len(responses) < 2:
        Response.objects.bulk_create(responses, batch_size=BATCH_SIZE)
        return
    table = Response._meta.db_table
    fields = Response._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                       "FROM generate_series(1, %s)", [table, len(responses)])
        ids = [pk for (pk,) in cursor.fetchall()]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, \
            cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) "
                               "FROM STDIN") as copy:
        for response, pk in zip(responses, ids, strict=True):
            response.pk = pk
            copy.write_row([f.get_db_prep_save(f.pre_save(response, True), connection)
                            for f in fields])
    for response in responses:
        response._state.adding = False
        response._state.db = connection.alias


def _complete_done(assignment_ids: set[int], now) -> None:
    """As for a paper form: an assignment with every questionnaire submitted is completed."""
    assigned = dict(Assignment.objects.filter(pk__in=assignment_ids)
                    .exclude(status=Assignment.Status.COMPLETED)
                    .values_list("pk", "instruments"))
    done: dict[int, set[str]] = defaultdict(set)
    for assignment_id, code in (Response.objects
                                .filter(assignment_id__in=list(assigned),
                                        status=Response.Status.SUBMITTED)
                                .values_list("assignment_id", "instrument")):
        done[assignment_id].add(code)
    finished = [pk for pk, codes in assigned.items() if set(codes) <= done[pk]]
    Assignment.objects.filter(pk__in=finished).update(status=Assignment.Status.COMPLETED,
                                                      completed_at=now)
