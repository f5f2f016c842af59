"""Background work for screening: assigning a campaign's pupils and the escalation sweep."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from safechildhood.screening.services.alerts import alerts_escalate
from safechildhood.screening.services.campaigns import campaign_assign


@db_task(retries=2, retry_delay=30)
def campaign_assign_run(campaign_id: int) -> None:
    """Create a campaign's assignments. Safe to retry: assigned pupils are skipped."""
    campaign_assign(campaign_id=campaign_id)


@db_periodic_task(crontab(minute="*"))
def alerts_escalate_sweep() -> None:
    """Every minute: escalate crisis alerts past their deadline. The deadlines live in the
    database, so a consumer that was down catches up on its first sweep."""
    alerts_escalate()
