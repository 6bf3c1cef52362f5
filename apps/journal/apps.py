from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "apps.journal"
    label = "journal"
    verbose_name = "Journal"

    def ready(self) -> None:
        from apps.core.errors import register_messages
        from apps.core.events import register_consumer

        from . import services
        from .errors import MESSAGES

        register_messages(MESSAGES)
        register_consumer(service="journal", event_type="tranlog", handler=services.journal_consume_tranlog)
        register_consumer(service="journal", event_type="cashlog", handler=services.journal_consume_cashlog)
        register_consumer(
            service="journal", event_type="opencloselog", handler=services.journal_consume_opencloselog
        )
