"""REST API routes (rosters in, indicators out). Every view goes through the access policy
(``safechildhood.ui.api.ActorAPIView``); the schema is at /api/schema/, the docs at /api/docs/.
Names live in the ``api`` namespace, e.g. ``api:pupil-detail``."""

from django.urls import path

from safechildhood.accounts.api import MeAPI
from safechildhood.directory.api import SchoolListAPI
from safechildhood.disclosures.api import PoliceReportDetailAPI, PoliceReportListAPI
from safechildhood.geography.api import DistrictListAPI, SettlementListAPI
from safechildhood.people.api import (
    PupilDetailAPI,
    PupilListAPI,
    PupilTransferAPI,
    RosterDetailAPI,
    RosterListAPI,
)
from safechildhood.screening.api import InstrumentListAPI, InstrumentScoreAPI

app_name = "api"

urlpatterns = [
    path("me/", MeAPI.as_view(), name="me"),
    path("districts/", DistrictListAPI.as_view(), name="district-list"),
    path("settlements/", SettlementListAPI.as_view(), name="settlement-list"),
    path("schools/", SchoolListAPI.as_view(), name="school-list"),
    path("pupils/", PupilListAPI.as_view(), name="pupil-list"),
    path("pupils/<int:pk>/", PupilDetailAPI.as_view(), name="pupil-detail"),
    path("pupils/<int:pk>/transfer/", PupilTransferAPI.as_view(), name="pupil-transfer"),
    path("rosters/", RosterListAPI.as_view(), name="roster-list"),
    path("rosters/<int:pk>/", RosterDetailAPI.as_view(), name="roster-detail"),
    path("police-reports/", PoliceReportListAPI.as_view(), name="police-report-list"),
    path("police-reports/<int:pk>/", PoliceReportDetailAPI.as_view(),
         name="police-report-detail"),
    path("instruments/", InstrumentListAPI.as_view(), name="instrument-list"),
    path("instruments/<slug:code>/score/", InstrumentScoreAPI.as_view(),
         name="instrument-score"),
]
