"""Pages of the anonymous trust box for children."""

app_name = "trustbox"

urlpatterns: list = []
