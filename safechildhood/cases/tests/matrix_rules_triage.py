"""Authorization rules of the triage queue: the centre reads it (a specialist their districts'),
only the centre head decides."""

from safechildhood.accounts.models import Role

CENTRE = frozenset({Role.CENTRE_SPECIALIST.value, Role.CENTRE_HEAD.value})
HEAD = frozenset({Role.CENTRE_HEAD.value})


def rules(R, roles) -> dict:
    return {
        "cases:triage-queue": R(CENTRE),
        "cases:triage-decide": R(CENTRE, obj="proposal"),
        "cases:proposal-accept": R(HEAD, obj="proposal", method="POST", data=lambda w: {}),
        "cases:proposal-decline": R(HEAD, obj="proposal", method="POST", data=lambda w: {}),
    }
