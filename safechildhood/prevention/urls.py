"""Pages of prevention work: trainings, events and parent outreach."""

app_name = "prevention"

urlpatterns: list = []
