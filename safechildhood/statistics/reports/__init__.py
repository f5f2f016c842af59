"""Official reports: a region's month or quarter for the prosecutor's office and the local
government, in Kazakh or Russian, as XLSX and PDF, written in the background.

* ``content.py`` gathers what a report holds (the indicator tables, computed elsewhere);
* ``xlsx.py`` and ``pdf.py`` write it;
* ``services.py`` asks for a report, writes it (the task ``statistics.tasks.report_generate_run``
  calls it), retries it and hands the file out, each audited; ``selectors.py`` reads them;
* ``forms.py`` and ``views.py``: the pages (list with the request form, detail with progress).
"""
