from django.apps import AppConfig


class AccountConfig(AppConfig):
    name = "apps.account"
    label = "account"
    verbose_name = "Accounts"
