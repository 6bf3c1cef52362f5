from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StockConfig(AppConfig):
    name = "apps.stock"
    label = "stock"
    verbose_name = _("Stock")

    def ready(self) -> None:
        from apps.core.errors import register_messages
        from apps.core.health import register_check
        from apps.core.registry import register_consumer
        from apps.core.seed import register_seeder

        from .errors import MESSAGES
        from .health import check_snapshot_scheduler
        from .seed import seed
        from .services import handle_tranlog_event

        register_messages(MESSAGES)
        register_consumer(service="stock", event_type="tranlog", handler=handle_tranlog_event)
        register_check("stock", "snapshot_scheduler", check_snapshot_scheduler)
        register_seeder(40, "stock", seed)
