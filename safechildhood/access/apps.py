from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "safechildhood.access"
    label = "access"
