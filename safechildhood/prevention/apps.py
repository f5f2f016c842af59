from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "safechildhood.prevention"
    label = "prevention"
