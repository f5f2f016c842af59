"""Pages of statistics: official figures, indicators, dashboards, reports and the public page."""

app_name = "statistics"

urlpatterns: list = []
