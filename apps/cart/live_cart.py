"""The live cart as a column of another query: the API-key check of the cart path reads the cart with it.

Below both ``apps.cart.context`` (which asks for the column) and ``apps.cart.services`` (whose ``_load`` finds
the same live cart), so neither imports the other's way round.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db.models.expressions import RawSQL
from django.utils import timezone

from apps.core.sql import column, table

from .models import Cart

CART_TTL = timedelta(hours=10)

_LIVE_CART_COLUMN = (
    f"SELECT json_build_array({column(Cart, 'revision')}, {column(Cart, 'document')}) FROM {table(Cart)} "
    f"WHERE {column(Cart, 'cart_id')} = %s AND {column(Cart, 'updated_at')} >= %s"
)


def live_cart_expression(cart_id: str) -> tuple[uuid.UUID, RawSQL] | None:
    """The live cart ``cart_id`` (as ``apps.cart.services.carts._load`` finds it) as a column of another query:
    its revision and document as a JSON array, NULL when there is none. None when ``cart_id`` is not a cart id."""
    try:
        key = uuid.UUID(str(cart_id))
    except ValueError:
        return None
    return key, RawSQL(_LIVE_CART_COLUMN, [key, timezone.now() - CART_TTL])
