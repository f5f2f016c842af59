"""Authorization rules of the trust box routes: the child's pages are public; the inbox is the
centre's; recording a concern from a message is a specialist's; posters are printed by the
school's staff and the centre head."""

CENTRE = frozenset({"centre_specialist", "centre_head"})


def rules(R, roles) -> dict:
    everyone = roles["STAFF"]
    posters = roles["SCHOOL"] | {"centre_head"}
    return {
        "trustbox:write": R(everyone, public=True),
        "trustbox:read": R(everyone, public=True),
        "trustbox:inbox": R(CENTRE),
        "trustbox:message-detail": R(CENTRE, obj="trust_message"),
        "trustbox:message-reply": R(CENTRE, obj="trust_message", method="POST",
                                    data=lambda w: {"body": "We hear you."}),
        "trustbox:message-priority": R(CENTRE, obj="trust_message", method="POST",
                                       data=lambda w: {"priority": "urgent"}),
        "trustbox:message-close": R(CENTRE, obj="trust_message", method="POST",
                                    data=lambda w: {}),
        "trustbox:message-convert": R({"centre_specialist"}, obj="trust_message"),
        "trustbox:poster-list": R(posters),
        "trustbox:poster-pdf": R(posters, obj="school"),
    }
