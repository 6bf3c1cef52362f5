from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    name = "apps.journal"
    label = "journal"
    verbose_name = _("Journal")

    def ready(self) -> None:
        from apps.core.verbose_names import name_fields

        from . import verbose_names

        name_fields(self.label, verbose_names.FIELD_NAMES)
        from apps.core.errors import register_messages
        from apps.core.registry import register_consumer

        from . import services
        from .errors import MESSAGES

        register_messages(MESSAGES)
        register_consumer(service="journal", event_type="tranlog", handler=services.journal_consume_tranlog)
        register_consumer(service="journal", event_type="cashlog", handler=services.journal_consume_cashlog)
        register_consumer(
            service="journal", event_type="opencloselog", handler=services.journal_consume_opencloselog
        )
