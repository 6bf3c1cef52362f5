from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from . import (
            celery_signals,  # noqa: F401 - connects the Celery signal handlers
            tasks,  # noqa: F401 - registers the event sender with apps.core.registry
        )
        from .api import schema  # noqa: F401 - registers the OpenAPI security schemes
