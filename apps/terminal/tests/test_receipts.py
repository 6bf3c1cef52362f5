"""Receipt and journal lines of terminal logs (spec/10 §8), pure."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from apps.terminal.receipts import ReceiptHeader, cash_receipt, close_receipt, open_receipt

AT = datetime(2025, 1, 15, 9, 5, tzinfo=ZoneInfo("Asia/Tokyo"))


def header(**overrides) -> ReceiptHeader:
    values = {
        "store_code": "5678",
        "store_name": "テスト店舗",
        "terminal_no": 9,
        "staff_id": "S001",
        "generate_date_time": AT,
        "business_date": "20250115",
        "open_counter": 1,
    }
    return ReceiptHeader(**{**values, **overrides})


def lines(text: str) -> list[str]:
    assert text.endswith("\n")
    return text[:-1].split("\n")


def test_open_report_without_staff_and_initial_amount():
    _, journal = open_receipt(header(staff_id=None), initial_amount=None)
    assert lines(journal) == [
        "店舗名 テスト店舗               ",
        "レジNo. 9             責# ------",
        "2025年01月15日(水) 09:05        ",
        "                                ",
        "    【 開 設  レ ポ ー ト 】    ",
        "                                ",
        "営業日付 2025年01月15日(水)     ",
        "開設回数 1回                    ",
        "--------------------------------",
        "釣銭準備金                   0円",
        "--------------------------------",
        "レシートNo. ------              ",
    ]


def test_close_report_and_counter_with_thousands():
    _, journal = close_receipt(header(open_counter=1234), physical_amount=Decimal("1280000"))
    assert "    【 精 算  レ ポ ー ト 】    " in lines(journal)
    assert "開設回数 1,234回" + " " * 16 in lines(journal)
    assert "ドロア内現金         1,280,000円" in lines(journal)


def test_cash_in_title_store_code_fallback_and_no_counter_line():
    _, journal = cash_receipt(header(store_name=None, open_counter=None), amount=Decimal("0"), description=None)
    rendered = lines(journal)
    assert rendered[0] == "5678" + " " * 28
    assert "    【 入 金  レ ポ ー ト 】    " in rendered
    assert not any(line.startswith("開設回数") for line in rendered)
    assert " " * 29 + "0円" in rendered


def test_receipt_xml_pads_the_counter_to_ten_columns():
    receipt, _ = cash_receipt(header(), amount=Decimal("-50000"), description="Cash Out Test")
    assert receipt.startswith('<?xml version="1.0" ?>\n<PrintData>')
    assert "開設回数 1回       \n" in receipt
    assert "<Item1>Cash Out Test         </Item1>" in receipt and "<Item2>-50,000円</Item2>" in receipt
