"""Authorization rules of the statistics routes, merged into the matrix
(access/tests/test_matrix.py)."""

from safechildhood.accounts.models import Role

STATISTICIANS = frozenset({Role.CENTRE_HEAD.value, Role.PROSECUTOR_ANALYST.value})


def rules(R, roles) -> dict:
    return {
        "statistics:public": R(roles["STAFF"], public=True),
        "statistics:overview": R(STATISTICIANS),
        "statistics:figure-list": R(STATISTICIANS),
        "statistics:figure-export": R(STATISTICIANS),
        "statistics:figure-template": R(STATISTICIANS),
        "statistics:figure-import-create": R(STATISTICIANS),
        "statistics:figure-import-detail": R(STATISTICIANS, obj="figure_import"),
        "statistics:figure-import-commit": R(STATISTICIANS, obj="figure_import",
                                             method="POST"),
        "statistics:figure-import-discard": R(STATISTICIANS, obj="figure_import",
                                              method="POST"),
    }
