from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safechildhood.people"
    label = "people"
