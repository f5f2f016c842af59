"""Changes of the risk group: triage decisions, the case lifecycle, and the parts of case work."""
