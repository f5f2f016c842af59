"""Models of disclosures, police reports and the prosecutor's oversight."""
