"""Authorization rules of the statistics routes, merged into the matrix
(access/tests/test_matrix.py)."""

from safechildhood.accounts.models import Role

STATISTICIANS = frozenset({Role.CENTRE_HEAD.value, Role.PROSECUTOR_ANALYST.value})
DASHBOARD_VIEWERS = STATISTICIANS | {Role.REGIONAL_ADMIN.value, Role.CENTRE_SPECIALIST.value}


def rules(R, roles) -> dict:
    return {
        "statistics:public": R(roles["STAFF"], public=True),
        "statistics:overview": R(DASHBOARD_VIEWERS),  # a redirect to the dashboard
        "statistics:dashboard": R(DASHBOARD_VIEWERS),
        "statistics:figure-list": R(STATISTICIANS),
        "statistics:figure-export": R(STATISTICIANS),
        "statistics:figure-template": R(STATISTICIANS),
        "statistics:figure-import-create": R(STATISTICIANS),
        "statistics:figure-import-detail": R(STATISTICIANS, obj="figure_import"),
        "statistics:figure-import-commit": R(STATISTICIANS, obj="figure_import",
                                             method="POST"),
        "statistics:figure-import-discard": R(STATISTICIANS, obj="figure_import",
                                              method="POST"),
        "statistics:report-list": R(STATISTICIANS),
        "statistics:report-create": R(STATISTICIANS, method="POST"),
        "statistics:report-detail": R(STATISTICIANS, obj="report"),
        "statistics:report-retry": R(STATISTICIANS, obj="report", method="POST"),
        "statistics:report-xlsx": R(STATISTICIANS, obj="report"),
        "statistics:report-pdf": R(STATISTICIANS, obj="report"),
    }
