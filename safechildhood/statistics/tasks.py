"""Background work of statistics: writing an official report."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from safechildhood.statistics.reports.services import report_generate


@db_task()
def report_generate_run(report_id: int) -> None:
    """Write one report. Safe to run again (or twice at once): a report already claimed or
    finished is left as it is. A failure is stored on the report, which the user may retry;
    the task itself is not retried."""
    report_generate(report_id=report_id)
