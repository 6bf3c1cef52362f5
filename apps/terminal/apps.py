from django.apps import AppConfig


class TerminalConfig(AppConfig):
    name = "apps.terminal"
    label = "terminal"
    verbose_name = "Stores and terminals"

    def ready(self) -> None:
        from apps.core.errors import register_messages
        from apps.core.seed import register_seeder

        from .errors import MESSAGES
        from .seed import seed

        register_messages(MESSAGES)
        register_seeder(30, "terminal", seed)
        from apps.core import cache

        from .models import Store

        cache.watch(Store)  # a store is cached by the cart (``selectors.store_get``): a write changes the version
