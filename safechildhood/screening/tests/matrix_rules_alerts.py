"""Authorization rules of the crisis alert, duty roster and results routes.

Alerts and answers: the school psychologist (their school) and the centre's staff (their area);
acknowledging is the centre's; the roster is the centre head's. School administrators,
inspectors, analysts and regional administrators see none of it."""

PSYCHOLOGIST = "school_psychologist"
SPECIALIST = "centre_specialist"
HEAD = "centre_head"


def rules(R, roles) -> dict:
    readers = {PSYCHOLOGIST, SPECIALIST, HEAD}
    centre = {SPECIALIST, HEAD}
    return {
        "screening:alert-list": R(readers),
        "screening:alert-detail": R(readers, obj="alert"),
        "screening:alert-acknowledge": R(centre, obj="alert", method="POST",
                                         data=lambda w: {}),
        "screening:duty-roster": R({HEAD}),
        "screening:duty-district": R({HEAD}, obj="district"),
        "screening:duty-remove": R({HEAD}, obj="district", method="POST", data=lambda w: {}),
        "screening:results-list": R(readers),
        "screening:results-campaign": R(readers, obj="campaign"),
        "screening:pupil-screening": R(readers, obj="alerted_pupil"),
        "screening:response-detail": R(readers, obj="response"),
    }
