"""Authorization rules of the field-work routes (contacts and field trips)."""

from safechildhood.accounts.models import Role

CENTRE = frozenset({Role.CENTRE_SPECIALIST.value, Role.CENTRE_HEAD.value})


def rules(R, roles) -> dict:
    return {
        "cases:contact-list": R(CENTRE, obj="case"),
        "cases:contact-create": R(CENTRE, obj="case"),
        "cases:trip-list": R(CENTRE),
        "cases:trip-create": R(CENTRE),
        "cases:trip-detail": R(CENTRE, obj="trip"),
        "cases:trip-stop-add": R(CENTRE, obj="trip", method="POST", data=lambda w: {}),
        "cases:trip-stop-remove": R(CENTRE, obj="trip", method="POST", data=lambda w: {}),
        "cases:trip-status": R(CENTRE, obj="trip", method="POST", data=lambda w: {}),
        "cases:trip-itinerary": R(CENTRE, obj="trip"),
        "cases:trip-itinerary-pdf": R(CENTRE, obj="trip"),
    }
