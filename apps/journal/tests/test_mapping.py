"""From a log payload to its journal entry (spec/40 §4.3), without a database."""

from decimal import Decimal

import pytest

from apps.journal.errors import JournalValidationError
from apps.journal.mapping import (
    cash_transaction_type,
    entry_from_cashlog,
    entry_from_opencloselog,
    entry_from_tranlog,
    journal_transaction_type,
    open_close_transaction_type,
)
from apps.journal.services import journal_log_parse
from apps.journal.tests.factories import (
    CashlogPayloadFactory,
    OpenCloseLogPayloadFactory,
    TranlogPayloadFactory,
)
from tests.support import TENANT_A


@pytest.mark.parametrize(
    ("tranlog_type", "is_cancelled", "journal_type"),
    [(101, False, 101), (101, True, -101), (102, False, 102), (102, True, 102), (201, False, 201),
     (202, False, 202), (201, True, 201)],
)
def test_only_a_cancelled_normal_sale_is_filed_under_minus_101(tranlog_type, is_cancelled, journal_type):
    assert journal_transaction_type(tranlog_type, is_cancelled=is_cancelled) == journal_type


@pytest.mark.parametrize(
    ("amount", "journal_type"), [(Decimal("1000"), 401), (Decimal("0.01"), 401), (Decimal("0"), 402),
                                 (Decimal("-500"), 402)],
)
def test_cash_type_follows_the_sign_and_zero_is_cash_out(amount, journal_type):
    assert cash_transaction_type(amount) == journal_type


@pytest.mark.parametrize(("operation", "journal_type"), [("open", 301), ("close", 302), ("other", 302)])
def test_open_close_type(operation, journal_type):
    assert open_close_transaction_type(operation) == journal_type


def parsed(event_type, payload):
    return journal_log_parse(event_type=event_type, payload=payload)


def test_tranlog_entry_carries_the_sale_and_its_texts_as_produced():
    payload = TranlogPayloadFactory(transaction_no=1001, receipt_no=2001)
    entry = entry_from_tranlog(parsed("tranlog", payload), tenant_id=TENANT_A)
    assert (entry.store_code, entry.terminal_no) == ("5678", 5555)
    assert (entry.transaction_no, entry.receipt_no) == (1001, 2001)
    assert (entry.transaction_type, entry.amount, entry.quantity) == (101, Decimal("550.0000"), 3)
    assert (entry.business_date, entry.open_counter, entry.business_counter) == ("20250110", 1, 1001)
    assert (entry.staff_id, entry.user_id) == ("S001", "admin")
    assert entry.generate_date_time == payload["generate_date_time"]
    assert entry.journal_text == payload["journal_text"] and entry.receipt_text == payload["receipt_text"]
    assert entry.receipt_text.startswith('<?xml version="1.0" ?>\n<PrintData>')


def test_a_cancelled_sale_keeps_its_unsigned_amount_under_minus_101():
    entry = entry_from_tranlog(parsed("tranlog", TranlogPayloadFactory(cancelled=True)), tenant_id=TENANT_A)
    assert (entry.transaction_type, entry.amount) == (-101, Decimal("550.0000"))
    assert "取 引 中 止" in entry.journal_text


def test_void_and_return_amounts_stay_positive():
    for kind in (102, 201, 202):
        payload = TranlogPayloadFactory(transaction_type=kind)
        entry = entry_from_tranlog(parsed("tranlog", payload), tenant_id=TENANT_A)
        assert (entry.transaction_type, entry.amount, entry.quantity) == (kind, Decimal("550.0000"), 3)


def test_null_staff_and_user_give_null_ids_instead_of_a_crash():
    payload = TranlogPayloadFactory(staff=None, user=None)
    entry = entry_from_tranlog(parsed("tranlog", payload), tenant_id=TENANT_A)
    assert (entry.staff_id, entry.user_id) == (None, None)


def test_camel_case_payload_keys_are_accepted():
    payload = TranlogPayloadFactory(transaction_no=7, receipt_no=8)
    camel = {"tenantId": TENANT_A, "storeCode": "5678", "terminalNo": 5555, "transactionNo": 7,
             "transactionType": 101, "businessDate": "20250110", "openCounter": 1, "businessCounter": 1001,
             "generateDateTime": payload["generate_date_time"], "receiptNo": 8,
             "sales": {"totalAmountWithTax": 550.0, "totalQuantity": 3, "isCancelled": True},
             "staff": {"id": "S001"}, "receiptText": "r", "journalText": "j"}
    entry = entry_from_tranlog(parsed("tranlog", camel), tenant_id=TENANT_A)
    assert (entry.transaction_type, entry.transaction_no, entry.receipt_no) == (-101, 7, 8)
    assert entry.amount == Decimal("550")


def test_cash_entries_keep_the_signed_amount_and_no_numbers():
    cash_in = entry_from_cashlog(parsed("cashlog", CashlogPayloadFactory(amount=1000.0)), tenant_id=TENANT_A)
    cash_out = entry_from_cashlog(parsed("cashlog", CashlogPayloadFactory(amount=-500.0)), tenant_id=TENANT_A)
    assert (cash_in.transaction_type, cash_in.amount, cash_in.quantity) == (401, Decimal("1000"), 0)
    assert (cash_out.transaction_type, cash_out.amount) == (402, Decimal("-500"))
    assert (cash_out.transaction_no, cash_out.receipt_no) == (None, None)
    assert (cash_out.staff_id, cash_out.user_id) == ("S001", None)
    assert "出 金" in cash_out.journal_text


def test_open_and_close_entries_have_zero_amount():
    opened = entry_from_opencloselog(parsed("opencloselog", OpenCloseLogPayloadFactory()), tenant_id=TENANT_A)
    closed = entry_from_opencloselog(parsed("opencloselog", OpenCloseLogPayloadFactory(close=True)),
                                     tenant_id=TENANT_A)
    assert (opened.transaction_type, opened.amount, opened.quantity, opened.staff_id) == (301, Decimal(0), 0, "S001")
    assert (closed.transaction_type, closed.amount) == (302, Decimal(0))
    assert "20,000円" in closed.journal_text


@pytest.mark.parametrize(
    ("event_type", "change", "field"),
    [
        ("tranlog", {"terminal_no": "abc"}, "terminalNo"),
        ("tranlog", {"sales": None}, "sales"),
        ("tranlog", {"journal_text": None}, "journalText"),
        ("tranlog", {"store_code": 5678}, "storeCode"),
        ("cashlog", {"amount": "lots"}, "amount"),
        ("opencloselog", {"operation": None}, "operation"),
    ],
)
def test_a_payload_that_does_not_fit_names_the_field(event_type, change, field):
    factory = {"tranlog": TranlogPayloadFactory, "cashlog": CashlogPayloadFactory,
               "opencloselog": OpenCloseLogPayloadFactory}[event_type]
    payload = {**factory(), **change}
    with pytest.raises(JournalValidationError) as caught:
        parsed(event_type, payload)
    assert caught.value.error_code == "410002"
    assert caught.value.message.startswith(f"Invalid {event_type} payload: {field}")


def test_the_shared_reader_keeps_nothing_from_one_payload_to_the_next():
    """One serializer per log type serves every parse: a bad payload between two good ones changes neither."""
    good = TranlogPayloadFactory()
    other = {**TranlogPayloadFactory(), "terminal_no": 77, "staff": None}
    first = parsed("tranlog", good)
    with pytest.raises(JournalValidationError) as caught:
        parsed("tranlog", {**good, "terminal_no": "abc", "sales": {"total_quantity": "x"}})
    assert "terminalNo" in caught.value.message and "sales -> totalQuantity" in caught.value.message
    assert parsed("tranlog", good) == first
    second = parsed("tranlog", other)
    assert (second["terminal_no"], second["staff"]) == (77, None) and first["terminal_no"] != 77
    with pytest.raises(JournalValidationError) as again:
        parsed("tranlog", {**good, "store_code": 5})
    assert again.value.message == "Invalid tranlog payload: storeCode: Input should be a valid string"
