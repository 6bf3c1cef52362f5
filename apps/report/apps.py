from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportConfig(AppConfig):
    name = "apps.report"
    label = "report"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from apps.core.verbose_names import name_fields, name_models

        from . import verbose_names

        name_fields(self.label, verbose_names.FIELD_NAMES)
        name_models(self.label, verbose_names.MODEL_NAMES)
        from apps.core.errors import register_messages
        from apps.core.registry import register_consumer

        from . import services
        from .errors import MESSAGES

        register_messages(MESSAGES)
        register_consumer(service="report", event_type="tranlog", handler=services.report_consume_tranlog)
        register_consumer(service="report", event_type="cashlog", handler=services.report_consume_cashlog)
        register_consumer(service="report", event_type="opencloselog", handler=services.report_consume_opencloselog)

        from apps.terminal.desk import register_expected_cash_provider

        from .terminal_cash import expected_cash

        register_expected_cash_provider(expected_cash)  # the terminal page's expected cash (issue #22)
