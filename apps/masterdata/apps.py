from django.apps import AppConfig


class MasterdataConfig(AppConfig):
    name = "apps.masterdata"
    label = "masterdata"
    verbose_name = "Master data"

    def ready(self) -> None:
        from apps.core.seed import register_seeder

        from .seed import seed

        register_seeder(20, "masterdata", seed)
