"""Receipt and journal text of the reports (spec/40 §3.12), rendered with apps.core.receipt; no database."""

from datetime import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

from apps.core.receipt import display_width
from apps.report import calculations as calc
from apps.report import receipts

NOW = datetime(2025, 1, 10, 18, 5, tzinfo=ZoneInfo("Asia/Tokyo"))


def header(**overrides):
    values = dict(store_code="5678", terminal_no=5555, generated_at=NOW, is_daily=False, business_date="20250110",
                  business_date_from=None, business_date_to=None, open_counter=1, business_counter=1001)
    values.update(overrides)
    return receipts.ReceiptHeader(**values)


def journal(lines):
    return receipts.render_texts(lines)[1].splitlines()


D1 = calc.sales_figures([
    calc.TypeTotals(101, 3, D(1650), D(0), 9, D(150)),
    calc.TypeTotals(102, 1, D(550), D(0), 3, D(50)),
    calc.TypeTotals(201, 1, D(550), D(0), 3, D(50)),
])
TAXES = [calc.TaxLine("01", "外税10%", D(50), D(500), 3)]
PAYMENTS = [calc.PaymentLine("01", "Cash", D(550), 1)]
CASH = calc.cash_figures(payments=PAYMENTS, cash_in_amount=D(3000), cash_in_count=2, cash_out_amount=D(-500),
                         cash_out_count=1, physical_amount=D(20000))


def test_sales_receipt_flash():
    text = journal(receipts.sales_lines(header(), figures=D1, taxes=TAXES, payments=PAYMENTS, cash=CASH))
    assert all(display_width(line) == 32 for line in text)
    assert text[:9] == [
        "店舗名 5678" + " " * 21,  # 11 display columns, padded to 32
        "レジNo. 5555                責# ",
        "2025年01月10日(金) 18:05" + " " * 8,
        " " * 32,
        "【 売 上 レ ポ ー ト ( 速報 ) 】",
        " " * 32,
        "営業日付 2025年01月10日(金)     ",
        "開設回数 1回                    ",
        "-" * 32,
    ]
    assert " 総売上       2件        1,100円" in text
    assert "              6点               " in text
    assert " 税額                      -50円" in text
    assert " 純売上       1件          500円" in text
    assert " 外税10%                    50円" in text
    assert " Cash 1件                  550円" in text
    assert " 出金 1件                 -500円" in text
    assert " 過不足                 16,950円" in text
    assert text[-1].startswith("レシートNo. ------")
    assert not any("精算通番" in line for line in text)


def test_sales_receipt_daily_store_wide_has_the_settlement_number():
    text = journal(receipts.sales_lines(header(is_daily=True, terminal_no=None), figures=D1, taxes=TAXES,
                                        payments=PAYMENTS, cash=CASH))
    assert text[1].startswith("店舗合計") and "【 売 上 レ ポ ー ト ( 日報 ) 】" in text
    assert "精算通番 1001" in "".join(text)


def test_category_receipt_with_a_discount_line_and_a_range():
    rows = [calc.SalesLine("c1", "果物", D("1000.9"), D(100), 3, 1, 2),
            calc.SalesLine("c2", "c2", D(400), D(0), 2, 0, 1)]
    text = journal(receipts.category_lines(header(business_date=None, business_date_from="20250101",
                                                  business_date_to="20250131", open_counter=None),
                                           categories=rows, total=calc.sum_lines(rows)))
    assert "期間 2025年01月01日(水)" in text[6] and text[7].startswith("     ～ 2025年01月31日(金)")
    assert "果物            3点      1,000円" in text  # amounts truncated to integers
    assert "  値引                    -100円" in text
    assert "総売上: 1,400円" in "".join(text) and "純売上: 1,300円" in "".join(text)


def test_item_receipt_cuts_long_names():
    item = calc.SalesLine("i1", "A very long item name", D(500), D(0), 5, 0, 1)
    group = calc.CategoryItems(category=calc.SalesLine("c1", "Cat", D(500), D(0), 5, 0, 1), items=[item])
    text = journal(receipts.item_lines(header(), categories=[group], total=group.category))
    assert "  A very long…   5点       500円" in text  # first 13 characters + "…"
    assert "小計             5点       500円" in text


def test_item_receipt_cuts_long_names_by_display_width():
    # "  " + 13 characters, but 21 display columns: cut to what fits in 13 columns (12 here: ボ would straddle the
    # 13th) + "…"; the quantity stays in its column
    item = calc.SalesLine("i1", "緑茶ペットボトル500ml", D(500), D(0), 5, 0, 1)
    group = calc.CategoryItems(category=calc.SalesLine("c1", "Cat", D(500), D(0), 5, 0, 1), items=[item])
    text = journal(receipts.item_lines(header(), categories=[group], total=group.category))
    assert "  緑茶ペット…    5点       500円" in text
    assert all(display_width(line) == 32 for line in text)


def test_payment_receipt():
    summary = [calc.PaymentSummaryLine("01", "Cash", 3, D(3150), D("65.35")),
               calc.PaymentSummaryLine("11", "Cashless", 0, D(1670), D("34.65"))]
    text = journal(receipts.payment_lines(header(), summary=summary, total_count=3, total_amount=D(4820)))
    assert text[0] == " " * 32  # the payment report's store name is null
    assert "  件数:      3件 構成比:  65.35%" in "".join(text)
    assert "  金額:      3,150円" in "".join(text)
    assert "  総件数:        3件            " in text
    assert text[-1].strip() == "*** END ***"
