"""Parsing of the three consumed logs (spec/00 §10.3-10.5, spec/40 §1.2-1.4) into frozen dataclasses.

Payload keys are snake_case; camelCase keys are accepted too (the snake key wins). Unknown keys are ignored.
A payload that cannot be read raises ``LogFormatError`` with every problem found, located like a request
validation error (``("body", "sales", "totalAmountWithTax")``), so the HTTP receiver can answer 422 with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from apps.core.casing import camelize
from apps.core.limits import INT32, decimal_limit

ZERO = Decimal(0)
# The report's columns: integer, and numeric(18, 4) for amounts (models.MONEY).
AMOUNT_LIMIT = decimal_limit(max_digits=18, decimal_places=4)
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


class LogFormatError(ValueError):
    def __init__(self, errors: list[tuple[tuple[str, ...], str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{' -> '.join(loc)}: {message}" for loc, message in errors))


def snake_keys(value: Any) -> Any:
    """Recursively give every dict key its snake_case spelling (an existing snake_case key wins)."""
    if isinstance(value, dict):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str) or key.islower():  # (already snake_case: no capital to break at)
                name = key
            else:
                name = _CAMEL_BOUNDARY.sub("_", key).lower()
            if name in result and name != key:
                continue
            result[name] = snake_keys(item)
        return result
    if isinstance(value, list):
        return [snake_keys(item) for item in value]
    return value


class _Reader:
    """Collects typed fields of one payload and every error found on the way."""

    def __init__(self) -> None:
        self.errors: list[tuple[tuple[str, ...], str]] = []

    def _fail(self, loc: tuple[str, ...], message: str) -> None:
        self.errors.append((("body", *(camelize(part) for part in loc)), message))

    def obj(self, data: Any, loc: tuple[str, ...]) -> dict:
        if data is None:
            return {}
        if not isinstance(data, dict):
            self._fail(loc, "Input should be a valid dictionary")
            return {}
        return data

    def list(self, data: dict, key: str, loc: tuple[str, ...]) -> list[dict]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self._fail((*loc, key), "Input should be a valid list")
            return []
        return [self.obj(item, (*loc, key, str(index))) for index, item in enumerate(value)]

    def str(self, data: dict, key: str, loc: tuple[str, ...], *, required: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self._fail((*loc, key), "Field required")
            return None
        if not isinstance(value, str):
            self._fail((*loc, key), "Input should be a valid string")
            return None
        return value

    def int(self, data: dict, key: str, loc: tuple[str, ...], *, required: bool = False, default: int | None = None):
        value = data.get(key)
        if value is None:
            if required:
                self._fail((*loc, key), "Field required")
            return default
        if isinstance(value, bool):
            self._fail((*loc, key), "Input should be a valid integer")
            return default
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            number = int(value)
        else:
            self._fail((*loc, key), "Input should be a valid integer, unable to parse string as an integer")
            return default
        message = INT32.error(number)
        if message is not None:
            self._fail((*loc, key), message)
            return default
        return number

    def money(self, data: dict, key: str, loc: tuple[str, ...], *, default: Decimal | None = ZERO) -> Decimal | None:
        value = data.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            self._fail((*loc, key), "Input should be a valid number")
            return default
        try:
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            self._fail((*loc, key), "Input should be a valid number, unable to parse string as a number")
            return default
        if not number.is_finite():
            self._fail((*loc, key), "Input should be a finite number")
            return default
        if abs(number) >= AMOUNT_LIMIT:
            self._fail((*loc, key), "Input should be less than 1e14 in magnitude")
            return default
        return number

    def bool(self, data: dict, key: str, loc: tuple[str, ...]) -> bool:
        value = data.get(key)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        self._fail((*loc, key), "Input should be a valid boolean")
        return False

    def raise_if_failed(self) -> None:
        if self.errors:
            raise LogFormatError(self.errors)


# --- tranlog ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DiscountEntry:
    seq_no: int | None
    discount_type: str | None
    discount_value: Decimal | None
    discount_amount: Decimal
    promotion_code: str | None
    promotion_type: str | None


@dataclass(frozen=True)
class LineEntry:
    line_no: int
    item_code: str | None
    category_code: str | None
    description: str | None
    quantity: int
    amount: Decimal
    is_cancelled: bool
    discounts: tuple[DiscountEntry, ...]
    discounts_allocated: tuple[DiscountEntry, ...]


@dataclass(frozen=True)
class PaymentEntry:
    payment_no: int | None
    payment_code: str | None
    description: str | None
    amount: Decimal
    deposit_amount: Decimal


@dataclass(frozen=True)
class TaxEntry:
    tax_no: int | None
    tax_code: str | None
    tax_type: str | None
    tax_name: str | None
    tax_amount: Decimal
    target_amount: Decimal
    target_quantity: int


@dataclass(frozen=True)
class Tranlog:
    tenant_id: str | None
    store_code: str
    terminal_no: int
    transaction_no: int
    transaction_type: int
    business_date: str
    open_counter: int | None
    business_counter: int | None
    generate_date_time: str | None
    receipt_no: int | None
    is_cancelled: bool
    total_amount: Decimal
    total_amount_with_tax: Decimal
    tax_amount: Decimal
    total_quantity: int
    total_discount_amount: Decimal
    staff_id: str | None
    event_id: str | None
    lines: tuple[LineEntry, ...]
    payments: tuple[PaymentEntry, ...]
    taxes: tuple[TaxEntry, ...]
    subtotal_discounts: tuple[DiscountEntry, ...]
    payload: dict


def _discounts(reader: _Reader, items: list[dict], loc: tuple[str, ...]) -> tuple[DiscountEntry, ...]:
    return tuple(
        DiscountEntry(
            seq_no=reader.int(item, "seq_no", (*loc, str(index))),
            discount_type=reader.str(item, "discount_type", (*loc, str(index))),
            discount_value=reader.money(item, "discount_value", (*loc, str(index)), default=None),
            discount_amount=reader.money(item, "discount_amount", (*loc, str(index))),
            promotion_code=reader.str(item, "promotion_code", (*loc, str(index))),
            promotion_type=reader.str(item, "promotion_type", (*loc, str(index))),
        )
        for index, item in enumerate(items)
    )


def parse_tranlog(payload: Any) -> Tranlog:
    """A tranlog payload (snake or camel keys) -> ``Tranlog``; raises ``LogFormatError``."""
    reader = _Reader()
    data = reader.obj(snake_keys(payload), ())
    reader.raise_if_failed()
    sales = reader.obj(data.get("sales"), ("sales",))
    staff = reader.obj(data.get("staff"), ("staff",))
    lines = []
    for index, item in enumerate(reader.list(data, "line_items", ())):
        loc = ("line_items", str(index))
        lines.append(
            LineEntry(
                line_no=reader.int(item, "line_no", loc, default=index + 1),
                item_code=reader.str(item, "item_code", loc),
                category_code=reader.str(item, "category_code", loc),
                description=reader.str(item, "description", loc),
                quantity=reader.int(item, "quantity", loc, default=0),
                amount=reader.money(item, "amount", loc),
                is_cancelled=reader.bool(item, "is_cancelled", loc),
                discounts=_discounts(reader, reader.list(item, "discounts", loc), (*loc, "discounts")),
                discounts_allocated=_discounts(
                    reader, reader.list(item, "discounts_allocated", loc), (*loc, "discounts_allocated")
                ),
            )
        )
    payments = tuple(
        PaymentEntry(
            payment_no=reader.int(item, "payment_no", ("payments", str(index))),
            payment_code=reader.str(item, "payment_code", ("payments", str(index))),
            description=reader.str(item, "description", ("payments", str(index))),
            amount=reader.money(item, "amount", ("payments", str(index))),
            deposit_amount=reader.money(item, "deposit_amount", ("payments", str(index))),
        )
        for index, item in enumerate(reader.list(data, "payments", ()))
    )
    taxes = tuple(
        TaxEntry(
            tax_no=reader.int(item, "tax_no", ("taxes", str(index))),
            tax_code=reader.str(item, "tax_code", ("taxes", str(index))),
            tax_type=reader.str(item, "tax_type", ("taxes", str(index))),
            tax_name=reader.str(item, "tax_name", ("taxes", str(index))),
            tax_amount=reader.money(item, "tax_amount", ("taxes", str(index))),
            target_amount=reader.money(item, "target_amount", ("taxes", str(index))),
            target_quantity=reader.int(item, "target_quantity", ("taxes", str(index)), default=0),
        )
        for index, item in enumerate(reader.list(data, "taxes", ()))
    )
    tranlog = Tranlog(
        tenant_id=reader.str(data, "tenant_id", ()),
        store_code=reader.str(data, "store_code", (), required=True),
        terminal_no=reader.int(data, "terminal_no", (), required=True),
        transaction_no=reader.int(data, "transaction_no", (), required=True),
        transaction_type=reader.int(data, "transaction_type", (), required=True),
        business_date=reader.str(data, "business_date", (), required=True),
        open_counter=reader.int(data, "open_counter", ()),
        business_counter=reader.int(data, "business_counter", ()),
        generate_date_time=reader.str(data, "generate_date_time", ()),
        receipt_no=reader.int(data, "receipt_no", ()),
        is_cancelled=reader.bool(sales, "is_cancelled", ("sales",)),
        total_amount=reader.money(sales, "total_amount", ("sales",)),
        total_amount_with_tax=reader.money(sales, "total_amount_with_tax", ("sales",)),
        tax_amount=reader.money(sales, "tax_amount", ("sales",)),
        total_quantity=reader.int(sales, "total_quantity", ("sales",), default=0),
        total_discount_amount=reader.money(sales, "total_discount_amount", ("sales",)),
        staff_id=reader.str(staff, "id", ("staff",)),
        event_id=reader.str(data, "event_id", ()),
        lines=tuple(lines),
        payments=payments,
        taxes=taxes,
        subtotal_discounts=_discounts(reader, reader.list(data, "subtotal_discounts", ()), ("subtotal_discounts",)),
        payload=payload,
    )
    reader.raise_if_failed()
    return tranlog


# --- cash and open/close logs: the session they belong to, then their own fields ---------------------------
@dataclass(frozen=True)
class SessionLog:
    tenant_id: str | None
    store_code: str
    terminal_no: int
    business_date: str
    open_counter: int | None
    business_counter: int | None


def _session_values(reader: _Reader, data: dict) -> dict[str, Any]:
    return {
        "tenant_id": reader.str(data, "tenant_id", ()),
        "store_code": reader.str(data, "store_code", (), required=True),
        "terminal_no": reader.int(data, "terminal_no", (), required=True),
        "business_date": reader.str(data, "business_date", (), required=True),
        "open_counter": reader.int(data, "open_counter", ()),
        "business_counter": reader.int(data, "business_counter", ()),
    }


@dataclass(frozen=True)
class CashLog(SessionLog):
    generate_date_time: str
    amount: Decimal
    description: str | None
    staff_id: str | None
    event_id: str | None
    payload: dict


def parse_cashlog(payload: Any) -> CashLog:
    reader = _Reader()
    data = reader.obj(snake_keys(payload), ())
    reader.raise_if_failed()
    log = CashLog(
        **_session_values(reader, data),
        generate_date_time=reader.str(data, "generate_date_time", (), required=True),
        amount=reader.money(data, "amount", ()),
        description=reader.str(data, "description", ()),
        staff_id=reader.str(data, "staff_id", ()),
        event_id=reader.str(data, "event_id", ()),
        payload=payload,
    )
    reader.raise_if_failed()
    return log


# --- open/close log -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenCloseLog(SessionLog):
    operation: str
    generate_date_time: str | None
    staff_id: str | None
    initial_amount: Decimal | None
    physical_amount: Decimal | None
    cart_transaction_count: int | None
    cart_transaction_last_no: int | None
    cash_in_out_count: int | None
    cash_in_out_last_datetime: str | None
    event_id: str | None
    payload: dict


def parse_opencloselog(payload: Any) -> OpenCloseLog:
    reader = _Reader()
    data = reader.obj(snake_keys(payload), ())
    reader.raise_if_failed()
    terminal_info = reader.obj(data.get("terminal_info"), ("terminal_info",))
    log = OpenCloseLog(
        **_session_values(reader, data),
        operation=reader.str(data, "operation", (), required=True),
        generate_date_time=reader.str(data, "generate_date_time", ()),
        staff_id=reader.str(data, "staff_id", ()),
        initial_amount=reader.money(terminal_info, "initial_amount", ("terminal_info",), default=None),
        physical_amount=reader.money(terminal_info, "physical_amount", ("terminal_info",), default=None),
        cart_transaction_count=reader.int(data, "cart_transaction_count", ()),
        cart_transaction_last_no=reader.int(data, "cart_transaction_last_no", ()),
        cash_in_out_count=reader.int(data, "cash_in_out_count", ()),
        cash_in_out_last_datetime=reader.str(data, "cash_in_out_last_datetime", ()),
        event_id=reader.str(data, "event_id", ()),
        payload=payload,
    )
    reader.raise_if_failed()
    return log
