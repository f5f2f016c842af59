"""Staff pages of screening (the pupil's pages live in answer_urls.py at the short address)."""

from safechildhood.screening.views import (  # each module holds its own urlpatterns
    alerts,
    campaigns,
    instruments,
    results,
    transfers,
)

app_name = "screening"

urlpatterns = [
    *instruments.urlpatterns,
    *campaigns.urlpatterns,
    *alerts.urlpatterns,
    *results.urlpatterns,
    *transfers.urlpatterns,
]
