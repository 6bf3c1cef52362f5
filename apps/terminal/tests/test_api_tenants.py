"""Tenant info and stores, T1-T9 (spec/10 §5.1): the rules and error codes beyond the §11 scenarios."""

from __future__ import annotations

import pytest

from apps.core.auth import service_token
from apps.core.tenancy import tenant_context, tenant_get
from apps.terminal.models import Store, TenantInfo
from tests.support import TENANT_A, TENANT_B, bearer

pytestmark = pytest.mark.django_db

TENANTS = "/terminal/api/v1/tenants"
A = f"{TENANTS}/{TENANT_A}"


def code_of(response) -> tuple[int, str]:
    return response.status_code, response.json()["user_error"]["code"]


@pytest.fixture
def T(token_a) -> dict:
    return bearer(token_a)


@pytest.fixture
def with_info(api, T, clock):
    response = api.post(TENANTS, {"tenantId": TENANT_A, "tenantName": "Chain A", "tags": []}, format="json", **T)
    assert response.status_code == 201
    return response


def test_t1_creates_the_tenant_schema_when_it_does_not_exist(api):
    assert tenant_get("N5555") is None
    token = service_token(service="terminal", tenant_id="N5555")  # no user in a tenant not created yet
    response = api.post(
        TENANTS, {"tenant_id": "N5555", "tenant_name": "New", "tags": ["x"]}, format="json", **bearer(token)
    )
    assert response.status_code == 201
    assert tenant_get("N5555") is not None
    with tenant_context("N5555"):
        assert TenantInfo.objects.get().tenant_name == "New"


def test_t1_validation_comes_before_the_tenant_check(api, T):
    response = api.post(TENANTS, {"tenant_id": "Z9999", "tenant_name": "x"}, format="json", **T)
    assert code_of(response) == (422, "300001")
    assert response.json()["message"] == "Invalid input data: body -> tags: Field required"
    assert code_of(api.post(TENANTS, {"tenant_id": "Z", "tenant_name": "x", "tags": "no"}, format="json", **T)) == (
        422,
        "300001",
    )


def test_t1_refuses_a_terminal_jwt(api, term_a):
    token = api.post("/terminal/api/v1/auth/token", HTTP_X_API_KEY=term_a.K).json()["data"]["access_token"]
    response = api.post(
        TENANTS, {"tenant_id": TENANT_A, "tenant_name": "x", "tags": []}, format="json", **bearer(token)
    )
    assert code_of(response) == (401, "200001")


def test_t2_without_tenant_info_is_407001(api, T):
    response = api.get(A, **T)
    assert code_of(response) == (404, "407001")


def test_t2_with_an_api_key_needs_the_terminal_id_query(api, term_a):
    key = {"HTTP_X_API_KEY": term_a.K}
    assert code_of(api.get(A, **key)) == (401, "200001")
    response = api.get(f"{A}?terminal_id={term_a.terminal_id}", **key)
    assert response.status_code == 200
    assert response.json()["message"] == f"Tenant info for tenant {TENANT_A}"
    assert response.json()["operation"] == "get_tenant"
    mismatch = api.get(f"{TENANTS}/{TENANT_B}?terminal_id={term_a.terminal_id}", **key)
    assert code_of(mismatch) == (400, "100000")
    assert mismatch.json()["message"] == f"tenant_id: {TENANT_B} does not match tenant_id: {TENANT_A}"
    assert mismatch.json()["data"] == f"400: tenant_id: {TENANT_B} does not match tenant_id: {TENANT_A}"


def test_t3_replaces_name_and_tags_and_fails_with_407003(api, T, clock):
    assert code_of(api.put(A, {"tenant_name": "x", "tags": []}, format="json", **T)) == (400, "407003")
    api.post(TENANTS, {"tenantId": TENANT_A, "tenantName": "Chain A", "tags": ["a"]}, format="json", **T)
    clock.set("2025-01-15 12:00:00")
    response = api.put(A, {"tenantName": "Chain B", "tags": ["b", "c"]}, format="json", **T)
    assert response.status_code == 200 and response.json()["operation"] == "update_tenant"
    data = response.json()["data"]
    assert (data["tenantName"], data["tags"]) == ("Chain B", ["b", "c"])
    assert data["lastUpdateDatetime"] == "2025-01-15 03:00:00"  # UTC wall time
    assert data["entryDatetime"] == "2025-01-15 00:00:00"


def test_t4_deletes_tenant_info_and_stores_but_not_terminals(api, T, term_a):
    response = api.delete(A, **T)
    assert response.status_code == 200 and response.json()["data"] == {"tenantId": TENANT_A}
    assert response.json()["message"] == f"Tenant deleted successfully for tenant {TENANT_A}"
    with tenant_context(TENANT_A):
        assert not TenantInfo.objects.exists() and not Store.objects.exists()
    assert api.get(term_a.url, **T).status_code == 200
    assert code_of(api.delete(A, **T)) == (400, "407004")


def test_t5_to_t9_without_tenant_info_are_407001(api, T):
    assert code_of(api.post(f"{A}/stores", {"store_code": "1", "store_name": "x"}, format="json", **T)) == (
        404,
        "407001",
    )
    assert code_of(api.get(f"{A}/stores", **T)) == (404, "407001")
    assert code_of(api.get(f"{A}/stores/1", **T)) == (404, "407001")
    assert code_of(api.put(f"{A}/stores/1", {"store_name": "x"}, format="json", **T)) == (404, "407001")
    assert code_of(api.delete(f"{A}/stores/1", **T)) == (404, "407001")


def test_t5_new_store_ignores_status_and_business_date(api, T, with_info):
    response = api.post(
        f"{A}/stores",
        {"storeCode": "S1", "storeName": "One", "status": "Opened", "businessDate": "20250101"},
        format="json",
        **T,
    )
    assert response.status_code == 201 and response.json()["operation"] == "add_store"
    store = response.json()["data"]["stores"][0]
    assert store == {
        "storeCode": "S1",
        "storeName": "One",
        "status": "Idle",
        "businessDate": None,
        "tags": None,
        "entryDatetime": "2025-01-15 00:00:00",
        "lastUpdateDatetime": None,
    }
    assert code_of(api.post(f"{A}/stores", {"storeCode": "S-2", "storeName": "x"}, format="json", **T)) == (
        422,
        "300001",
    )


def test_t6_returns_every_store_sorted_and_ignores_paging(api, T, with_info, django_assert_max_num_queries):
    for code, name in (("B", "beta"), ("A", "gamma"), ("C", "alpha")):
        api.post(f"{A}/stores", {"store_code": code, "store_name": name}, format="json", **T)
    with django_assert_max_num_queries(4):
        response = api.get(f"{A}/stores?limit=1&page=2", **T)
    assert [store["storeCode"] for store in response.json()["data"]] == ["A", "B", "C"]
    assert response.json()["metadata"] is None
    by_name = api.get(f"{A}/stores?sort=store_name:1", **T).json()["data"]
    assert [store["storeName"] for store in by_name] == ["alpha", "beta", "gamma"]
    assert code_of(api.get(f"{A}/stores?sort=store_name", **T)) == (422, "300001")
    assert code_of(api.get(f"{A}/stores?sort=nope:1", **T)) == (422, "300001")
    assert code_of(api.get(f"{A}/stores?limit=x", **T)) == (422, "300001")


def test_t7_and_t8_apply_only_truthy_values(api, T, with_info, clock):
    api.post(f"{A}/stores", {"store_code": "S1", "store_name": "One", "tags": ["t"]}, format="json", **T)
    got = api.get(f"{A}/stores/S1", **T)
    assert got.json()["data"]["storeName"] == "One" and got.json()["operation"] == "get_store"
    clock.tick(hours=1)
    response = api.put(
        f"{A}/stores/S1",
        {"store_name": "", "status": "Opened", "business_date": "20250115", "tags": []},
        format="json",
        **T,
    )
    data = response.json()["data"]
    assert (data["storeName"], data["status"], data["businessDate"], data["tags"]) == (
        "One",
        "Opened",
        "20250115",
        ["t"],
    )
    assert data["lastUpdateDatetime"] == "2025-01-15 01:00:00"
    assert code_of(api.put(f"{A}/stores/S9", {"store_name": "x"}, format="json", **T)) == (400, "407003")
    assert code_of(api.put(f"{A}/stores/S1", {"status": "x"}, format="json", **T)) == (422, "300001")


def test_t9_deleting_an_unknown_store_is_fine(api, T, with_info):
    response = api.delete(f"{A}/stores/NOPE", **T)
    assert response.status_code == 200 and response.json()["data"] == {"storeCode": "NOPE"}
    assert response.json()["operation"] == "delete_store"


def test_user_only_endpoints_refuse_api_keys_and_terminal_jwts(api, term_a):
    key = {"HTTP_X_API_KEY": term_a.K}
    token = api.post("/terminal/api/v1/auth/token", **key).json()["data"]["access_token"]
    for call in (
        lambda h: api.put(
            f"{A}?terminal_id={term_a.terminal_id}", {"tenant_name": "x", "tags": []}, format="json", **h
        ),
        lambda h: api.delete(f"{A}?terminal_id={term_a.terminal_id}", **h),
        lambda h: api.post(
            f"{A}/stores?terminal_id={term_a.terminal_id}", {"store_code": "1", "store_name": "x"}, format="json", **h
        ),
        lambda h: api.delete(f"{A}/stores/5678?terminal_id={term_a.terminal_id}", **h),
    ):
        assert code_of(call(key)) == (401, "200001")
        assert call(key).json()["message"] == "Unauthorized access : No token or API-KEY provided"
        assert code_of(call(bearer(token))) == (401, "200001")
    with tenant_context(TENANT_A):
        assert Store.objects.filter(store_code="5678").exists()


def test_t1_with_an_unusable_tenant_id_is_407006(api):
    token = service_token(service="terminal", tenant_id="BAD-ID")
    response = api.post(
        TENANTS, {"tenant_id": "BAD-ID", "tenant_name": "x", "tags": []}, format="json", **bearer(token)
    )
    assert code_of(response) == (400, "407006")
    assert tenant_get("BAD-ID") is None
