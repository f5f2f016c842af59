"""Changes of official reports: asking for one, writing it (in the background), asking again
after a failure, handing out its file. Each is audited.

Writing is safe to run more than once and from two workers at a time: a run first claims the
report (queued → in progress, in one conditional UPDATE), so a second run of the same task
finds it claimed and leaves it; a finished report is left as it is. A run that died (the
worker was stopped) leaves a report "in progress" that a later run, or the user's retry, may
claim again after ``STALE_AFTER``.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, can, require
from safechildhood.accounts.models import Membership
from safechildhood.audit.services import audit_record
from safechildhood.errors import DomainError
from safechildhood.periods import ReportPeriod
from safechildhood.statistics.models import Report
from safechildhood.statistics.reports.content import report_content, section_count
from safechildhood.statistics.reports.pdf import report_pdf
from safechildhood.statistics.reports.xlsx import report_xlsx

logger = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=15)  # a report "in progress" longer than this was abandoned
CONTENT_FIELDS = ("xlsx_content", "pdf_content")
WRITERS = {"xlsx": report_xlsx, "pdf": report_pdf}
NOT_A_REPORT_PERIOD = _("A report covers a month or a quarter.")
NOT_STARTED = _("This period has not started yet.")
NOT_RETRIABLE = _("This report is not waiting to be prepared again.")
NOT_READY = _("The report is not ready.")


def report_request(*, actor: Actor, period: ReportPeriod, language: str,
                   file_format: str) -> Report:
    """Ask for a report of the actor's region; it is written in the background once the
    request is committed."""
    require(actor, Action.REPORT_GENERATE)
    if period.kind not in Report.Kind.values:
        raise DomainError(NOT_A_REPORT_PERIOD, code="not_a_report_period", field="period")
    if not period.has_started():
        raise DomainError(NOT_STARTED, code="period_not_started", field="period")
    if language not in Report.Language.values or file_format not in Report.Format.values:
        raise DomainError(_("Choose a language and a format."), code="invalid_choice")
    with transaction.atomic():
        report = Report.objects.create(
            region_id=actor.membership.region_id, kind=period.kind, period=period.code,
            language=language, format=file_format, requested_by=actor.user,
            membership=actor.membership)
        audit_record(actor=actor, action="statistics.report.requested", target=report,
                     data=_facts(report))
        transaction.on_commit(partial(_enqueue, report.pk))
    return report


def report_retry(*, actor: Actor, report: Report) -> Report:
    """Ask again for a report that failed, or that has waited or run for longer than
    ``STALE_AFTER``; it is written again as asked for by ``actor``."""
    require(actor, Action.REPORT_GENERATE, report)
    with transaction.atomic():
        locked = Report.objects.select_for_update().defer(*CONTENT_FIELDS).get(pk=report.pk)
        if not may_retry(locked):
            raise DomainError(NOT_RETRIABLE, code="not_retriable")
        previous = locked.error_code or locked.status
        Report.objects.filter(pk=locked.pk).update(
            status=Report.Status.QUEUED, progress=0, error_code="", started_at=None,
            finished_at=None, requested_by=actor.user, membership=actor.membership)
        audit_record(actor=actor, action="statistics.report.retried", target=locked,
                     data={**_facts(locked), "previous": previous})
        transaction.on_commit(partial(_enqueue, locked.pk))
    return Report.objects.defer(*CONTENT_FIELDS).get(pk=report.pk)


def may_retry(report: Report, now: dt.datetime | None = None) -> bool:
    if report.status == Report.Status.FAILED:
        return True
    if report.status == Report.Status.DONE:
        return False
    since = report.started_at or report.requested_at
    return since is not None and since < (now or timezone.now()) - STALE_AFTER


def report_generate(*, report_id: int) -> Report | None:
    """Write a report's files (called by the task). A report already claimed by another run or
    finished is left as it is."""
    if not _claim(report_id):
        return Report.objects.defer(*CONTENT_FIELDS).filter(pk=report_id).first()
    report = (Report.objects.defer(*CONTENT_FIELDS)
              .select_related("region", "requested_by").get(pk=report_id))
    actor = _requester(report)
    if actor is None or not can(actor, Action.REPORT_GENERATE) \
            or actor.membership.region_id != report.region_id:
        return _fail(report, Report.Error.NOT_ALLOWED, actor)
    began = time.monotonic()
    steps = section_count() + len(report.formats)
    done = 0

    def advance() -> None:
        nonlocal done
        done += 1
        _progress(report_id, min(99, round(100 * done / steps)))

    files: dict[str, bytes] = {}
    try:
        with translation.override(report.language):
            content = report_content(report, on_section=advance)
            for file_format in report.formats:
                files[file_format] = WRITERS[file_format](content)
                advance()
    except Exception as error:  # any failure is the report's, shown to the user as a code
        logger.error("report %s failed: %s", report_id, type(error).__name__, exc_info=True)
        return _fail(report, Report.Error.FAILED, actor)
    with transaction.atomic():
        locked = Report.objects.select_for_update().defer(*CONTENT_FIELDS).get(pk=report_id)
        if locked.status != Report.Status.RUNNING:  # asked again meanwhile: leave it
            return locked
        Report.objects.filter(pk=report_id).update(
            status=Report.Status.DONE, progress=100, finished_at=timezone.now(),
            error_code="", xlsx_content=files.get("xlsx"), pdf_content=files.get("pdf"))
        audit_record(actor=actor, action="statistics.report.generated", target=locked,
                     data={**_facts(locked), "seconds": round(time.monotonic() - began, 1),
                           "bytes": {k: len(v) for k, v in files.items()}})
    return Report.objects.defer(*CONTENT_FIELDS).get(pk=report_id)


def report_file(*, actor: Actor, report: Report, file_format: str) -> bytes:
    """A finished report's file; every download is written to the audit log."""
    require(actor, Action.REPORT_GENERATE, report)
    if report.status != Report.Status.DONE or file_format not in report.formats:
        raise DomainError(NOT_READY, code="report_not_ready")
    content = (Report.objects.filter(pk=report.pk)
               .values_list(f"{file_format}_content", flat=True).first())
    if content is None:
        raise DomainError(NOT_READY, code="report_not_ready")
    audit_record(actor=actor, action="statistics.report.downloaded", target=report,
                 data={**_facts(report), "file": file_format})
    return bytes(content)


def report_file_name(report: Report, file_format: str) -> str:
    return f"safe-childhood-report-{report.period}-{report.language}-{report.pk}.{file_format}"


# --- inside --------------------------------------------------------------------------------


def _enqueue(report_id: int) -> None:
    from safechildhood.statistics.tasks import report_generate_run  # tasks import this module

    report_generate_run(report_id)


def _claim(report_id: int) -> bool:
    """Queued (or abandoned) → in progress, if no other run has it: one conditional UPDATE,
    which PostgreSQL re-checks after a concurrent one commits and SQLite serialises."""
    now = timezone.now()
    waiting = Q(status=Report.Status.QUEUED) | Q(status=Report.Status.RUNNING,
                                                 started_at__lt=now - STALE_AFTER)
    return Report.objects.filter(waiting, pk=report_id).update(
        status=Report.Status.RUNNING, started_at=now, progress=0, error_code="") == 1


def _progress(report_id: int, percent: int) -> None:
    Report.objects.filter(pk=report_id, status=Report.Status.RUNNING).update(progress=percent)


def _requester(report: Report) -> Actor | None:
    """The requester acting through the role the report was asked under, if it is still
    theirs and active."""
    membership = (Membership.objects.filter(pk=report.membership_id, user=report.requested_by,
                                            is_active=True)
                  .select_related("region", "centre", "prosecutor_office").first())
    return Actor(user=report.requested_by, membership=membership) if membership else None


def _fail(report: Report, error: str, actor: Actor | None) -> Report:
    with transaction.atomic():
        Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING).update(
            status=Report.Status.FAILED, error_code=error, finished_at=timezone.now())
        audit_record(actor=actor, action="statistics.report.failed", target=report,
                     data={**_facts(report), "error": str(error)})
    return Report.objects.defer(*CONTENT_FIELDS).get(pk=report.pk)


def _facts(report: Report) -> dict:
    return {"report_id": report.pk, "period": report.period, "language": report.language,
            "format": report.format}
