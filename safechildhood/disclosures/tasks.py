"""Background work for disclosures: the escalation sweep of police reports not sent in time."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from safechildhood.disclosures.services import reports_escalate


@db_periodic_task(crontab(minute="*/5"))
def reports_escalate_sweep() -> None:
    """Every five minutes: escalate police reports still to be sent after their deadline to the
    school director and the centre head. The deadlines and the escalation mark live in the
    database, so a consumer that was down catches up on its first sweep and a second sweep
    changes nothing."""
    reports_escalate()
