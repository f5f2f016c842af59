"""Pages of disclosures, police reports and the prosecutor's oversight."""

app_name = "disclosures"

urlpatterns: list = []
