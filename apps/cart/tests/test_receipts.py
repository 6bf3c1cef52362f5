"""Receipt and journal text of a transaction log (spec/30 §9.4): columns counted in display width (spec/00 §11),
a CJK character taking two. No database."""

from apps.cart.receipts import render_tranlog
from apps.core.receipt import display_width
from tests.log_factories import (
    DiscountFactory,
    LineItemFactory,
    PaymentFactory,
    SalesFactory,
    TaxFactory,
    TranlogFactory,
)


def tranlog(**overrides) -> dict:
    """A sale of one Japanese line with two discounts, paid in cash (the shared factory's tranlog)."""
    values = {
        "transaction_type": 101,
        "terminal_no": 9,
        "receipt_no": 2001,
        "generate_date_time": "2025-01-15T10:30:00+09:00",
        "staff": {"id": "S001"},
        "line_items": [
            LineItemFactory(description="お茶", quantity=2, unit_price=100, tax_code="01", discounts=[
                DiscountFactory(discount_type="DiscountAmount", discount_value=30, discount_amount=30),
                DiscountFactory(discount_type="DiscountPercentage", discount_value=10.0, discount_amount=20),
            ]),
        ],
        "sales": SalesFactory(total_amount=150, total_amount_with_tax=165, total_quantity=2, change_amount=35),
        "taxes": [TaxFactory(tax_type="External", tax_name="外税10%", tax_amount=15, target_amount=150)],
        "payments": [PaymentFactory(payment_code="01", description="現金", amount=165, deposit_amount=200)],
    }
    values.update(overrides)
    return TranlogFactory(**values)


def journal_lines(log: dict) -> list[str]:
    return render_tranlog(log)[1].splitlines()


def test_every_journal_line_of_a_japanese_receipt_is_32_display_columns():
    lines = journal_lines(tranlog())
    assert [line for line in lines if display_width(line) != 32] == []


def test_quantity_line_right_aligns_the_quantity_in_12_display_columns():
    lines = journal_lines(tranlog())
    # "2 個" is 4 columns wide (個 takes two): 8 spaces before it, "@" in column 13
    assert "        2 個@100" + " " * 16 in lines
    quantity_line = next(line for line in lines if "@" in line)
    assert display_width(quantity_line[: quantity_line.index("@")]) == 12


def test_discount_lines_right_align_their_labels_in_display_columns():
    lines = journal_lines(tranlog())
    amount_line = next(line for line in lines if "値引:" in line)
    assert amount_line.startswith(" " * 10 + "値引:")  # "値引:" is 5 columns, right-aligned in 15
    assert amount_line.endswith(" -30  ")
    percent_line = next(line for line in lines if "割引:" in line)
    assert percent_line.startswith(" " * 8 + "割引: 10.0%")  # 11 columns, right-aligned in 19
    assert percent_line.endswith(" -20  ")


def test_subtotal_line_right_aligns_the_total_quantity_in_16_display_columns():
    lines = journal_lines(tranlog())
    subtotal = next(line for line in lines if line.startswith("小計"))
    assert subtotal.startswith("小計" + " " * 12 + "2 個")  # "小計" 4 columns, then "2 個" right in 16
    assert subtotal.endswith(" \\150  ")


def test_receipt_xml_carries_the_same_display_aligned_text():
    receipt_xml = render_tranlog(tranlog())[0]
    assert "\t\t\t        2 個@100\n" in receipt_xml
    assert "<Item1>" + "小計" + " " * 12 + "2 個" in receipt_xml
