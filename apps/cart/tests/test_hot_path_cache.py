"""The cart's cached master data (``apps.core.cache``) is never stale: every change made through the API, the
admin's services or a plain model save is seen by the very next cart request, and no tenant sees another's."""

from __future__ import annotations

import pytest

from apps.cart.tests.conftest import set_up_store
from apps.core import cache
from tests.support import TENANT_A, TENANT_B, bearer

pytestmark = pytest.mark.django_db

MD = f"/master-data/api/v1/tenants/{TENANT_A}"


def _price_of_new_line(pos, item_code: str = "49-01") -> float:
    cart_id = pos.new_cart()  # an item's master data is read once per cart (spec/30 §4.2): a new cart each time
    return pos.add(cart_id, (item_code, 1))["lineItems"][0]["unitPrice"]


def _md(pos, method: str, path: str, body=None):
    response = pos.client.generic(method.upper(), f"{MD}{path}", data=None if body is None else
                                  __import__("json").dumps(body), content_type="application/json",
                                  **bearer(pos.token))
    assert response.status_code in (200, 201), response.content.decode()
    return response


def test_item_price_change_is_seen_by_the_next_add(pos):
    assert _price_of_new_line(pos) == 100.0
    assert _price_of_new_line(pos) == 100.0  # from the cache now
    _md(pos, "put", "/items/49-01", {"description": "Item 49-01", "unitPrice": 150, "unitCost": 0,
                                     "itemDetails": [], "imageUrls": [], "categoryCode": "001", "taxCode": "01"})
    assert _price_of_new_line(pos) == 150.0


def test_store_price_create_update_delete_are_seen(pos):
    assert _price_of_new_line(pos) == 100.0
    _md(pos, "post", f"/stores/{pos.store_code}/items", {"itemCode": "49-01", "storePrice": 90})
    assert _price_of_new_line(pos) == 90.0
    _md(pos, "put", f"/stores/{pos.store_code}/items/49-01", {"storePrice": 80})
    assert _price_of_new_line(pos) == 80.0
    _md(pos, "delete", f"/stores/{pos.store_code}/items/49-01")
    assert _price_of_new_line(pos) == 100.0


def test_deleted_item_is_not_found_by_the_next_add(pos):
    assert _price_of_new_line(pos, "49-02") == 1000.0
    _md(pos, "delete", "/items/49-02?is_logical=true")
    response = pos.post(f"/carts/{pos.new_cart()}/lineItems", [{"itemCode": "49-02", "quantity": 1}])
    assert response.status_code == 404 and response.json()["user_error"]["code"] == "402001"


def test_a_plain_model_save_is_seen_too(pos):
    """Writes that bypass the services (a shell, a data migration) still change the version."""
    from apps.core.tenancy import tenant_context
    from apps.masterdata.models import Item

    assert _price_of_new_line(pos) == 100.0
    with tenant_context(TENANT_A):
        item = Item.objects.get(item_code="49-01")
        item.unit_price = 120
        item.save()
    assert _price_of_new_line(pos) == 120.0


def _add_promotion(pos, code: str, rate: int, *, active: bool = True):
    _md(pos, "post", "/promotions", {
        "promotionCode": code, "promotionType": "category_discount", "name": f"Promo {code}",
        "startDatetime": "2020-01-01T00:00:00", "endDatetime": "2099-12-31T23:59:59", "isActive": active,
        "detail": {"targetCategoryCodes": ["001"], "discountRate": rate}})


def _discounts(pos, cart_id: str) -> list:
    return [d["promotionCode"] for d in pos.ok("post", f"/carts/{cart_id}/subtotal")["lineItems"][0]["discounts"]]


def test_promotion_changes_are_seen_by_the_next_recalculation(pos):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    assert _discounts(pos, cart_id) == []
    _add_promotion(pos, "P10", 10)
    pos.ok("post", f"/carts/{cart_id}/resume-item-entry")
    assert _discounts(pos, cart_id) == ["P10"]
    _md(pos, "delete", "/promotions/P10")
    cart_id = pos.new_cart()  # a promotion once applied stays on its line: a new cart shows the deletion
    pos.add(cart_id, ("49-01", 1))
    assert _discounts(pos, cart_id) == []


def test_revoked_api_key_is_refused_at_once(pos, token_a):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    response = pos.client.delete(f"/terminal/api/v1/terminals/{pos.terminal_id}", **bearer(token_a))
    assert response.status_code == 200, response.content
    response = pos.post(f"/carts/{cart_id}/lineItems", [{"itemCode": "49-01", "quantity": 1}])
    assert response.status_code == 401


def test_terminal_sign_out_and_close_take_effect_at_once(pos):
    terminal = f"/terminal/api/v1/terminals/{pos.terminal_id}"
    pos.new_cart()
    assert pos.client.post(f"{terminal}/sign-out", {}, format="json", HTTP_X_API_KEY=pos.api_key).status_code == 200
    response = pos.post("/carts", {})
    assert response.status_code == 400 and response.json()["user_error"]["code"] == "404002"
    assert pos.client.post(f"{terminal}/sign-in", {"staffId": "S001"}, format="json",
                           HTTP_X_API_KEY=pos.api_key).status_code == 200
    pos.new_cart()
    assert pos.client.post(f"{terminal}/close", {"physicalAmount": 0}, format="json",
                           HTTP_X_API_KEY=pos.api_key).status_code == 200
    response = pos.post("/carts", {})
    assert response.status_code == 400 and response.json()["user_error"]["code"] == "404001"


def test_tenants_never_share_cached_data(pos, api, token_b):
    other = set_up_store(api, token_b, tenant_id=TENANT_B, items=(("49-02", 7, "001", "01"),))
    assert _price_of_new_line(pos, "49-02") == 1000.0
    assert _price_of_new_line(other, "49-02") == 7.0
    assert _price_of_new_line(pos, "49-02") == 1000.0


def test_cache_keys_carry_the_schema_and_version():
    from django.db import connection

    cache.clear()
    loads = []

    def load(value):
        loads.append(value)
        return value

    connection.set_schema("t_a")
    assert cache.cached(1, "k", lambda: load("a1")) == "a1"
    assert cache.cached(1, "k", lambda: load("never")) == "a1"
    assert cache.cached(2, "k", lambda: load("a2")) == "a2"  # a new version misses
    assert cache.cached(None, "k", lambda: load("uncached")) == "uncached"  # no version: always read
    connection.set_schema("t_b")
    assert cache.cached(2, "k", lambda: load("b2")) == "b2"  # another schema misses
    connection.set_schema_to_public()
    assert loads == ["a1", "a2", "uncached", "b2"]


def test_hot_path_query_counts(pos, django_assert_max_num_queries):
    """Round trips of the hot requests with a warm cache (the test's SAVEPOINT/RELEASE stand for BEGIN/COMMIT)."""
    pos.sell(("49-01", 1))  # warms the cache: item, payment method, settings, store
    # The connection stays in the tenant's search path (no SET); the API key is checked in the query that reads
    # the terminal and the data version.
    with django_assert_max_num_queries(2):  # key + terminal + version, INSERT
        cart_id = pos.new_cart()
    with django_assert_max_num_queries(2):  # key + terminal + version + cart, conditional UPDATE (optimistic save)
        pos.add(cart_id, ("49-01", 1))
    with django_assert_max_num_queries(2):
        pos.add(cart_id, ("49-01", 1), ("49-01", 2))
    with django_assert_max_num_queries(2):
        total = pos.ok("post", f"/carts/{cart_id}/subtotal")["totalAmountWithTax"]
    with django_assert_max_num_queries(2):
        pos.pay(cart_id, ("01", int(total)))
    with django_assert_max_num_queries(1):
        pos.ok("get", f"/carts/{cart_id}")
    with django_assert_max_num_queries(9):  # + lock, counters, outbox record, deliveries, transaction; BEGIN/COMMIT
        pos.ok("post", f"/carts/{cart_id}/bill")
