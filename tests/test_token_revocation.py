"""Tokens do not outlive what they name (issue #20): a user JWT whose user does not exist or is inactive, and a
terminal JWT whose terminal was deleted, are refused on the next request; the cart path pays no round trip for it."""

from __future__ import annotations

import pytest
from django.db import connection

from apps.account.models import User
from apps.cart.models import Cart
from apps.cart.tests.conftest import set_up_store
from apps.core.auth import user_token
from apps.core.tenancy import tenant_context
from tests.support import TENANT_A, bearer

pytestmark = pytest.mark.django_db

MD = f"/master-data/api/v1/tenants/{TENANT_A}"


@pytest.fixture
def pos(api, token_a):
    return set_up_store(api, token_a)


def terminal_jwt(pos) -> str:
    response = pos.client.post(f"/terminal/api/v1/auth/token?terminal_id={pos.terminal_id}",
                               HTTP_X_API_KEY=pos.api_key)
    assert response.status_code == 200, response.content
    return response.json()["data"]["access_token"]


def cart_call(pos, token: str, method: str, path: str, body=None):
    return pos.client.generic(method.upper(), f"/cart/api/v1{path}", data=__import__("json").dumps(body or {}),
                              content_type="application/json", **bearer(token))


def carts() -> int:
    with tenant_context(TENANT_A):
        count = Cart.objects.count()
    connection.set_schema_to_public()
    return count


def assert_401(response, code: str = "200001"):
    assert response.status_code == 401, response.content
    assert response.json()["user_error"]["code"] == code


def test_a_user_jwt_naming_no_user_is_refused(api, tenant_a, admin_a):
    ghost = user_token(username="ghost", tenant_id=TENANT_A, is_superuser=True)  # signed with the real key
    assert_401(api.get(f"{MD}/staff", **bearer(ghost)))
    assert api.get(f"{MD}/staff", **bearer(user_token(username="admin", tenant_id=TENANT_A,
                                                            is_superuser=True))).status_code == 200


def test_a_deactivated_or_deleted_user_is_refused_on_the_next_request(api, token_a):
    assert api.get(f"{MD}/staff", **bearer(token_a)).status_code == 200
    with tenant_context(TENANT_A):
        User.objects.filter(username="admin").update(is_active=False)
    assert_401(api.get(f"{MD}/staff", **bearer(token_a)))
    with tenant_context(TENANT_A):
        User.objects.filter(username="admin").update(is_active=True)
    assert api.get(f"{MD}/staff", **bearer(token_a)).status_code == 200
    with tenant_context(TENANT_A):
        User.objects.filter(username="admin").delete()
    assert_401(api.get(f"{MD}/staff", **bearer(token_a)))
    assert_401(api.post(f"{MD}/staff", {"id": "S9", "name": "X", "pin": "1", "roles": []}, format="json",
                        **bearer(token_a)))


def test_a_deleted_terminals_jwt_opens_no_cart_and_adds_nothing(pos, token_a):
    token = terminal_jwt(pos)
    created = cart_call(pos, token, "post", "/carts")
    assert created.status_code == 201, created.content
    cart_id = created.json()["data"]["cartId"]
    assert cart_call(pos, token, "post", f"/carts/{cart_id}/lineItems", [{"itemCode": "49-01", "quantity": 1}]
                     ).status_code == 200
    assert pos.client.delete(f"/terminal/api/v1/terminals/{pos.terminal_id}", **bearer(token_a)).status_code == 200
    before = carts()
    assert_401(cart_call(pos, token, "post", "/carts"))
    assert_401(cart_call(pos, token, "post", f"/carts/{cart_id}/lineItems", [{"itemCode": "49-01", "quantity": 1}]))
    assert_401(cart_call(pos, token, "post", f"/carts/{cart_id}/bill"))
    assert_401(cart_call(pos, token, "get", f"/carts/{cart_id}"))
    assert carts() == before
    with tenant_context(TENANT_A):
        assert len(Cart.objects.get(cart_id=cart_id).document["line_items"]) == 1
    # elsewhere too: a terminal endpoint and a master-data read
    assert_401(pos.client.get(f"/terminal/api/v1/terminals/{pos.terminal_id}", **bearer(token)))
    assert_401(pos.client.get(f"{MD}/items", **bearer(token)))


def test_a_terminal_jwt_on_the_cart_path_costs_no_extra_round_trip(pos, django_assert_max_num_queries):
    token = terminal_jwt(pos)
    cart_id = cart_call(pos, token, "post", "/carts").json()["data"]["cartId"]
    assert cart_call(pos, token, "post", f"/carts/{cart_id}/lineItems", [{"itemCode": "49-01", "quantity": 1}]
                     ).status_code == 200
    with django_assert_max_num_queries(2):  # as with the API key: the check reads the cart and the data version
        response = cart_call(pos, token, "post", f"/carts/{cart_id}/lineItems", [{"itemCode": "49-01", "quantity": 2}])
    assert response.status_code == 200 and len(response.json()["data"]["lineItems"]) == 2


def test_a_token_signed_with_the_old_development_key_is_refused(api, token_a):
    import time

    import jwt

    forged = jwt.encode({"sub": "admin", "tenant_id": TENANT_A, "is_superuser": True, "exp": int(time.time()) + 60},
                        "test-secret-key-for-development-only", algorithm="HS256")
    assert_401(api.get(f"{MD}/staff", **bearer(forged)))
