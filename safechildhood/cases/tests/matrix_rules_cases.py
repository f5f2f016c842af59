"""Authorization rules of the risk case pages: the centre's staff of the case's area; the owner
(the matrix's specialist) and the head work the case; assigning, deciding and reopening are the
head's. A school psychologist sees the case's row only through the pupil page."""

from safechildhood.accounts.models import Role

CENTRE = frozenset({Role.CENTRE_SPECIALIST.value, Role.CENTRE_HEAD.value})
HEAD = frozenset({Role.CENTRE_HEAD.value})


def rules(R, roles) -> dict:
    return {
        "cases:case-list": R(CENTRE),
        "cases:case-detail": R(CENTRE, obj="case"),
        "cases:case-assign": R(HEAD, obj="case"),
        "cases:plan-create": R(CENTRE, obj="case"),
        "cases:review-create": R(CENTRE, obj="case"),
        "cases:closure-create": R(CENTRE, obj="case"),
        "cases:case-reopen": R(HEAD, obj="case"),
        "cases:plan-decide": R(HEAD, obj="plan", method="POST", data=lambda w: {}),
        "cases:closure-decide": R(HEAD, obj="closure", method="POST", data=lambda w: {}),
    }
