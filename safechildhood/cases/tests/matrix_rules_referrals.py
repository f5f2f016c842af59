"""Authorization rules of referrals, the provider directory, re-screenings and the trajectory."""

from safechildhood.accounts.models import Role

CENTRE = frozenset({Role.CENTRE_SPECIALIST.value, Role.CENTRE_HEAD.value})


def rules(R, roles) -> dict:
    return {
        "cases:provider-list": R(CENTRE),
        "cases:referral-list": R(CENTRE),
        "cases:referral-create": R(CENTRE, obj="case"),
        "cases:referral-detail": R(CENTRE, obj="referral"),
        "cases:referral-step": R(CENTRE, obj="referral", method="POST", data=lambda w: {}),
        "cases:rescreening-create": R(CENTRE, obj="case"),
        "cases:rescreening-detail": R(CENTRE, obj="rescreening"),
        "cases:rescreening-code": R(CENTRE, obj="rescreening", method="POST",
                                    data=lambda w: {}),
        "cases:rescreening-cancel": R(CENTRE, obj="rescreening", method="POST",
                                      data=lambda w: {}),
        "cases:case-trajectory": R(CENTRE, obj="case"),
    }
