from django.apps import AppConfig


class TrustboxConfig(AppConfig):
    name = "safechildhood.trustbox"
    label = "trustbox"
