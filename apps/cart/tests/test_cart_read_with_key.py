"""A command on one cart reads that cart in its API key's query (``CartTerminalAuthentication``), and behaves
exactly as when it read the cart on its own: the same 404s, the same answer to a change made meanwhile."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.cart.models import Cart
from apps.cart.services import carts
from apps.core.tenancy import tenant_context
from tests.support import TENANT_A

pytestmark = pytest.mark.django_db


def statements(action) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        action()
    return [query["sql"] for query in captured.captured_queries]


def error_of(response) -> tuple[int, str]:
    return response.status_code, response.json()["user_error"]["code"]


def test_an_add_item_is_the_key_s_query_with_its_cart_and_one_update(pos):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))  # warms the master-data cache

    sql = statements(lambda: pos.add(cart_id, ("49-01", 2)))

    assert len(sql) == 2
    assert "core_apikeyindex" in sql[0] and "terminal_terminal" in sql[0] and "cart_cart" in sql[0]
    assert sql[1].startswith('UPDATE "cart_cart"')
    lines = pos.ok("get", f"/carts/{cart_id}")["lineItems"]
    assert [(line["itemCode"], line["quantity"]) for line in lines] == [("49-01", 1), ("49-01", 2)]


def test_bill_and_cancel_read_their_cart_under_its_lock_not_with_the_key(pos):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    total = pos.ok("post", f"/carts/{cart_id}/subtotal")["totalAmountWithTax"]
    pos.pay(cart_id, ("01", int(total)))

    sql = statements(lambda: pos.ok("post", f"/carts/{cart_id}/bill"))

    key_query = next(q for q in sql if "core_apikeyindex" in q)
    assert "cart_cart" not in key_query
    assert any(q.startswith('SELECT "cart_cart"') and "FOR UPDATE" in q for q in sql)
    other = pos.new_cart()
    sql = statements(lambda: pos.ok("post", f"/carts/{other}/cancel"))
    assert "cart_cart" not in next(q for q in sql if "core_apikeyindex" in q)


def test_a_cart_changed_after_the_key_s_query_is_read_again_before_it_is_saved(pos, monkeypatch):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    real_save = carts._save_over
    saves = []

    def save_after_another_request(row, document):
        if not saves:  # between this request's read (with its key) and its save, another request adds 49-03
            saves.append("interfered")
            tenant = connection.tenant
            monkeypatch.setattr(carts, "_save_over", real_save)
            pos.add(cart_id, ("49-03", 1))
            monkeypatch.setattr(carts, "_save_over", save_after_another_request)
            connection.set_tenant(tenant)
        saves.append(row.revision)
        return real_save(row, document)

    monkeypatch.setattr(carts, "_save_over", save_after_another_request)
    cart = pos.add(cart_id, ("49-02", 2))

    assert saves == ["interfered", 1, 2]  # the key's read (revision 1) lost; read again: revision 2, saved
    assert [(line["itemCode"], line["quantity"]) for line in cart["lineItems"]] == [
        ("49-01", 1), ("49-03", 1), ("49-02", 2)]
    assert cart["totalAmountWithTax"] == 2915  # 100 + 550 + 2000, tax 01: 10 % external


def test_unknown_expired_and_malformed_carts_are_404_for_every_command(pos):
    cart_id = pos.new_cart()
    with tenant_context(TENANT_A):
        Cart.objects.filter(cart_id=cart_id).update(updated_at=timezone.now() - timedelta(hours=10, seconds=1))
    for missing in (cart_id, "8d2c3d8e-0000-4000-8000-000000000000", "not-a-uuid"):
        assert error_of(pos.post(f"/carts/{missing}/lineItems", [{"itemCode": "49-01", "quantity": 1}])) == (
            404, "401002")
        assert error_of(pos.post(f"/carts/{missing}/subtotal")) == (404, "401002")
        assert error_of(pos.get(f"/carts/{missing}")) == (404, "401002")
    with tenant_context(TENANT_A):
        assert Cart.objects.get(cart_id=cart_id).revision == 0  # nothing was saved over the expired cart


def test_another_terminal_s_key_reads_no_cart(pos, api, token_a):
    from apps.cart.tests.conftest import set_up_store

    other = set_up_store(api, token_a, terminal_no=10, items=())
    cart_id = pos.new_cart()
    other.api_key = pos.api_key  # terminal 9's key, for terminal 10, on terminal 9's cart
    response = other.post(f"/carts/{cart_id}/lineItems", [{"itemCode": "49-01", "quantity": 1}])
    assert response.status_code == 401
    assert pos.ok("get", f"/carts/{cart_id}")["lineItems"] == []
