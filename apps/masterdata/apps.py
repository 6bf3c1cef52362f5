from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MasterdataConfig(AppConfig):
    name = "apps.masterdata"
    label = "masterdata"
    verbose_name = _("Master data")

    def ready(self) -> None:
        from apps.core.verbose_names import name_fields, name_models

        from . import verbose_names

        name_fields(self.label, verbose_names.FIELD_NAMES)
        name_models(self.label, verbose_names.MODEL_NAMES)
        from apps.core.seed import register_seeder

        from .seed import seed

        register_seeder(20, "masterdata", seed)
        from apps.core import cache

        from .models import Category, Item, ItemStorePrice, PaymentMethod, Promotion, Setting, SettingValue

        # Every write to these, in any process, changes the tenant's data version (``apps.core.cache``), so the
        # selectors that read them through the cache never answer from an entry older than the last write.
        cache.watch(Category, Item, ItemStorePrice, PaymentMethod, Promotion, Setting, SettingValue)
        from .services.data_version import data_version_bump

        cache.set_version_store(data_version_bump)  # the version lives with the data it versions
