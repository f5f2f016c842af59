"""Pages of the risk group; each module holds its own ``urlpatterns`` (merged in cases/urls.py)."""
