"""Promotion plugins, one module per promotion kind, registered by configuration (``CART_PROMOTION_PLUGINS``).

Each plugin has an ``execution_phase`` (``line_item`` or ``subtotal``) and proposes discounts from the cart's
lines and the store's active promotions; it never touches the database. A failing plugin is logged and ignored.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import PromotionPlugin

DEFAULT_PROMOTION_PLUGINS = (
    "apps.cart.plugins.promotions.sample.SalesPromoSample",
    "apps.cart.plugins.promotions.category.CategoryPromoPlugin",
)


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> tuple[PromotionPlugin, ...]:
    return tuple(import_string(path)() for path in paths)


def promotion_plugins() -> tuple[PromotionPlugin, ...]:
    return _load(tuple(getattr(settings, "CART_PROMOTION_PLUGINS", DEFAULT_PROMOTION_PLUGINS)))
