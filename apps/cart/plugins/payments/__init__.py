"""Payment plugins, one module per method, registered by configuration (``CART_PAYMENT_PLUGINS``).

A new payment method is a new module and a settings entry, not an edit here.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import PaymentPlugin

DEFAULT_PAYMENT_PLUGINS = {
    "01": "apps.cart.plugins.payments.cash.PaymentByCash",
    "11": "apps.cart.plugins.payments.cashless.PaymentByCashless",
    "12": "apps.cart.plugins.payments.others.PaymentByOthers",
}


@lru_cache(maxsize=64)
def _load(path: str) -> PaymentPlugin:
    return import_string(path)()


def payment_plugin(payment_code: str) -> PaymentPlugin | None:
    path = getattr(settings, "CART_PAYMENT_PLUGINS", DEFAULT_PAYMENT_PLUGINS).get(payment_code)
    return _load(path) if path else None
