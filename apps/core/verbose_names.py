"""Translatable names of models and fields whose names Django derives from the code (``store_code`` -> "store
code", ``Item`` -> "item"), without a migration.

A field declared without ``verbose_name`` keeps it out of its migration (Django deconstructs the declared
``_verbose_name``, which stays ``None``); giving it one in the model would add an ``AlterField`` per field and
tenant schema for a label. Instead each app lists the names in its ``verbose_names`` module (plain
``gettext_lazy`` literals, so ``makemessages`` finds them) and applies them from ``AppConfig.ready()``. Names the
code declares itself (``verbose_name=_("...")``) are left alone.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.apps import apps
from django.utils.functional import Promise


def name_fields(app_label: str, names: Mapping[str, Promise]) -> None:
    """Each field of the app's models that has no declared ``verbose_name`` is shown as ``names["Model.field"]``,
    else ``names["field"]`` (one name per field name across the app, unless a model needs its own)."""
    for model in apps.get_app_config(app_label).get_models():
        for field in model._meta.get_fields():
            if getattr(field, "_verbose_name", "") is not None:
                continue
            name = names.get(f"{model.__name__}.{field.name}", names.get(field.name))
            if name is not None:
                field.verbose_name = name


def name_models(app_label: str, names: Mapping[str, tuple[Promise, Promise]]) -> None:
    """``{"Item": (_("item"), _("items"))}``: singular and plural of each listed model of the app."""
    for model in apps.get_app_config(app_label).get_models():
        if model.__name__ in names:
            model._meta.verbose_name, model._meta.verbose_name_plural = names[model.__name__]


def unnamed_fields(app_label: str) -> list[str]:
    """``Model.field`` of every field of the app still shown under its derived, untranslatable name (for tests)."""
    return [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config(app_label).get_models()
        for field in model._meta.get_fields()
        if hasattr(field, "verbose_name") and not isinstance(field.verbose_name, Promise)
        and getattr(field, "_verbose_name", "") is None
    ]
