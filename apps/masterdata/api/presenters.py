"""Response ``data`` shapes of the master-data API (spec/20 §3): camelCase keys in the spec's order, money as JSON
numbers (floats), ``entryDatetime``/``lastUpdateDatetime`` as ``YYYY-MM-DD HH:MM:SS`` (UTC wall time, spec/00 §3.3)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from apps.core.formats import display_utc, money

from ..models import Category, Item, ItemBook, ItemStorePrice, PaymentMethod, Promotion, Setting, Staff
from ..selectors import TaxInfo

NOT_FOUND_DESCRIPTION = "not found"


def _stamps(created_at: datetime | None, updated_at: datetime | None) -> dict[str, str | None]:
    return {"entryDatetime": display_utc(created_at), "lastUpdateDatetime": display_utc(updated_at)}


def category_data(row: Category) -> dict[str, Any]:
    return {
        "categoryCode": row.category_code,
        "description": row.description,
        "descriptionShort": row.description_short,
        "taxCode": row.tax_code,
        **_stamps(row.created_at, row.updated_at),
    }


def item_data(row: Item) -> dict[str, Any]:
    return {
        "itemCode": row.item_code,
        "description": row.description,
        "unitPrice": money(row.unit_price),
        "unitCost": money(row.unit_cost),
        "itemDetails": list(row.item_details),
        "imageUrls": list(row.image_urls),
        "categoryCode": row.category_code,
        "taxCode": row.tax_code,
        "isDiscountRestricted": row.is_discount_restricted,
        "isDeleted": row.is_deleted,
        **_stamps(row.created_at, row.updated_at),
    }


def store_price_data(row: ItemStorePrice) -> dict[str, Any]:
    return {"itemCode": row.item_id, "storePrice": money(row.store_price), **_stamps(row.created_at, row.updated_at)}


def item_detail_data(row: Item) -> dict[str, Any]:
    """The ``/details`` merge: common fields; the store row (if any) gives ``storePrice`` and both timestamps."""
    has_store_row = row.store_row_id is not None
    stamps = (
        _stamps(row.store_row_created_at, row.store_row_updated_at)
        if has_store_row
        else _stamps(row.created_at, row.updated_at)
    )
    return {
        "itemCode": row.item_code,
        "description": row.description,
        "unitPrice": money(row.unit_price),
        "unitCost": money(row.unit_cost),
        "storePrice": money(row.store_row_price) if has_store_row else None,
        "itemDetails": list(row.item_details),
        "imageUrls": list(row.image_urls),
        "categoryCode": row.category_code,
        "taxCode": row.tax_code,
        "isDiscountRestricted": row.is_discount_restricted,
        "isDeleted": False,
        **stamps,
    }


def _button_data(button: Mapping[str, Any], prices: Mapping[str, tuple[str, Decimal]] | None) -> dict[str, Any]:
    unit_price = description = None
    if prices is not None:
        found = prices.get(button["item_code"])
        description, unit_price = found if found is not None else (NOT_FOUND_DESCRIPTION, None)
    return {
        "posX": button["pos_x"],
        "posY": button["pos_y"],
        "size": button["size"],
        "imageUrl": button["image_url"],
        "colorText": button["color_text"],
        "itemCode": button["item_code"],
        "unitPrice": money(unit_price),
        "description": description,
    }


def item_book_data(row: ItemBook, prices: Mapping[str, tuple[str, Decimal]] | None = None) -> dict[str, Any]:
    """A whole book; with ``prices`` (``/detail``) each button gets ``unitPrice``/``description``."""
    categories = [
        {
            "categoryNumber": category["category_number"],
            "title": category["title"],
            "color": category["color"],
            "tabs": [
                {
                    "tabNumber": tab["tab_number"],
                    "title": tab["title"],
                    "color": tab["color"],
                    "buttons": [_button_data(button, prices) for button in tab["buttons"]],
                }
                for tab in category["tabs"]
            ],
        }
        for category in row.categories
    ]
    return {
        "title": row.title,
        "categories": categories,
        "itemBookId": row.item_book_id,
        **_stamps(row.created_at, row.updated_at),
    }


def payment_data(row: PaymentMethod) -> dict[str, Any]:
    return {
        "paymentCode": row.payment_code,
        "description": row.description,
        "limitAmount": money(row.limit_amount),
        "canRefund": row.can_refund,
        "canDepositOver": row.can_deposit_over,
        "canChange": row.can_change,
        "isActive": row.is_active,
        **_stamps(row.created_at, row.updated_at),
    }


def setting_data(row: Setting) -> dict[str, Any]:
    return {
        "name": row.name,
        "defaultValue": row.default_value,
        "values": [
            {"storeCode": value.store_code, "terminalNo": value.terminal_no, "value": value.value}
            for value in row.values.all()
        ],
        **_stamps(row.created_at, row.updated_at),
    }


def tax_data(tax: TaxInfo) -> dict[str, Any]:
    return {
        "taxCode": tax.tax_code,
        "taxType": tax.tax_type,
        "taxName": tax.tax_name,
        "rate": money(tax.rate),
        "roundDigit": tax.round_digit,
        "roundMethod": tax.round_method,
        "entryDatetime": None,
        "lastUpdateDatetime": None,
    }


def staff_data(row: Staff) -> dict[str, Any]:
    return {
        "id": row.staff_id,
        "name": row.name,
        "pin": row.pin,
        "roles": list(row.roles),
        **_stamps(row.created_at, row.updated_at),
    }


def promotion_datetime(value: datetime) -> str:
    """UTC wall time with a ``T`` and no offset: ``2026-07-01T00:00:00`` (spec/20 §6.8)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def promotion_data(row: Promotion) -> dict[str, Any]:
    detail = None
    if row.has_detail:
        detail = {
            "targetStoreCodes": list(row.target_store_codes),
            "targetCategoryCodes": list(row.target_category_codes),
            "discountRate": money(row.discount_rate),
        }
    return {
        "promotionCode": row.promotion_code,
        "promotionType": row.promotion_type,
        "name": row.name,
        "description": row.description,
        "startDatetime": promotion_datetime(row.start_datetime),
        "endDatetime": promotion_datetime(row.end_datetime),
        "isActive": row.is_active,
        "detail": detail,
        **_stamps(row.created_at, row.updated_at),
    }
