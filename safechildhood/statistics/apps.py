from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "safechildhood.statistics"
    label = "statistics"
