"""Categories, items, store prices and the item details merge (spec/20 §5.1-§5.3, §10 scenarios 3, 4, 12)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.apps import apps

from apps.masterdata.models import Category, Item, ItemStorePrice
from apps.masterdata.services import setting_create
from tests.support import TENANT_B, bearer

from .conftest import BASE
from .factories import (
    CategoryFactory,
    ItemBookFactory,
    ItemFactory,
    PaymentMethodFactory,
    PromotionFactory,
    StaffFactory,
    StorePriceFactory,
)
from .helpers import assert_error, ok_data

pytestmark = pytest.mark.django_db

DISPLAY = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
ITEM_1234 = {
    "itemCode": "1234",
    "description": "item 1234",
    "unitPrice": 100,
    "unitCost": 50,
    "itemDetails": ["detail1", "detail2"],
    "imageUrls": ["url1", "url2"],
    "categoryCode": "001",
    "taxCode": "01",
    "isDiscountRestricted": True,
}
ITEM_KEYS = [
    "itemCode", "description", "unitPrice", "unitCost", "itemDetails", "imageUrls", "categoryCode", "taxCode",
    "isDiscountRestricted", "isDeleted", "entryDatetime", "lastUpdateDatetime",
]


def item_body(code: str, price: int, cost: int, **extra) -> dict:
    return {
        "itemCode": code, "description": f"item {code}", "unitPrice": price, "unitCost": cost, "itemDetails": [],
        "imageUrls": [], "categoryCode": "001", "taxCode": "01", **extra,
    }


# --- categories ---------------------------------------------------------------------------------------------
def test_category_crud_and_metadata_leak(client_a, in_tenant_a):
    body = {"categoryCode": "001", "description": "Drinks", "descriptionShort": "Drk", "taxCode": "01"}
    response = client_a.post(f"{BASE}/categories", body, format="json")
    data = ok_data(response, 201)
    assert response.json()["operation"] == "create_category"
    assert list(data) == ["categoryCode", "description", "descriptionShort", "taxCode", "entryDatetime",
                          "lastUpdateDatetime"]
    assert DISPLAY.match(data["entryDatetime"]) and data["lastUpdateDatetime"] is None

    response = client_a.get(f"{BASE}/categories")
    assert response.json()["metadata"] == {
        "total": 1, "page": 1, "limit": 100, "sort": "category_code:1", "filter": {"tenant_id": "T1001"},
    }

    data = ok_data(client_a.put(f"{BASE}/categories/001", {"categoryCode": "XXX", "description": "Beverages",
                                                          "description_short": "Bev", "tax_code": "11"}, format="json"))
    assert data["categoryCode"] == "001" and data["description"] == "Beverages" and data["taxCode"] == "11"
    assert DISPLAY.match(data["lastUpdateDatetime"])

    assert ok_data(client_a.delete(f"{BASE}/categories/001")) == {"categoryCode": "001"}
    assert_error(client_a.get(f"{BASE}/categories/001"), 404, "100001")
    assert_error(client_a.delete(f"{BASE}/categories/001"), 404, "100001")
    assert_error(client_a.put(f"{BASE}/categories/001", {"description": "x", "descriptionShort": "x", "taxCode": "x"},
                              format="json"), 404, "100001")


def test_category_duplicate_is_400_and_bad_bodies_are_422(client_a, in_tenant_a):
    with in_tenant_a():
        CategoryFactory(category_code="001", description="Drinks")
    body = {"categoryCode": "001", "description": "Other", "descriptionShort": "o", "taxCode": "01"}
    error = assert_error(client_a.post(f"{BASE}/categories", body, format="json"), 400, "500005")
    assert "already exists" in error["message"]
    assert_error(client_a.post(f"{BASE}/categories", {"categoryCode": "002"}, format="json"), 422, "300001")
    assert_error(client_a.post(f"{BASE}/categories", {**body, "categoryCode": 2}, format="json"), 422, "300001")
    assert_error(client_a.put(f"{BASE}/categories/001", {"description": "x"}, format="json"), 422, "300001")
    with in_tenant_a():
        assert list(Category.objects.values_list("category_code", "description")) == [("001", "Drinks")]


def test_categories_sort_by_code_by_default_and_unknown_sort_fields_are_ignored(client_a, in_tenant_a):
    with in_tenant_a():
        for code in ("003", "001", "002"):
            CategoryFactory(category_code=code)
    codes = [row["categoryCode"] for row in ok_data(client_a.get(f"{BASE}/categories"))]
    assert codes == ["001", "002", "003"]
    codes = [row["categoryCode"] for row in ok_data(client_a.get(f"{BASE}/categories?sort=category_code:-1"))]
    assert codes == ["003", "002", "001"]
    response = client_a.get(f"{BASE}/categories?sort=nope:1")
    assert [row["categoryCode"] for row in ok_data(response)] == ["003", "001", "002"]  # insertion order
    assert response.json()["metadata"]["sort"] == "nope:1"
    assert_error(client_a.get(f"{BASE}/categories?sort=category_code"), 422, "300001")
    assert_error(client_a.get(f"{BASE}/categories?limit=abc"), 422, "300001")


# --- items (scenario 4) -------------------------------------------------------------------------------------
def test_item_lifecycle(client_a, in_tenant_a):
    response = client_a.post(f"{BASE}/items", ITEM_1234, format="json")
    data = ok_data(response, 201)
    assert response.json()["message"] == "Item created successfully. item_code: 1234"
    assert list(data) == ITEM_KEYS
    assert data["isDiscountRestricted"] is False  # ignored on create
    assert data["unitPrice"] == 100.0 and b'"unitPrice":100.0' in response.content
    assert data["itemDetails"] == ["detail1", "detail2"] and data["imageUrls"] == ["url1", "url2"]

    update = {k: v for k, v in ITEM_1234.items() if k != "itemCode"} | {"unitPrice": 200, "unitCost": 100}
    data = ok_data(client_a.put(f"{BASE}/items/1234", update, format="json"))
    assert data["unitPrice"] == 200.0 and data["unitCost"] == 100.0 and data["isDiscountRestricted"] is True
    assert DISPLAY.match(data["lastUpdateDatetime"])
    update.pop("isDiscountRestricted")
    assert ok_data(client_a.put(f"{BASE}/items/1234", update, format="json"))["isDiscountRestricted"] is False

    assert ok_data(client_a.delete(f"{BASE}/items/1234?is_logical=true")) == {"itemCode": "1234", "isLogical": True}
    assert_error(client_a.get(f"{BASE}/items/1234"), 404, "100001")
    assert ok_data(client_a.get(f"{BASE}/items/1234?is_logical_deleted=true"))["isDeleted"] is True
    listed = client_a.get(f"{BASE}/items").json()
    assert listed["metadata"]["total"] == 1 and listed["data"][0]["isDeleted"] is True
    assert_error(client_a.delete(f"{BASE}/items/1234?is_logical=true"), 404, "100001")
    assert_error(client_a.put(f"{BASE}/items/1234", update, format="json"), 404, "100001")
    assert "already exists" in assert_error(client_a.post(f"{BASE}/items", ITEM_1234, format="json"), 400,
                                            "500005")["message"]

    response = client_a.delete(f"{BASE}/items/1234")
    assert ok_data(response) == {"itemCode": "1234", "isLogical": False}
    assert response.json()["message"] == "Item deleted successfully. item_code: 1234, logically_mode: False"
    assert ok_data(client_a.delete(f"{BASE}/items/1234")) == {"itemCode": "1234", "isLogical": False}
    with in_tenant_a():
        assert not Item.objects.exists()


def test_item_get_by_code_matches_the_deleted_flag_exactly(client_a, in_tenant_a):
    with in_tenant_a():
        ItemFactory(item_code="A1")
    assert ok_data(client_a.get(f"{BASE}/items/A1?is_logical_deleted=false"))["itemCode"] == "A1"
    assert_error(client_a.get(f"{BASE}/items/A1?is_logical_deleted=true"), 404, "100001")
    assert_error(client_a.get(f"{BASE}/items/A1?is_logical_deleted=maybe"), 422, "300001")


@pytest.mark.parametrize(
    "change",
    [
        {"unitPrice": None},
        {"unitPrice": "abc"},
        {"unitPrice": True},
        {"itemCode": 5},
        {"itemDetails": "x"},
        {"imageUrls": [1]},
        {"description": None},
        {"taxCode": None},
        {"unitPrice": 1.23456},
    ],
)
def test_item_create_rejects_bad_bodies_and_writes_nothing(client_a, in_tenant_a, change):
    assert_error(client_a.post(f"{BASE}/items", ITEM_1234 | change, format="json"), 422, "300001")
    with in_tenant_a():
        assert not Item.objects.exists()


def test_item_create_reports_missing_fields_by_camel_case_name(client_a):
    body = {k: v for k, v in ITEM_1234.items() if k != "unitPrice"}
    error = assert_error(client_a.post(f"{BASE}/items", body, format="json"), 422, "300001")
    assert error["message"] == "Invalid input data: body -> unitPrice: Field required"


def test_snake_case_body_is_accepted(client_a):
    body = {"item_code": "A1", "description": "Apple", "unit_price": 100, "unit_cost": 60, "item_details": [],
            "image_urls": [], "category_code": "C1", "tax_code": "01"}
    data = ok_data(client_a.post(f"{BASE}/items", body, format="json"), 201)
    assert data["itemCode"] == "A1" and data["unitPrice"] == 100.0


# --- store prices and details (scenario 3) ------------------------------------------------------------------
def test_store_price_and_details(client_a, in_tenant_a):
    ok_data(client_a.post(f"{BASE}/items", item_body("49-01", 120, 50, description="Item1"), format="json"), 201)
    ok_data(client_a.post(f"{BASE}/items", item_body("49-02", 280, 140, description="Item2"), format="json"), 201)

    response = client_a.post(f"{BASE}/stores/5678/items", {"itemCode": "49-01", "storePrice": 100}, format="json")
    data = ok_data(response, 201)
    assert data["itemCode"] == "49-01" and data["storePrice"] == 100.0 and data["lastUpdateDatetime"] is None
    assert list(data) == ["itemCode", "storePrice", "entryDatetime", "lastUpdateDatetime"]

    details = ok_data(client_a.get(f"{BASE}/stores/5678/items/49-01/details"))
    assert details["unitPrice"] == 120.0 and details["storePrice"] == 100.0
    assert details["taxCode"] == "01" and details["isDeleted"] is False
    assert list(details) == ITEM_KEYS[:4] + ["storePrice"] + ITEM_KEYS[4:]
    details = ok_data(client_a.get(f"{BASE}/stores/5678/items/49-02/details"))
    assert details["storePrice"] is None and details["unitPrice"] == 280.0

    assert_error(client_a.post(f"{BASE}/stores/5678/items", {"itemCode": "ZZZZ", "storePrice": 1}, format="json"),
                 404, "100001")
    error = assert_error(
        client_a.post(f"{BASE}/stores/5678/items", {"itemCode": "49-01", "storePrice": 1}, format="json"), 400, "500005"
    )
    assert "already exists" in error["message"]
    with in_tenant_a():
        assert list(ItemStorePrice.objects.values_list("item_id", "store_price")) == [("49-01", Decimal("100"))]


def test_details_take_timestamps_from_the_store_row_and_hide_deleted_items(client_a, in_tenant_a):
    with in_tenant_a():
        item = ItemFactory(item_code="A1")
        StorePriceFactory(store_code="5678", item=item, store_price=Decimal("0"))
    ok_data(client_a.put(f"{BASE}/stores/5678/items/A1", {"storePrice": 0}, format="json"))
    details = ok_data(client_a.get(f"{BASE}/stores/5678/items/A1/details"))
    assert details["storePrice"] == 0.0
    assert details["lastUpdateDatetime"] is not None  # from the store row, which was updated; the item was not
    assert ok_data(client_a.get(f"{BASE}/stores/9999/items/A1/details"))["lastUpdateDatetime"] is None

    ok_data(client_a.delete(f"{BASE}/items/A1?is_logical=true"))
    assert_error(client_a.get(f"{BASE}/stores/5678/items/A1/details"), 404, "100001")
    # a store price can no longer be created for it, but the existing row stays readable
    assert_error(client_a.post(f"{BASE}/stores/1111/items", {"itemCode": "A1", "storePrice": 5}, format="json"),
                 404, "100001")
    assert ok_data(client_a.get(f"{BASE}/stores/5678/items/A1"))["storePrice"] == 0.0


def test_store_price_crud_is_per_store_and_survives_item_delete(client_a, in_tenant_a):
    with in_tenant_a():
        item = ItemFactory(item_code="A1")
        StorePriceFactory(store_code="5678", item=item, store_price=Decimal("90"))
        StorePriceFactory(store_code="1111", item=item, store_price=Decimal("80"))
    listed = client_a.get(f"{BASE}/stores/5678/items").json()
    assert [row["storePrice"] for row in listed["data"]] == [90.0]
    assert listed["metadata"] == {"total": 1, "page": 1, "limit": 100, "sort": None, "filter": None}

    data = ok_data(client_a.put(f"{BASE}/stores/5678/items/A1", {"storePrice": 95.5, "itemCode": "X"}, format="json"))
    assert data["storePrice"] == 95.5 and data["itemCode"] == "A1" and data["lastUpdateDatetime"] is not None
    assert_error(client_a.put(f"{BASE}/stores/2222/items/A1", {"storePrice": 1}, format="json"), 404, "100001")
    assert_error(client_a.put(f"{BASE}/stores/5678/items/A1", {"storePrice": "x"}, format="json"), 422, "300001")
    assert_error(client_a.post(f"{BASE}/stores/5678/items", {"itemCode": "A1"}, format="json"), 422, "300001")

    ok_data(client_a.delete(f"{BASE}/items/A1"))  # physical: no cascade
    assert ok_data(client_a.get(f"{BASE}/stores/1111/items/A1"))["storePrice"] == 80.0
    assert ok_data(client_a.delete(f"{BASE}/stores/1111/items/A1")) == {"itemCode": "A1"}
    assert_error(client_a.delete(f"{BASE}/stores/1111/items/A1"), 404, "100001")
    assert_error(client_a.get(f"{BASE}/stores/1111/items/A1"), 404, "100001")


# --- paging (scenario 12, spec/00 §14.2) --------------------------------------------------------------------
def test_item_paging_metadata(client_a, in_tenant_a):
    with in_tenant_a():
        for code, category in (("A", "3"), ("B", "1"), ("C", "2"), ("D", "1"), ("E", "4")):
            ItemFactory(item_code=code, category_code=category)
    response = client_a.get(f"{BASE}/items?limit=2&page=2")
    body = response.json()
    # default sort is category_code, ties by insertion: B(1) D(1) C(2) A(3) E(4)
    assert [row["itemCode"] for row in body["data"]] == ["C", "A"]
    assert body["metadata"] == {"total": 5, "page": 2, "limit": 2, "sort": None, "filter": None}
    body = client_a.get(f"{BASE}/items?page=1&limit=10").json()
    assert body["metadata"] == {"total": 5, "page": 1, "limit": 10, "sort": None, "filter": None}
    assert len(client_a.get(f"{BASE}/items?limit=0").json()["data"]) == 5
    codes = [row["itemCode"] for row in client_a.get(f"{BASE}/items?sort=item_code:-1").json()["data"]]
    assert codes == ["E", "D", "C", "B", "A"]


def test_an_item_list_holds_at_most_1000_items_and_pages_on_beyond(client_a, in_tenant_a):
    """Issue #25: ``limit=0`` (Kugelpos: every row) and a larger ``limit`` give the first 1000 rows; where rows were
    left out ``metadata.limit`` is 1000, and ``limit=1000&page=2`` reads on."""
    with in_tenant_a():
        Item.objects.bulk_create(
            ItemFactory.build(item_code=f"P{number:04d}", category_code="001") for number in range(1, 1206)
        )
    for query in ("limit=0", "limit=5000", "limit=0&page=2"):
        body = client_a.get(f"{BASE}/items?{query}&sort=item_code:1").json()
        assert [row["itemCode"] for row in body["data"]] == [f"P{number:04d}" for number in range(1, 1001)]
        assert body["metadata"]["total"] == 1205 and body["metadata"]["limit"] == 1000
    body = client_a.get(f"{BASE}/items?limit=1000&page=2&sort=item_code:1").json()
    assert [row["itemCode"] for row in body["data"]] == [f"P{number:04d}" for number in range(1001, 1206)]
    assert body["metadata"] == {"total": 1205, "page": 2, "limit": 1000, "sort": None, "filter": None}
    body = client_a.get(f"{BASE}/items?limit=300&page=5&sort=item_code:1").json()
    assert [row["itemCode"] for row in body["data"]] == [f"P{number:04d}" for number in range(1201, 1206)]
    assert body["metadata"]["limit"] == 300


def test_item_list_query_count_does_not_grow(client_a, in_tenant_a, django_assert_max_num_queries):
    with in_tenant_a():
        for _ in range(30):
            ItemFactory()
    with django_assert_max_num_queries(8):
        assert len(client_a.get(f"{BASE}/items").json()["data"]) == 30


# --- authentication and tenancy (scenario 11) ---------------------------------------------------------------
def test_no_credential_is_401(api):
    assert_error(api.get(f"{BASE}/items"), 401, "200001")


def test_token_of_another_tenant_is_400_even_for_a_bad_body(api, token_a, tenant_b):
    error = assert_error(api.get(f"/master-data/api/v1/tenants/{TENANT_B}/items", **bearer(token_a)), 400, "100000")
    assert error["message"].startswith("Tenant ID in URL does not match")
    assert_error(api.get(f"/master-data/api/v1/tenants/{TENANT_B}/items/nope", **bearer(token_a)), 400, "100000")
    # validation comes before the tenant check
    assert_error(api.post(f"/master-data/api/v1/tenants/{TENANT_B}/items", {}, format="json", **bearer(token_a)),
                 422, "300001")
    assert_error(api.get(f"/master-data/api/v1/tenants/{TENANT_B}/items/x?is_logical_deleted=zz",
                         **bearer(token_a)), 422, "300001")


def test_tenants_are_isolated(in_tenant_a, api, token_b):
    with in_tenant_a():
        ItemFactory(item_code="A1")
    response = api.get(f"/master-data/api/v1/tenants/{TENANT_B}/items/A1", **bearer(token_b))
    assert_error(response, 404, "100001")


def test_is_terminal_service_query_is_ignored(client_a, in_tenant_a):
    with in_tenant_a():
        ItemFactory(item_code="A1")
    assert ok_data(client_a.get(f"{BASE}/items/A1?is_terminal_service=true&terminal_id=x"))["itemCode"] == "A1"


# --- every update endpoint refuses bad bodies and changes nothing ---------------------------------------------
@pytest.fixture
def one_of_each(in_tenant_a):
    with in_tenant_a():
        CategoryFactory(category_code="001")
        item = ItemFactory(item_code="A1")
        StorePriceFactory(store_code="5678", item=item)
        ItemBookFactory(item_book_id="20250301-0001")
        PaymentMethodFactory(payment_code="01")
        StaffFactory(staff_id="S1")
        PromotionFactory(promotion_code="P1")
        setting_create(name="S", default_value="d", values=[])


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("categories/001", {"description": "x", "descriptionShort": "x"}),
        ("items/A1", {"description": "x", "unitPrice": 1, "unitCost": 1, "itemDetails": [], "imageUrls": [],
                      "categoryCode": "1"}),
        ("items/A1", {"description": "x", "unitPrice": "1,5", "unitCost": 1, "itemDetails": [], "imageUrls": [],
                      "categoryCode": "1", "taxCode": "1"}),
        ("stores/5678/items/A1", {"storePrice": None}),
        ("item_books/20250301-0001", {"title": None}),
        ("item_books/20250301-0001", {"title": "x", "categories": [{"categoryNumber": 1}]}),
        ("payments/01", {"description": "x", "limitAmount": 1, "canRefund": True, "canDepositOver": True,
                         "canChange": "sometimes", "isActive": True}),
        ("settings/S", {"defaultValue": "x", "values": [{"storeCode": "1", "terminalNo": 2**40, "value": "v"}]}),
        ("staff/S1", {"name": "x", "pin": "1", "roles": [None]}),
        ("promotions/P1", {"startDatetime": "yesterday"}),
    ],
)
def test_updates_reject_bad_bodies_and_change_nothing(client_a, one_of_each, in_tenant_a, path, body):
    assert_error(client_a.put(f"{BASE}/{path}", body, format="json"), 422, "300001")
    with in_tenant_a():
        for model in apps.get_app_config("masterdata").get_models():
            if hasattr(model, "updated_at"):
                assert not model.objects.filter(updated_at__isnull=False).exists(), model


def test_bad_query_and_path_values_are_422(client_a, one_of_each, in_tenant_a):
    assert_error(client_a.delete(f"{BASE}/items/A1?is_logical=zz"), 422, "300001")
    long_store = "S" * 101
    assert_error(client_a.post(f"{BASE}/stores/{long_store}/items", {"itemCode": "A1", "storePrice": 1},
                               format="json"), 422, "300001")
    assert_error(client_a.delete(f"{BASE}/item_books/20250301-0001/categories/x"), 422, "300001")
    assert_error(client_a.get(f"{BASE}/staff?page=0"), 422, "300001")
    assert_error(client_a.get(f"{BASE}/payments?limit=-1"), 422, "300001")
    with in_tenant_a():
        assert Item.objects.get().is_deleted is False and ItemStorePrice.objects.count() == 1
