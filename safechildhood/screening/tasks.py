"""Background work for screening: assigning a campaign's pupils, the escalation sweep, and
results files imported and exported."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from safechildhood.screening.imports import results_import_process
from safechildhood.screening.services.alerts import alerts_escalate
from safechildhood.screening.services.campaigns import campaign_assign
from safechildhood.screening.services.exports import response_export_process


@db_task(retries=2, retry_delay=30)
def campaign_assign_run(campaign_id: int) -> None:
    """Create a campaign's assignments. Safe to retry: assigned pupils are skipped."""
    campaign_assign(campaign_id=campaign_id)


@db_periodic_task(crontab(minute="*"))
def alerts_escalate_sweep() -> None:
    """Every minute: escalate crisis alerts past their deadline. The deadlines live in the
    database, so a consumer that was down catches up on its first sweep."""
    alerts_escalate()


@db_task(retries=2, retry_delay=30)
def results_import_run(import_id: int) -> None:
    """Check and apply one results file. Safe to retry: a finished import is left as it is, and
    an interrupted one starts its check again (nothing is written until the check has passed)."""
    results_import_process(import_id=import_id)


@db_task(retries=2, retry_delay=30)
def response_export_run(export_id: int) -> None:
    """Write one export file. Safe to retry: a finished export is left as it is, an interrupted
    one is written again from the start."""
    response_export_process(export_id=export_id)
