"""The pupil's short address: /q/ (enter the code), then the questionnaire."""

from safechildhood.screening.views.answering import urlpatterns  # noqa: F401

app_name = "answer"
