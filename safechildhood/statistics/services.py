"""Changes of statistics: importing official figures (check → preview → commit, or discard).

The upload is checked at once (the files are small: districts × periods) and kept as a
``FigureImport`` with its rows and problems; the preview is shown from it. Committing writes
every figure in one transaction: a figure already there for the same period, district and
indicator is replaced, and one audit event lists each change as old → new.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require
from safechildhood.audit.services import audit_record
from safechildhood.errors import DomainError
from safechildhood.people.imports.problems import FileError
from safechildhood.statistics.imports import figures_check, problem_message
from safechildhood.statistics.models import CrimeFigure, FigureImport

NOT_WAITING = _("This import is no longer waiting for confirmation.")
HAS_PROBLEMS = _("This file has problems: nothing can be imported from it. Fix the rows and "
                 "upload it again.")


def figures_import_check(*, actor: Actor, uploaded_file: UploadedFile, document_name: str,
                         document_number: str, document_date: dt.date) -> FigureImport:
    """Read and check an uploaded file of the actor's region and keep what it holds for the
    preview. Nothing is written to the figures."""
    require(actor, Action.CRIME_FIGURES_IMPORT)
    region = actor.membership.region
    file_name = PurePath(uploaded_file.name or "figures.xlsx").name[:255]
    if uploaded_file.size is not None and uploaded_file.size > settings.ROSTER_MAX_BYTES:
        error = FileError("file_too_large", limit=settings.ROSTER_MAX_BYTES)
        raise DomainError(problem_message(error.as_dict()), code=error.code, field="file")
    content = b"".join(uploaded_file.chunks())
    checked = figures_check(content, file_name, region=region)
    with transaction.atomic():
        figure_import = FigureImport.objects.create(
            region=region, document_name=document_name, document_number=document_number,
            document_date=document_date, file_name=file_name, uploaded_by=actor.user,
            status=FigureImport.Status.REJECTED if checked.errors
            else FigureImport.Status.CHECKED,
            rows=checked.rows, errors=checked.errors)
        audit_record(actor=actor, action="statistics.figures.checked", target=figure_import,
                     data={"import_id": figure_import.pk, "rows": len(checked.rows),
                           "problems": len(checked.errors)})
    return figure_import


def _key(row: dict[str, Any]) -> tuple:
    return (row["district_id"], row["indicator"], row["year"], row["period_kind"],
            row["period_number"])


def figures_import_changes(figure_import: FigureImport) -> list[dict[str, Any]]:
    """Each row of a checked import with what committing it would do: ``action`` "create",
    "change" (with ``old``) or "same"."""
    rows = figure_import.rows
    if not rows:
        return []
    years = {row["year"] for row in rows}
    existing = {
        (f.district_id, f.indicator, f.year, f.period_kind, f.period_number): f.value
        for f in CrimeFigure.objects.filter(region_id=figure_import.region_id, year__in=years)
    }
    changes = []
    for row in rows:
        old = existing.get(_key(row))
        action = "create" if old is None else ("same" if old == row["value"] else "change")
        changes.append({**row, "action": action, "old": old})
    return changes


def figures_import_commit(*, actor: Actor, figure_import: FigureImport) -> dict[str, int]:
    """Write the figures of a checked import in one transaction; return the counts created,
    changed and unchanged."""
    require(actor, Action.CRIME_FIGURES_IMPORT, figure_import)
    with transaction.atomic():
        locked = FigureImport.objects.select_for_update().get(pk=figure_import.pk)
        if locked.status == FigureImport.Status.REJECTED:
            raise DomainError(HAS_PROBLEMS, code="has_problems")
        if locked.status != FigureImport.Status.CHECKED:
            raise DomainError(NOT_WAITING, code="not_waiting")
        counts = {"create": 0, "change": 0, "same": 0}
        replaced = []
        current = {
            _key({"district_id": f.district_id, "indicator": f.indicator, "year": f.year,
                  "period_kind": f.period_kind, "period_number": f.period_number}): f
            for f in CrimeFigure.objects.select_for_update().filter(
                region_id=locked.region_id, year__in={row["year"] for row in locked.rows})
        }
        new = []
        for row in locked.rows:
            figure = current.get(_key(row))
            if figure is None:
                new.append(CrimeFigure(
                    region_id=locked.region_id, district_id=row["district_id"],
                    indicator=row["indicator"], year=row["year"],
                    period_kind=row["period_kind"], period_number=row["period_number"],
                    value=row["value"], source=locked))
                counts["create"] += 1
                continue
            counts["change" if figure.value != row["value"] else "same"] += 1
            if figure.value != row["value"]:
                replaced.append({"district_id": row["district_id"],
                                 "indicator": row["indicator"], "year": row["year"],
                                 "period_kind": row["period_kind"],
                                 "period_number": row["period_number"],
                                 "old": figure.value, "new": row["value"],
                                 "old_source_id": figure.source_id})
            figure.value = row["value"]
            figure.source = locked
            figure.save(update_fields=["value", "source", "updated_at"])
        CrimeFigure.objects.bulk_create(new, batch_size=500)
        locked.status = FigureImport.Status.COMMITTED
        locked.committed_at = timezone.now()
        locked.save(update_fields=["status", "committed_at"])
        audit_record(actor=actor, action="statistics.figures.imported", target=locked,
                     data={"import_id": locked.pk, "created": counts["create"],
                           "changed": counts["change"], "unchanged": counts["same"],
                           "replaced": replaced})
    return counts


def figures_import_discard(*, actor: Actor, figure_import: FigureImport) -> None:
    """Drop a checked import without writing anything."""
    require(actor, Action.CRIME_FIGURES_IMPORT, figure_import)
    with transaction.atomic():
        locked = FigureImport.objects.select_for_update().get(pk=figure_import.pk)
        if locked.status not in (FigureImport.Status.CHECKED, FigureImport.Status.REJECTED):
            raise DomainError(NOT_WAITING, code="not_waiting")
        locked.status = FigureImport.Status.DISCARDED
        locked.rows = []
        locked.save(update_fields=["status", "rows"])
        audit_record(actor=actor, action="statistics.figures.discarded", target=locked,
                     data={"import_id": locked.pk})
