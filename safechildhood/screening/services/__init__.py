"""Every change of state in screening. One module per part of the path:
instruments (the registry), codes, campaigns, responses (scoring, triage, alerts), alerts,
answering (the pupil's side)."""
