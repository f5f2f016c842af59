"""Pages of prevention work: the overview, trainings, events and parent outreach."""
