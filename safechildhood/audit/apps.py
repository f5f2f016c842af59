from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safechildhood.audit"
    label = "audit"
