"""The cart document's JSON text (orjson) holds exactly what ``to_json()`` holds, and reads back unchanged."""

import json
from decimal import Decimal as D

from apps.cart.document import CartDocument, Discount, LineItem, Payment, Sales, Tax


def rich_document() -> CartDocument:
    line = LineItem(line_no=1, item_code="49-01", category_code="001", description="緑茶 500ml \"冷\"",
                    unit_price=D("128"), quantity=3, tax_code="01", unit_price_original=D("150"),
                    is_unit_price_changed=True, amount=D("384"),
                    discounts=[Discount(1, "DiscountPercent", D("10"), D("38"), detail="タイムセール")],
                    discounts_allocated=[Discount(1, "DiscountAmount", D("0.5"), D("-0.50"))])
    return CartDocument(
        cart_id="c0ffee00-0000-0000-0000-000000000001", tenant_id="A1234", store_code="5678", store_name=None,
        terminal_no=9, terminal_id="A1234-5678-9", transaction_type=101, business_date="20261129",
        status="Paying", user={"id": "u1", "name": "Ｕｓｅｒ"}, staff={"id": "s1", "name": "Staff", "info": None},
        transaction_no=12, receipt_no=34, generate_date_time="2026-11-29T07:30:00Z",
        sales=Sales(reference_date_time="2026-11-29T07:30:00Z", total_amount=D("346"),
                    total_amount_with_tax=D("380.6"), tax_amount=D("34.6"), total_quantity=3,
                    change_amount=D("0"), total_discount_amount=D("38.00"), stamp_duty_amount=D("1E+2")),
        line_items=[line, LineItem(2, "49-02", None, "x", D("0"), 1, "00", is_cancelled=True)],
        payments=[Payment(1, "01", "Cash", D("1000"), D("380.6"), detail=None)],
        taxes=[Tax(1, "01", "External", "外税10%", D("34.6"), D("346"), 3)],
        subtotal_discounts=[Discount(1, "DiscountAmount", D("10"), D("10"))],
        settings={"rounding": "Round", "limits": [1, 2.5, None], "nested": {"flag": True}},
        tax_master=[{"tax_code": "01", "rate": "10.0", "round_digit": -1}],
        items={"49-01": {"price": "150", "name": "緑茶"}},
    )


def test_the_json_text_holds_what_to_json_holds():
    document = rich_document()
    text = document.to_json_bytes()
    assert json.loads(text) == document.to_json()
    assert b'"unit_price":"128"' in text and b'"stamp_duty_amount":"1E+2"' in text  # money stays text
    assert list(json.loads(text)) == list(document.to_json())  # keys in the same order


def test_the_json_text_reads_back_to_the_same_document():
    document = rich_document()
    assert CartDocument.from_json(json.loads(document.to_json_bytes())) == document


def test_what_orjson_refuses_is_written_by_the_standard_library():
    document = rich_document()
    document.settings = {1: "a key that is not text", "big": 2**70}
    assert json.loads(document.to_json_bytes()) == json.loads(json.dumps(document.to_json()))
    assert json.loads(document.to_json_bytes())["settings"] == {"1": "a key that is not text", "big": 2**70}
