from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerminalConfig(AppConfig):
    name = "apps.terminal"
    label = "terminal"
    verbose_name = _("Stores and terminals")

    def ready(self) -> None:
        from apps.core.auth import register_principal_check
        from apps.core.errors import register_messages
        from apps.core.seed import register_seeder

        from .errors import MESSAGES
        from .seed import seed
        from .selectors import terminal_exists

        register_messages(MESSAGES)
        register_seeder(30, "terminal", seed)
        # A terminal JWT works while its terminal exists (issue #20), not until it expires.
        register_principal_check("terminal", lambda cred: terminal_exists(terminal_id=cred.terminal_id or ""))
        from apps.core import cache

        from .models import Store

        cache.watch(Store)  # a store is cached by the cart (``selectors.store_get``): a write changes the version
