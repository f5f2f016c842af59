"""Results in and out in bulk, and the instruments API.

Results files are the school psychologist's, for their own school. Exports: the centre head and
the centre specialists ask for them (the form is posted empty here, so nothing is queued); an
export is seen and downloaded only by the person who asked for it (the matrix world's exports
are the centre heads'). The instruments API is for every member of staff: the score route is
posted with nothing to score (400), and the "outside" instrument is a code that does not
exist (404)."""

CENTRE = {"centre_specialist", "centre_head"}
HEAD = {"centre_head"}
PSYCHOLOGIST = {"school_psychologist"}


def rules(R, roles) -> dict:
    return {
        "screening:results-import-list": R(PSYCHOLOGIST, obj="campaign"),
        "screening:results-import-create": R(PSYCHOLOGIST, obj="campaign"),
        "screening:results-template": R(PSYCHOLOGIST, obj="campaign"),
        "screening:results-import-detail": R(PSYCHOLOGIST, obj="results_import"),
        "screening:export-list": R(CENTRE, obj="campaign"),
        "screening:export-create": R(CENTRE, obj="campaign", method="POST", data=lambda w: {}),
        "screening:export-detail": R(HEAD, obj="export"),
        "screening:export-download": R(HEAD, obj="export"),
        "screening:export-codebook": R(HEAD, obj="export"),
        "api:instrument-list": R(roles["API_USERS"], api=True),
        "api:instrument-score": R(roles["API_USERS"], obj="instrument", api=True,
                                  method="POST", data=lambda w: {}),
    }
