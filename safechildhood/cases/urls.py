"""Pages of risk group and case management."""

app_name = "cases"

urlpatterns: list = []
