from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safechildhood.accounts"
    label = "accounts"
