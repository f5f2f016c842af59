from django.urls import path

from safechildhood.ui import views

app_name = "ui"

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/language", views.set_language, name="set-language"),
]
