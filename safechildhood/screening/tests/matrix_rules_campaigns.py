"""Campaigns: plans are not personal, so centre staff and the school psychologists of the
region read them (coverage within their own scope); only the centre head plans, opens and closes
them. Class lists, class sheets, statuses and paper forms are the school psychologist's, for
their own school.

The POST rules send what changes nothing in the shared matrix world (opening an open campaign,
closing without the confirmation tick, "back to not started" for a pupil not yet started), so
the routes after them see the same world."""

CENTRE = {"centre_specialist", "centre_head"}
HEAD = {"centre_head"}
PSYCHOLOGIST = {"school_psychologist"}


def rules(R, roles) -> dict:
    return {
        "screening:campaign-list": R(CENTRE | PSYCHOLOGIST),
        "screening:campaign-create": R(HEAD),
        "screening:campaign-detail": R(CENTRE | PSYCHOLOGIST, obj="campaign"),
        "screening:campaign-edit": R(HEAD, obj="campaign"),
        "screening:campaign-open": R(HEAD, obj="campaign", method="POST", data=lambda w: {}),
        "screening:campaign-close": R(HEAD, obj="campaign", method="POST", data=lambda w: {}),
        "screening:assignment-list": R(PSYCHOLOGIST, obj="campaign"),
        "screening:class-sheet": R(PSYCHOLOGIST, obj="campaign",
                                   data=lambda w: {"grade": "8", "letter": "А"}),
        "screening:assignment-status": R(PSYCHOLOGIST, obj="assignment", method="POST",
                                         data=lambda w: {"status": "pending"}),
        "screening:paper-entry": R(PSYCHOLOGIST, obj="assignment"),
    }
