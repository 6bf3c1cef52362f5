"""Every number of the cart API has a bound that its column or document field can hold; above it the answer is a
4xx envelope and nothing is written (issue #20 "never a 5xx"). A transaction type of 2^31 was stored as -2^31
(psycopg wraps it into the integer column) or failed the bill with a 500; a quantity of 10^30 answered 500.

A body number out of range is a value the request got wrong: 400 ``300001``, as the document's bounds already
were (amounts below 10^12, quantities below 10^8); a query number beyond its column is 422, as paging's are."""

import pytest

from apps.cart.models import Cart, Transaction
from apps.core.tenancy import tenant_context
from tests.support import TENANT_A

pytestmark = pytest.mark.django_db


def error_of(response):
    return response.status_code, response.json()["user_error"]["code"]


def stored(cart_id: str) -> tuple[int, dict]:
    with tenant_context(TENANT_A):
        row = Cart.objects.get(cart_id=cart_id)
        return row.revision, row.document


def cart_count() -> int:
    with tenant_context(TENANT_A):
        return Cart.objects.count()


@pytest.mark.parametrize("transaction_type", [2**31, -(2**31) - 1, 2**63, 10**30])
def test_create_cart_refuses_a_transaction_type_beyond_the_integer_column(pos, transaction_type):
    pos.new_cart()
    for body in ({"transactionType": transaction_type}, {"transaction_type": transaction_type}):
        response = pos.post("/carts", body)
        assert error_of(response) == (400, "300001")
        assert "transactionType must be between -2147483648 and 2147483647" in response.json()["message"]
    assert cart_count() == 1


@pytest.mark.parametrize("transaction_type", [102, 201, 202, -101])
def test_create_cart_refuses_a_type_that_gives_money_back(pos, transaction_type):
    """A cart of type 102 billed positive amounts that the report counts as a refund: a return with no original."""
    response = pos.post("/carts", {"transactionType": transaction_type})
    assert error_of(response) == (400, "300001")
    assert "returns and voids go through their own endpoints" in response.json()["message"]
    assert cart_count() == 0


@pytest.mark.parametrize("transaction_type", [101, 1])
def test_create_cart_keeps_the_sale_types_kugelpos_clients_send(pos, transaction_type):
    pos.new_cart(transactionType=transaction_type)
    assert cart_count() == 1


def test_the_largest_transaction_type_is_stored_as_sent(pos):
    cart_id = pos.new_cart(transactionType=2**31 - 1)
    pos.add(cart_id, ("49-01", 1))
    pos.ok("post", f"/carts/{cart_id}/subtotal")
    pos.pay(cart_id, ("01", 110))
    assert pos.ok("post", f"/carts/{cart_id}/bill")["transactionType"] == 2**31 - 1
    with tenant_context(TENANT_A):
        assert Transaction.objects.get().transaction_type == 2**31 - 1


@pytest.mark.parametrize(
    ("row", "status"),
    [
        ({"itemCode": "49-01", "quantity": 10**30}, 400),  # the add-item fast path's shape
        ({"item_code": "49-01", "quantity": 2**63}, 400),
        ({"itemCode": "49-01", "quantity": 10**8}, 400),
        ({"itemCode": "49-01", "quantity": 10**30, "unitPrice": 100}, 400),  # the serializer's
        ({"itemCode": "49-01", "quantity": 1, "unitPrice": 10**12}, 400),
        ({"itemCode": "49-01", "quantity": 1, "unitPrice": 10**30}, 422),  # more digits than a money field has
    ],
)
def test_add_items_refuses_numbers_beyond_the_document(pos, row, status):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    before = stored(cart_id)
    response = pos.post(f"/carts/{cart_id}/lineItems", [row])
    assert error_of(response) == (status, "300001")
    assert stored(cart_id) == before


def test_the_largest_quantity_is_accepted_and_its_total_refused_only_past_the_document_bound(pos):
    cart_id = pos.new_cart()
    cart = pos.add(cart_id, ("49-01", 10**8 - 1, 0))
    assert cart["lineItems"][0]["quantity"] == 10**8 - 1
    before = stored(cart_id)
    assert error_of(pos.post(f"/carts/{cart_id}/lineItems", [{"itemCode": "49-01", "quantity": 1}])) == (
        400, "300001")  # the total quantity would reach 10^8
    assert stored(cart_id) == before


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("patch", "/lineItems/1/quantity", {"quantity": 10**30}),
        ("patch", "/lineItems/1/quantity", {"quantity": 10**8}),
        ("patch", "/lineItems/1/unitPrice", {"unitPrice": 10**30}),
        ("post", "/lineItems/1/discounts", [{"discountType": "DiscountAmount", "discountValue": 10**30}]),
        ("post", "/lineItems/1/discounts", [{"discountType": "DiscountPercentage", "discountValue": -(10**30)}]),
        ("post", "/payments", [{"paymentCode": "01", "amount": 10**30}]),
        ("post", "/payments", [{"paymentCode": "01", "amount": 10**12}]),
    ],
)
def test_line_and_payment_numbers_beyond_the_document_are_refused(pos, method, suffix, body):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    before = stored(cart_id)
    assert error_of(pos.call(method, f"/carts/{cart_id}{suffix}", body))[1] == "300001"
    assert stored(cart_id) == before


def test_cart_discount_beyond_the_document_is_refused(pos):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    pos.ok("post", f"/carts/{cart_id}/subtotal")
    before = stored(cart_id)
    body = [{"discountType": "DiscountAmount", "discountValue": 10**30}]
    assert error_of(pos.post(f"/carts/{cart_id}/discounts", body))[1] == "300001"
    assert stored(cart_id) == before


@pytest.mark.parametrize("line_no", [0, -1, 2, 2**31, 10**30])
def test_a_line_number_beyond_the_lines_is_404_900999(pos, line_no):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    before = stored(cart_id)
    assert error_of(pos.patch(f"/carts/{cart_id}/lineItems/{line_no}/quantity", {"quantity": 2})) == (404, "900999")
    assert stored(cart_id) == before


@pytest.mark.parametrize("name", ["transaction_type", "receipt_no", "open_counter"])
@pytest.mark.parametrize("value", [2**31, -(2**31) - 1, 2**63, 10**30])
def test_transaction_list_refuses_query_numbers_beyond_the_integer_columns(pos, name, value):
    pos.sell(("49-01", 1))
    response = pos.get(pos.transactions_path(f"?{name}={value}"))
    assert error_of(response) == (422, "300001")
    assert name in response.json()["message"]


def test_transaction_list_takes_the_largest_integers(pos):
    pos.sell(("49-01", 1))
    for name in ("transaction_type", "receipt_no", "open_counter"):
        assert pos.ok("get", pos.transactions_path(f"?{name}={2**31 - 1}")) == []


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
def test_transaction_numbers_beyond_the_column_are_not_found(pos, number):
    pos.sell(("49-01", 1))
    assert error_of(pos.get(pos.transactions_path(f"/{number}"))) == (404, "100001")
    for action in ("void", "return"):
        response = pos.post(pos.transactions_path(f"/{number}/{action}"), [{"paymentCode": "01", "amount": 110}])
        assert error_of(response) == (404, "100001")
    with tenant_context(TENANT_A):
        assert Transaction.objects.count() == 1


@pytest.mark.parametrize("action", ["void", "return"])
def test_void_and_return_refuse_amounts_beyond_the_document(pos, action):
    sale = pos.sell(("49-01", 1))
    response = pos.post(pos.transactions_path(f"/{sale['transactionNo']}/{action}"),
                        [{"paymentCode": "01", "amount": 10**30}])
    assert error_of(response) == (400, "300001")
    with tenant_context(TENANT_A):
        assert Transaction.objects.count() == 1
