from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "safechildhood.geography"
    label = "geography"
