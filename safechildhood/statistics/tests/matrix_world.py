"""Statistics objects for the authorization matrix: a checked import of official figures of
the test region and one of another region."""

from __future__ import annotations

import datetime as dt

from safechildhood.accounts.models import Role
from safechildhood.statistics.models import FigureImport, Report


def _checked(region, user) -> FigureImport:
    return FigureImport.objects.create(
        region=region, document_name="Legal statistics", document_date=dt.date(2025, 1, 15),
        file_name="figures.xlsx", status=FigureImport.Status.CHECKED, uploaded_by=user,
        rows=[{"row": 2, "district_id": None, "year": 2024, "period_kind": "year",
               "period_number": 0, "indicator": "crimes_by_minors", "value": 40}])


def _report(region, user) -> Report:
    """A finished report with both files (the content is not looked at here)."""
    return Report.objects.create(
        region=region, kind=Report.Kind.QUARTERLY, period="2025-q1", language="kk",
        format=Report.Format.BOTH, requested_by=user, status=Report.Status.DONE, progress=100,
        xlsx_content=b"xlsx", pdf_content=b"%PDF")


def objects(w) -> dict[str, tuple]:
    user = w.users[Role.CENTRE_HEAD.value]
    return {"figure_import": (_checked(w.region, user), _checked(w.other_region, user)),
            "report": (_report(w.region, user), _report(w.other_region, user))}
