"""The report scenarios of spec/40 §7 through the API, with the spec's numbers.

Logs enter through the real consumer (``apps.core.events.event_consume``), as the outbox fan-out delivers them.
"""

import pytest

from tests.support import TENANT_A

from .factories import (
    DAY,
    STORE,
    TERMINAL,
    DiscountFactory,
    LineItemFactory,
    PaymentFactory,
    TaxFactory,
    d1_logs,
    tranlog,
)

pytestmark = pytest.mark.django_db


def amount(amount, quantity, count):
    return {"amount": amount, "quantity": quantity, "count": count}


@pytest.fixture
def d1(consume_all):
    consume_all(d1_logs())


# --- 1. D1 flash sales ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("scope", ["flash", "flush"])
@pytest.mark.parametrize("terminal", [None, TERMINAL])
def test_d1_flash_sales(d1, get_report, scope, terminal):
    response = get_report(terminal=terminal, report_scope=scope, report_type="sales", business_date=DAY,
                          open_counter=1)
    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Sales report fetched successfully"
    assert body["operation"] == ("get_report_for_store" if terminal is None else "get_report_for_terminal")
    data = body["data"]
    assert {k: data[k] for k in ("tenantId", "storeCode", "terminalNo", "businessDate", "businessDateFrom",
                                 "businessDateTo", "openCounter", "businessCounter")} == {
        "tenantId": TENANT_A, "storeCode": STORE, "terminalNo": terminal, "businessDate": DAY,
        "businessDateFrom": None, "businessDateTo": None, "openCounter": 1, "businessCounter": None}
    assert data["salesGross"] == amount(1100.0, 6, 2)
    assert data["returns"] == amount(550.0, 3, 1)
    assert data["discountForLineitems"] == amount(0.0, 0, 0)
    assert data["discountForSubtotal"] == amount(0.0, 0, 0)
    assert data["salesNet"] == amount(500.0, 3, 1)
    assert data["taxes"] == [{"taxName": "外税10%", "taxAmount": 50.0, "targetAmount": 500.0, "targetQuantity": 3}]
    assert data["payments"] == [{"paymentName": "Cash", "amount": 550.0, "count": 1}]
    assert data["cash"] == {"logicalAmount": 3050.0, "physicalAmount": 20000.0, "differenceAmount": 16950.0,
                            "cashIn": {"amount": 3000.0, "count": 2}, "cashOut": {"amount": -500.0, "count": 1}}
    assert "速報" in data["receiptText"] and "速報" in data["journalText"]
    assert "reportScope" not in data and "reportType" not in data
    assert list(data) == ["tenantId", "storeCode", "terminalNo", "businessDate", "businessDateFrom",
                          "businessDateTo", "openCounter", "businessCounter", "salesGross", "salesNet",
                          "discountForLineitems", "discountForSubtotal", "returns", "taxes", "payments", "cash",
                          "receiptText", "journalText"]


def test_other_stores_terminals_and_sessions_are_out_of_scope(d1, consume, report_data):
    consume("tranlog", [tranlog(1, terminal_no=7777), tranlog(2, store_code="9999"),
                        tranlog(3, open_counter=2), tranlog(4, business_date="20250111")])
    data = report_data(terminal=TERMINAL, report_scope="flash", report_type="sales", business_date=DAY,
                       open_counter=1)
    assert data["salesGross"] == amount(1100.0, 6, 2)
    store_wide = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    # terminal 7777 and open counter 2 are in the store's day; store 9999 and the next day are not
    assert store_wide["salesGross"] == amount(2200.0, 12, 4)


# --- 4. category, item and payment reports of D1 ----------------------------------------------------------------
def test_d1_category(d1, report_data):
    data = report_data(report_scope="flash", report_type="category", business_date=DAY, open_counter=1)
    assert data["categories"] == [
        {"categoryCode": "cat456", "categoryName": "cat456", "grossAmount": 100.0, "discountAmount": 0.0,
         "netAmount": 100.0, "quantity": 1, "discountQuantity": 0, "transactionCount": 5},
        {"categoryCode": "cat567", "categoryName": "cat567", "grossAmount": 400.0, "discountAmount": 0.0,
         "netAmount": 400.0, "quantity": 2, "discountQuantity": 0, "transactionCount": 5},
    ]
    assert (data["totalGrossAmount"], data["totalDiscountAmount"], data["totalNetAmount"], data["totalQuantity"],
            data["totalDiscountQuantity"], data["totalTransactionCount"]) == (500.0, 0.0, 500.0, 3, 0, 10)
    assert "分類別売上レポート( 速報 )" in data["journalText"]


def test_d1_item(d1, report_data):
    data = report_data(report_scope="flash", report_type="item", business_date=DAY, open_counter=1)
    assert [(c["categoryCode"], c["categoryTotalGrossAmount"], c["categoryTotalTransactionCount"])
            for c in data["categories"]] == [("cat456", 100.0, 5), ("cat567", 400.0, 5)]
    assert data["categories"][0]["items"] == [
        {"itemCode": "item123", "itemName": "Item item123", "grossAmount": 100.0, "discountAmount": 0.0,
         "netAmount": 100.0, "quantity": 1, "discountQuantity": 0, "transactionCount": 5}]
    assert data["categories"][1]["items"][0]["itemCode"] == "item234"
    assert (data["categories"][1]["items"][0]["grossAmount"], data["categories"][1]["items"][0]["quantity"]) == (
        400.0, 2)
    assert (data["totalGrossAmount"], data["totalQuantity"], data["totalTransactionCount"]) == (500.0, 3, 10)
    assert "商品別売上レポート( 速報 )" in data["journalText"]


def test_d1_payment(d1, report_data):
    data = report_data(report_scope="flash", report_type="payment", business_date=DAY, open_counter=1)
    assert data["payment_summary"] == [
        {"payment_code": "01", "payment_name": "Cash", "count": 1, "amount": 550.0, "ratio": 100.0}]
    assert data["total"] == {"count": 1, "amount": 550.0}
    assert list(data) == [
        "shard_key", "created_at", "updated_at", "etag", "tenant_id", "store_code", "store_name", "terminal_no",
        "business_date", "business_date_from", "business_date_to", "open_counter", "business_counter",
        "report_scope", "report_type", "payment_summary", "total", "receipt_text", "journal_text",
        "generate_date_time", "staff"]
    assert data["report_type"] == "payment" and data["report_scope"] == "flash" and data["staff"] is None
    assert data["generate_date_time"].endswith("+09:00")
    assert "決済別レポート ( 速報 )" in data["journal_text"]


# --- 5-6. tax types, discounts and full returns -------------------------------------------------------------------
def discounted_line(unit_price=3500.0, discount=500.0):
    return [LineItemFactory(unit_price=unit_price, quantity=1,
                            discounts=[DiscountFactory(discount_amount=discount)])]


def test_external_tax_discount_and_full_return(consume, report_data):
    sale = dict(with_tax=3300.0, tax=300.0, quantity=1, discount=500.0, line_items=discounted_line())
    consume("tranlog", [tranlog(1, 101, **sale), tranlog(2, 102, **sale)])
    data = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    assert data["salesGross"]["amount"] == 3800.0
    # ours (issue 14): the return is counted before its discount, as the sale is; Kugelpos: 3300 and net 500.0
    assert data["returns"]["amount"] == 3800.0
    assert data["discountForLineitems"] == amount(0.0, 0, 0)
    assert data["salesNet"] == amount(0.0, 0, 0)
    assert data["taxes"] == [{"taxName": "外税10%", "taxAmount": 0.0, "targetAmount": 0.0, "targetQuantity": 0}]
    assert data["payments"] == [{"paymentName": "Cash", "amount": 0.0, "count": 0}]


def internal_tax(tax, target):
    return [TaxFactory(tax_code="02", tax_type="Internal", tax_name="内税10%", tax_amount=tax,
                       target_amount=target, target_quantity=1)]


def test_internal_tax_discount_and_full_return(consume, report_data):
    sale = dict(with_tax=3000.0, total=3000.0, tax=0.0, quantity=1, discount=500.0, taxes=internal_tax(273.0, 3000.0),
                line_items=discounted_line())
    consume("tranlog", [tranlog(1, 101, **sale), tranlog(2, 102, **sale)])
    data = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    assert (data["salesGross"]["amount"], data["returns"]["amount"], data["salesNet"]["amount"]) == (
        3500.0, 3500.0, 0.0)


def test_internal_tax_only(consume, report_data):
    consume("tranlog", [tranlog(1, with_tax=1100.0, total=1100.0, tax=0.0, quantity=1,
                                taxes=internal_tax(100.0, 1100.0))])
    data = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    assert data["salesGross"]["amount"] == 1100.0
    assert data["salesNet"]["amount"] == 1000.0


def test_mixed_internal_and_external_tax(consume, report_data):
    taxes = [TaxFactory(tax_amount=100.0, target_amount=1000.0), *internal_tax(100.0, 1100.0)]
    consume("tranlog", [tranlog(1, with_tax=2200.0, total=2100.0, tax=100.0, quantity=2, taxes=taxes)])
    data = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    assert data["salesNet"]["amount"] == 2000.0
    assert [t["taxName"] for t in data["taxes"]] == ["外税10%", "内税10%"]


# --- 7. voids -----------------------------------------------------------------------------------------------------
def test_voids(consume, report_data):
    consume("tranlog", [
        tranlog(1, 101, with_tax=1100.0, tax=100.0, quantity=1),
        tranlog(2, 101, with_tax=2200.0, tax=200.0, quantity=1),
        tranlog(3, 201, with_tax=1100.0, tax=100.0, quantity=1),
        tranlog(4, 102, with_tax=550.0, tax=50.0, quantity=1),
        tranlog(5, 202, with_tax=550.0, tax=50.0, quantity=1),
        tranlog(6, 101, with_tax=3300.0, tax=300.0, quantity=1),
    ])
    data = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    assert data["salesGross"] == amount(5500.0, 2, 2)
    assert data["returns"] == amount(0.0, 0, 0)
    assert data["salesNet"] == amount(5000.0, 2, 2)
    assert data["payments"] == [{"paymentName": "Cash", "amount": 5500.0, "count": 2}]
    assert data["taxes"] == [{"taxName": "外税10%", "taxAmount": 500.0, "targetAmount": 5000.0,
                              "targetQuantity": 2}]


# --- 8. return exceeds sales --------------------------------------------------------------------------------------
def test_return_exceeds_sales(consume, report_data):
    consume("tranlog", [tranlog(1, 101, with_tax=1100.0, tax=100.0), tranlog(2, 102, with_tax=1650.0, tax=150.0)])
    data = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    assert data["returns"]["amount"] == 1650.0
    assert data["salesNet"]["amount"] == -500.0
    assert sum(t["taxAmount"] for t in data["taxes"]) == -50.0
    assert data["payments"] == [{"paymentName": "Cash", "amount": -550.0, "count": 0}]


# --- 9. two taxes x two payments ----------------------------------------------------------------------------------
def two_by_two(no, base, terminal_no=TERMINAL):
    ten, eight = base // 2, base // 2
    with_tax = base + ten // 10 + eight * 8 // 100
    return tranlog(
        no, with_tax=float(with_tax), tax=float(ten // 10 + eight * 8 // 100), quantity=2, terminal_no=terminal_no,
        taxes=[TaxFactory(tax_no=1, tax_amount=float(ten // 10), target_amount=float(ten), target_quantity=1),
               TaxFactory(tax_no=2, tax_code="11", tax_name="外税 8%", tax_amount=float(eight * 8 // 100),
                          target_amount=float(eight), target_quantity=1)],
        payments=[PaymentFactory(payment_no=1, amount=with_tax / 2),
                  PaymentFactory(payment_no=2, payment_code="11", description="Credit", amount=with_tax / 2)],
    )


def test_two_taxes_and_two_payments_are_not_multiplied(consume, report_data):
    consume("tranlog", [two_by_two(1, 2000)])
    data = report_data(terminal=TERMINAL, report_scope="flash", report_type="sales", business_date=DAY)
    assert data["salesGross"] == amount(2180.0, 2, 1)
    assert data["salesNet"] == amount(2000.0, 2, 1)
    assert data["payments"] == [{"paymentName": "Cash", "amount": 1090.0, "count": 1},
                                {"paymentName": "Credit", "amount": 1090.0, "count": 1}]
    consume("tranlog", [two_by_two(1, 1000, 1), two_by_two(1, 3000, 2)])
    store = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    assert (store["salesNet"]["amount"], store["salesNet"]["count"]) == (6000.0, 3)


# --- 10. payment report -------------------------------------------------------------------------------------------
def cash(amount_):
    return [PaymentFactory(amount=amount_)]


def credit(*amounts):
    return [PaymentFactory(payment_no=i + 1, payment_code="11", description="Credit", amount=a)
            for i, a in enumerate(amounts)]


def test_payment_report(consume, report_data):
    consume("tranlog", [
        tranlog(1, with_tax=1100.0, tax=100.0, payments=cash(1100.0)),
        tranlog(2, with_tax=1500.0, tax=0.0, payments=cash(1500.0)),
        tranlog(3, with_tax=2000.0, tax=0.0, payments=credit(1500.0, 500.0)),
        tranlog(4, 202, with_tax=550.0, tax=50.0, payments=cash(550.0)),
        tranlog(5, with_tax=3000.0, tax=0.0, payments=credit(3000.0), is_cancelled=True),
        tranlog(6, 201, with_tax=330.0, tax=30.0, payments=credit(330.0)),
    ])
    data = report_data(report_scope="flash", report_type="payment", business_date=DAY)
    assert data["payment_summary"] == [
        {"payment_code": "01", "payment_name": "Cash", "count": 3, "amount": 3150.0, "ratio": 65.35},
        {"payment_code": "11", "payment_name": "Cashless", "count": 0, "amount": 1670.0, "ratio": 34.65},
    ]
    assert data["total"] == {"count": 3, "amount": 4820.0}


def test_split_lines_of_one_code_count_once_in_payment_report_and_per_line_in_sales(consume, report_data):
    consume("tranlog", [tranlog(1, with_tax=3300.0, tax=300.0, payments=credit(1100.0, 1100.0, 1100.0))])
    payment = report_data(report_scope="flash", report_type="payment", business_date=DAY)
    assert payment["payment_summary"][0]["count"] == 1 and payment["payment_summary"][0]["amount"] == 3300.0
    sales = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    assert sales["payments"] == [{"paymentName": "Credit", "amount": 3300.0, "count": 3}]


# --- 11. 100 % discount -------------------------------------------------------------------------------------------
def test_full_discount(consume, report_data):
    consume("tranlog", [tranlog(1, with_tax=0.0, tax=0.0, quantity=1, discount=1000.0,
                                line_items=discounted_line(1000.0, 1000.0), payments=cash(0.0),
                                taxes=[TaxFactory(tax_amount=0.0, target_amount=0.0, target_quantity=1)])])
    data = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    assert data["salesGross"]["amount"] == 1000.0
    assert data["discountForLineitems"] == amount(1000.0, 1, 1)
    assert data["salesNet"]["amount"] == 0.0
    assert data["payments"] == [{"paymentName": "Cash", "amount": 0.0, "count": 1}]


# --- cancelled sales, cancelled lines, subtotal discounts, promotions ---------------------------------------------
def test_cancelled_sales_never_count(consume, report_data):
    consume("tranlog", [tranlog(1), tranlog(2, is_cancelled=True)])
    data = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    assert data["salesGross"] == amount(550.0, 3, 1)
    category = report_data(report_scope="flash", report_type="category", business_date=DAY)
    assert category["totalTransactionCount"] == 2


def test_cancelled_lines_are_left_out_of_line_figures(consume, report_data):
    lines = [*discounted_line(1000.0, 100.0),
             LineItemFactory(line_no=2, item_code="gone", category_code="cat999", unit_price=500.0, is_cancelled=True,
                             discounts=[DiscountFactory(discount_amount=50.0, promotion_code="P9")])]
    consume("tranlog", [tranlog(1, with_tax=990.0, tax=90.0, quantity=1, discount=100.0, line_items=lines)])
    sales = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    assert sales["discountForLineitems"] == amount(100.0, 1, 1)
    category = report_data(report_scope="flash", report_type="category", business_date=DAY)
    assert [c["categoryCode"] for c in category["categories"]] == ["cat456"]
    promotion = report_data(report_scope="flash", report_type="promotion", business_date=DAY)
    assert promotion["promotions"] == []


def test_subtotal_discounts(consume, report_data):
    # lines 600 + 400, a 100 subtotal discount allocated 60/40, tax on 900
    lines = [
        LineItemFactory(line_no=1, item_code="a", category_code="c1", unit_price=600.0,
                        discounts_allocated=[DiscountFactory(discount_amount=60.0)]),
        LineItemFactory(line_no=2, item_code="b", category_code="c2", unit_price=400.0,
                        discounts_allocated=[DiscountFactory(discount_amount=40.0)]),
    ]
    consume("tranlog", [tranlog(1, with_tax=990.0, tax=90.0, quantity=2, discount=100.0, line_items=lines,
                                subtotal_discounts=[DiscountFactory(discount_amount=100.0)])])
    sales = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    assert sales["salesGross"]["amount"] == 1090.0
    assert sales["discountForSubtotal"] == amount(100.0, 2, 1)
    assert sales["salesNet"]["amount"] == 900.0
    category = report_data(report_scope="flash", report_type="category", business_date=DAY)
    assert [(c["categoryCode"], c["grossAmount"], c["discountAmount"], c["netAmount"], c["discountQuantity"])
            for c in category["categories"]] == [("c1", 600.0, 60.0, 540.0, 1), ("c2", 400.0, 40.0, 360.0, 1)]


def test_category_and_item_gross_is_before_line_discounts(consume, report_data):
    # 3500 - 500 line discount = 3000, then a 300 cart discount allocated to it; tax on 2700. Ours (issue 14):
    # gross 3500 (unit price x quantity), discount 800, net 2700 = the sale's total_amount; Kugelpos: gross 3000,
    # net 2200 (the line discount subtracted twice).
    line = LineItemFactory(unit_price=3500.0, quantity=1, discounts=[DiscountFactory(discount_amount=500.0)],
                           discounts_allocated=[DiscountFactory(discount_amount=300.0)])
    consume("tranlog", [tranlog(1, with_tax=2970.0, tax=270.0, quantity=1, discount=800.0, line_items=[line],
                                subtotal_discounts=[DiscountFactory(discount_amount=300.0)])])
    category = report_data(report_scope="flash", report_type="category", business_date=DAY)
    row = category["categories"][0]
    assert (row["grossAmount"], row["discountAmount"], row["netAmount"], row["discountQuantity"]) == (
        3500.0, 800.0, 2700.0, 1)
    assert (category["totalGrossAmount"], category["totalDiscountAmount"], category["totalNetAmount"]) == (
        3500.0, 800.0, 2700.0)
    item = report_data(report_scope="flash", report_type="item", business_date=DAY)
    assert (item["totalGrossAmount"], item["totalDiscountAmount"], item["totalNetAmount"]) == (3500.0, 800.0, 2700.0)
    entry = item["categories"][0]["items"][0]
    assert (entry["grossAmount"], entry["discountAmount"], entry["netAmount"]) == (3500.0, 800.0, 2700.0)
    assert item["categories"][0]["categoryTotalGrossAmount"] == 3500.0
    sales = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    assert (sales["discountForLineitems"]["amount"] + sales["discountForSubtotal"]["amount"]) == 800.0
    assert sales["salesNet"]["amount"] == 2700.0


def test_a_fully_returned_discounted_sale_nets_to_zero_in_every_report(consume, report_data):
    line = discounted_line()
    sale = dict(with_tax=3300.0, tax=300.0, quantity=1, discount=500.0, line_items=line)
    consume("tranlog", [tranlog(1, 101, **sale), tranlog(2, 102, **sale)])
    sales = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    category = report_data(report_scope="flash", report_type="category", business_date=DAY)
    item = report_data(report_scope="flash", report_type="item", business_date=DAY)
    assert sales["salesNet"]["amount"] == 0.0
    for data in (category, item):
        assert (data["totalGrossAmount"], data["totalDiscountAmount"], data["totalNetAmount"]) == (0.0, 0.0, 0.0)


def promo_line(line_no, code, unit_price, rate_amount, quantity=1):
    return LineItemFactory(line_no=line_no, item_code=f"i{line_no}", unit_price=unit_price, quantity=quantity,
                           discounts=[DiscountFactory(discount_type="DiscountPercentage", discount_value=10.0,
                                                      discount_amount=rate_amount, promotion_code=code,
                                                      promotion_type="category_discount")])


def test_promotion_report(consume, report_data):
    consume("tranlog", [
        tranlog(1, line_items=[promo_line(1, "P1", 1000.0, 100.0, 2), promo_line(2, "P2", 500.0, 50.0)]),
        tranlog(2, line_items=[promo_line(1, "P1", 1000.0, 100.0)]),
        tranlog(3, 102, line_items=[promo_line(1, "P1", 1000.0, 100.0)]),
    ])
    data = report_data(report_scope="flash", report_type="promotion", business_date=DAY)
    # ours (issue 14): gross before the line discount, 2000 + 1000 - 1000 (P1) and 500 (P2); Kugelpos takes the
    # line amounts, already net of it (1900 / 450), and subtracts the discount a second time
    assert data["promotions"] == [
        {"promotionCode": "P1", "promotionType": "category_discount", "grossAmount": 2000.0,
         "discountAmount": 100.0, "netAmount": 1900.0, "quantity": 2, "transactionCount": 3},
        {"promotionCode": "P2", "promotionType": "category_discount", "grossAmount": 500.0,
         "discountAmount": 50.0, "netAmount": 450.0, "quantity": 1, "transactionCount": 1},
    ]
    assert (data["totalDiscountAmount"], data["totalQuantity"], data["totalTransactionCount"]) == (150.0, 3, 4)
    assert data["receiptText"] == data["journalText"]
    assert data["journalText"].splitlines()[:3] == ["=== PROMOTION REPORT ===", f"Store: {STORE}", f"Date: {DAY}"]
    assert "P1: 2 items, -100" in data["journalText"] and "Total Discount: -150" in data["journalText"]
    second = report_data(report_scope="flash", report_type="promotion", business_date=DAY, limit=1, page=2)
    assert [p["promotionCode"] for p in second["promotions"]] == ["P2"] and second["totalDiscountAmount"] == 50.0


def test_category_sort_and_paging_totals_are_over_the_page(d1, report_data):
    data = report_data(report_scope="flash", report_type="category", business_date=DAY, sort="gross_amount:-1",
                       limit=1)
    assert [c["categoryCode"] for c in data["categories"]] == ["cat567"]
    assert (data["totalGrossAmount"], data["totalTransactionCount"]) == (400.0, 5)


# --- range mode ---------------------------------------------------------------------------------------------------
def test_sales_over_a_date_range_aggregates_the_range(consume, report_data):
    consume("tranlog", [tranlog(1, business_date="20250109"), tranlog(2, business_date="20250110"),
                        tranlog(3, business_date="20250111")])
    data = report_data(report_scope="daily", report_type="sales", business_date_from="20250109",
                       business_date_to="20250110")
    assert data["salesGross"] == amount(1100.0, 6, 2)
    assert (data["businessDate"], data["businessDateFrom"], data["businessDateTo"]) == (None, "20250109", "20250110")
    assert "期間" in data["journalText"] and "日報" in data["journalText"]
    payment = report_data(report_scope="daily", report_type="payment", business_date="20250101",
                          business_date_from="20250109", business_date_to="20250111")
    assert payment["total"] == {"count": 3, "amount": 1650.0}
    assert payment["business_date"] == "20250101"


# --- 12. parameter errors -----------------------------------------------------------------------------------------
def test_flash_with_a_range_is_refused(get_report):
    response = get_report(report_scope="flash", report_type="sales", business_date_from="20240101",
                          business_date_to="20240107")
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == ("Date range is not supported for flash reports. Flash reports are for the current "
                               "session only.")
    assert body["user_error"]["code"] == "100000"


@pytest.mark.parametrize("dates", [{}, {"business_date_from": "20240101"}, {"business_date_to": "20240101"}])
def test_a_date_is_required(get_report, dates):
    response = get_report(report_scope="flash", report_type="sales", **dates)
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Either business_date or both business_date_from and business_date_to must be specified")


def test_flush_with_a_range_runs_as_a_flash_range_report(consume, report_data):
    consume("tranlog", [tranlog(1)])
    data = report_data(report_scope="flush", report_type="sales", business_date_from="20250101",
                       business_date_to="20250131")
    assert data["salesGross"]["amount"] == 550.0


def test_unknown_report_type_is_404(get_report):
    response = get_report(report_scope="flash", report_type="foo", business_date=DAY)
    assert response.status_code == 404
    assert response.json()["user_error"] == {"code": "412001", "message": "レポートが見つかりません"}


@pytest.mark.parametrize("report_type", ["category", "item", "payment"])
def test_reversed_range_is_a_report_failure(get_report, report_type):
    response = get_report(report_scope="daily", report_type=report_type, business_date_from="20240115",
                          business_date_to="20240110")
    assert response.status_code == 500
    assert response.json()["user_error"]["code"] == "412003"


def test_invalid_scope_behaves_as_flash(d1, report_data):
    data = report_data(report_scope="invalid_scope", report_type="sales", business_date=DAY)
    assert "速報" in data["receiptText"] and data["salesGross"]["amount"] == 1100.0


def test_daily_with_a_range_is_not_verified(consume, report_data):
    consume("opencloselog", d1_logs()["opencloselog"][:1])  # opened, never closed
    data = report_data(report_scope="daily", report_type="sales", business_date_from=DAY, business_date_to=DAY)
    assert data["salesGross"]["amount"] == 0.0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"report_type": "sales"}, "query -> report_scope: Field required"),
        ({"report_scope": "flash"}, "query -> report_type: Field required"),
        ({"report_scope": "flash", "report_type": "sales", "open_counter": "x"},
         "query -> open_counter: Input should be a valid integer, unable to parse string as an integer"),
        ({"report_scope": "flash", "report_type": "category", "limit": "ten"},
         "query -> limit: Input should be a valid integer, unable to parse string as an integer"),
        ({"report_scope": "flash", "report_type": "category", "sort": "gross_amount"},
         "query -> sort: Invalid sort specification: 'gross_amount'"),
        # beyond the columns compared with: a 422 naming the bound (was a 200 over nothing, or a 500)
        ({"report_scope": "flash", "report_type": "sales", "open_counter": str(2**31)},
         "query -> open_counter: Input should be less than or equal to 2147483647"),
        ({"report_scope": "flash", "report_type": "sales", "business_counter": str(-(2**31) - 1)},
         "query -> business_counter: Input should be greater than or equal to -2147483648"),
        ({"report_scope": "flash", "report_type": "category", "page": str(2**63)},
         "query -> page: Input should be less than or equal to 9223372036854775807"),
    ],
)
def test_bad_parameters_are_422(get_report, params, message):
    response = get_report(business_date=DAY, **params)
    assert response.status_code == 422
    body = response.json()
    assert body["user_error"]["code"] == "300001" and body["message"] == f"Invalid input data: {message}"


def test_non_integer_terminal_no_is_422(get_report):
    response = get_report(terminal="abc", report_scope="flash", report_type="sales", business_date=DAY)
    assert response.status_code == 422
    assert "path -> terminal_no" in response.json()["message"]


def test_terminal_no_beyond_its_column_is_422(get_report):
    response = get_report(terminal=str(2**70), report_scope="flash", report_type="sales", business_date=DAY)
    assert response.status_code == 422
    assert response.json()["message"] == (
        "Invalid input data: path -> terminal_no: Input should be less than or equal to 2147483647")


def test_unknown_tranlog_type_fails_sales_and_payment_but_not_category(consume, report_data, get_report):
    consume("tranlog", [tranlog(1, 301)])
    for report_type in ("sales", "payment"):
        response = get_report(report_scope="flash", report_type=report_type, business_date=DAY)
        assert response.status_code == 500 and response.json()["user_error"]["code"] == "412003"
    assert report_data(report_scope="flash", report_type="category", business_date=DAY)["totalGrossAmount"] == -500.0


def test_auth_then_validation_then_tenant(get_report, token_b):
    from tests.support import bearer

    response = get_report(headers={}, report_scope="flash", report_type="sales", business_date=DAY)
    assert response.status_code == 401 and response.json()["user_error"]["code"] == "200001"
    # a bad parameter is reported before the tenant mismatch
    response = get_report(headers=bearer(token_b), report_type="sales", business_date=DAY)
    assert response.status_code == 422
    response = get_report(headers=bearer(token_b), report_scope="flash", report_type="sales", business_date=DAY)
    assert response.status_code == 400 and response.json()["user_error"]["code"] == "100000"
    assert response.json()["message"].startswith("Tenant ID in URL does not match")
