"""Exports of a campaign's submitted responses to a file (XLSX or CSV), written in the
background and downloaded by the person who asked for them.

What the file holds, for whom, and how its cells are made safe is in ``export_content``. The
rows are read a batch at a time and written as they come (``export_xlsx``'s streaming writer,
the csv module), so a region's campaign never sits in memory; the job stores its progress after
each batch. A CSV export's codebook is a separate download; an XLSX export has it as a sheet.
"""

from __future__ import annotations

import csv
import logging
import secrets
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, can, require, scope
from safechildhood.accounts.models import Membership
from safechildhood.audit.services import audit_record
from safechildhood.errors import DomainError, NotFound
from safechildhood.screening.models import Campaign, JobStatus, Response, ResponseExport
from safechildhood.screening.services.export_content import (  # noqa: F401 (views, tests)
    BATCH_SIZE,
    CODEBOOK_HEADER,
    CSV_DELIMITER,
    campaign_questions,
    codebook_csv_lines,
    codebook_rows,
    export_columns,
    export_names,
    export_queryset,
    export_rows,
    pseudonym,
    safe_cell,
)
from safechildhood.screening.services.export_xlsx import XlsxStream

logger = logging.getLogger(__name__)


# --- writing the file -------------------------------------------------------------------------


def _write_xlsx(path: Path, header: list[str], rows: Iterator[list[Any]],
                codebook: Iterator[list[Any]]) -> None:
    with XlsxStream(path) as book:
        with book.sheet("responses") as sheet:
            sheet.append(header)
            for row in rows:
                sheet.append(row)
        with book.sheet("codebook") as notes:
            notes.append(CODEBOOK_HEADER)
            for row in codebook:
                notes.append(row)


def _write_csv(path: Path, header: list[str], rows: Iterator[list[Any]]) -> None:
    # UTF-8 with a byte-order mark: Excel then reads Kazakh and Russian letters right.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=CSV_DELIMITER)
        writer.writerow(header)
        writer.writerows(rows)


# --- the service: request, the background job, reads, download --------------------------------


def response_export_request(*, actor: Actor, campaign: Campaign, variant: str,
                            file_format: str) -> ResponseExport:
    """Queue an export of ``campaign`` for the actor, within their scope."""
    require(actor, Action.CAMPAIGN_VIEW, campaign)
    require(actor, Action.RESPONSE_EXPORT, variant)
    if variant not in ResponseExport.Variant.values or \
            file_format not in ResponseExport.Format.values:
        raise DomainError(_("Choose the kind of export and the file format."), code="invalid")
    with transaction.atomic():
        export = ResponseExport.objects.create(
            campaign=campaign, requested_by=actor.user, membership_id=actor.membership.pk,
            variant=variant, format=file_format)
        audit_record(actor=actor, action="screening.export.requested", target=export,
                     data={"export_id": export.pk, "campaign_id": campaign.pk,
                           "variant": variant, "format": file_format})
        transaction.on_commit(partial(_enqueue, export.pk))
    return export


def _enqueue(export_id: int) -> None:
    from safechildhood.screening.tasks import response_export_run  # tasks import this module

    response_export_run(export_id)


def _requester(export: ResponseExport) -> Actor | None:
    """The requester acting through the membership the export was asked under, if it is
    still theirs and active."""
    membership = (Membership.objects.filter(pk=export.membership_id, user=export.requested_by,
                                            is_active=True)
                  .select_related("school", "centre", "region").first())
    return Actor(user=export.requested_by, membership=membership) if membership else None


def response_export_process(*, export_id: int) -> ResponseExport | None:
    """Write the export's file. Safe to run again: a finished export is left as it is; an
    interrupted one is written again from the start."""
    export = (ResponseExport.objects.select_related("campaign", "requested_by")
              .filter(pk=export_id).first())
    if export is None or export.status in (JobStatus.DONE, JobStatus.FAILED):
        return export
    actor = _requester(export)
    if actor is None or not can(actor, Action.RESPONSE_EXPORT, export.variant) or \
            not can(actor, Action.CAMPAIGN_VIEW, export.campaign):
        _set(export_id, status=JobStatus.FAILED, finished_at=timezone.now())
        return ResponseExport.objects.get(pk=export_id)
    responses = export_queryset(actor=actor, campaign=export.campaign, variant=export.variant)
    _set(export_id, status=JobStatus.RUNNING, processed_rows=0, total_rows=responses.count())
    directory = Path(settings.EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    name = f"export-{export.pk}-{secrets.token_hex(8)}.{export.format}"
    partial_path = directory / f"{name}.part"
    try:
        _write(export, actor, responses, partial_path)
        partial_path.replace(directory / name)
    except Exception as exc:
        partial_path.unlink(missing_ok=True)
        logger.error("results export %s failed: %s", export_id, type(exc).__name__)
        _set(export_id, status=JobStatus.FAILED, finished_at=timezone.now())
        raise
    with transaction.atomic():
        locked = ResponseExport.objects.select_for_update().get(pk=export_id)
        if locked.status == JobStatus.DONE:  # another run finished first
            (directory / name).unlink(missing_ok=True)
            return locked
        locked.status = JobStatus.DONE
        locked.file_path = name
        locked.processed_rows = locked.total_rows
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "file_path", "processed_rows", "finished_at"])
    return locked


def _write(export: ResponseExport, actor: Actor, responses: QuerySet[Response],
           path: Path) -> None:
    language = getattr(export.requested_by, "language", "") or settings.LANGUAGE_CODE
    questions = campaign_questions(export.campaign)
    header = export_columns(export.variant, questions)
    xlsx = export.format == ResponseExport.Format.XLSX
    rows = export_rows(responses, variant=export.variant, questions=questions,
                       names=export_names(export.campaign, language), for_xlsx=xlsx,
                       on_batch=lambda done: _set(export.pk, processed_rows=done),
                       batch_size=BATCH_SIZE)
    if xlsx:
        _write_xlsx(path, header, rows, codebook_rows(export.campaign, export.variant))
    else:
        _write_csv(path, header, rows)


def _set(export_id: int, **values: Any) -> None:
    ResponseExport.objects.filter(pk=export_id).update(**values)


def response_export_list(*, actor: Actor, campaign: Campaign) -> QuerySet[ResponseExport]:
    """The actor's own exports of ``campaign`` asked under their current role."""
    require(actor, Action.RESPONSE_EXPORT)
    return (scope(actor, ResponseExport.objects.filter(campaign=campaign,
                                                       membership_id=actor.membership.pk))
            .order_by("-created_at", "-id"))


def response_export_get(*, actor: Actor, pk: int) -> ResponseExport:
    require(actor, Action.RESPONSE_EXPORT)
    export = (scope(actor, ResponseExport.objects.filter(membership_id=actor.membership.pk))
              .select_related("campaign").filter(pk=pk).first())
    if export is None:
        raise NotFound(_("Not found."), code="not_found")
    return export


def response_export_file(*, actor: Actor, export: ResponseExport) -> Path:
    """The finished file, for its requester only; the download is written to the audit
    log."""
    require(actor, Action.RESPONSE_EXPORT, export.variant)
    path = Path(settings.EXPORT_DIR) / export.file_path if export.file_path else None
    if export.status != JobStatus.DONE or path is None or not path.is_file():
        raise DomainError(_("The export is not ready."), code="export_not_ready")
    audit_record(actor=actor, action="screening.export.downloaded", target=export,
                 data={"export_id": export.pk, "campaign_id": export.campaign_id,
                       "variant": export.variant, "format": export.format,
                       "rows": export.total_rows})
    return path


def export_file_name(export: ResponseExport) -> str:
    stamp = timezone.localtime(export.created_at).strftime("%Y%m%d-%H%M")
    return f"screening-{export.campaign_id}-{export.variant}-{stamp}.{export.format}"

