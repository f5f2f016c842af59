"""Background work for pupils: checking and applying an uploaded roster."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from safechildhood.people.imports import roster_import_process


@db_task(retries=2, retry_delay=30)
def roster_import_run(import_id: int) -> None:
    """Check and apply one roster import. Safe to retry: a finished import is left as it is, and
    an interrupted one starts its check again (nothing is written until the check has passed)."""
    roster_import_process(import_id=import_id)
