from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "safechildhood.cases"
    label = "cases"
