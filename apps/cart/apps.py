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
        from apps.core.ledgers import register_sales_ledger

        from .selectors import sales_ledger

        register_sales_ledger(sales_ledger)  # what reconciliation compares the copies with (issue #24)
        try:
            from apps.terminal.services import register_close_stats_provider
        except ImportError:  # the terminal app without the hook: close logs count no transactions
            return
        from .services.tranlogs import close_statistics

        register_close_stats_provider(close_statistics)
