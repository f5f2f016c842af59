"""Screening pages, one module per part: answering (the pupil), campaigns, alerts, results,
transfers (imports and exports). Each module holds its ``urlpatterns``; ``screening/urls.py``
joins them."""
