from django.apps import AppConfig


class AccountConfig(AppConfig):
    name = "apps.account"
    label = "account"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from apps.core.auth import register_principal_check
        from apps.core.seed import register_seeder

        from .seed import seed
        from .selectors import user_is_active

        register_seeder(10, "account", seed)
        # A user JWT works while its user exists and is active (issue #20), not until it expires.
        register_principal_check("user", lambda credential: user_is_active(username=credential.username or ""))
