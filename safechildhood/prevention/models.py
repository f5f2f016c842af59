"""Models of prevention work: trainings, events and parent outreach."""
