"""Journal test data: the base day "D1" of spec/40 §7 as the log payloads producers publish (the shared factories
of ``tests/log_factories.py``), and the journal entry model.
"""

from __future__ import annotations

from decimal import Decimal

import factory

from apps.journal.models import JournalEntry
from tests.log_factories import (
    BUSINESS_COUNTER,
    BUSINESS_DATE,
    OPEN_COUNTER,
    STAFF,
    STORE_CODE,
    TERMINAL_NO,
    USER,
    CashlogFactory,
    OpenCloseLogFactory,
    TranlogFactory,
    at,
)
from tests.support import TENANT_A

__all__ = ["JournalEntryFactory", "at", "d1_events"]


def d1_events() -> list[tuple[str, dict]]:
    """Base day D1 (spec/40 §7): open, five tranlogs (1001-1003 sales, 1004 return, 1005 void; receipts
    2001-2005), cash +1000 / +2000 / -500, close. As ``(event_type, payload)`` in the order they happen."""
    tranlogs = [
        TranlogFactory(
            transaction_no=number, receipt_no=number + 1000, transaction_type=kind,
            generate_date_time=at(f"10:00:{number - 1000:02d}"),
        )
        for number, kind in ((1001, 101), (1002, 101), (1003, 101), (1004, 102), (1005, 201))
    ]
    cashlogs = [
        CashlogFactory(amount=amount, generate_date_time=at(f"11:00:0{index}"))
        for index, amount in enumerate((1000.0, 2000.0, -500.0))
    ]
    return [
        ("opencloselog", OpenCloseLogFactory()),
        *(("tranlog", log) for log in tranlogs),
        *(("cashlog", log) for log in cashlogs),
        ("opencloselog", OpenCloseLogFactory(close=True)),
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
