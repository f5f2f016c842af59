from django.urls import path

from safechildhood.people import import_views, views

app_name = "people"

urlpatterns = [
    path("", views.pupil_list, name="pupil-list"),
    path("new/", views.pupil_create, name="pupil-create"),
    path("<int:pk>/", views.pupil_detail, name="pupil-detail"),
    path("<int:pk>/edit/", views.pupil_edit, name="pupil-edit"),
    path("<int:pk>/transfer/", views.pupil_transfer, name="pupil-transfer"),
    path("<int:pk>/guardians/new/", views.guardian_create, name="guardian-create"),
    path("<int:pk>/consents/new/", views.consent_create, name="consent-create"),
    path("duplicates/", views.duplicate_list, name="duplicate-list"),
    path("duplicates/<int:pk>/", views.duplicate_resolve, name="duplicate-resolve"),
    path("imports/", import_views.roster_import_list, name="roster-import-list"),
    path("imports/new/", import_views.roster_import_create, name="roster-import-create"),
    path("imports/template.xlsx", import_views.roster_template, name="roster-template"),
    path("imports/<int:pk>/", import_views.roster_import_detail, name="roster-import-detail"),
]
