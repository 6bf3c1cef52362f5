"""Payload factories for the three logs the report service consumes, shaped exactly as spec/00 §10.3-10.5
(snake_case keys, JSON numbers, ISO timestamps in the app time zone, ``event_id``), plus helpers that build the
spec/40 §7 scenarios from them. The cart is not built yet, so these stand in for its tranlogs.
"""

from __future__ import annotations

import uuid
from typing import Any

import factory

from tests.support import TENANT_A

STORE = "5678"
TERMINAL = 5555
DAY = "20250110"


def at(time: str, day: str = DAY) -> str:
    """``"10:01"`` -> ``"2025-01-10T10:01:00.000000+09:00"`` (app time zone, microseconds)."""
    return f"{day[:4]}-{day[4:6]}-{day[6:]}T{time}:00.000000+09:00"


def new_event_id() -> str:
    return str(uuid.uuid4())


# --- tranlog (spec/00 §10.3) ------------------------------------------------------------------------------------
class DiscountFactory(factory.DictFactory):
    seq_no = 1
    discount_type = "DiscountAmount"
    discount_value = factory.SelfAttribute("discount_amount")
    discount_amount = 0.0
    detail = None
    promotion_code = None
    promotion_type = None


class LineItemFactory(factory.DictFactory):
    line_no = 1
    item_code = "item123"
    category_code = "cat456"
    description = factory.LazyAttribute(lambda o: f"Item {o.item_code}")
    description_short = factory.LazyAttribute(lambda o: o.item_code)
    unit_price = 100.0
    unit_price_original = 0.0
    is_unit_price_changed = False
    quantity = 1
    discounts = factory.List([])
    discounts_allocated = factory.List([])
    amount = factory.LazyAttribute(
        lambda o: o.unit_price * o.quantity - sum(d["discount_amount"] for d in o.discounts)
    )
    tax_code = "01"
    is_cancelled = False


class PaymentFactory(factory.DictFactory):
    payment_no = 1
    payment_code = "01"
    deposit_amount = factory.SelfAttribute("amount")
    amount = 550.0
    description = "Cash"
    detail = None


class TaxFactory(factory.DictFactory):
    tax_no = 1
    tax_code = "01"
    tax_type = "External"
    tax_name = "外税10%"
    tax_amount = 50.0
    target_amount = 500.0
    target_quantity = 3


class SalesFactory(factory.DictFactory):
    reference_date_time = at("10:00")
    total_amount = 500.0
    total_amount_with_tax = 550.0
    tax_amount = 50.0
    total_quantity = 3
    change_amount = 0.0
    total_discount_amount = 0.0
    is_cancelled = False
    is_stamp_duty_applied = False
    stamp_duty_target_amount = 0.0
    stamp_duty_amount = 0.0


def d1_lines() -> list[dict]:
    """``item123/cat456 100×1 = 100`` and ``item234/cat567 200×2 = 400`` (spec/40 §7 base day)."""
    return [
        LineItemFactory(line_no=1, item_code="item123", category_code="cat456", unit_price=100.0, quantity=1),
        LineItemFactory(line_no=2, item_code="item234", category_code="cat567", unit_price=200.0, quantity=2),
    ]


class TranlogFactory(factory.DictFactory):
    shard_key = None
    created_at = None
    updated_at = None
    etag = None
    tenant_id = TENANT_A
    store_code = STORE
    store_name = "Kugel Store"
    terminal_no = TERMINAL
    transaction_no = factory.Sequence(lambda n: 1001 + n)
    transaction_type = 101
    business_date = DAY
    open_counter = 1
    business_counter = 1001
    generate_date_time = factory.LazyAttribute(lambda o: at(f"10:{o.transaction_no % 60:02d}", o.business_date))
    receipt_no = factory.LazyAttribute(lambda o: o.transaction_no + 1000)
    user = factory.Dict({"id": "admin", "name": "Admin"})
    sales = factory.SubFactory(SalesFactory, reference_date_time=factory.SelfAttribute("..generate_date_time"))
    line_items = factory.LazyFunction(d1_lines)
    payments = factory.LazyFunction(lambda: [PaymentFactory(amount=550.0, deposit_amount=1000.0)])
    taxes = factory.LazyFunction(lambda: [TaxFactory()])
    subtotal_discounts = factory.List([])
    origin = None
    staff = factory.Dict({"id": "S001", "name": "Staff One"})
    receipt_text = "<?xml version=\"1.0\" ?>\n<PrintData/>\n"
    journal_text = factory.LazyAttribute(lambda o: f"transaction {o.transaction_no}\n")
    additional_info = factory.Dict({})
    is_voided = False
    is_refunded = False
    event_id = factory.LazyFunction(new_event_id)


def tranlog(
    transaction_no: int,
    transaction_type: int = 101,
    *,
    with_tax: float = 550.0,
    total: float | None = None,
    tax: float = 50.0,
    quantity: int = 3,
    discount: float = 0.0,
    is_cancelled: bool = False,
    taxes: list[dict] | None = None,
    payments: list[dict] | None = None,
    line_items: list[dict] | None = None,
    subtotal_discounts: list[dict] | None = None,
    **extra: Any,
) -> dict:
    """A tranlog whose ``sales`` totals, taxes and payments agree (external tax unless ``taxes`` says else)."""
    origin = None
    if transaction_type != 101:
        origin = {
            "generate_date_time": at("09:30"),
            "tenant_id": TENANT_A,
            "store_code": extra.get("store_code", STORE),
            "store_name": "Kugel Store",
            "terminal_no": extra.get("terminal_no", TERMINAL),
            "transaction_no": 1,
            "transaction_type": 101,
            "receipt_no": 2000,
        }
    return TranlogFactory(
        transaction_no=transaction_no,
        transaction_type=transaction_type,
        sales=SalesFactory(
            total_amount=total if total is not None else with_tax - tax,
            total_amount_with_tax=with_tax,
            tax_amount=tax,
            total_quantity=quantity,
            total_discount_amount=discount,
            is_cancelled=is_cancelled,
        ),
        taxes=taxes if taxes is not None else [TaxFactory(tax_amount=tax, target_amount=with_tax - tax,
                                                          target_quantity=quantity)],
        payments=payments if payments is not None else [PaymentFactory(amount=with_tax)],
        line_items=line_items if line_items is not None else d1_lines(),
        subtotal_discounts=subtotal_discounts or [],
        origin=origin,
        **extra,
    )


# --- cash log (spec/00 §10.4) -----------------------------------------------------------------------------------
class CashlogFactory(factory.DictFactory):
    tenant_id = TENANT_A
    store_code = STORE
    store_name = "Kugel Store"
    terminal_no = TERMINAL
    staff_id = "S001"
    staff_name = "Staff One"
    business_date = DAY
    open_counter = 1
    business_counter = 1001
    generate_date_time = at("11:00")
    amount = 1000.0
    description = factory.LazyAttribute(lambda o: "Cash In (Default)" if o.amount > 0 else "Cash Out (Default)")
    receipt_text = "<?xml version=\"1.0\" ?>\n<PrintData/>\n"
    journal_text = "cash\n"
    shard_key = None
    created_at = None
    updated_at = None
    etag = None
    event_id = factory.LazyFunction(new_event_id)
    event_type = "cash_in_out"


# --- open/close log (spec/00 §10.5) -----------------------------------------------------------------------------
class TerminalInfoFactory(factory.DictFactory):
    tenant_id = TENANT_A
    store_code = STORE
    terminal_no = TERMINAL
    description = "Register 1"
    terminal_id = factory.LazyAttribute(lambda o: f"{o.tenant_id}-{o.store_code}-{o.terminal_no}")
    function_mode = "MainMenu"
    status = "Opened"
    business_date = DAY
    open_counter = 1
    business_counter = 1001
    staff = factory.Dict(
        {"tenant_id": TENANT_A, "store_code": STORE, "id": "S001", "name": "Staff One", "pin": "1234",
         "is_deleted": False, "shard_key": None, "created_at": None, "updated_at": None, "etag": None}
    )
    initial_amount = None
    physical_amount = None
    api_key = "****-****-****-****"
    tags = factory.List([])
    shard_key = None
    created_at = None
    updated_at = None
    etag = None


class OpenCloseLogFactory(factory.DictFactory):
    tenant_id = TENANT_A
    store_code = STORE
    store_name = "Kugel Store"
    terminal_no = TERMINAL
    staff_id = "S001"
    staff_name = "Staff One"
    business_date = DAY
    open_counter = 1
    business_counter = 1001
    operation = "open"
    generate_date_time = at("09:00")
    terminal_info = factory.SubFactory(
        TerminalInfoFactory,
        store_code=factory.SelfAttribute("..store_code"),
        terminal_no=factory.SelfAttribute("..terminal_no"),
        business_date=factory.SelfAttribute("..business_date"),
        open_counter=factory.SelfAttribute("..open_counter"),
        status=factory.LazyAttribute(lambda o: "Opened" if o.factory_parent.operation == "open" else "Closed"),
    )
    cart_transaction_count = None
    cart_transaction_last_no = None
    cash_in_out_count = None
    cash_in_out_last_datetime = None
    receipt_text = "<?xml version=\"1.0\" ?>\n<PrintData/>\n"
    journal_text = "open/close\n"
    shard_key = None
    created_at = None
    updated_at = None
    etag = None
    event_id = factory.LazyFunction(new_event_id)
    event_type = factory.SelfAttribute("operation")


def open_log(*, initial_amount: float | None = 10000.0, **extra: Any) -> dict:
    log = OpenCloseLogFactory(operation="open", **extra)
    log["terminal_info"]["initial_amount"] = initial_amount
    return log


def close_log(
    *,
    physical_amount: float | None,
    cart_transaction_count: int,
    cart_transaction_last_no: int | None,
    cash_in_out_count: int,
    cash_in_out_last_datetime: str | None,
    **extra: Any,
) -> dict:
    log = OpenCloseLogFactory(
        operation="close",
        generate_date_time=extra.pop("generate_date_time", at("18:00")),
        cart_transaction_count=cart_transaction_count,
        cart_transaction_last_no=cart_transaction_last_no,
        cash_in_out_count=cash_in_out_count,
        cash_in_out_last_datetime=cash_in_out_last_datetime,
        **extra,
    )
    log["terminal_info"]["physical_amount"] = physical_amount
    log["terminal_info"]["initial_amount"] = 10000.0
    return log


# --- the base day "D1" of spec/40 §7 ---------------------------------------------------------------------------
def d1_tranlogs(**extra: Any) -> list[dict]:
    """1001:101, 1002:101, 1003:101, 1004:102, 1005:201; each 500 + tax 50 = 550, 3 pieces, paid cash 550."""
    types = {1001: 101, 1002: 101, 1003: 101, 1004: 102, 1005: 201}
    return [
        tranlog(no, kind, receipt_no=no + 1000, generate_date_time=at(f"10:{no - 1000:02d}"), **extra)
        for no, kind in types.items()
    ]


def d1_cashlogs(**extra: Any) -> list[dict]:
    return [
        CashlogFactory(amount=1000.0, generate_date_time=at("11:00"), **extra),
        CashlogFactory(amount=2000.0, generate_date_time=at("11:10"), **extra),
        CashlogFactory(amount=-500.0, generate_date_time=at("11:20"), **extra),
    ]


def d1_logs(**extra: Any) -> dict[str, list[dict]]:
    """Every log of D1, by event type: five tranlogs, three cash logs, the open and the close log."""
    return {
        "tranlog": d1_tranlogs(**extra),
        "cashlog": d1_cashlogs(**extra),
        "opencloselog": [
            open_log(**extra),
            close_log(
                physical_amount=20000.0,
                cart_transaction_count=5,
                cart_transaction_last_no=1005,
                cash_in_out_count=3,
                cash_in_out_last_datetime=at("11:20"),
                **extra,
            ),
        ],
    }
