"""Factories: the three log payloads exactly as producers publish them (spec/00 §10.3-10.5, snake_case, with
``event_id``), with receipt and journal text rendered by the shared renderer as cart (spec/30 §9.4) and terminal
(spec/10 §8) render them, plus the journal entry model.

``d1_events()`` builds the base day "D1" of spec/40 §7.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import factory

from apps.core import receipt
from apps.journal.models import JournalEntry
from tests.support import TENANT_A

STORE_CODE = "5678"
STORE_NAME = "Kugel Store"
TERMINAL_NO = 5555
BUSINESS_DATE = "20250110"
OPEN_COUNTER = 1
BUSINESS_COUNTER = 1001
STAFF = {"id": "S001", "name": "Staff One"}
USER = {"id": "admin", "name": "admin"}

TITLES = {101: "領 収 証", 102: "返 品 伝 票", 201: "売上取消伝票", 202: "返品取消伝票"}
TYPE_NAMES = {101: "売 上", 102: "返 品"}


def new_event_id() -> str:
    return str(uuid.uuid4())


def at(clock: str) -> str:
    """``"10:15:00"`` -> the ISO app-time timestamp of that moment on the D1 business day."""
    return f"2025-01-10T{clock}.000000+09:00"


# --- tranlog ------------------------------------------------------------------------------------------------
class LineItemFactory(factory.DictFactory):
    line_no = factory.Sequence(lambda n: n % 99 + 1)
    item_code = "item123"
    category_code = "cat456"
    description = factory.LazyAttribute(lambda o: f"Item {o.item_code}")
    description_short = factory.LazyAttribute(lambda o: o.item_code)
    unit_price = 100.0
    unit_price_original = 100.0
    is_unit_price_changed = False
    quantity = 1
    discounts = factory.List([])
    discounts_allocated = factory.List([])
    amount = factory.LazyAttribute(lambda o: o.unit_price * o.quantity)
    tax_code = "01"
    is_cancelled = False


class PaymentFactory(factory.DictFactory):
    payment_no = 1
    payment_code = "01"
    deposit_amount = 1000.0
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
    reference_date_time = None
    total_amount = 500.0
    total_amount_with_tax = 550.0
    tax_amount = 50.0
    total_quantity = 3
    change_amount = 450.0
    total_discount_amount = 0.0
    is_cancelled = False
    is_stamp_duty_applied = False
    stamp_duty_target_amount = 0.0
    stamp_duty_amount = 0.0


def tranlog_lines(log) -> list[receipt.Line]:
    """The cart's receipt lines (spec/30 §9.4) for a tranlog."""
    staff_id = (log.staff or {}).get("id") or ""
    lines = [
        receipt.split(f"レジNo. {log.terminal_no}", f"責# {staff_id}"),
        receipt.left(receipt.format_datetime(log.generate_date_time)),
    ]
    sales = log.sales
    if sales["is_cancelled"]:
        return [*lines, receipt.center("【 取 引 中 止 】")]
    lines.append(receipt.center(f"【 {TITLES.get(log.transaction_type, '')} 】"))
    lines.append(receipt.border())
    for item in log.line_items:
        if item["is_cancelled"]:
            continue
        mark = {"01": "外", "02": "込"}.get(item["tax_code"], "  ")
        gross = item["amount"] + sum(d["discount_amount"] for d in item["discounts"])
        lines.append(receipt.split(item["description"], receipt.comma(gross) + mark))
        if item["quantity"] >= 2:
            count = f"{receipt.comma(item['quantity'])} 個".rjust(12)
            lines.append(receipt.left(count + "@" + receipt.comma(item["unit_price"])))
    lines.append(receipt.border())
    quantity = f"{receipt.comma(sales['total_quantity'])} 個".rjust(16)
    lines.append(receipt.split("小計" + quantity, receipt.yen(sales["total_amount"]) + "  "))
    for tax in log.taxes:
        if tax["tax_type"] == "External":
            lines.append(receipt.split("  " + tax["tax_name"], receipt.yen(tax["tax_amount"]) + "  "))
    lines.append(receipt.split("合計", receipt.yen(sales["total_amount_with_tax"]) + "  "))
    for tax in log.taxes:
        lines.append(receipt.split(f"  ({tax['tax_name']} 対象額", receipt.yen(tax["target_amount"]) + ")  "))
        lines.append(receipt.split(f"  ({tax['tax_name']}", receipt.yen(tax["tax_amount"]) + ")  "))
    cash = [p for p in log.payments if p["payment_code"] == "01"]
    if cash:
        lines.append(receipt.split("お預り", receipt.yen(sum(p["deposit_amount"] for p in cash)) + "  "))
        lines.append(receipt.split("お釣り", receipt.yen(sales["change_amount"]) + "  "))
        lines.append(receipt.border())
    for payment in sorted(log.payments, key=lambda p: p["payment_code"]):
        lines.append(receipt.split(payment["description"], receipt.yen(payment["amount"]) + "  "))
    if log.origin:
        origin = log.origin
        lines += [
            receipt.border(),
            receipt.left("[対象レシート]"),
            receipt.split("日時", receipt.format_datetime(origin["generate_date_time"])),
            receipt.split("取引区分", TYPE_NAMES.get(origin["transaction_type"], "不 明")),
            receipt.split("店舗コード", origin["store_code"]),
            receipt.split("店舗名", origin["store_name"]),
            receipt.split("レジNo.", str(origin["terminal_no"])),
            receipt.split("レシートNo.", str(origin["receipt_no"])),
            receipt.split("取引通番", str(origin["transaction_no"])),
        ]
    lines += [receipt.border(), receipt.left(f"レシートNo. {log.receipt_no}")]
    return lines


def _origin(log) -> dict | None:
    if log.transaction_type not in (102, 201, 202):
        return None
    return {
        "generate_date_time": at("09:30:00"),
        "tenant_id": log.tenant_id,
        "store_code": log.store_code,
        "store_name": log.store_name,
        "terminal_no": log.terminal_no,
        "transaction_no": log.origin_transaction_no,
        "transaction_type": 101,
        "receipt_no": log.origin_transaction_no + 1000,
    }


class TranlogPayloadFactory(factory.DictFactory):
    """A tranlog event payload (spec/00 §10.3). Default: a D1 sale of 550 (two lines, tax 50, cash 1000)."""

    class Params:
        origin_transaction_no = 1001
        cancelled = factory.Trait(sales=factory.SubFactory(SalesFactory, is_cancelled=True, change_amount=0.0))

    shard_key = None
    created_at = None
    updated_at = None
    etag = None
    tenant_id = TENANT_A
    store_code = STORE_CODE
    store_name = STORE_NAME
    terminal_no = TERMINAL_NO
    transaction_no = factory.Sequence(lambda n: 1001 + n)
    transaction_type = 101
    business_date = BUSINESS_DATE
    open_counter = OPEN_COUNTER
    business_counter = BUSINESS_COUNTER
    generate_date_time = factory.Sequence(lambda n: at(f"10:{n // 60 % 60:02d}:{n % 60:02d}"))
    receipt_no = factory.LazyAttribute(lambda o: o.transaction_no + 1000)
    user = factory.LazyFunction(lambda: dict(USER))
    sales = factory.SubFactory(SalesFactory)
    line_items = factory.List(
        [
            factory.SubFactory(LineItemFactory, line_no=1, item_code="item123", category_code="cat456"),
            factory.SubFactory(
                LineItemFactory, line_no=2, item_code="item234", category_code="cat567", unit_price=200.0, quantity=2
            ),
        ]
    )
    payments = factory.List([factory.SubFactory(PaymentFactory)])
    taxes = factory.List([factory.SubFactory(TaxFactory)])
    subtotal_discounts = factory.List([])
    origin = factory.LazyAttribute(_origin)
    staff = factory.LazyFunction(lambda: dict(STAFF))
    receipt_text = factory.LazyAttribute(lambda o: receipt.render_receipt_xml(tranlog_lines(o)))
    journal_text = factory.LazyAttribute(lambda o: receipt.render_journal(tranlog_lines(o)))
    additional_info = factory.LazyFunction(dict)
    is_voided = False
    is_refunded = False
    event_id = factory.LazyFunction(new_event_id)


# --- terminal logs ------------------------------------------------------------------------------------------
def terminal_header(log, title: str) -> list[receipt.Line]:
    """Header of cash and open/close receipts (spec/10 §8)."""
    staff = "責# " + (receipt.zero_fill(log.staff_id, 6) if log.staff_id else "------")
    lines = [
        receipt.left(f"店舗名 {log.store_name}" if log.store_name is not None else log.store_code),
        receipt.split(f"レジNo. {log.terminal_no}", staff),
        receipt.left(receipt.format_datetime(log.generate_date_time)),
        receipt.center(" "),
        receipt.center(title),
        receipt.center(" "),
        receipt.left("営業日付 " + receipt.format_business_date(log.business_date)),
    ]
    if log.open_counter is not None:
        lines.append(receipt.left("開設回数 " + (receipt.comma(log.open_counter) + "回").ljust(10)))
    return lines


def cashlog_lines(log) -> list[receipt.Line]:
    title = "【 入 金  レ ポ ー ト 】" if log.amount >= 0 else "【 出 金  レ ポ ー ト 】"
    return [
        *terminal_header(log, title),
        receipt.border(),
        receipt.split(log.description or "", receipt.comma(log.amount) + "円"),
        receipt.border(),
        receipt.left("レシートNo. ------"),
    ]


class CashlogPayloadFactory(factory.DictFactory):
    """A cash in/out event payload (spec/00 §10.4); ``amount`` is signed."""

    tenant_id = TENANT_A
    store_code = STORE_CODE
    store_name = STORE_NAME
    terminal_no = TERMINAL_NO
    staff_id = STAFF["id"]
    staff_name = STAFF["name"]
    business_date = BUSINESS_DATE
    open_counter = OPEN_COUNTER
    business_counter = BUSINESS_COUNTER
    generate_date_time = factory.Sequence(lambda n: at(f"11:{n // 60 % 60:02d}:{n % 60:02d}"))
    amount = 1000.0
    description = factory.LazyAttribute(lambda o: "Cash In (Default)" if o.amount > 0 else "Cash Out (Default)")
    receipt_text = factory.LazyAttribute(lambda o: receipt.render_receipt_xml(cashlog_lines(o)))
    journal_text = factory.LazyAttribute(lambda o: receipt.render_journal(cashlog_lines(o)))
    shard_key = None
    created_at = None
    updated_at = None
    etag = None
    event_id = factory.LazyFunction(new_event_id)
    event_type = "cash_in_out"


class TerminalInfoFactory(factory.DictFactory):
    """The terminal snapshot in an open/close log (spec/10 §7.1); the API key is masked."""

    tenant_id = TENANT_A
    store_code = STORE_CODE
    terminal_no = TERMINAL_NO
    description = "Register 5555"
    terminal_id = factory.LazyAttribute(lambda o: f"{o.tenant_id}-{o.store_code}-{o.terminal_no}")
    function_mode = "MainMenu"
    status = "Opened"
    business_date = BUSINESS_DATE
    open_counter = OPEN_COUNTER
    business_counter = BUSINESS_COUNTER
    staff = factory.LazyAttribute(
        lambda o: {"tenant_id": o.tenant_id, "store_code": o.store_code, **STAFF, "pin": "1234", "is_deleted": False}
    )
    initial_amount = 10000.0
    physical_amount = None
    api_key = "****-****-****-****"
    tags = factory.List([])
    created_at = "2025-01-01T09:00:00.000000+09:00"
    updated_at = None


def opencloselog_lines(log) -> list[receipt.Line]:
    if log.operation == "open":
        title, item1, amount = "【 開 設  レ ポ ー ト 】", "釣銭準備金", log.terminal_info["initial_amount"]
    else:
        title, item1, amount = "【 精 算  レ ポ ー ト 】", "ドロア内現金", log.terminal_info["physical_amount"]
    return [
        *terminal_header(log, title),
        receipt.border(),
        receipt.split(item1, receipt.comma(amount or 0) + "円"),
        receipt.border(),
        receipt.left("レシートNo. ------"),
    ]


class OpenCloseLogPayloadFactory(factory.DictFactory):
    """An open/close event payload (spec/00 §10.5). Default: the D1 open; ``close=True`` for the close."""

    class Params:
        close = factory.Trait(
            operation="close",
            generate_date_time=at("18:00:00"),
            terminal_info=factory.SubFactory(TerminalInfoFactory, status="Closed", physical_amount=20000.0),
            cart_transaction_count=5,
            cart_transaction_last_no=1005,
            cash_in_out_count=3,
            cash_in_out_last_datetime=at("11:00:02"),
        )

    tenant_id = TENANT_A
    store_code = STORE_CODE
    store_name = STORE_NAME
    terminal_no = TERMINAL_NO
    staff_id = STAFF["id"]
    staff_name = STAFF["name"]
    business_date = BUSINESS_DATE
    open_counter = OPEN_COUNTER
    business_counter = BUSINESS_COUNTER
    operation = "open"
    generate_date_time = at("09:00:00")
    terminal_info = factory.SubFactory(TerminalInfoFactory)
    cart_transaction_count = None
    cart_transaction_last_no = None
    cash_in_out_count = None
    cash_in_out_last_datetime = None
    receipt_text = factory.LazyAttribute(lambda o: receipt.render_receipt_xml(opencloselog_lines(o)))
    journal_text = factory.LazyAttribute(lambda o: receipt.render_journal(opencloselog_lines(o)))
    shard_key = None
    created_at = None
    updated_at = None
    etag = None
    event_id = factory.LazyFunction(new_event_id)
    event_type = factory.LazyAttribute(lambda o: o.operation)


def d1_events() -> list[tuple[str, dict]]:
    """Base day D1 (spec/40 §7): open, five tranlogs (1001-1003 sales, 1004 return, 1005 void; receipts
    2001-2005), cash +1000 / +2000 / -500, close. As ``(event_type, payload)`` in the order they happen."""
    tranlogs = [
        TranlogPayloadFactory(
            transaction_no=number, receipt_no=number + 1000, transaction_type=kind,
            generate_date_time=at(f"10:00:{number - 1000:02d}"),
        )
        for number, kind in ((1001, 101), (1002, 101), (1003, 101), (1004, 102), (1005, 201))
    ]
    cashlogs = [
        CashlogPayloadFactory(amount=amount, generate_date_time=at(f"11:00:0{index}"))
        for index, amount in enumerate((1000.0, 2000.0, -500.0))
    ]
    return [
        ("opencloselog", OpenCloseLogPayloadFactory()),
        *(("tranlog", log) for log in tranlogs),
        *(("cashlog", log) for log in cashlogs),
        ("opencloselog", OpenCloseLogPayloadFactory(close=True)),
    ]


# --- model --------------------------------------------------------------------------------------------------
class JournalEntryFactory(factory.django.DjangoModelFactory):
    """A stored entry (create it inside ``tenant_context``). Default: a D1 sale with its receipt number.

    Stored through ``journal_entry_store``, as every entry is: appended to its terminal's hash chain."""

    class Meta:
        model = JournalEntry

    tenant_id = TENANT_A
    store_code = STORE_CODE
    terminal_no = TERMINAL_NO
    transaction_no = factory.Sequence(lambda n: 1001 + n)
    transaction_type = 101
    business_date = BUSINESS_DATE
    open_counter = OPEN_COUNTER
    business_counter = BUSINESS_COUNTER
    generate_date_time = factory.Sequence(lambda n: at(f"12:{n // 60 % 60:02d}:{n % 60:02d}"))
    receipt_no = factory.LazyAttribute(lambda o: o.transaction_no + 1000 if o.transaction_no is not None else None)
    amount = Decimal("550")
    quantity = 3
    staff_id = STAFF["id"]
    user_id = USER["id"]
    journal_text = factory.LazyAttribute(lambda o: f"レシートNo. {o.receipt_no}\n")
    receipt_text = "<PrintData/>"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from apps.journal.mapping import JournalEntryData
        from apps.journal.services import journal_entry_store

        entry = JournalEntryData(**kwargs)
        journal_entry_store(entry=entry)
        return model_class.objects.get(
            store_code=entry.store_code,
            terminal_no=entry.terminal_no,
            transaction_type=entry.transaction_type,
            generate_date_time=entry.generate_date_time,
        )
