"""The pupil's pages are public: the one-time code, not a login, opens a questionnaire."""


def rules(R, roles) -> dict:
    everyone = roles["STAFF"]
    return {
        "answer:code": R(everyone, public=True),
        "answer:page": R(everyone, public=True),
        "answer:done": R(everyone, public=True),
    }
