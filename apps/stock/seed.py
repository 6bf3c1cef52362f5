"""Demo seed (order 40): stock for the demo catalogue in the demo store, some items close to their thresholds.

Item codes come from the master-data app (``apps.masterdata.selectors.item_codes()``, or its item list), read
at seed time (master data seeds earlier); without a catalogue, a fixed list of codes. Idempotent: an item that
already has stock is left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from apps.core.paging import Paging
from apps.core.seed import DEMO_STORE_CODE

from . import services
from .models import Stock, UpdateType

logger = logging.getLogger(__name__)

FALLBACK_ITEM_CODES = ["49-01", "49-02", "49-03", "49-04", "49-05", "49-06", "49-07", "49-08"]

# (initial quantity, minimum, reorder point, reorder quantity), cycled over the catalogue: every third item
# sits just above its reorder point, so one or two sales on the demo terminal raise an alert.
PROFILES = [
    (120.0, 10.0, 20.0, 50.0),
    (60.0, 5.0, 15.0, 30.0),
    (22.0, 10.0, 20.0, 40.0),
    (200.0, 20.0, 40.0, 100.0),
    (35.0, 5.0, 10.0, 20.0),
    (12.0, 10.0, 11.0, 24.0),
]


def _read_catalogue(masterdata_selectors) -> list[str]:
    item_codes: Callable | None = getattr(masterdata_selectors, "item_codes", None)
    if callable(item_codes):
        return list(item_codes())
    items_page: Callable | None = getattr(masterdata_selectors, "items_page", None)
    if callable(items_page):
        rows, _ = items_page(paging=Paging(limit=0, page=1, sort=()))
        return [row.item_code for row in rows]
    return []


def _catalogue_item_codes() -> list[str]:
    try:
        from apps.masterdata import selectors as masterdata_selectors
    except ImportError:
        return FALLBACK_ITEM_CODES
    try:
        codes = [code for code in _read_catalogue(masterdata_selectors) if isinstance(code, str) and code]
    except Exception:  # noqa: BLE001 - the demo must come up even if the catalogue cannot be read
        logger.exception("demo catalogue not readable; using the fixed item list")
        return FALLBACK_ITEM_CODES
    return codes or FALLBACK_ITEM_CODES


def seed(tenant_id: str) -> list[str]:
    codes = _catalogue_item_codes()
    existing = set(Stock.objects.filter(store_code=DEMO_STORE_CODE).values_list("item_code", flat=True))
    created = 0
    for index, item_code in enumerate(codes):
        if item_code in existing:
            continue
        quantity, minimum, reorder_point, reorder_quantity = PROFILES[index % len(PROFILES)]
        services.stock_apply_change(
            tenant_id=tenant_id, store_code=DEMO_STORE_CODE, item_code=item_code, quantity_change=quantity,
            update_type=UpdateType.INITIAL, reference_id="DEMO-SEED", operator_id="seed", note="demo stock",
        )
        services.stock_set_minimum(
            tenant_id=tenant_id, store_code=DEMO_STORE_CODE, item_code=item_code, minimum_quantity=minimum
        )
        services.stock_set_reorder(
            tenant_id=tenant_id, store_code=DEMO_STORE_CODE, item_code=item_code, reorder_point=reorder_point,
            reorder_quantity=reorder_quantity,
        )
        created += 1
    return [
        f"demo stock: {len(codes)} items in store {DEMO_STORE_CODE} ({created} new); live dashboard "
        f"/t/{tenant_id}/dashboard/stock/{DEMO_STORE_CODE}/"
    ]
