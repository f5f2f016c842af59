"""Exports of a campaign's submitted responses to a file (XLSX or CSV), written in the
background and downloaded by the person who asked for them.

Who gets which rows:

* pseudonymised (centre head and centre specialists): every submitted response of the campaign
  in the requester's area (the head's region, a specialist's districts: the assignments the
  policy lets them count), with a stable pseudonym (a keyed hash of the pupil's id) instead of
  the name; the same child has the same pseudonym in every export;
* identified (centre head only): names and IINs, for the children the policy lets the requester
  see identified (alerted or proposed for the risk group) among those rows.

Rows are read with one query, a batch at a time (a server-side cursor on PostgreSQL), and
written as they come (openpyxl's write-only workbook, the csv module), so a region's campaign
never sits in memory. Every text cell that a spreadsheet would
take for a formula (= + - @ at its start) gets a leading apostrophe. Each response is one row:
fixed columns, then one column per question of the campaign's questionnaires with the answer
code; the codebook (an XLSX sheet, or a separate CSV) gives every question's text in Kazakh,
Russian and English and every code's label.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import openpyxl
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, can, require, scope
from safechildhood.accounts.models import Membership
from safechildhood.audit.services import audit_record
from safechildhood.directory.models import School
from safechildhood.errors import DomainError, NotFound
from safechildhood.geography.models import District
from safechildhood.screening.models import (
    Assignment,
    Campaign,
    JobStatus,
    Response,
    ResponseExport,
)
from safechildhood.screening.scoring import LANGUAGES, Instrument
from safechildhood.screening.services.instruments import instrument_get

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000  # responses read and written at a time
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ","

# The fixed columns, by variant, and what each means (for the codebook).
IDENTITY_COLUMNS = {
    ResponseExport.Variant.PSEUDONYMISED: ("pseudonym",),
    ResponseExport.Variant.IDENTIFIED: ("pupil", "iin"),
}
COLUMN_MEANINGS: dict[str, Any] = {
    "response_id": _("Number of the response in the system"),
    "pseudonym": _("The pupil's pseudonym: the same in every export, never the name"),
    "pupil": _("The pupil's full name"),
    "iin": _("The pupil's IIN"),
    "school": _("School"),
    "district": _("District"),
    "grade": _("Grade when screened"),
    "class_letter": _("Class letter when screened"),
    "instrument": _("Questionnaire (code)"),
    "version": _("Version of the questionnaire"),
    "submitted_at": _("Submitted (Almaty time)"),
    "source": _("How the answers came in"),
    "completeness": _("Completeness"),
    "total": _("Total of the questionnaire's first scale"),
    "band": _("Band of that total"),
    "flags": _("Flags raised, separated by spaces"),
}
CODEBOOK_HEADER = ["variable", "instrument", "version", "kind",
                   *(f"text_{lang}" for lang in LANGUAGES), "code", "value",
                   *(f"label_{lang}" for lang in LANGUAGES)]


def pseudonym(pupil_id: int) -> str:
    """A stable pseudonym: HMAC-SHA256 of the pupil's id under a key derived from SECRET_KEY.
    It cannot be turned back into the pupil without the key."""
    key = hashlib.sha256(("export-pseudonym:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, str(pupil_id).encode(), hashlib.sha256).hexdigest()[:16]


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula starts with an apostrophe instead."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# --- what an export holds -------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    instrument: Instrument
    item_id: str
    column: str


def campaign_questions(campaign: Campaign) -> list[Question]:
    """One column per question of the campaign's questionnaires, in their order. An item id
    that two questionnaires share is prefixed with the questionnaire's code."""
    instruments = [instrument_get(i["code"], i["version"]) for i in campaign.instruments]
    counts: dict[str, int] = {}
    for instrument in instruments:
        for item_id in instrument.item_ids:
            counts[item_id] = counts.get(item_id, 0) + 1
    return [Question(inst, item_id, item_id if counts[item_id] == 1 else
                     f"{inst.code}.{item_id}")
            for inst in instruments for item_id in inst.item_ids]


def export_columns(variant: str, questions: list[Question]) -> list[str]:
    return ["response_id", *IDENTITY_COLUMNS[variant], "school", "district", "grade",
            "class_letter", "instrument", "version", "submitted_at", "source", "completeness",
            "total", "band", "flags", *(q.column for q in questions)]


def export_queryset(*, actor: Actor, campaign: Campaign, variant: str) -> QuerySet[Response]:
    """The submitted responses an export by ``actor`` holds (see the module docstring)."""
    assignments = scope(actor, Assignment.objects.filter(campaign=campaign)).values("pk")
    responses = Response.objects.filter(campaign=campaign, status=Response.Status.SUBMITTED,
                                        assignment__in=assignments)
    if variant == ResponseExport.Variant.IDENTIFIED:
        responses = scope(actor, responses)
    return responses


_READ = ("pk", "pupil_id", "school_id", "assignment__district_id", "assignment__grade",
         "assignment__class_letter", "instrument", "version", "submitted_at", "source",
         "completeness", "total", "band", "scores__flags", "answers")
_READ_IDENTIFIED = ("pupil__last_name", "pupil__first_name", "pupil__middle_name", "pupil__iin")


def export_rows(responses: QuerySet[Response], *, variant: str, questions: list[Question],
                names: dict[str, dict[int, str]], for_xlsx: bool,
                on_batch=None) -> Iterator[list[Any]]:
    """The data rows in order of id, read ``BATCH_SIZE`` at a time; ``on_batch`` is told how
    many have been read after each batch."""
    identified = variant == ResponseExport.Variant.IDENTIFIED
    fields = (*_READ, *_READ_IDENTIFIED) if identified else _READ
    by_instrument: dict[str, list[tuple[int, str]]] = {}
    for position, q in enumerate(questions):
        by_instrument.setdefault(q.instrument.code, []).append((position, q.item_id))
    done = 0
    # One query, read BATCH_SIZE rows at a time (a server-side cursor on PostgreSQL).
    for values in responses.order_by("pk").values_list(*fields).iterator(chunk_size=BATCH_SIZE):
        row = dict(zip(fields, values, strict=True))
        if identified:
            who = [" ".join(p for p in (row["pupil__last_name"], row["pupil__first_name"],
                                        row["pupil__middle_name"]) if p),
                   row["pupil__iin"] or ""]
        else:
            who = [pseudonym(row["pupil_id"])]
        submitted = timezone.localtime(row["submitted_at"]) if row["submitted_at"] else None
        flags = row["scores__flags"] or {}
        answers: list[str | None] = [None] * len(questions)
        for position, item_id in by_instrument.get(row["instrument"], ()):
            answers[position] = (row["answers"] or {}).get(item_id)
        out = [row["pk"], *who, names["school"].get(row["school_id"], ""),
               names["district"].get(row["assignment__district_id"], ""),
               row["assignment__grade"], row["assignment__class_letter"],
               row["instrument"], row["version"],
               (submitted.replace(tzinfo=None) if for_xlsx else
                submitted.strftime("%Y-%m-%d %H:%M:%S")) if submitted else "",
               row["source"], row["completeness"], row["total"], row["band"],
               " ".join(k for k, f in flags.items() if f.get("state") is True),
               *answers]
        yield [safe_cell(v) for v in out]
        done += 1
        if on_batch is not None and done % BATCH_SIZE == 0:
            on_batch(done)
    if on_batch is not None and done % BATCH_SIZE:
        on_batch(done)


def codebook_rows(campaign: Campaign, variant: str) -> Iterator[list[Any]]:
    """The codebook in long form: one row per fixed column, per question and per answer code
    of each question, and the codes of bands, flags, sources and completeness."""
    blank = [""] * len(LANGUAGES)
    for column in export_columns(variant, []):
        meanings = []
        for lang in LANGUAGES:
            with translation.override(lang):
                meanings.append(str(COLUMN_MEANINGS[column]))
        yield [column, "", "", "", *meanings, "", "", *blank]
    for code, label in Response.Source.choices:
        yield ["source", "", "", "", *_all_languages(label), code, "", *blank]
    for q in campaign_questions(campaign):
        inst = q.instrument
        item = inst.item(q.item_id)
        texts = [item.text.get(lang, "") for lang in LANGUAGES]
        if item.option_set is None:
            yield [q.column, inst.code, inst.version, "number", *texts, "",
                   f"{item.number_min}..{item.number_max}", *blank]
            continue
        for option in item.option_set.options:
            yield [q.column, inst.code, inst.version, "choice", *texts, option.code,
                   option.value, *(option.label.get(lang, "") for lang in LANGUAGES)]
    for inst in {q.instrument.code: q.instrument for q in campaign_questions(campaign)}.values():
        for scale in inst.scales[:1]:
            for band in scale.bands:
                yield ["band", inst.code, inst.version, "", *blank, band.code, band.max,
                       *(band.label.get(lang, "") for lang in LANGUAGES)]
        for flag in inst.flags:
            yield ["flags", inst.code, inst.version, "", *blank, flag.id, "",
                   *(flag.label.get(lang, "") for lang in LANGUAGES)]


def _all_languages(text) -> list[str]:
    out = []
    for lang in LANGUAGES:
        with translation.override(lang):
            out.append(str(text))
    return out


def _names(campaign: Campaign, language: str) -> dict[str, dict[int, str]]:
    """School and district names of the campaign's region, in ``language``."""
    with translation.override(language):
        return {
            "school": {s.pk: s.name for s in School.objects.filter(
                district__region_id=campaign.region_id).only("name_kk", "name_ru", "name_en")},
            "district": {d.pk: d.name for d in District.objects.filter(
                region_id=campaign.region_id).only("name_kk", "name_ru", "name_en")},
        }


# --- writing the file -------------------------------------------------------------------------


def _write_xlsx(path: Path, header: list[str], rows: Iterator[list[Any]],
                codebook: Iterator[list[Any]]) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("responses")
    sheet.append(header)
    for row in rows:
        while row and row[-1] is None:  # fewer cells to write: another questionnaire's columns
            row.pop()
        sheet.append(row)
    notes = book.create_sheet("codebook")
    notes.append(CODEBOOK_HEADER)
    for row in codebook:
        notes.append([safe_cell(v) for v in row])
    book.save(path)


def _write_csv(path: Path, header: list[str], rows: Iterator[list[Any]]) -> None:
    # UTF-8 with a byte-order mark: Excel then reads Kazakh and Russian letters right.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=CSV_DELIMITER)
        writer.writerow(header)
        writer.writerows(rows)


def codebook_csv_lines(campaign: Campaign, variant: str) -> Iterator[str]:
    """The codebook as CSV text, line by line (for the separate download of a CSV export)."""

    class _Line:
        def write(self, text: str) -> str:
            return text

    writer = csv.writer(_Line(), delimiter=CSV_DELIMITER)
    yield "\ufeff" + writer.writerow(CODEBOOK_HEADER)
    for row in codebook_rows(campaign, variant):
        yield writer.writerow([safe_cell(v) for v in row])


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
                       names=_names(export.campaign, language), for_xlsx=xlsx,
                       on_batch=lambda done: _set(export.pk, processed_rows=done))
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

