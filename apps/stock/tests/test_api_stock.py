"""Stock REST endpoints (spec/50 §6.1–6.7) and scenarios 1, 2, 3, 9 and 10 of §10 on the lists."""

import pytest

from apps.stock.models import Stock, StockUpdate
from tests.support import TENANT_A, TENANT_B, bearer, register_api_key

from .conftest import in_tenant_a, store_url
from .factories import StockFactory

pytestmark = pytest.mark.django_db


def update(client, item, change, update_type="sale", **body):
    return client.put(store_url(f"/{item}/update"), {"quantityChange": change, "updateType": update_type, **body},
                      format="json")


def test_manual_change_creates_the_row(client_a):
    response = update(client_a, "NEW1", 100, "purchase", referenceId="PO001")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True and body["code"] == 200 and body["userError"] is None
    assert body["message"] == "Stock updated successfully" and body["operation"] == "update_stock"
    data = body["data"]
    assert list(data) == ["tenantId", "storeCode", "itemCode", "updateType", "quantityChange", "beforeQuantity",
                          "afterQuantity", "referenceId", "timestamp", "operatorId", "note"]
    assert data["updateType"] == "purchase" and data["quantityChange"] == 100.0
    assert data["beforeQuantity"] == 0.0 and data["afterQuantity"] == 100.0
    assert data["referenceId"] == "PO001" and data["operatorId"] is None and data["note"] is None
    assert data["tenantId"] == TENANT_A and data["storeCode"] == "5678" and data["itemCode"] == "NEW1"
    assert data["timestamp"].endswith("+00:00")

    stock = client_a.get(store_url("/NEW1")).json()
    assert stock["message"] == "Stock retrieved successfully" and stock["operation"] == "get_stock"
    assert list(stock["data"]) == ["tenantId", "storeCode", "itemCode", "currentQuantity", "minimumQuantity",
                                   "reorderPoint", "reorderQuantity", "lastUpdated", "lastTransactionId"]
    assert stock["data"]["currentQuantity"] == 100.0
    assert (stock["data"]["minimumQuantity"], stock["data"]["reorderPoint"], stock["data"]["reorderQuantity"]) == (
        0.0, 0.0, 0.0)
    assert stock["data"]["lastTransactionId"] == "PO001"
    assert stock["data"]["lastUpdated"].endswith("+09:00")

    update(client_a, "NEW1", 1, "purchase")
    assert client_a.get(store_url("/NEW1")).json()["data"]["lastTransactionId"] is None


def test_type_does_not_set_the_sign_and_negative_stock_is_allowed(client_a):
    assert client_a.put(store_url("/ITEM002/minimum"), {"minimumQuantity": 20}, format="json").status_code == 200
    response = update(client_a, "ITEM002", -1000, "sale")
    assert (response.json()["data"]["beforeQuantity"], response.json()["data"]["afterQuantity"]) == (0.0, -1000.0)
    low = client_a.get(store_url("/low")).json()["data"]
    assert [row["itemCode"] for row in low["data"]] == ["ITEM002"]
    assert update(client_a, "ITEM002", 5, "sale").json()["data"]["afterQuantity"] == -995.0


def test_history_newest_first_with_paging_and_terminal_as_operator(client_a):
    update(client_a, "H1", 100, "initial")
    update(client_a, "H1", -20, "sale")
    client_a.put(store_url("/H1/update") + "?terminal_id=T1001-5678-1",
                 {"quantityChange": 30, "updateType": "purchase"}, format="json")
    body = client_a.get(store_url("/H1/history")).json()
    assert body["message"] == "Stock history retrieved successfully" and body["metadata"] is None
    rows = body["data"]["data"]
    assert [(r["updateType"], r["quantityChange"], r["beforeQuantity"], r["afterQuantity"]) for r in rows] == [
        ("purchase", 30.0, 80.0, 110.0), ("sale", -20.0, 100.0, 80.0), ("initial", 100.0, 0.0, 100.0)]
    assert rows[0]["operatorId"] == "T1001-5678-1" and rows[1]["operatorId"] is None
    assert body["data"]["metadata"] == {"total": 3, "page": 1, "limit": 100, "sort": None, "filter": None}
    page2 = client_a.get(store_url("/H1/history?page=2&limit=2")).json()["data"]
    assert len(page2["data"]) == 1 and page2["data"][0]["updateType"] == "initial"
    assert page2["metadata"] == {"total": 3, "page": 2, "limit": 2, "sort": None, "filter": None}
    unknown = client_a.get(store_url("/NOPE/history")).json()["data"]
    assert unknown == {"data": [], "metadata": {"total": 0, "page": 1, "limit": 100, "sort": None, "filter": None}}


def test_operator_in_body_wins_and_api_key_auth_works(api):
    register_api_key(tenant_id=TENANT_A, terminal_id="T1001-5678-1", api_key="stock-test-key")
    response = api.put(store_url("/K1/update") + "?terminal_id=T1001-5678-1",
                       {"quantity_change": 3, "update_type": "adjustment", "operator_id": "clerk7", "note": "count"},
                       format="json", HTTP_X_API_KEY="stock-test-key")
    assert response.status_code == 200
    assert response.json()["data"]["operatorId"] == "clerk7" and response.json()["data"]["note"] == "count"


def test_store_list_sorted_by_item_with_shape_b_paging(client_a):
    with in_tenant_a():
        for code in ("C", "A", "B"):
            StockFactory(item_code=code, current_quantity=1.5)
        StockFactory(item_code="X", store_code="OTHER")
    body = client_a.get(store_url("?limit=2")).json()
    assert body["message"] == "Stock list retrieved successfully" and body["operation"] == "get_store_stocks"
    assert body["metadata"] is None
    assert [row["itemCode"] for row in body["data"]["data"]] == ["A", "B"]
    assert body["data"]["data"][0]["currentQuantity"] == 1.5
    assert body["data"]["metadata"] == {"total": 3, "page": 1, "limit": 2, "sort": None, "filter": None}
    page2 = client_a.get(store_url("?limit=2&page=2&sort=garbage")).json()["data"]
    assert [row["itemCode"] for row in page2["data"]] == ["C"]


@pytest.mark.parametrize("query", ["?limit=0", "?limit=1001", "?page=0", "?limit=abc"])
def test_paging_out_of_range_is_422(client_a, query):
    response = client_a.get(store_url(query))
    assert response.status_code == 422
    assert response.json()["user_error"]["code"] == "300001"
    assert client_a.get(store_url("/H1/history" + query)).status_code == 422


def test_limits_at_the_bounds_are_accepted(client_a):
    assert client_a.get(store_url("?limit=1")).status_code == 200
    assert client_a.get(store_url("?limit=1000")).status_code == 200


def test_boundaries_of_the_two_lists(client_a):
    with in_tenant_a():
        StockFactory(item_code="AT10", current_quantity=10.0, minimum_quantity=10.0, reorder_point=20.0,
                     reorder_quantity=30.0)
        StockFactory(item_code="Z1", current_quantity=-5.0)
        StockFactory(item_code="OK", current_quantity=100.0, minimum_quantity=10.0, reorder_point=20.0)
    reorder = client_a.get(store_url("/reorder-alerts")).json()
    assert reorder["message"] == "Reorder alert items retrieved successfully"
    assert reorder["operation"] == "get_reorder_alerts"
    assert [row["itemCode"] for row in reorder["data"]["data"]] == ["AT10"]
    assert reorder["data"]["metadata"] == {"total": 1, "page": 1, "limit": 1, "sort": None, "filter": None}
    low = client_a.get(store_url("/low")).json()
    assert low["message"] == "Low stock items retrieved successfully" and low["operation"] == "get_low_stocks"
    assert [row["itemCode"] for row in low["data"]["data"]] == ["Z1"]  # 10 is not < 10; −5 < 0


def test_empty_low_list_metadata(client_a):
    data = client_a.get(store_url("/low", store="EMPTY")).json()["data"]
    assert data == {"data": [], "metadata": {"total": 0, "page": 1, "limit": 0, "sort": None, "filter": None}}


def test_unknown_item_is_404_414001(client_a):
    response = client_a.get(store_url("/NOPE"))
    assert response.status_code == 404
    body = response.json()
    assert body["message"] == "Stock not found for item NOPE in store 5678"
    assert body["user_error"] == {"code": "414001", "message": "在庫情報が見つかりません"}
    assert body["operation"] == "app_exception_handler"


def test_get_snapshot_without_id_reads_an_item_called_snapshot(client_a):
    response = client_a.get(store_url("/snapshot"))
    assert response.status_code == 404 and response.json()["user_error"]["code"] == "414001"


def test_thresholds_create_then_update_without_history(client_a):
    response = client_a.put(store_url("/T9/reorder"), {"reorder_point": 25, "reorder_quantity": 50}, format="json")
    assert response.status_code == 200
    assert response.json()["data"] is None and response.json()["message"] == "Reorder parameters set successfully"
    assert response.json()["operation"] == "set_reorder_parameters"
    response = client_a.put(store_url("/T9/minimum"), {"minimum_quantity": 7.5}, format="json")
    assert response.json()["message"] == "Minimum quantity set successfully"
    assert response.json()["operation"] == "set_minimum_quantity"
    update(client_a, "T9", 40, "purchase", referenceId="R")
    client_a.put(store_url("/T9/minimum"), {"minimumQuantity": 8}, format="json")
    data = client_a.get(store_url("/T9")).json()["data"]
    assert (data["currentQuantity"], data["minimumQuantity"], data["reorderPoint"], data["reorderQuantity"]) == (
        40.0, 8.0, 25.0, 50.0)
    assert data["lastTransactionId"] == "R"  # thresholds leave it alone
    with in_tenant_a():
        assert StockUpdate.objects.filter(item_code="T9").count() == 1


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/V1/update", {"quantityChange": 1, "updateType": "SALE"}),
        ("/V1/update", {"updateType": "sale"}),
        ("/V1/update", {"quantityChange": "5", "updateType": "sale"}),
        ("/V1/update", {"quantityChange": 1, "updateType": "sale", "referenceId": 12}),
        ("/V1/minimum", {"minimumQuantity": -1}),
        ("/V1/minimum", {}),
        ("/V1/reorder", {"reorderPoint": 5}),
        ("/V1/reorder", {"reorderPoint": -5, "reorderQuantity": 1}),
        # beyond the quantity bound (1e15: a double still counts units exactly): 422, never an overflow
        ("/V1/update", {"quantityChange": 1e308, "updateType": "purchase"}),
        ("/V1/update", {"quantityChange": -1e16, "updateType": "sale"}),
        ("/V1/update", {"quantityChange": 10**400, "updateType": "purchase"}),
        ("/V1/minimum", {"minimumQuantity": 1e308}),
        ("/V1/reorder", {"reorderPoint": 1, "reorderQuantity": 1e16}),
    ],
)
def test_bad_bodies_are_422_and_write_nothing(client_a, path, body):
    response = client_a.put(store_url(path), body, format="json")
    assert response.status_code == 422
    assert response.json()["user_error"]["code"] == "300001"
    assert response.json()["operation"] == "validation_exception_handler"
    with in_tenant_a():
        assert not Stock.objects.filter(item_code="V1").exists()
        assert not StockUpdate.objects.filter(item_code="V1").exists()


def test_the_same_huge_change_sent_twice_is_refused_both_times(client_a):
    for _ in range(2):  # the second one used to overflow the stored quantity: a 500
        response = update(client_a, "V2", 1e308, "purchase")
        assert response.status_code == 422 and response.json()["user_error"]["code"] == "300001"
        assert response.json()["message"].startswith("Invalid input data: body -> quantityChange: ")
    with in_tenant_a():
        assert not Stock.objects.filter(item_code="V2").exists()


def test_a_change_that_would_leave_the_quantity_beyond_its_bound_is_400_and_changes_nothing(client_a):
    assert update(client_a, "V3", 9e14, "purchase").status_code == 200
    response = update(client_a, "V3", 2e14, "purchase")  # 1.1e15 after it
    assert response.status_code == 400
    body = response.json()
    assert body["user_error"]["code"] == "414102"
    assert body["message"] == "Stock quantity out of range: item_code V3 would have 1100000000000000.0 (at most 1e+15)"
    with in_tenant_a():
        assert Stock.objects.get(item_code="V3").current_quantity == 9e14
        assert StockUpdate.objects.filter(item_code="V3").count() == 1
    assert update(client_a, "V3", -1e15, "sale").json()["data"]["afterQuantity"] == -1e14  # within: applied


def test_no_credential_is_401_and_other_tenant_is_400(api, token_b, tenant_a):
    response = api.get(store_url())
    assert response.status_code == 401 and response.json()["user_error"]["code"] == "200001"
    api.credentials(**bearer(token_b))
    response = api.put(store_url("/X1/update"), {"quantityChange": 1, "updateType": "sale"}, format="json")
    assert response.status_code == 400 and response.json()["user_error"]["code"] == "100000"
    assert response.json()["message"].startswith("Tenant ID in URL does not match")
    with in_tenant_a():
        assert not Stock.objects.filter(item_code="X1").exists()


def test_tenants_do_not_see_each_other(api, token_a, token_b):
    api.credentials(**bearer(token_a))
    update(api, "SHARED", 5, "purchase")
    api.credentials(**bearer(token_b))
    response = api.get(store_url("/SHARED", tenant=TENANT_B))
    assert response.status_code == 404


def test_list_endpoints_use_few_queries(client_a, django_assert_max_num_queries):
    with in_tenant_a():
        for index in range(30):
            StockFactory(item_code=f"Q{index:02d}", current_quantity=index - 5.0, minimum_quantity=3.0,
                         reorder_point=10.0)
    for path in ("", "/low", "/reorder-alerts", "/Q01/history"):
        with django_assert_max_num_queries(6):
            assert client_a.get(store_url(path)).status_code == 200
