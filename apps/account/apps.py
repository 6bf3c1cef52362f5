from django.apps import AppConfig


class AccountConfig(AppConfig):
    name = "apps.account"
    label = "account"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from apps.core.seed import register_seeder

        from .seed import seed

        register_seeder(10, "account", seed)
