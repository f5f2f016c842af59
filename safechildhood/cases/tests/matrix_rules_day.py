"""Authorization rules of the day page (centre staff: a specialist's own cases, the head's too)
and the head's overview (the centre head only)."""

from safechildhood.accounts.models import Role

CENTRE = frozenset({Role.CENTRE_SPECIALIST.value, Role.CENTRE_HEAD.value})
HEAD = frozenset({Role.CENTRE_HEAD.value})


def rules(R, roles) -> dict:
    return {
        "cases:day": R(CENTRE),
        "cases:overview": R(HEAD),
    }
