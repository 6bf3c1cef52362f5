"""Demo master data for the demo tenant (``make run``): idempotent, written through the services.

Store ``S001`` gets store prices; payments follow the cart's code -> strategy mapping (spec/30 §8): ``01`` cash
(over-tender and change), ``11`` cashless and ``12`` other (no over-tender, no change).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from apps.core.errors import DuplicateKeyError
from apps.core.seed import DEMO_STORE_CODE

from . import services
from .models import ItemBook
from .selectors import PromotionDetail
from .setting_values import ScopedValue

CATEGORIES = [
    ("001", "Beverages", "Drinks", "01"),
    ("002", "Food", "Food", "11"),
    ("003", "Daily goods", "Goods", "01"),
    ("004", "Gift cards", "Gift", "00"),
]
# code, description, unit price, unit cost, category, tax code
ITEMS = [
    ("49-01", "Green tea 500ml", "150", "60", "001", "01"),
    ("49-02", "Coffee 350ml", "180", "70", "001", "01"),
    ("49-03", "Orange juice", "200", "90", "001", "02"),
    ("49-04", "Mineral water", "100", "30", "001", "01"),
    ("49-05", "Cola 500ml", "160", "60", "001", "11"),
    ("49-06", "Rice ball salmon", "140", "60", "002", "11"),
    ("49-07", "Rice ball tuna", "130", "55", "002", "11"),
    ("49-08", "Sandwich ham", "280", "120", "002", "12"),
    ("49-09", "Bento box", "550", "300", "002", "11"),
    ("49-10", "Curry bread", "180", "70", "002", "12"),
    ("49-11", "Salad bowl", "380", "150", "002", "11"),
    ("49-12", "Chocolate bar", "120", "50", "002", "11"),
    ("49-13", "Potato chips", "160", "70", "002", "12"),
    ("49-14", "Tissue box", "250", "100", "003", "01"),
    ("49-15", "Toothbrush", "300", "120", "003", "01"),
    ("49-16", "Shampoo", "680", "300", "003", "02"),
    ("49-17", "Battery AA x4", "480", "200", "003", "01"),
    ("49-18", "Umbrella", "700", "350", "003", "02"),
    ("49-19", "Notebook A5", "200", "80", "003", "01"),
    ("49-20", "Ballpoint pen", "110", "40", "003", "01"),
    ("49-21", "Gift card 1000", "1000", "1000", "004", "00"),
    ("49-22", "Gift card 3000", "3000", "3000", "004", "00"),
]
STORE_PRICES = [("49-01", "140"), ("49-06", "120"), ("49-09", "500"), ("49-16", "650")]
PAYMENTS = [
    # code, description, can_deposit_over, can_change
    ("01", "Cash", True, True),
    ("11", "Cashless", False, False),
    ("12", "Others", False, False),
]
DEMO_BOOK_TITLE = "Demo POS keys"
DEMO_PROMOTION = "DEMO_BEV_10"


def _ensure(create: Callable[..., object], **fields) -> None:
    """Create through the service; an existing row (duplicate key) is left as it is."""
    try:
        create(**fields)
    except DuplicateKeyError:
        pass


def _book_tree() -> list[dict]:
    def buttons(codes: list[str]) -> list[dict]:
        return [
            {"pos_x": index % 4 + 1, "pos_y": index // 4 + 1, "size": "Single", "image_url": "",
             "color_text": "0x000000", "item_code": code}
            for index, code in enumerate(codes)
        ]

    return [
        {"category_number": 1, "title": "Drinks", "color": "0xF0FFFF", "tabs": [
            {"tab_number": 1, "title": "Cold", "color": "0xE0FFFF",
             "buttons": buttons(["49-01", "49-02", "49-03", "49-04", "49-05"])}]},
        {"category_number": 2, "title": "Food", "color": "0xFFF8DC", "tabs": [
            {"tab_number": 1, "title": "Lunch", "color": "0xFFEBCD",
             "buttons": buttons(["49-06", "49-07", "49-08", "49-09", "49-10", "49-11"])}]},
    ]


def seed(tenant_id: str) -> list[str]:
    for code, description, short, tax_code in CATEGORIES:
        _ensure(
            services.category_create,
            category_code=code, description=description, description_short=short, tax_code=tax_code,
        )
    for code, description, price, cost, category, tax_code in ITEMS:
        _ensure(
            services.item_create,
            item_code=code, description=description, unit_price=Decimal(price), unit_cost=Decimal(cost),
            item_details=[], image_urls=[], category_code=category, tax_code=tax_code,
        )
    for code, price in STORE_PRICES:
        _ensure(services.store_price_create, store_code=DEMO_STORE_CODE, item_code=code, store_price=Decimal(price))
    for code, description, can_deposit_over, can_change in PAYMENTS:
        _ensure(
            services.payment_create,
            payment_code=code, description=description, limit_amount=Decimal("0"), can_refund=True,
            can_deposit_over=can_deposit_over, can_change=can_change, is_active=True,
        )
    _ensure(services.staff_create, staff_id="S001", name="Taro", pin="1234", roles=["staff"])
    _ensure(
        services.setting_create,
        name="RECEIPT_HEADERS",
        default_value='[{"text": "Kugel Store", "align": "center"}]',
        values=[ScopedValue(DEMO_STORE_CODE, None, '[{"text": "Kugel Store S001", "align": "center"}]')],
    )
    _ensure(
        services.setting_create,
        name="RECEIPT_FOOTERS", default_value='[{"text": "Thank you!", "align": "center"}]', values=[],
    )
    _ensure(services.setting_create, name="INVOICE_REGISTRATION_NUMBER", default_value="T1234567890123", values=[])
    if not ItemBook.objects.filter(title=DEMO_BOOK_TITLE).exists():
        services.item_book_create(title=DEMO_BOOK_TITLE, categories=_book_tree())
    now = timezone.now()
    _ensure(
        services.promotion_create,
        promotion_code=DEMO_PROMOTION, promotion_type="category_discount", name="Beverage 10% off",
        start_datetime=now - timedelta(days=1), end_datetime=now + timedelta(days=365),
        detail=PromotionDetail(target_store_codes=(), target_category_codes=("001",), discount_rate=Decimal("10")),
    )
    return [
        f"demo master data: {len(ITEMS)} items, store prices for {DEMO_STORE_CODE}, payments 01/11/12, "
        "staff S001 (Taro, PIN 1234)",
    ]
