from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountConfig(AppConfig):
    name = "apps.account"
    label = "account"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from apps.core.auth import register_principal_check
        from apps.core.seed import register_seeder

        from .roles import ensure_roles_after_migrate
        from .seed import seed
        from .selectors import user_is_active

        register_seeder(10, "account", seed)
        # A user JWT works while its user exists and is active (issue #20), not until it expires.
        register_principal_check("user", lambda credential: user_is_active(username=credential.username or ""))
        # the Clerk and Store manager groups in every tenant schema (issue #22)
        post_migrate.connect(ensure_roles_after_migrate, dispatch_uid="account.ensure_roles")
