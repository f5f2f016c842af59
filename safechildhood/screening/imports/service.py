"""Results import services: upload, the background check-and-apply, and the reads for the
pages."""

from __future__ import annotations

import logging
import threading
import traceback
from functools import partial
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.audit.services import audit_record
from safechildhood.directory.models import School
from safechildhood.errors import DomainError, NotFound
from safechildhood.people.imports.problems import FileError, problem
from safechildhood.people.imports.table import detect_format
from safechildhood.screening.imports.apply import Background, BulkWriter
from safechildhood.screening.imports.check import ChangedMeanwhile, results_check
from safechildhood.screening.imports.problems import MESSAGES, problem_message
from safechildhood.screening.imports.stage import staged
from safechildhood.screening.models import (
    Campaign,
    JobStatus,
    ResponseImport,
)

logger = logging.getLogger(__name__)

PROGRESS_SECONDS = 3600  # a progress figure outlives no import


def results_import_start(*, actor: Actor, campaign: Campaign,
                         uploaded_file: UploadedFile) -> ResponseImport:
    """Store an uploaded results file of the psychologist's school and queue its check. What a
    glance shows (closed campaign, empty, too large, not a spreadsheet) is refused at once."""
    require(actor, Action.ASSIGNMENT_MANAGE)
    require(actor, Action.CAMPAIGN_VIEW, campaign)
    school = actor.membership.school
    if campaign.status != Campaign.Status.OPEN:
        raise DomainError(MESSAGES["campaign_closed"], code="campaign_closed")
    file_name = PurePath(uploaded_file.name or "results").name[:255]
    if uploaded_file.size is not None and uploaded_file.size > settings.ROSTER_MAX_BYTES:
        raise _upload_error(FileError("file_too_large", limit=settings.ROSTER_MAX_BYTES))
    content = b"".join(uploaded_file.chunks())
    try:
        file_format = detect_format(content, file_name)
    except FileError as error:
        raise _upload_error(error) from None
    with transaction.atomic():
        results_import = ResponseImport.objects.create(
            campaign=campaign, school=school, uploaded_by=actor.user,
            file_name=file_name, content=content)
        audit_record(actor=actor, action="screening.import.uploaded", target=results_import,
                     data={"import_id": results_import.pk, "campaign_id": campaign.pk,
                           "bytes": len(content), "format": file_format})
        transaction.on_commit(partial(_enqueue, results_import.pk))
    return results_import


def _upload_error(error: FileError) -> DomainError:
    return DomainError(problem_message(error.as_dict()), code=error.code, field="file")


def _enqueue(import_id: int) -> None:
    from safechildhood.screening.tasks import results_import_run  # tasks import this module

    results_import_run(import_id)


def results_import_process(*, import_id: int) -> ResponseImport | None:
    """Check an uploaded file and write its rows as they pass, in one transaction: kept if
    every row is right, else rolled back and the import rejected with the list of problems.
    Safe to run again: a finished import is left as it is, an interrupted one starts again."""
    found = (ResponseImport.objects.defer("content").select_related("campaign")
             .filter(pk=import_id).first())
    if found is None or found.status in (JobStatus.DONE, JobStatus.FAILED):
        return found
    _set(import_id, status=JobStatus.RUNNING, processed_rows=0)
    if found.campaign.status != Campaign.Status.OPEN:
        return _reject(found, [problem(None, None, "campaign_closed")])
    content = ResponseImport.objects.values_list("content", flat=True).get(pk=import_id)
    try:
        return _run(import_id, content)
    except _Rejected as rejected:
        return _reject(found, rejected.errors, rows=rejected.rows)
    except FileError as error:
        return _reject(found, [error.as_dict()])
    except (ChangedMeanwhile, IntegrityError) as exc:
        _log_failure(import_id, exc, expected=True)
        return _reject(found, [problem(None, None, "changed_meanwhile")])
    except Exception as exc:
        _log_failure(import_id, exc)
        return _reject(found, [problem(None, None, "apply_failed", import_id=import_id)])
    finally:
        cache.delete(_progress_key(import_id))


class _Rejected(Exception):
    """The file had problems: nothing it wrote is kept."""

    def __init__(self, errors: list[dict[str, Any]], rows: int):
        super().__init__(len(errors))
        self.errors = errors
        self.rows = rows


def _run(import_id: int, content: bytes) -> ResponseImport:
    """The check and the writes in one transaction, the school locked (one import at a time
    per school; the roster import takes the same lock): while a batch is checked and scored,
    the one before is written (``Background``). A problem in any row rolls back what was
    written; re-reading the import under the lock makes a repeated run a no-op."""
    with transaction.atomic():
        locked = (ResponseImport.objects.select_for_update().defer("content")
                  .select_related("campaign", "uploaded_by").get(pk=import_id))
        school = (School.objects.select_for_update().select_related("district")
                  .get(pk=locked.school_id))
        if locked.status != JobStatus.RUNNING:
            return locked
        if locked.campaign.status != Campaign.Status.OPEN:
            raise ChangedMeanwhile
        if connection.vendor == "postgresql":
            # foreign keys checked as each batch is written, while the next is checked,
            # rather than all together at the commit
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        actor = _uploader(locked)
        writer = BulkWriter(results_import=locked, school=school, actor=actor)
        lock = threading.Lock()
        # From here until the writer is joined this thread touches the database only inside
        # ``lock`` (the check's look-ups): the progress goes to the cache, scoring reads files.
        with Background(writer, lock) as background:
            checked = results_check(content, locked.file_name, campaign=locked.campaign,
                                    school_id=locked.school_id,
                                    on_progress=partial(_store_progress, import_id),
                                    on_checked=lambda rows: background.put(staged(rows)),
                                    lock=lock)
            if checked.errors:
                raise _Rejected(checked.errors, checked.rows)
        writer.finish()
        locked.status = JobStatus.DONE
        locked.total_rows = locked.processed_rows = checked.rows
        locked.created_count = writer.created
        locked.alert_count = writer.alerted
        locked.errors = []
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "total_rows", "processed_rows", "created_count",
                                   "alert_count", "errors", "finished_at"])
        audit_record(actor=actor, action="screening.import.imported", target=locked,
                     data={"import_id": locked.pk, "campaign_id": locked.campaign_id,
                           "rows": checked.rows, "created": writer.created,
                           "updated": checked.rows - writer.created,
                           "alerts": writer.alerted})
    return locked


def _reject(results_import: ResponseImport, errors: list[dict[str, Any]],
            rows: int | None = None) -> ResponseImport:
    with transaction.atomic():
        locked = ResponseImport.objects.select_for_update().defer("content").select_related(
            "school__district", "uploaded_by").get(pk=results_import.pk)
        if locked.status == JobStatus.DONE:
            return locked
        locked.status = JobStatus.FAILED
        locked.errors = errors
        locked.created_count = 0
        if rows is not None:
            locked.total_rows = rows
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "errors", "created_count", "total_rows",
                                   "finished_at"])
        audit_record(actor=_uploader(locked), action="screening.import.rejected", target=locked,
                     data={"import_id": locked.pk, "problems": len(errors),
                           "codes": sorted({e["code"] for e in errors})})
    return locked


def _set(import_id: int, **values: Any) -> None:
    with transaction.atomic():
        ResponseImport.objects.filter(pk=import_id).update(**values)


def _progress_key(import_id: int) -> str:
    return f"screening:results-import:{import_id}:progress"


def _store_progress(import_id: int, processed: int, estimated: int | None) -> None:
    """While the rows are checked the import's transaction is open, so its progress goes to
    the cache (shared by the web and the task workers), where the pages read it."""
    cache.set(_progress_key(import_id), (processed, max(processed, estimated or 0)),
              PROGRESS_SECONDS)


def _with_progress(results_import: ResponseImport) -> ResponseImport:
    if results_import.status == JobStatus.RUNNING:
        progress = cache.get(_progress_key(results_import.pk))
        if progress is not None:
            results_import.processed_rows, results_import.total_rows = progress
    return results_import


def _uploader(results_import: ResponseImport) -> Actor:
    """The person who uploaded the file, acting through their membership at that school."""
    user = results_import.uploaded_by
    membership = (user.memberships.filter(school_id=results_import.school_id)
                  .order_by("-is_active", "pk").first())
    return Actor(user=user, membership=membership)


def _log_failure(import_id: int, exc: BaseException, *, expected=False) -> None:
    # An exception's text may quote the data: log its type and the project's frames only.
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if "/safechildhood/" in f.filename.replace("\\", "/")][-4:]
    where = "".join(traceback.format_list(frames)).rstrip()
    log = logger.warning if expected else logger.error
    log("results import %s failed: %s\n%s", import_id, type(exc).__name__, where)


def results_import_list(*, actor: Actor, campaign: Campaign) -> QuerySet[ResponseImport]:
    """The psychologist's school's imports into this campaign, newest first."""
    require(actor, Action.ASSIGNMENT_MANAGE)
    return (scope(actor, ResponseImport.objects.filter(campaign=campaign))
            .select_related("uploaded_by").defer("content", "errors")
            .order_by("-created_at", "-id"))


def results_import_get(*, actor: Actor, pk: int) -> ResponseImport:
    require(actor, Action.ASSIGNMENT_MANAGE)
    found = (scope(actor, ResponseImport.objects.all())
             .select_related("uploaded_by", "campaign").defer("content").filter(pk=pk).first())
    if found is None:
        raise NotFound(_("Not found."), code="not_found")
    return _with_progress(found)
