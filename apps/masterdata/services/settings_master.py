"""Commands on the settings master (spec/20 §5.6, §6.3). Values are JSON-normalised on every write."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from apps.core import cache
from apps.core.errors import NotFoundError

from ..models import Setting, SettingValue
from ..setting_values import ScopedValue, normalise_setting_value
from ._common import duplicate_is_400, locked, touch


def _store_values(setting: Setting, values: Iterable[ScopedValue]) -> None:
    SettingValue.objects.bulk_create(
        SettingValue(
            setting=setting,
            position=position,
            store_code=entry.store_code,
            terminal_no=entry.terminal_no,
            value=normalise_setting_value(entry.value),
        )
        for position, entry in enumerate(values)
    )
    cache.data_changed()  # bulk_create sends no model signal


def setting_create(*, name: str, default_value: str, values: Iterable[ScopedValue]) -> Setting:
    """Insert a setting with its ordered scoped values; a taken name is 400 ``500005``."""
    with transaction.atomic():
        with duplicate_is_400(f"Settings with name {name} already exists"):
            setting = Setting.objects.create(name=name, default_value=normalise_setting_value(default_value))
        _store_values(setting, values)
    return setting


def setting_update(*, name: str, default_value: str, values: Iterable[ScopedValue]) -> Setting:
    """Replace the default and the whole list of scoped values."""
    with transaction.atomic():
        setting = locked(Setting.objects, name=name)
        if setting is None:
            raise NotFoundError(f"Settings not found. settings name: {name}")
        setting.default_value = normalise_setting_value(default_value)
        touch(setting)
        setting.save()
        setting.values.all().delete()
        _store_values(setting, values)
    return setting


def setting_delete(*, name: str) -> None:
    with transaction.atomic():
        deleted, _ = Setting.objects.filter(name=name).delete()
    if not deleted:
        raise NotFoundError(f"Settings not found. settings name: {name}")
