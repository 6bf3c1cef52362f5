"""Parsing of the consumed log payloads (spec/00 §10.3-10.5): keys in either case, errors located."""

from decimal import Decimal

import pytest

from apps.report.logs import LogFormatError, parse_cashlog, parse_opencloselog, parse_tranlog, snake_keys

from .factories import CashlogFactory, DiscountFactory, LineItemFactory, at, close_log, open_log, tranlog


def test_snake_keys_keeps_snake_keys_first():
    assert snake_keys({"totalAmount": 1, "total_amount": 2, "lineItems": [{"itemCode": "x"}]}) == {
        "total_amount": 2, "line_items": [{"item_code": "x"}]}
    assert snake_keys({"total_amount": 2, "totalAmount": 1}) == {"total_amount": 2}


def test_parse_tranlog_reads_every_consumed_field():
    line = LineItemFactory(unit_price=1000.0, quantity=2, discounts=[DiscountFactory(discount_amount=100.0)],
                           discounts_allocated=[DiscountFactory(discount_amount=50.0)])
    log = parse_tranlog(tranlog(1001, 102, with_tax=1100.0, tax=100.0, quantity=2, line_items=[line],
                                subtotal_discounts=[DiscountFactory(discount_amount=50.0)]))
    assert (log.store_code, log.terminal_no, log.transaction_no, log.transaction_type, log.business_date,
            log.open_counter, log.business_counter, log.staff_id) == ("5678", 5555, 1001, 102, "20250110", 1, 1001,
                                                                     "S001")
    assert (log.total_amount_with_tax, log.tax_amount, log.total_quantity, log.is_cancelled) == (
        Decimal("1100.0"), Decimal("100.0"), 2, False)
    [parsed] = log.lines
    assert (parsed.amount, parsed.quantity, len(parsed.discounts), len(parsed.discounts_allocated)) == (
        Decimal("1900.0"), 2, 1, 1)
    assert log.taxes[0].tax_name == "外税10%" and log.payments[0].amount == Decimal("1100.0")
    assert log.subtotal_discounts[0].discount_amount == Decimal("50.0")
    assert log.payload["origin"]["transaction_type"] == 101  # the original payload is kept as received


def test_parse_tranlog_defaults_for_optional_parts():
    log = parse_tranlog({"store_code": "1", "terminal_no": "2", "transaction_no": 3, "transaction_type": 101,
                         "business_date": "x", "sales": None, "line_items": None, "staff": None})
    assert (log.terminal_no, log.total_amount_with_tax, log.lines, log.staff_id) == (2, Decimal(0), (), None)


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ([], [(("body",), "Input should be a valid dictionary")]),
        ({"store_code": 1, "terminal_no": True, "transaction_no": 1.5, "transaction_type": 101,
          "business_date": "d"},
         [(("body", "storeCode"), "Input should be a valid string"),
          (("body", "terminalNo"), "Input should be a valid integer"),
          (("body", "transactionNo"), "Input should be a valid integer, unable to parse string as an integer")]),
        ({"store_code": "s", "terminal_no": 1, "transaction_no": 1, "transaction_type": 101, "business_date": "d",
          "line_items": [{"amount": "x", "discounts": "no"}], "payments": {}},
         [(("body", "lineItems", "0", "discounts"), "Input should be a valid list"),
          (("body", "lineItems", "0", "amount"), "Input should be a valid number, unable to parse string as a number"),
          (("body", "payments"), "Input should be a valid list")]),
        # beyond the columns they are stored in (integer, numeric(18, 4)): refused, not a database error
        ({"store_code": "s", "terminal_no": 2**31, "transaction_no": -(2**31) - 1, "transaction_type": 101,
          "business_date": "d", "line_items": [{"amount": 1e14, "quantity": 10**30}]},
         [(("body", "terminalNo"), "Input should be less than or equal to 2147483647"),
          (("body", "transactionNo"), "Input should be greater than or equal to -2147483648"),
          (("body", "lineItems", "0", "amount"), "Input should be less than 1e14 in magnitude"),
          (("body", "lineItems", "0", "quantity"), "Input should be less than or equal to 2147483647")]),
    ],
)
def test_parse_tranlog_errors(payload, errors):
    with pytest.raises(LogFormatError) as caught:
        parse_tranlog(payload)
    assert sorted(caught.value.errors) == sorted(errors)


def test_parse_cashlog_and_opencloselog():
    cash = parse_cashlog(CashlogFactory(amount=-500.0, generate_date_time=at("11:00")))
    assert (cash.amount, cash.description, cash.generate_date_time) == (
        Decimal("-500.0"), "Cash Out (Default)", "2025-01-10T11:00:00.000000+09:00")
    opened = parse_opencloselog(open_log())
    assert (opened.operation, opened.initial_amount, opened.physical_amount, opened.cash_in_out_count) == (
        "open", Decimal("10000.0"), None, None)
    closed = parse_opencloselog(close_log(physical_amount=20000.0, cart_transaction_count=5,
                                          cart_transaction_last_no=1005, cash_in_out_count=3,
                                          cash_in_out_last_datetime="t"))
    assert (closed.operation, closed.physical_amount, closed.cart_transaction_count, closed.cart_transaction_last_no,
            closed.cash_in_out_last_datetime) == ("close", Decimal("20000.0"), 5, 1005, "t")
    with pytest.raises(LogFormatError):
        parse_opencloselog({**open_log(), "operation": None})
