from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CartConfig(AppConfig):
    name = "apps.cart"
    label = "cart"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from apps.core.errors import register_messages

        from .errors import MESSAGES

        register_messages(MESSAGES)
        try:
            from apps.terminal.services import register_close_stats_provider
        except ImportError:  # the terminal app without the hook: close logs count no transactions
            return
        from .services.tranlogs import close_statistics

        register_close_stats_provider(close_statistics)
