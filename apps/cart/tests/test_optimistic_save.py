"""A cart change is written only over the revision it was computed from (spec/00 §9: DB write conflicts retried).

Deterministic stand-ins for two requests at once: another request's change is made between this request's read
of the cart and its save, on the same connection, exactly where a concurrent request would commit it.
"""

import pytest
from django.db import connection

from apps.cart.models import Cart
from apps.cart.services import carts
from apps.core.tenancy import tenant_context
from tests.support import TENANT_A

pytestmark = pytest.mark.django_db


def revision(cart_id: str) -> int:
    with tenant_context(TENANT_A):
        return Cart.objects.get(cart_id=cart_id).revision


def interfere(monkeypatch, pos, cart_id, times):
    """The next ``times`` reads of the cart by a command are followed by another terminal request's add-item."""
    real_load = carts._load
    left = {"n": times}

    def load(cart, context, *, lock):
        loaded = real_load(cart, context, lock=lock)
        if left["n"] > 0:
            left["n"] -= 1
            monkeypatch.setattr(carts, "_load", real_load)  # the other request reads normally
            tenant = connection.tenant
            pos.add(cart_id, ("49-03", 1))
            connection.set_tenant(tenant)  # the other request's end reset the shared connection to public
            monkeypatch.setattr(carts, "_load", load)
        return loaded

    monkeypatch.setattr(carts, "_load", load)


def test_a_change_saved_by_another_request_meanwhile_is_kept_and_this_one_computed_again(pos, monkeypatch):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    interfere(monkeypatch, pos, cart_id, times=1)

    cart = pos.add(cart_id, ("49-02", 2))

    assert [(line["lineNo"], line["itemCode"], line["quantity"]) for line in cart["lineItems"]] == [
        (1, "49-01", 1), (2, "49-03", 1), (3, "49-02", 2)]
    assert cart["totalAmount"] == 100 + 550 + 2000
    assert cart["totalAmountWithTax"] == 2915  # tax 01: 10 % external
    assert revision(cart_id) == 3  # add, the other add, this add (saved on its second try)


def test_a_cart_that_keeps_changing_under_a_request_gives_409_and_keeps_the_others_changes(pos, monkeypatch):
    cart_id = pos.new_cart()
    interfere(monkeypatch, pos, cart_id, times=carts.OPTIMISTIC_ATTEMPTS)

    response = pos.post(f"/carts/{cart_id}/lineItems", [{"itemCode": "49-02", "quantity": 1}])

    assert response.status_code == 409
    assert response.json()["user_error"]["code"] == "100000"
    assert "changed by other requests" in response.json()["message"]
    lines = pos.ok("get", f"/carts/{cart_id}")["lineItems"]
    assert [line["itemCode"] for line in lines] == ["49-03"] * carts.OPTIMISTIC_ATTEMPTS  # not 49-02


def test_bill_still_takes_the_row_lock_and_counts_a_revision(pos):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    total = pos.ok("post", f"/carts/{cart_id}/subtotal")["totalAmountWithTax"]
    pos.pay(cart_id, ("01", int(total)))
    before = revision(cart_id)
    pos.ok("post", f"/carts/{cart_id}/bill")
    with tenant_context(TENANT_A):
        assert Cart.objects.get(cart_id=cart_id).status == "Completed"
    assert revision(cart_id) == before + 1
