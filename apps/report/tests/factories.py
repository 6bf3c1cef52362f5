"""The spec/40 §7 scenarios the report tests consume, built from the shared Kugelpos log factories
(``tests/log_factories.py``): tranlogs whose totals, taxes and payments agree, the open and close logs, the base
day "D1".
"""

from __future__ import annotations

from typing import Any

from tests.log_factories import (
    BUSINESS_DATE,
    STORE_CODE,
    TERMINAL_NO,
    CashlogFactory,
    DiscountFactory,
    LineItemFactory,
    OpenCloseLogFactory,
    PaymentFactory,
    SalesFactory,
    TaxFactory,
    TranlogFactory,
    at,
    d1_lines,
    new_event_id,
)
from tests.support import TENANT_A

__all__ = [
    "DAY", "STORE", "TERMINAL", "CashlogFactory", "DiscountFactory", "LineItemFactory", "PaymentFactory",
    "TaxFactory", "at", "close_log", "d1_logs", "new_event_id", "open_log", "tranlog",
]

STORE = STORE_CODE
TERMINAL = TERMINAL_NO
DAY = BUSINESS_DATE


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
    extra.setdefault("generate_date_time", at(f"10:{transaction_no % 60:02d}", extra.get("business_date", DAY)))
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


def open_log(*, initial_amount: float | None = 10000.0, **extra: Any) -> dict:
    return OpenCloseLogFactory(operation="open", terminal_info__initial_amount=initial_amount, **extra)


def close_log(
    *,
    physical_amount: float | None,
    cart_transaction_count: int,
    cart_transaction_last_no: int | None,
    cash_in_out_count: int,
    cash_in_out_last_datetime: str | None,
    **extra: Any,
) -> dict:
    return OpenCloseLogFactory(
        operation="close",
        generate_date_time=extra.pop("generate_date_time", at("18:00")),
        terminal_info__physical_amount=physical_amount,
        terminal_info__initial_amount=10000.0,
        cart_transaction_count=cart_transaction_count,
        cart_transaction_last_no=cart_transaction_last_no,
        cash_in_out_count=cash_in_out_count,
        cash_in_out_last_datetime=cash_in_out_last_datetime,
        **extra,
    )


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
