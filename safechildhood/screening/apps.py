from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "safechildhood.screening"
    label = "screening"
