from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "safechildhood.disclosures"
    label = "disclosures"
