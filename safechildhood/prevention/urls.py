"""Pages of prevention work: trainings, events and parent outreach."""

from django.urls import path

from safechildhood.prevention.views import events, outreach, overview, trainings

app_name = "prevention"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("trainings/", trainings.training_list, name="training-list"),
    path("trainings/new/", trainings.training_create, name="training-create"),
    path("trainings/<int:pk>/", trainings.training_detail, name="training-detail"),
    path("trainings/<int:pk>/edit/", trainings.training_edit, name="training-edit"),
    path("trainings/<int:pk>/participants/", trainings.participant_add, name="participant-add"),
    path("participants/<int:pk>/attendance/", trainings.attendance_mark,
         name="attendance-mark"),
    path("participants/<int:pk>/certificate.pdf", trainings.certificate, name="certificate"),
    path("events/", events.event_list, name="event-list"),
    path("events/new/", events.event_create, name="event-create"),
    path("events/<int:pk>/", events.event_detail, name="event-detail"),
    path("events/<int:pk>/edit/", events.event_edit, name="event-edit"),
    path("events/<int:pk>/materials/", events.material_add, name="material-add"),
    path("materials/<int:pk>/", events.material_download, name="material-download"),
    path("materials/<int:pk>/remove/", events.material_remove, name="material-remove"),
    path("parents/meetings/", outreach.meeting_list, name="meeting-list"),
    path("parents/meetings/new/", outreach.meeting_create, name="meeting-create"),
    path("parents/meetings/<int:pk>/", outreach.meeting_detail, name="meeting-detail"),
    path("parents/meetings/<int:pk>/edit/", outreach.meeting_edit, name="meeting-edit"),
    path("parents/consultations/", outreach.consultation_list, name="consultation-list"),
    path("parents/consultations/new/", outreach.consultation_create,
         name="consultation-create"),
    path("parents/consultations/<int:pk>/", outreach.consultation_detail,
         name="consultation-detail"),
    path("parents/consultations/<int:pk>/edit/", outreach.consultation_edit,
         name="consultation-edit"),
]
