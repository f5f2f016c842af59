from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "safechildhood.directory"
    label = "directory"
