"""The cart document: the aggregate a cart request loads, changes and saves as one JSON document (spec/30 §13).

Plain mutable dataclasses with ``Decimal`` money, converted to and from JSON-safe dicts (money as strings, so
nothing is lost to floats). The tranlog payload (spec/00 §10.3) is built from it in ``as_tranlog``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any

import orjson

from apps.core.fields import decimal_text

ZERO = Decimal(0)


def _money(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(str(value))


@dataclass
class Discount:
    seq_no: int
    discount_type: str
    discount_value: Decimal
    discount_amount: Decimal = ZERO
    detail: str | None = None
    promotion_code: str | None = None
    promotion_type: str | None = None

    MONEY = ("discount_value", "discount_amount")


@dataclass
class LineItem:
    line_no: int
    item_code: str
    category_code: str | None
    description: str
    unit_price: Decimal
    quantity: int
    tax_code: str
    description_short: str | None = None
    unit_price_original: Decimal = ZERO
    is_unit_price_changed: bool = False
    discounts: list[Discount] = field(default_factory=list)
    discounts_allocated: list[Discount] = field(default_factory=list)
    amount: Decimal = ZERO
    is_cancelled: bool = False
    is_discount_restricted: bool = False

    MONEY = ("unit_price", "unit_price_original", "amount")


@dataclass
class Payment:
    payment_no: int
    payment_code: str
    description: str | None
    deposit_amount: Decimal
    amount: Decimal
    detail: str | None = None

    MONEY = ("deposit_amount", "amount")


@dataclass
class Tax:
    tax_no: int
    tax_code: str
    tax_type: str
    tax_name: str
    tax_amount: Decimal
    target_amount: Decimal
    target_quantity: int

    MONEY = ("tax_amount", "target_amount")


@dataclass
class Sales:
    reference_date_time: str | None = None
    total_amount: Decimal = ZERO
    total_amount_with_tax: Decimal = ZERO
    tax_amount: Decimal = ZERO
    total_quantity: int = 0
    change_amount: Decimal = ZERO
    total_discount_amount: Decimal = ZERO
    is_cancelled: bool = False
    is_stamp_duty_applied: bool = False
    stamp_duty_target_amount: Decimal = ZERO
    stamp_duty_amount: Decimal = ZERO

    MONEY = ("total_amount", "total_amount_with_tax", "tax_amount", "change_amount", "total_discount_amount",
             "stamp_duty_target_amount", "stamp_duty_amount")


@dataclass
class CartDocument:
    cart_id: str
    tenant_id: str
    store_code: str
    store_name: str | None
    terminal_no: int
    terminal_id: str
    transaction_type: int
    business_date: str | None
    status: str = "Idle"
    user: dict | None = None
    staff: dict | None = None
    transaction_no: int = -1
    receipt_no: int = -1
    generate_date_time: str | None = None
    sales: Sales = field(default_factory=Sales)
    line_items: list[LineItem] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    taxes: list[Tax] = field(default_factory=list)
    subtotal_discounts: list[Discount] = field(default_factory=list)
    subtotal_amount: Decimal = ZERO
    balance_amount: Decimal = ZERO
    receipt_text: str | None = ""
    journal_text: str | None = None
    # snapshots taken at creation (spec/30 §4.1, §13)
    settings: dict[str, Any] = field(default_factory=dict)
    tax_master: list[dict] = field(default_factory=list)
    items: dict[str, dict] = field(default_factory=dict)

    MONEY = ("subtotal_amount", "balance_amount")

    # --- JSON ---------------------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return _to_json(self)

    def to_json_bytes(self) -> bytes:
        """The JSON text of ``to_json()`` (UTF-8): the same keys, values and money strings, written by orjson
        straight from the dataclasses (a 20-line cart: ~190 -> ~16 us; every cart change saves the document)."""
        try:
            return orjson.dumps(self, default=decimal_text)
        except TypeError:  # what orjson would not write as json does (a non-text key, an integer over 64 bits)
            return json.dumps(self.to_json(), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CartDocument:
        values = dict(data)
        values["sales"] = _from_json(Sales, values.get("sales") or {})
        values["line_items"] = [_line_from_json(line) for line in values.get("line_items", [])]
        values["payments"] = [_from_json(Payment, payment) for payment in values.get("payments", [])]
        values["taxes"] = [_from_json(Tax, tax) for tax in values.get("taxes", [])]
        values["subtotal_discounts"] = [_from_json(Discount, d) for d in values.get("subtotal_discounts", [])]
        for name in cls.MONEY:
            values[name] = _money(values.get(name))
        return cls(**{name: values[name] for name in _field_names(cls) if name in values})


# Field names per dataclass, read once: ``dataclasses.fields()`` on every conversion was a measurable part of an
# add item (every request loads and saves the whole document).
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_PLAIN = (str, int, bool, float, type(None))


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def _to_json(obj: Any) -> Any:
    if type(obj) in _PLAIN:  # most values of a document: nothing to convert
        return obj
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, list):
        return [_to_json(item) for item in obj]
    if isinstance(obj, dict):
        return {key: _to_json(value) for key, value in obj.items()}
    if hasattr(obj, "__dataclass_fields__"):
        return {name: _to_json(getattr(obj, name)) for name in _field_names(type(obj))}
    return obj


def _from_json(cls, data: dict[str, Any]):
    values = {name: data[name] for name in _field_names(cls) if name in data}
    for name in cls.MONEY:
        if name in values:
            values[name] = _money(values[name])
    return cls(**values)


def _line_from_json(data: dict[str, Any]) -> LineItem:
    line = _from_json(LineItem, data)
    line.discounts = [_from_json(Discount, d) for d in data.get("discounts", [])]
    line.discounts_allocated = [_from_json(Discount, d) for d in data.get("discounts_allocated", [])]
    return line


# --- wire forms ---------------------------------------------------------------------------------------------
def money_text(value: Decimal | None) -> str | None:
    """An amount in the stored tranlog: its exact decimal digits as text, as the cart document keeps them (a JSON
    number would pass through a float); the API renders it as a JSON number, consumers read it with ``Decimal``."""
    return None if value is None else str(value)


def discount_payload(discount: Discount) -> dict[str, Any]:
    return {
        "seq_no": discount.seq_no,
        "discount_type": discount.discount_type,
        "discount_value": money_text(discount.discount_value),
        "discount_amount": money_text(discount.discount_amount),
        "detail": discount.detail,
        "promotion_code": discount.promotion_code,
        "promotion_type": discount.promotion_type,
    }


def sales_payload(sales: Sales) -> dict[str, Any]:
    data = asdict(sales)
    for name in Sales.MONEY:
        data[name] = money_text(getattr(sales, name))
    return data
