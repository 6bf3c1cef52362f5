"""Money cannot leave the till without a return on record (ours, issue #20; spec/30 §4 "ours"): a quantity below
1, a negative unit price, a percentage discount outside (0, 100], a negative amount discount, a payment of 0 or
less and a sale billed below 0 are refused with a 4xx envelope, and the cart stays as it was."""

import pytest

from apps.cart.models import Cart, Transaction
from apps.core.models import EventRecord
from apps.core.tenancy import tenant_context
from tests.support import TENANT_A

pytestmark = pytest.mark.django_db


def error_of(response):
    return response.status_code, response.json()["user_error"]["code"]


def stored(cart_id: str) -> tuple[int, str, dict]:
    with tenant_context(TENANT_A):
        row = Cart.objects.get(cart_id=cart_id)
        return row.revision, row.status, row.document


def refused(pos, method: str, path: str, body, cart_id: str) -> tuple[int, str]:
    """The error of a request, after checking that it changed nothing in the stored cart."""
    before = stored(cart_id)
    response = pos.call(method, path, body)
    assert stored(cart_id) == before
    assert response.json()["success"] is False and response.json()["data"] is None
    return error_of(response)


# --- add items, quantity, unit price ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("row", "text"),
    [
        ({"itemCode": "49-01", "quantity": 0}, "Quantity must be at least 1"),
        ({"itemCode": "49-01", "quantity": -5}, "Quantity must be at least 1"),
        ({"itemCode": "49-01", "quantity": 1, "unitPrice": -1000}, "Unit price must not be negative"),
        ({"itemCode": "49-01", "quantity": 1, "unitPrice": -0.01}, "Unit price must not be negative"),
    ],
)
def test_add_items_refuses_what_would_take_money_out(pos, row, text):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 2))
    path = f"/carts/{cart_id}/lineItems"
    # the bad row after a good one: the whole request fails, the good row is not added either
    assert refused(pos, "post", path, [{"itemCode": "49-02", "quantity": 1}, row], cart_id) == (400, "300001")
    assert text in pos.post(path, [row]).json()["message"]
    cart = pos.ok("get", f"/carts/{cart_id}")
    assert [line["itemCode"] for line in cart["lineItems"]] == ["49-01"] and cart["totalAmountWithTax"] == 220.0


def test_add_items_accepts_a_zero_price_as_the_master_price_and_quantity_one(pos):
    cart_id = pos.new_cart()
    cart = pos.add(cart_id, ("49-01", 1, 0), ("49-02", 1, 250))
    assert [line["unitPrice"] for line in cart["lineItems"]] == [100.0, 250.0]
    assert cart["totalAmountWithTax"] == 385.0


def test_an_item_with_a_negative_master_price_cannot_be_sold(pos):
    """The back office refuses negative prices; one that got in anyway (the API, an old row) is not sold."""
    from apps.masterdata.models import Item

    with tenant_context(TENANT_A):
        Item.objects.filter(item_code="49-03").update(unit_price=-550)
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    status_code = refused(pos, "post", f"/carts/{cart_id}/lineItems", [{"itemCode": "49-03", "quantity": 1}],
                          cart_id)
    assert status_code == (400, "300001")


@pytest.mark.parametrize("quantity", [0, -5])
def test_quantity_change_below_one_is_refused(pos, quantity):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 2))
    path = f"/carts/{cart_id}/lineItems/1/quantity"
    assert refused(pos, "patch", path, {"quantity": quantity}, cart_id) == (400, "300001")
    assert pos.ok("get", f"/carts/{cart_id}")["lineItems"][0]["quantity"] == 2
    assert pos.ok("patch", path, {"quantity": 1})["totalAmountWithTax"] == 110.0


def test_unit_price_change_below_zero_is_refused(pos):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 2))
    path = f"/carts/{cart_id}/lineItems/1/unitPrice"
    assert refused(pos, "patch", path, {"unitPrice": -1000}, cart_id) == (400, "300001")
    line = pos.ok("get", f"/carts/{cart_id}")["lineItems"][0]
    assert (line["unitPrice"], line["isUnitPriceChanged"]) == (100.0, False)
    cart = pos.ok("patch", path, {"unitPrice": 0})
    assert cart["lineItems"][0]["unitPrice"] == 0.0 and cart["totalAmountWithTax"] == 0.0


# --- discounts ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "discount",
    [
        {"discountType": "DiscountPercentage", "discountValue": 150},
        {"discountType": "DiscountPercentage", "discountValue": 0},
        {"discountType": "DiscountPercentage", "discountValue": -10},
        {"discountType": "DiscountAmount", "discountValue": -1000},
    ],
)
def test_line_discounts_out_of_range_are_refused(pos, discount):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 2))
    path = f"/carts/{cart_id}/lineItems/1/discounts"
    assert refused(pos, "post", path, [discount], cart_id) == (400, "900001")
    line = pos.ok("get", f"/carts/{cart_id}")["lineItems"][0]
    assert line["discounts"] == [] and line["amount"] == 200.0


@pytest.mark.parametrize(
    "discount",
    [
        {"discountType": "DiscountPercentage", "discountValue": 150},
        {"discountType": "DiscountPercentage", "discountValue": 0},
        {"discountType": "DiscountAmount", "discountValue": -1000},
    ],
)
def test_cart_discounts_out_of_range_are_refused(pos, discount):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 2))
    pos.ok("post", f"/carts/{cart_id}/subtotal")
    pos.ok("post", f"/carts/{cart_id}/discounts", [{"discountType": "DiscountAmount", "discountValue": 20}])
    assert refused(pos, "post", f"/carts/{cart_id}/discounts", [discount], cart_id) == (400, "900001")
    cart = pos.ok("get", f"/carts/{cart_id}")
    assert [d["discountValue"] for d in cart["subtotalDiscounts"]] == [20.0] and cart["totalAmount"] == 180.0


def test_a_cart_discount_of_100_percent_is_accepted(pos):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 2))
    pos.ok("post", f"/carts/{cart_id}/subtotal")
    cart = pos.ok("post", f"/carts/{cart_id}/discounts",
                  [{"discountType": "DiscountPercentage", "discountValue": 100}])
    assert cart["totalAmount"] == 0.0 and cart["totalAmountWithTax"] == 0.0 and cart["balanceAmount"] == 0.0


# --- payments -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["01", "11", "12"])
@pytest.mark.parametrize("amount", [0, -1000])
def test_payments_of_zero_or_less_are_refused(pos, code, amount):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 2))
    pos.ok("post", f"/carts/{cart_id}/subtotal")
    pos.pay(cart_id, ("11", 20))
    body = [{"paymentCode": "01", "amount": 50}, {"paymentCode": code, "amount": amount}]
    assert refused(pos, "post", f"/carts/{cart_id}/payments", body, cart_id) == (400, "300001")
    cart = pos.ok("get", f"/carts/{cart_id}")
    assert [p["paymentAmount"] for p in cart["payments"]] == [20.0] and cart["balanceAmount"] == 200.0


# --- bill ---------------------------------------------------------------------------------------------------
def test_a_sale_whose_total_is_below_zero_cannot_be_billed(pos):
    """Each line discount is checked against the line on its own (spec/30 §7.1), so 100 % and then 100 off a
    100 line leave it at -100: Kugelpos bills that sale and pays 110 out of the drawer with nothing on record."""
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    cart = pos.ok("post", f"/carts/{cart_id}/lineItems/1/discounts", [
        {"discountType": "DiscountPercentage", "discountValue": 100},
        {"discountType": "DiscountAmount", "discountValue": 100}])
    assert cart["totalAmount"] == -100.0 and cart["totalAmountWithTax"] == -110.0
    pos.ok("post", f"/carts/{cart_id}/subtotal")
    with tenant_context(TENANT_A):
        events_before = EventRecord.objects.count()
    response = pos.post(f"/carts/{cart_id}/bill")
    assert error_of(response) == (406, "403003")
    assert response.json()["message"] == (f"The total of a sale cannot be below 0, cart_id: {cart_id}, "
                                          "total: -110.0")
    assert pos.ok("get", f"/carts/{cart_id}")["cartStatus"] == "Paying"
    with tenant_context(TENANT_A):
        assert not Transaction.objects.exists() and EventRecord.objects.count() == events_before


def test_a_sale_of_total_zero_is_billed(pos):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    pos.ok("post", f"/carts/{cart_id}/lineItems/1/discounts",
           [{"discountType": "DiscountPercentage", "discountValue": 100}])
    pos.ok("post", f"/carts/{cart_id}/subtotal")
    cart = pos.ok("post", f"/carts/{cart_id}/bill")
    assert cart["cartStatus"] == "Completed" and cart["totalAmountWithTax"] == 0.0 and cart["transactionNo"] == 1


def test_returns_and_voids_still_give_money_back(pos):
    """The only way money goes back: a return or a void of a sale on record, through their own endpoints."""
    sale = pos.sell(("49-01", 2))
    path = pos.transactions_path(f"/{sale['transactionNo']}/return")
    returned = pos.ok("post", path, [{"paymentCode": "01", "amount": 220}])
    assert (returned["transactionType"], returned["totalAmount"]) == (102, 220.0)
    voided = pos.ok("post", pos.transactions_path(f"/{returned['transactionNo']}/void"),
                    [{"paymentCode": "01", "amount": 220}])
    assert (voided["transactionType"], voided["totalAmount"]) == (202, 220.0)
