"""Instrument descriptions are not personal: every member of staff may read them."""


def rules(R, roles) -> dict:
    return {
        "screening:instrument-list": R(roles["STAFF"]),
        "screening:instrument-detail": R(roles["STAFF"], obj="instrument"),
    }
