"""Item books (spec/20 §5.4, §9 deviations; §10 scenario 5)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from apps.masterdata.models import ItemBook
from apps.masterdata.services import item_books as item_book_services

from .conftest import BASE
from .factories import ItemBookFactory, ItemFactory, StorePriceFactory
from .helpers import assert_error, ok_data

pytestmark = pytest.mark.django_db

BOOKS = f"{BASE}/item_books"
COLOR = "0xF0FFFF"


def button(x: int, y: int, item_code: str, **extra) -> dict:
    return {"posX": x, "posY": y, "size": "Single", "imageUrl": "", "colorText": "0x000000", "itemCode": item_code,
            **extra}


@pytest.fixture
def on_2025_03_01(monkeypatch):
    monkeypatch.setattr(
        item_book_services, "app_now", lambda: datetime(2025, 3, 1, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    )


@pytest.fixture
def book_22_1(client_a, on_2025_03_01, in_tenant_a):
    """Scenario 5 set-up: items 49-01 (120, store 5678: 100) and 49-02 (280); book with category 22, tab 1."""
    with in_tenant_a():
        item = ItemFactory(item_code="49-01", description="Item1", unit_price=Decimal("120"))
        StorePriceFactory(store_code="5678", item=item, store_price=Decimal("100"))
        ItemFactory(item_code="49-02", description="Item2", unit_price=Decimal("280"))
    book = ok_data(client_a.post(BOOKS, {"title": "grand menu", "categories": []}, format="json"), 201)
    book_id = book["itemBookId"]
    category = {"categoryNumber": 22, "title": "food", "color": COLOR, "tabs": []}
    ok_data(client_a.post(f"{BOOKS}/{book_id}/categories", category, format="json"), 201)
    tab = {"tabNumber": 1, "title": "lunch", "color": COLOR, "buttons": []}
    ok_data(client_a.post(f"{BOOKS}/{book_id}/categories/22/tabs", tab, format="json"), 201)
    return book_id


def buttons_of(book: dict) -> list[dict]:
    return book["categories"][0]["tabs"][0]["buttons"]


def test_item_book_scenario(client_a, book_22_1, in_tenant_a):
    assert book_22_1 == "20250301-0001"
    buttons = f"{BOOKS}/{book_22_1}/categories/22/tabs/1/buttons"
    ok_data(client_a.post(buttons, button(1, 1, "49-01"), format="json"), 201)
    response = client_a.post(buttons, button(1, 2, "49-02"), format="json")
    book = ok_data(response, 201)
    assert response.json()["operation"] == "add_button_to_tab_in_category_in_item_book"
    assert list(book) == ["title", "categories", "itemBookId", "entryDatetime", "lastUpdateDatetime"]
    assert book["categories"][0]["categoryNumber"] == 22
    assert buttons_of(book)[1]["itemCode"] == "49-02"
    assert list(buttons_of(book)[0]) == ["posX", "posY", "size", "imageUrl", "colorText", "itemCode", "unitPrice",
                                         "description"]

    error = assert_error(client_a.post(buttons, button(1, 2, "49-01"), format="json"), 400, "500005")
    assert "already exists" in error["message"]

    ok_data(client_a.post(buttons, button(2, 1, "GONE"), format="json"), 201)
    priced = buttons_of(ok_data(client_a.get(f"{BOOKS}/{book_22_1}/detail?store_code=5678")))
    assert (priced[0]["unitPrice"], priced[0]["description"]) == (100.0, "Item1")
    assert (priced[1]["unitPrice"], priced[1]["description"]) == (280.0, "Item2")
    assert (priced[2]["unitPrice"], priced[2]["description"]) == (None, "not found")
    plain = buttons_of(ok_data(client_a.get(f"{BOOKS}/{book_22_1}?store_code=5678")))
    assert all(b["unitPrice"] is None and b["description"] is None for b in plain)

    response = client_a.delete(f"{buttons}/pos_x/1/pos_y/1")
    assert ok_data(response) == {"itemBookId": book_22_1, "categoryNumber": 22, "tabNumber": 1, "posX": 1, "posY": 1}
    remaining = buttons_of(ok_data(client_a.get(f"{BOOKS}/{book_22_1}")))
    assert [(b["posX"], b["posY"]) for b in remaining] == [(1, 2), (2, 1)]  # same row/column kept (§9)


def test_item_book_ids_take_the_lowest_free_sequence(client_a, on_2025_03_01, in_tenant_a):
    ids = [ok_data(client_a.post(BOOKS, {"title": f"b{n}"}, format="json"), 201)["itemBookId"] for n in range(3)]
    assert ids == ["20250301-0001", "20250301-0002", "20250301-0003"]
    ok_data(client_a.delete(f"{BOOKS}/20250301-0002"))
    assert ok_data(client_a.post(BOOKS, {"title": "again"}, format="json"), 201)["itemBookId"] == "20250301-0002"


def test_detail_needs_store_code_and_prices_in_few_queries(client_a, book_22_1, django_assert_max_num_queries):
    buttons = f"{BOOKS}/{book_22_1}/categories/22/tabs/1/buttons"
    for x in range(1, 9):
        ok_data(client_a.post(buttons, button(x, 5, "49-01" if x % 2 else "49-02"), format="json"), 201)
    assert_error(client_a.get(f"{BOOKS}/{book_22_1}/detail"), 422, "300001")
    with django_assert_max_num_queries(6):
        book = ok_data(client_a.get(f"{BOOKS}/{book_22_1}/detail?store_code=5678"))
    assert [b["unitPrice"] for b in buttons_of(book)][:2] == [100.0, 280.0]


def test_post_with_a_whole_tree_and_put_replaces_it(client_a, on_2025_03_01, in_tenant_a):
    tree = [{"categoryNumber": 1, "title": "food", "color": COLOR, "tabs": [
        {"tab_number": 1, "title": "t", "color": COLOR, "buttons": [button(1, 1, "A")]}]}]
    book = ok_data(client_a.post(BOOKS, {"title": "menu", "categories": tree}, format="json"), 201)
    assert buttons_of(book)[0]["itemCode"] == "A"
    data = ok_data(client_a.put(f"{BOOKS}/{book['itemBookId']}", {"title": "renamed"}, format="json"))
    assert data["title"] == "renamed" and data["categories"] == [] and data["lastUpdateDatetime"] is not None
    listed = client_a.get(BOOKS).json()
    assert listed["metadata"] == {"total": 1, "page": 1, "limit": 100, "sort": None, "filter": None}
    assert ok_data(client_a.delete(f"{BOOKS}/{book['itemBookId']}")) == {"itemBookId": book["itemBookId"]}
    assert_error(client_a.get(f"{BOOKS}/{book['itemBookId']}"), 404, "100001")
    assert_error(client_a.delete(f"{BOOKS}/{book['itemBookId']}"), 404, "100001")
    assert_error(client_a.put(f"{BOOKS}/nope", {"title": "x"}, format="json"), 404, "100001")


def test_sub_resource_updates_keep_falsy_values_and_refuse_collisions(client_a, book_22_1, in_tenant_a):
    book = f"{BOOKS}/{book_22_1}"
    ok_data(client_a.post(f"{book}/categories", {"categoryNumber": 23, "title": "drink", "color": COLOR},
                          format="json"), 201)
    data = ok_data(client_a.put(f"{book}/categories/22", {"categoryNumber": 0, "title": "", "color": "red"},
                                format="json"))
    assert (data["categories"][0]["categoryNumber"], data["categories"][0]["title"]) == (22, "food")
    assert data["categories"][0]["color"] == "red" and len(data["categories"][0]["tabs"]) == 1
    assert_error(client_a.put(f"{book}/categories/22", {"categoryNumber": 23, "title": "x", "color": "x"},
                              format="json"), 422, "300001")
    data = ok_data(client_a.put(f"{book}/categories/22", {"categoryNumber": 30, "title": "x", "color": "x"},
                                format="json"))
    assert [c["categoryNumber"] for c in data["categories"]] == [30, 23]
    assert_error(client_a.put(f"{book}/categories/22", {"categoryNumber": 1, "title": "x", "color": "x"},
                              format="json"), 404, "100001")

    tabs = f"{book}/categories/30/tabs"
    assert_error(client_a.post(tabs, {"tabNumber": 1, "title": "dup", "color": COLOR}, format="json"), 400, "500005")
    ok_data(client_a.post(tabs, {"tabNumber": 2, "title": "dinner", "color": COLOR}, format="json"), 201)
    assert_error(client_a.put(f"{tabs}/1", {"tabNumber": 2, "title": "x", "color": "x"}, format="json"), 422, "300001")
    data = ok_data(client_a.put(f"{tabs}/1", {"tabNumber": 0, "title": "brunch", "color": ""}, format="json"))
    assert data["categories"][0]["tabs"][0]["title"] == "brunch"

    buttons = f"{tabs}/1/buttons"
    ok_data(client_a.post(buttons, button(1, 1, "49-01"), format="json"), 201)
    ok_data(client_a.post(buttons, button(1, 2, "49-02"), format="json"), 201)
    assert_error(client_a.put(f"{buttons}/pos_x/1/pos_y/1", button(1, 2, "X"), format="json"), 422, "300001")
    data = ok_data(client_a.put(f"{buttons}/pos_x/1/pos_y/1", button(3, 3, "", size="Quad"), format="json"))
    moved = data["categories"][0]["tabs"][0]["buttons"][0]
    assert (moved["posX"], moved["posY"], moved["size"], moved["itemCode"]) == (3, 3, "Quad", "49-01")
    assert_error(client_a.put(f"{buttons}/pos_x/1/pos_y/1", button(4, 4, "X"), format="json"), 404, "100001")

    assert ok_data(client_a.delete(f"{tabs}/2")) == {"itemBookId": book_22_1, "categoryNumber": 30, "tabNumber": 2}
    assert_error(client_a.delete(f"{tabs}/2"), 404, "100001")
    assert ok_data(client_a.delete(f"{book}/categories/23")) == {"itemBookId": book_22_1, "categoryNumber": 23}
    assert_error(client_a.delete(f"{book}/categories/23"), 404, "100001")
    with in_tenant_a():
        stored = ItemBook.objects.get().categories
    assert [c["category_number"] for c in stored] == [30]


def test_item_book_bad_input_writes_nothing(client_a, book_22_1, in_tenant_a):
    book = f"{BOOKS}/{book_22_1}"
    with in_tenant_a():
        before = ItemBook.objects.get().categories
    tabs = f"{book}/categories/22/tabs"
    cases = [
        (f"{book}/categories", {"title": "x", "color": "x"}),
        (f"{book}/categories", {"categoryNumber": "x", "title": "x", "color": "x"}),
        (tabs, {"tabNumber": 5, "title": "x"}),
        (f"{tabs}/1/buttons", button(1, 1, "A", size="Huge")),
        (f"{tabs}/1/buttons", {"posX": 1, "posY": 1}),
        (f"{book}/categories/abc/tabs", {"tabNumber": 5, "title": "x", "color": "x"}),
        (f"{book}/categories/{2**31}/tabs", {"tabNumber": 5, "title": "x", "color": "x"}),  # beyond integer
        (f"{book}/categories", {"categoryNumber": 2**31, "title": "x", "color": "x"}),
        (BOOKS, {"categories": []}),
        (BOOKS, {"title": "dup numbers", "categories": [
            {"categoryNumber": 1, "title": "a", "color": "c"}, {"categoryNumber": 1, "title": "b", "color": "c"}]}),
    ]
    for path, body in cases:
        assert_error(client_a.post(path, body, format="json"), 422, "300001")
    assert_error(client_a.post(f"{BOOKS}/nope/categories", {"categoryNumber": 1, "title": "x", "color": "x"},
                               format="json"), 404, "100001")
    assert_error(client_a.post(f"{book}/categories/99/tabs", {"tabNumber": 1, "title": "x", "color": "x"},
                               format="json"), 404, "100001")
    assert_error(client_a.post(f"{tabs}/9/buttons", button(1, 1, "A"), format="json"), 404, "100001")
    assert_error(client_a.delete(f"{tabs}/1/buttons/pos_x/9/pos_y/9"), 404, "100001")
    with in_tenant_a():
        assert ItemBook.objects.count() == 1 and ItemBook.objects.get().categories == before


def test_item_book_list_query_count(client_a, in_tenant_a, django_assert_max_num_queries):
    with in_tenant_a():
        for _ in range(10):
            ItemBookFactory()
    with django_assert_max_num_queries(8):
        assert len(client_a.get(BOOKS).json()["data"]) == 10
