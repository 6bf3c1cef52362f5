"""Snapshots (spec/50 §5.5, §6.8–6.10; scenarios 12 and 13) and per-service tenant init (§6.12)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.auth import service_token
from apps.core.formats import app_now, iso_app
from apps.stock.models import Snapshot
from tests.support import TENANT_A, bearer

from .conftest import in_tenant_a, store_url
from .factories import SnapshotFactory, StockFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_items(tenant_a):
    with in_tenant_a():
        StockFactory(item_code="ITEM002", current_quantity=50.0, minimum_quantity=5.0, reorder_point=10.0,
                     reorder_quantity=30.0)
        StockFactory(item_code="ITEM001", current_quantity=100.0, minimum_quantity=10.0, reorder_point=20.0,
                     reorder_quantity=50.0)
        StockFactory(item_code="ELSEWHERE", store_code="9999", current_quantity=7.0)


def test_snapshot_captures_the_store(client_a, two_items):
    response = client_a.post(store_url("/snapshot"), {"createdBy": "test_user"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["code"] == 201 and body["message"] == "Snapshot created successfully"
    assert body["operation"] == "create_snapshot"
    data = body["data"]
    assert list(data) == ["tenantId", "storeCode", "totalItems", "totalQuantity", "stocks", "createdBy",
                          "createdAt", "updatedAt", "generateDateTime"]
    assert (data["totalItems"], data["totalQuantity"], data["createdBy"]) == (2, 150.0, "test_user")
    assert data["stocks"][0] == {"itemCode": "ITEM001", "quantity": 100.0, "minimumQuantity": 10.0,
                                 "reorderPoint": 20.0, "reorderQuantity": 50.0}
    assert data["stocks"][1]["itemCode"] == "ITEM002"
    assert data["updatedAt"] is None and data["generateDateTime"].endswith("+09:00")
    assert data["tenantId"] == TENANT_A and data["storeCode"] == "5678"


def test_snapshot_without_body_names_the_terminal(client_a, two_items):
    response = client_a.post(store_url("/snapshot") + "?terminal_id=T1001-5678-1")
    assert response.status_code == 201 and response.json()["data"]["createdBy"] == "T1001-5678-1"
    response = client_a.post(store_url("/snapshot"), {}, format="json")
    assert response.json()["data"]["createdBy"] == "system"
    response = client_a.post(store_url("/snapshot") + "?terminal_id=T1001-5678-1", {"createdBy": "mgr"},
                             format="json")
    assert response.json()["data"]["createdBy"] == "mgr"


def test_empty_store_still_gives_a_snapshot(client_a, tenant_a):
    data = client_a.post(store_url("/snapshot", store="EMPTY")).json()["data"]
    assert (data["totalItems"], data["totalQuantity"], data["stocks"]) == (0, 0.0, [])


def test_snapshot_list_by_generation_time(client_a, two_items):
    for _ in range(3):
        assert client_a.post(store_url("/snapshot")).status_code == 201
    start = iso_app(timezone.now() - timedelta(minutes=5))
    end = iso_app(timezone.now())
    response = client_a.get(store_url("/snapshots"), {"start_date": start, "end_date": end, "page": 1, "limit": 10})
    body = response.json()
    assert body["message"] == "Snapshots retrieved successfully"
    assert body["operation"] == "get_snapshots_by_date_range" and body["metadata"] is None
    rows = body["data"]["data"]
    assert len(rows) == 3
    generated = [row["generateDateTime"] for row in rows]
    assert generated == sorted(generated, reverse=True)
    assert body["data"]["metadata"] == {"total": 3, "page": 1, "limit": 10, "sort": "generate_date_time:-1",
                                        "filter": {"start_date": start, "end_date": end}}
    only_start = client_a.get(store_url("/snapshots"), {"start_date": start}).json()["data"]["metadata"]
    assert only_start["filter"] == {"start_date": start}
    neither = client_a.get(store_url("/snapshots")).json()["data"]["metadata"]
    assert neither["filter"] is None and neither["total"] == 3


def test_date_bounds_are_plain_string_comparisons(client_a, tenant_a):
    with in_tenant_a():
        SnapshotFactory(generate_date_time="2025-01-31T10:00:00.000000+09:00")
        SnapshotFactory(generate_date_time="2025-01-30T10:00:00.000000+09:00")
        SnapshotFactory(generate_date_time=None)
        SnapshotFactory(store_code="9999", generate_date_time="2025-01-31T11:00:00.000000+09:00")

    def listed(**query):
        rows = client_a.get(store_url("/snapshots"), query).json()["data"]["data"]
        return [row["generateDateTime"][:10] for row in rows]

    assert listed(end_date="2025-01-31") == ["2025-01-30"]  # "2025-01-31T…" > "2025-01-31"
    assert listed(start_date="2025-01-31") == ["2025-01-31"]
    assert listed() == ["2025-01-31", "2025-01-30"]


def test_snapshot_by_id(client_a, tenant_a):
    with in_tenant_a():
        snapshot = SnapshotFactory(store_code="OTHER", total_items=1, total_quantity=3.0,
                                   stocks=[{"item_code": "X", "quantity": 3.0, "minimum_quantity": 0.0,
                                            "reorder_point": 0.0, "reorder_quantity": 0.0}])
    response = client_a.get(store_url(f"/snapshot/{snapshot.pk}"))  # the store in the path is not checked
    assert response.status_code == 200
    assert response.json()["message"] == "Snapshot retrieved successfully"
    assert response.json()["operation"] == "get_snapshot_by_id"
    assert response.json()["data"]["stocks"] == [{"itemCode": "X", "quantity": 3.0, "minimumQuantity": 0.0,
                                                  "reorderPoint": 0.0, "reorderQuantity": 0.0}]


@pytest.mark.parametrize("snapshot_id", ["unknown-id", "999999999", "99999999999999999999999"])
def test_unknown_snapshot_is_404_414202(client_a, tenant_a, snapshot_id):
    response = client_a.get(store_url(f"/snapshot/{snapshot_id}"))
    assert response.status_code == 404
    assert response.json()["user_error"] == {"code": "414202", "message": "スナップショットが見つかりません"}
    assert response.json()["message"] == f"Snapshot {snapshot_id} not found"


def test_snapshot_list_uses_few_queries(client_a, tenant_a, django_assert_max_num_queries):
    with in_tenant_a():
        for _ in range(20):
            SnapshotFactory(generate_date_time=app_now().isoformat())
    with django_assert_max_num_queries(6):
        assert len(client_a.get(store_url("/snapshots")).json()["data"]["data"]) == 20


def test_snapshot_needs_a_credential(api, tenant_a):
    assert api.post(store_url("/snapshot")).status_code == 401
    with in_tenant_a():
        assert Snapshot.objects.count() == 0


# --- tenant init --------------------------------------------------------------------------------------------
def test_tenant_init_is_201_every_time(api, token_a):
    api.credentials(**bearer(token_a))
    for _ in range(2):
        response = api.post("/stock/api/v1/tenants", {"tenantId": TENANT_A}, format="json")
        assert response.status_code == 201
        assert response.json()["data"] == {"tenantId": TENANT_A}
        assert response.json()["message"] == f"Creating tenant has completed: {TENANT_A}"
        assert response.json()["operation"] == "create_tenant"


def test_tenant_init_refuses_another_tenant_and_api_keys(api, token_a):
    api.credentials(**bearer(token_a))
    response = api.post("/stock/api/v1/tenants", {"tenant_id": "T8"}, format="json")
    assert response.status_code == 400 and response.json()["user_error"]["code"] == "100000"
    api.credentials()
    assert api.post("/stock/api/v1/tenants", {"tenant_id": TENANT_A}, format="json").status_code == 401


def test_tenant_init_failure_names_the_cause(api):
    bad = "bad-id"
    api.credentials(**bearer(service_token(service="stock", tenant_id=bad)))  # no user in a tenant not created
    response = api.post("/stock/api/v1/tenants", {"tenant_id": bad}, format="json")
    assert response.status_code == 500 and response.json()["user_error"]["code"] == "100000"
    assert response.json()["message"].startswith(f"Error creating tenant: {bad} : ")
