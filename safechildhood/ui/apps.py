from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "safechildhood.ui"
    label = "ui"
