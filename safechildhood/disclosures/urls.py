"""Pages of disclosures, police reports and the prosecutor's oversight (the API views are in
api.py, routed by config/api_urls.py)."""

from safechildhood.disclosures import views

app_name = "disclosures"

urlpatterns = views.urlpatterns
