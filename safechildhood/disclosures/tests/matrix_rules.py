"""Authorization rules of the disclosure routes for the matrix (access/tests/test_matrix.py).

Concerns: the school's staff, the centre, and the inspector of the unit the report went to;
recording one: school staff and the centre. Reports: the same plus the prosecutor's
analyst; sending is the school's and the centre's, acknowledging and the status the
inspector's; the oversight page and its notes the analyst's; a note addressed to the police is
answered by the unit's inspector. Regional administrators and operators see none of it."""

PSYCHOLOGIST = "school_psychologist"
SCHOOL_ADMIN = "school_admin"
SPECIALIST = "centre_specialist"
HEAD = "centre_head"
INSPECTOR = "police_inspector"
ANALYST = "prosecutor_analyst"


def rules(R, roles) -> dict:
    school = {PSYCHOLOGIST, SCHOOL_ADMIN}
    centre = {SPECIALIST, HEAD}
    concern_readers = school | centre | {INSPECTOR}
    report_readers = concern_readers | {ANALYST}
    senders = school | centre
    post = {"method": "POST", "data": lambda w: {}}
    return {
        "disclosures:concern-list": R(concern_readers),
        "disclosures:concern-create": R(school | centre, obj="concern_pupil"),
        "disclosures:concern-detail": R(concern_readers, obj="concern"),
        # the concern already has its report: the answer says so (a redirect), nothing changes
        "disclosures:concern-report-create": R(senders, obj="concern", **post),
        "disclosures:report-list": R(report_readers),
        "disclosures:report-export": R(report_readers),
        "disclosures:report-detail": R(report_readers, obj="report"),
        # the report is already sent and acknowledged: the answer says so, nothing changes
        "disclosures:report-send": R(senders, obj="report", **post),
        "disclosures:report-acknowledge": R({INSPECTOR}, obj="report", **post),
        "disclosures:report-status": R({INSPECTOR}, obj="report", **post),
        "disclosures:oversight-note-create": R({ANALYST}, obj="report", **post),
        "disclosures:oversight-note-respond": R({INSPECTOR}, obj="police_note", **post),
        "disclosures:oversight": R({ANALYST}),
        "api:police-report-list": R(report_readers, api=True),
        "api:police-report-detail": R(report_readers, obj="report", api=True),
    }
