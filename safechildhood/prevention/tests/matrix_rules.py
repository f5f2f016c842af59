"""Authorization rules of the prevention routes (see access/rules_prevention.py for the why)."""

CENTRE = frozenset({"centre_specialist", "centre_head"})
REGION_READERS = CENTRE | {"prosecutor_analyst", "regional_admin"}
SCHOOL = frozenset({"school_psychologist", "school_admin"})
VIEWERS = REGION_READERS | SCHOOL | {"police_inspector"}
TRAINING_READERS = REGION_READERS | SCHOOL
RECORDERS = CENTRE | {"school_psychologist", "police_inspector", "prosecutor_analyst"}
# the matrix's event was recorded by the inspector's unit at the matrix's school
EVENT_EDITORS = CENTRE | {"school_psychologist", "police_inspector"}
OUTREACH = CENTRE | {"school_psychologist"}


def rules(R, roles) -> dict:
    post = {"method": "POST", "data": lambda w: {}}
    return {
        "prevention:overview": R(VIEWERS),
        "prevention:training-list": R(TRAINING_READERS),
        "prevention:training-create": R(CENTRE),
        "prevention:training-detail": R(TRAINING_READERS, obj="prevention_training"),
        "prevention:training-edit": R(CENTRE, obj="prevention_training"),
        "prevention:participant-add": R(CENTRE, obj="prevention_training"),
        "prevention:attendance-mark": R(CENTRE, obj="prevention_participant", **post),
        "prevention:certificate": R(TRAINING_READERS, obj="prevention_participant"),
        "prevention:event-list": R(VIEWERS),
        "prevention:event-create": R(RECORDERS),
        "prevention:event-detail": R(VIEWERS, obj="prevention_event"),
        "prevention:event-edit": R(EVENT_EDITORS, obj="prevention_event"),
        "prevention:material-add": R(EVENT_EDITORS, obj="prevention_event", **post),
        "prevention:material-download": R(VIEWERS, obj="prevention_material"),
        "prevention:material-remove": R(EVENT_EDITORS, obj="prevention_material", **post),
        "prevention:meeting-list": R(VIEWERS),
        "prevention:meeting-create": R(OUTREACH),
        "prevention:meeting-detail": R(VIEWERS, obj="prevention_meeting"),
        "prevention:meeting-edit": R(OUTREACH, obj="prevention_meeting"),
        "prevention:consultation-list": R(OUTREACH),
        "prevention:consultation-create": R(OUTREACH),
        "prevention:consultation-detail": R(OUTREACH, obj="prevention_consultation"),
        "prevention:consultation-edit": R(OUTREACH, obj="prevention_consultation"),
    }
