"""Table-driven unit tests of the report arithmetic (no database), with the numbers of spec/40 §3-§7."""

from decimal import Decimal as D

import pytest

from apps.report import calculations as calc
from apps.report.errors import UnknownTransactionTypeError


def totals(t, n, wt, q, tax, d=0, lda=0, ldc=0, ldq=0, sda=0, sdc=0, sdq=0):
    return calc.TypeTotals(t, n, D(wt), D(d), q, D(tax), D(lda), ldc, ldq, D(sda), sdc, sdq)


@pytest.mark.parametrize(
    ("rows", "gross", "returns", "line_disc", "net_tax", "net"),
    [
        # D1: three sales, one return, one void of a sale (spec/40 §7.1)
        (
            [totals(101, 3, 1650, 9, 150), totals(102, 1, 550, 3, 50), totals(201, 1, 550, 3, 50)],
            (D(1100), 6, 2), (D(550), 3, 1), (D(0), 0, 0), D(50), (D(500), 3, 1),
        ),
        # external tax, line discount 500, full return (§7.5). Ours (issue 14): returns are before discounts like
        # the gross, so a fully returned sale nets to 0 (Kugelpos: returns 3300, net 500, the discount counted twice)
        (
            [totals(101, 1, 3300, 1, 300, d=500, lda=500, ldc=1, ldq=1),
             totals(102, 1, 3300, 1, 300, d=500, lda=500, ldc=1, ldq=1)],
            (D(3800), 1, 1), (D(3800), 1, 1), (D(0), 0, 0), D(0), (D(0), 0, 0),
        ),
        # internal tax 273 included, discount 500, full return (§7.6; ours as above)
        (
            [totals(101, 1, 3000, 1, 273, d=500, lda=500, ldc=1, ldq=1),
             totals(102, 1, 3000, 1, 273, d=500, lda=500, ldc=1, ldq=1)],
            (D(3500), 1, 1), (D(3500), 1, 1), (D(0), 0, 0), D(0), (D(0), 0, 0),
        ),
        # a discounted sale, half of it returned, its return voided: returns and voids net their discounts too
        (
            [totals(101, 1, 1800, 2, 0, d=200, lda=200, ldc=1, ldq=2),
             totals(102, 1, 900, 1, 0, d=100, lda=100, ldc=1, ldq=1),
             totals(202, 1, 900, 1, 0, d=100, lda=100, ldc=1, ldq=1)],
            (D(2000), 2, 1), (D(0), 0, 0), (D(200), 2, 1), D(0), (D(1800), 2, 1),
        ),
        # internal only: 1100 including 100 (§7.6)
        ([totals(101, 1, 1100, 1, 100)], (D(1100), 1, 1), (D(0), 0, 0), (D(0), 0, 0), D(100), (D(1000), 1, 1)),
        # voids (§7.7)
        (
            [totals(101, 3, 6600, 3, 600), totals(201, 1, 1100, 1, 100), totals(102, 1, 550, 1, 50),
             totals(202, 1, 550, 1, 50)],
            (D(5500), 2, 2), (D(0), 0, 0), (D(0), 0, 0), D(500), (D(5000), 2, 2),
        ),
        # return exceeds sales (§7.8)
        (
            [totals(101, 1, 1100, 1, 100), totals(102, 1, 1650, 1, 150)],
            (D(1100), 1, 1), (D(1650), 1, 1), (D(0), 0, 0), D(-50), (D(-500), 0, 0),
        ),
        # 100 % discount (§7.11)
        (
            [totals(101, 1, 0, 1, 0, d=1000, lda=1000, ldc=1, ldq=1)],
            (D(1000), 1, 1), (D(0), 0, 0), (D(1000), 1, 1), D(0), (D(0), 1, 1),
        ),
        # nothing at all
        ([], (D(0), 0, 0), (D(0), 0, 0), (D(0), 0, 0), D(0), (D(0), 0, 0)),
    ],
)
def test_sales_figures(rows, gross, returns, line_disc, net_tax, net):
    figures = calc.sales_figures(rows)
    as_tuple = lambda a: (a.amount, a.quantity, a.count)  # noqa: E731
    assert as_tuple(figures.sales_gross) == gross
    assert as_tuple(figures.returns) == returns
    assert as_tuple(figures.discount_for_lineitems) == line_disc
    assert figures.net_tax == net_tax
    assert as_tuple(figures.sales_net) == net


def test_subtotal_discounts_are_signed_and_subtracted_from_net():
    figures = calc.sales_figures([
        totals(101, 2, 1800, 4, 0, d=200, sda=200, sdc=2, sdq=4),
        totals(102, 1, 900, 2, 0, d=100, sda=100, sdc=1, sdq=2),
    ])
    assert (figures.discount_for_subtotal.amount, figures.discount_for_subtotal.quantity,
            figures.discount_for_subtotal.count) == (D(100), 2, 1)
    # gross (1800+200) - returns (900+100, before discount: ours, issue 14) - subtotal discount 100 - tax 0
    assert figures.returns.amount == D(1000)
    assert figures.sales_net.amount == D(900)


@pytest.mark.parametrize("transaction_type", [301, 401, 501, -101, 0])
def test_other_types_fail_the_sales_report(transaction_type):
    with pytest.raises(UnknownTransactionTypeError):
        calc.sales_figures([totals(transaction_type, 1, 100, 1, 0)])


@pytest.mark.parametrize(
    ("transaction_type", "sales", "line"),
    [(101, 1, 1), (102, -1, -1), (201, -1, -1), (202, 1, 1), (301, None, -1)],
)
def test_signs(transaction_type, sales, line):
    assert calc.line_sign(transaction_type) == line
    if sales is None:
        with pytest.raises(UnknownTransactionTypeError):
            calc.sales_sign(transaction_type)
    else:
        assert calc.sales_sign(transaction_type) == sales


def test_merge_type_totals_combines_partial_aggregates():
    merged = calc.merge_type_totals([
        {"transaction_type": 101, "count": 2, "amount_with_tax": D(10)},
        {"transaction_type": 101, "line_discount_amount": D(3), "line_discount_quantity": None},
        {"transaction_type": 102, "tax_amount": D(1)},
    ])
    assert merged == [
        calc.TypeTotals(101, count=2, amount_with_tax=D(10), line_discount_amount=D(3)),
        calc.TypeTotals(102, tax_amount=D(1)),
    ]


def test_tax_summary_nets_by_code_keeps_zero_entries_and_orders_by_code():
    groups = [
        calc.TaxGroup(101, "11", "外税 8%", 3, D(80), D(1000), 1),
        calc.TaxGroup(101, "01", "外税10%", 1, D(300), D(3000), 1),
        calc.TaxGroup(102, "01", "renamed", 9, D(300), D(3000), 1),
        calc.TaxGroup(101, None, None, 2, D(5), D(50), 1),
    ]
    assert calc.tax_summary(groups) == [
        calc.TaxLine("01", "外税10%", D(0), D(0), 0),
        calc.TaxLine("11", "外税 8%", D(80), D(1000), 1),
    ]
    assert calc.tax_amount_by_type(groups) == {101: D(385), 102: D(300)}


def test_sales_payments_count_split_lines_and_sign_them():
    groups = [
        calc.PaymentGroup(101, "11", "Cashless", 5, D(3300), line_count=3, transaction_count=1),
        calc.PaymentGroup(101, "01", "Cash", 1, D(1100), line_count=1, transaction_count=1),
        calc.PaymentGroup(201, "01", "Cash (void)", 7, D(1100), line_count=1, transaction_count=1),
        calc.PaymentGroup(101, None, None, 2, D(1), line_count=1, transaction_count=1),
    ]
    assert calc.sales_payments(groups) == [
        calc.PaymentLine("01", "Cash", D(0), 0),
        calc.PaymentLine("11", "Cashless", D(3300), 3),
    ]


@pytest.mark.parametrize(
    ("payments", "cash_in", "cash_out", "physical", "logical", "difference"),
    [
        ([calc.PaymentLine("01", "Cash", D(550), 1)], (D(3000), 2), (D(-500), 1), D(20000), D(3050), D(16950)),
        ([calc.PaymentLine("11", "Card", D(550), 1)], (D(0), 0), (D(0), 0), None, D(0), D(0)),
        ([], (D(10000), 1), (D(0), 0), D(9000), D(10000), D(-1000)),
    ],
)
def test_cash_figures(payments, cash_in, cash_out, physical, logical, difference):
    cash = calc.cash_figures(
        payments=payments, cash_in_amount=cash_in[0], cash_in_count=cash_in[1], cash_out_amount=cash_out[0],
        cash_out_count=cash_out[1], physical_amount=physical,
    )
    assert (cash.logical_amount, cash.difference_amount) == (logical, difference)


def test_payment_summary_scenario_10():
    groups = [
        # 101 cash 1100, 101 cash 1500 -> two transactions; 202 cash 550 -> +1
        calc.PaymentGroup(101, "01", "Cash", 1, D(2600), line_count=2, transaction_count=2),
        calc.PaymentGroup(202, "01", "Cash", 9, D(550), line_count=1, transaction_count=1),
        # 101 credit split 1500 + 500 (one transaction), 201 credit 330 -> 0 transactions net
        calc.PaymentGroup(101, "11", "Credit", 3, D(2000), line_count=2, transaction_count=1),
        calc.PaymentGroup(201, "11", "Credit", 8, D(330), line_count=1, transaction_count=1),
    ]
    lines, count, amount = calc.payment_summary(groups, {})
    assert [(x.payment_code, x.payment_name, x.amount, x.count, x.ratio) for x in lines] == [
        ("01", "Cash", D(3150), 3, D("65.35")),
        ("11", "Cashless", D(1670), 0, D("34.65")),
    ]
    assert (count, amount) == (3, D(4820))


@pytest.mark.parametrize(
    ("code", "master", "name"),
    [
        ("01", None, "Cash"), ("11", {}, "Cashless"), ("12", None, "Others"), ("99", None, "Payment 99"),
        ("01", {"01": "現金"}, "現金"), ("11", {"01": "現金"}, "Payment 11"),
    ],
)
def test_payment_name(code, master, name):
    assert calc.payment_name(code, master) == name


@pytest.mark.parametrize(
    ("amount", "total", "ratio"),
    [(D(1), D(3), D("33.33")), (D(2), D(3), D("66.67")), (D(5), D(0), D(0)), (D(5), D(-5), D(0)),
     (D(1), D(8), D("12.50"))],
)
def test_payment_ratio(amount, total, ratio):
    assert calc.payment_ratio(amount, total) == ratio


def test_category_lines_scenario_4():
    # D1 lines per type: 101 x3, 102 x1, 201 x1 -> cat456 (100 x1 each), cat567 (400, 2 pieces each)
    groups = []
    for t, lines in ((101, 3), (102, 1), (201, 1)):
        groups.append(calc.LineGroup(t, "cat456", gross_amount=D(100 * lines), quantity=lines, line_count=lines))
        groups.append(calc.LineGroup(t, "cat567", gross_amount=D(400 * lines), quantity=2 * lines, line_count=lines))
    rows = calc.category_lines(groups, {"cat456": "Fruit"})
    assert [(r.code, r.name, r.gross_amount, r.discount_amount, r.net_amount, r.quantity, r.transaction_count)
            for r in rows] == [
        ("cat456", "Fruit", D(100), D(0), D(100), 1, 5),
        ("cat567", "cat567", D(400), D(0), D(400), 2, 5),
    ]
    total = calc.sum_lines(rows)
    assert (total.gross_amount, total.net_amount, total.quantity, total.transaction_count) == (D(500), D(500), 3, 10)


def test_item_lines_nest_items_under_categories():
    groups = [
        calc.LineGroup(101, "c2", "i9", gross_amount=D(50), quantity=1, line_count=1),
        calc.LineGroup(101, "c1", "i2", gross_amount=D(200), discount_amount=D(20), quantity=2, discount_quantity=2,
                       line_count=1),
        calc.LineGroup(101, "c1", "i1", gross_amount=D(100), quantity=1, line_count=1),
        calc.LineGroup(102, "c1", "i1", gross_amount=D(100), quantity=1, line_count=1),
    ]
    result = calc.item_lines(groups, {"c1": "Cat one"}, {"i2": "Item two"})
    assert [g.category.code for g in result] == ["c1", "c2"]
    first = result[0]
    assert (first.category.name, first.category.gross_amount, first.category.net_amount,
            first.category.transaction_count) == ("Cat one", D(200), D(180), 3)
    assert [(i.code, i.name, i.gross_amount, i.quantity, i.transaction_count) for i in first.items] == [
        ("i1", "i1", D(0), 0, 2), ("i2", "Item two", D(200), 2, 1)]


def test_promotion_lines_sign_and_order():
    groups = [
        calc.PromotionGroup(101, "P1", "category_discount", D(1000), D(100), 2, 2),
        calc.PromotionGroup(102, "P1", "category_discount", D(500), D(50), 1, 1),
        calc.PromotionGroup(101, "P2", "category_discount", D(3000), D(300), 3, 1),
    ]
    lines = calc.promotion_lines(groups)
    assert [(x.promotion_code, x.gross_amount, x.discount_amount, x.net_amount, x.quantity, x.transaction_count)
            for x in lines] == [("P2", D(3000), D(300), D(2700), 3, 1), ("P1", D(500), D(50), D(450), 1, 3)]


def test_sort_and_page():
    rows = [calc.SalesLine(code=c, name=None, gross_amount=D(g)) for c, g in (("a", 3), ("b", 1), ("c", 2))]
    attrs = {"category_code": "code", "gross_amount": "gross_amount"}
    pick = lambda **kw: [r.code for r in calc.sort_and_page(rows, attributes=attrs, **kw)]  # noqa: E731
    assert pick(sort=(), page=1, limit=100) == ["a", "b", "c"]
    assert pick(sort=(("gross_amount", -1),), page=1, limit=100) == ["a", "c", "b"]
    assert pick(sort=(("gross_amount", 1),), page=2, limit=1) == ["c"]
    assert pick(sort=(("category_code", -1),), page=1, limit=0) == ["c", "b", "a"]
    assert pick(sort=(), page=3, limit=2) == []


CLOSE = calc.CloseSnapshot(5, 1005, 3, "2025-01-10T11:20:00.000000+09:00")


@pytest.mark.parametrize(
    ("logs", "verified", "message"),
    [
        (calc.SessionLogs(5555, 1, CLOSE, 3, CLOSE.cash_in_out_last_datetime, 5, 1005), True,
         "All logs are received successfully"),
        (calc.SessionLogs(5555, 1, CLOSE, 3, CLOSE.cash_in_out_last_datetime, 4, 1004), False,
         "Missing transaction logs. Expected count->5, Actual count->4"),
        (calc.SessionLogs(5555, 1, CLOSE, 3, CLOSE.cash_in_out_last_datetime, 5, 1003), False,
         "Missing transaction logs. Expected transaction no->1005, Actual transaction no->1003"),
        (calc.SessionLogs(5555, 1, CLOSE, 2, "x", 5, 1005), False,
         "Missing cash in/out logs. Expected count->3, Actual count->2"),
        (calc.SessionLogs(5555, 1, CLOSE, 3, "2025-01-10T11:10:00.000000+09:00", 5, 1005), False,
         "Missing cash in/out logs. Expected datetime->2025-01-10T11:20:00.000000+09:00, "
         "Actual datetime->2025-01-10T11:10:00.000000+09:00"),
        (calc.SessionLogs(5555, 1, calc.CloseSnapshot(0, None, 0, None)), True, "All logs are received successfully"),
    ],
)
def test_verify_session(logs, verified, message):
    assert calc.verify_session(logs, business_date="20250110") == (verified, message)


def test_verify_session_without_close_log():
    verified, message = calc.verify_session(calc.SessionLogs(5555, 1, None), business_date="20250110")
    assert not verified
    assert message.startswith("No close logs found for the given business date and open counter.")
