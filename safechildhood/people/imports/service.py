"""Roster import services: upload, the background check-and-apply, and the reads for the pages."""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from functools import partial
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.audit.services import audit_record
from safechildhood.directory.models import School
from safechildhood.errors import DomainError, NotFound
from safechildhood.people import services as people_services
from safechildhood.people.imports.problems import FileError, problem, problem_message
from safechildhood.people.imports.roster import ChangedMeanwhile, roster_apply, roster_check
from safechildhood.people.imports.table import detect_format, open_table
from safechildhood.people.models import RosterImport

logger = logging.getLogger(__name__)


def roster_import_start(*, actor: Actor, school: School,
                        uploaded_file: UploadedFile) -> RosterImport:
    """Store an uploaded roster and queue its check. Problems a glance at the file shows (empty,
    too large, not a spreadsheet) are refused at once, before anything is stored."""
    require(actor, Action.ROSTER_IMPORT, school)
    file_name = PurePath(uploaded_file.name or "roster").name[:255]
    if uploaded_file.size is not None and uploaded_file.size > settings.ROSTER_MAX_BYTES:
        raise _upload_error(FileError("file_too_large", limit=settings.ROSTER_MAX_BYTES))
    content = b"".join(uploaded_file.chunks())
    try:
        file_format = detect_format(content, file_name)
    except FileError as error:
        raise _upload_error(error) from None
    with transaction.atomic():
        roster_import = RosterImport.objects.create(
            school=school, uploaded_by=actor.user, file_name=file_name, content=content)
        audit_record(actor=actor, action="people.roster.uploaded", target=roster_import,
                     data={"import_id": roster_import.pk, "bytes": len(content),
                           "format": file_format})
        transaction.on_commit(partial(_enqueue, roster_import.pk))
    return roster_import


def _upload_error(error: FileError) -> DomainError:
    return DomainError(problem_message(error.as_dict()), code=error.code, field="file")


def _enqueue(import_id: int) -> None:
    from safechildhood.people.tasks import roster_import_run  # the task module imports this one

    roster_import_run(import_id)


def roster_import_process(*, import_id: int) -> RosterImport | None:
    """Check an uploaded roster and, if every row is right, apply it; else reject it with the
    list of problems. Safe to run again: a finished import is left as it is."""
    roster_import = RosterImport.objects.defer("content").filter(pk=import_id).first()
    if roster_import is None or roster_import.status in (RosterImport.Status.DONE,
                                                         RosterImport.Status.FAILED):
        return roster_import
    _set_status(import_id, status=RosterImport.Status.RUNNING, processed_rows=0)
    today = timezone.localdate()
    try:
        content = RosterImport.objects.values_list("content", flat=True).get(pk=import_id)
        checked = roster_check(open_table(content, roster_import.file_name),
                               school_id=roster_import.school_id, today=today,
                               on_progress=partial(_store_progress, import_id))
    except FileError as error:
        return _reject(roster_import, [error.as_dict()])
    except Exception as exc:
        _log_failure(import_id, "check", exc)
        return _reject(roster_import, [problem(None, None, "apply_failed", import_id=import_id)])
    _set_status(import_id, processed_rows=checked.rows, total_rows=checked.rows)
    if checked.errors:
        return _reject(roster_import, checked.errors, rows=checked.rows)
    try:
        return _apply(import_id, content, today)
    except ChangedMeanwhile:
        return _reject(roster_import, [problem(None, None, "changed_meanwhile")])
    except IntegrityError as exc:  # e.g. an IIN taken by another school a moment ago
        _log_failure(import_id, "apply", exc, expected=True)
        return _reject(roster_import, [problem(None, None, "changed_meanwhile")])
    except Exception as exc:
        _log_failure(import_id, "apply", exc)
        return _reject(roster_import, [problem(None, None, "apply_failed", import_id=import_id)])


def _apply(import_id: int, content: bytes, today: dt.date) -> RosterImport:
    with transaction.atomic():
        # One import at a time per school: the second waits, then matches against the first's
        # pupils. Re-reading the import under the lock makes a repeated run a no-op.
        roster_import = (RosterImport.objects.select_for_update().defer("content")
                         .select_related("school").get(pk=import_id))
        School.objects.select_for_update().filter(pk=roster_import.school_id).first()
        if roster_import.status != RosterImport.Status.RUNNING:
            return roster_import
        result = roster_apply(open_table(content, roster_import.file_name),
                              school_id=roster_import.school_id, today=today)
        duplicates = people_services.duplicates_detect(pupil_ids=result.changed_ids)
        roster_import.status = RosterImport.Status.DONE
        roster_import.total_rows = roster_import.processed_rows = result.rows
        roster_import.created_count = result.created
        roster_import.updated_count = result.updated
        roster_import.errors = []
        roster_import.finished_at = timezone.now()
        roster_import.save(update_fields=["status", "total_rows", "processed_rows",
                                          "created_count", "updated_count", "errors",
                                          "finished_at"])
        audit_record(actor=_uploader(roster_import), action="people.roster.imported",
                     target=roster_import,
                     data={"import_id": roster_import.pk, "rows": result.rows,
                           "created": result.created, "updated": result.updated,
                           "duplicates": duplicates})
    return roster_import


def _reject(roster_import: RosterImport, errors: list[dict[str, Any]],
            rows: int | None = None) -> RosterImport:
    with transaction.atomic():
        locked = RosterImport.objects.select_for_update().defer("content").get(
            pk=roster_import.pk)
        if locked.status == RosterImport.Status.DONE:
            return locked
        locked.status = RosterImport.Status.FAILED
        locked.errors = errors
        locked.created_count = locked.updated_count = 0
        if rows is not None:
            locked.total_rows = rows
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "errors", "created_count", "updated_count",
                                   "total_rows", "finished_at"])
        audit_record(actor=_uploader(locked), action="people.roster.rejected", target=locked,
                     data={"import_id": locked.pk, "problems": len(errors),
                           "codes": sorted({e["code"] for e in errors})})
    return locked


def _set_status(import_id: int, **values: Any) -> None:
    with transaction.atomic():
        RosterImport.objects.filter(pk=import_id).update(**values)


def _store_progress(import_id: int, processed: int, estimated: int | None) -> None:
    _set_status(import_id, processed_rows=processed, total_rows=max(processed, estimated or 0))


def _uploader(roster_import: RosterImport) -> Actor:
    """The person who uploaded the file, acting through their membership at that school."""
    user = roster_import.uploaded_by
    membership = (user.memberships.filter(school_id=roster_import.school_id)
                  .order_by("-is_active", "pk").first())
    return Actor(user=user, membership=membership)


def _log_failure(import_id: int, stage: str, exc: BaseException, *, expected=False) -> None:
    # The exception's message may quote the data (a database error names the duplicate IIN):
    # log its type and the project's own frames, never its text.
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if "/safechildhood/" in f.filename.replace("\\", "/")][-4:]
    where = "".join(traceback.format_list(frames)).rstrip()
    log = logger.warning if expected else logger.error
    log("roster import %s failed in %s: %s\n%s", import_id, stage, type(exc).__name__, where)


# --- reads -------------------------------------------------------------------------------------


def roster_import_list(*, actor: Actor) -> QuerySet[RosterImport]:
    """This school's imports, newest first, without the files and problem lists."""
    require(actor, Action.ROSTER_IMPORT)
    return (scope(actor, RosterImport.objects.all()).select_related("uploaded_by")
            .defer("content", "errors").order_by("-created_at", "-id"))


def roster_import_get(*, actor: Actor, pk: int) -> RosterImport:
    require(actor, Action.ROSTER_IMPORT)
    found = scope(actor, RosterImport.objects.all()).select_related("uploaded_by").defer(
        "content").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Not found."), code="not_found")
    return found
