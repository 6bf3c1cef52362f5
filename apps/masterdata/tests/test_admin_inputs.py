"""Back office (issue #21): the structured master-data fields have real inputs, no raw JSON text box, and what
an editor posts is stored as the very JSON the API returns."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from apps.masterdata.models import Category, Item, ItemBook, Promotion, Staff
from tests.support import TENANT_A

from .conftest import BASE
from .factories import CategoryFactory, ItemBookFactory, ItemFactory, PromotionFactory, StaffFactory
from .helpers import ok_data

pytestmark = pytest.mark.django_db

ADMIN = f"/t/{TENANT_A}/admin/masterdata"
STRUCTURED = ("item_details", "image_urls", "roles", "target_store_codes", "target_category_codes", "categories")


@pytest.fixture
def manager(admin_a) -> Client:
    client = Client()
    response = client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"})
    assert response.status_code == 302
    return client


def assert_no_json_text_box(html: str) -> None:
    for textarea in re.findall(r"<textarea[^>]*>", html):
        assert not any(f'name="{name}"' in textarea for name in STRUCTURED), textarea


ITEM = {
    "item_code": "A9", "description": "Apple", "description_short": "", "description_long": "",
    "unit_price": "120", "unit_cost": "50", "category_code": "001", "tax_code": "01",
    "store_prices-TOTAL_FORMS": "0", "store_prices-INITIAL_FORMS": "0",
}


def test_item_details_and_image_urls_are_one_input_per_entry(manager, client_a, in_tenant_a):
    page = manager.get(f"{ADMIN}/item/add/").content.decode()
    assert_no_json_text_box(page)
    assert page.count('name="item_details"') == 2 and page.count('name="image_urls"') == 1
    posted = ITEM | {"item_details": ["Fuji", "", "  from Aomori "], "image_urls": ["https://img.example/a.png", ""]}
    assert manager.post(f"{ADMIN}/item/add/", posted).status_code == 302
    with in_tenant_a():
        item = Item.objects.get(item_code="A9")
        assert (item.item_details, item.image_urls) == (["Fuji", "from Aomori"], ["https://img.example/a.png"])
    data = ok_data(client_a.get(f"{BASE}/items/A9"))
    assert (data["itemDetails"], data["imageUrls"]) == (["Fuji", "from Aomori"], ["https://img.example/a.png"])
    page = manager.get(f"{ADMIN}/item/{item.pk}/change/").content.decode()
    assert_no_json_text_box(page)
    assert 'value="from Aomori"' in page and 'value="https://img.example/a.png"' in page


def test_staff_roles_are_inputs_with_known_roles_suggested(manager, client_a, in_tenant_a):
    with in_tenant_a():
        staff = StaffFactory(staff_id="S1", name="Taro", pin="1111", roles=["cashier"])
    page = manager.get(f"{ADMIN}/staff/{staff.pk}/change/").content.decode()
    assert_no_json_text_box(page)
    assert 'name="roles" value="cashier"' in page
    assert '<option value="manager">' in page and '<option value="cashier">' in page  # suggested
    response = manager.post(f"{ADMIN}/staff/{staff.pk}/change/", {"name": "Taro", "pin": "", "roles": ["cashier", "",
                                                                                                      "manager"]})
    assert response.status_code == 302
    assert ok_data(client_a.get(f"{BASE}/staff/S1"))["roles"] == ["cashier", "manager"]
    with in_tenant_a():
        assert Staff.objects.get().roles == ["cashier", "manager"]


PROMOTION = {
    "promotion_code": "P9", "promotion_type": "category_discount", "name": "Spring", "description": "",
    "start_datetime_0": "2026-01-01", "start_datetime_1": "00:00:00",
    "end_datetime_0": "2026-02-01", "end_datetime_1": "00:00:00", "is_active": "on", "discount_rate": "10",
}


@pytest.fixture
def store_and_categories(in_tenant_a):
    from apps.terminal.tests.factories import tenant_with_store

    with in_tenant_a():
        tenant_with_store(store_code="5678", store_name="Shibuya")
        CategoryFactory(category_code="001", description="Food")
        CategoryFactory(category_code="002", description="Drinks")


def test_promotion_targets_are_multi_selects_of_known_codes(manager, client_a, in_tenant_a, store_and_categories):
    page = manager.get(f"{ADMIN}/promotion/add/").content.decode()
    assert_no_json_text_box(page)
    assert re.search(r'<select name="target_store_codes"[^>]*multiple', page)
    assert '<option value="5678">5678 Shibuya</option>' in page and '<option value="001">001 Food</option>' in page
    posted = PROMOTION | {"target_store_codes": ["5678"], "target_category_codes": ["001", "002"]}
    assert manager.post(f"{ADMIN}/promotion/add/", posted).status_code == 302
    detail = ok_data(client_a.get(f"{BASE}/promotions/P9"))["detail"]
    assert detail["targetStoreCodes"] == ["5678"] and detail["targetCategoryCodes"] == ["001", "002"]


def test_promotion_refuses_an_unknown_code_and_writes_nothing(manager, in_tenant_a, store_and_categories):
    response = manager.post(f"{ADMIN}/promotion/add/", PROMOTION | {"target_category_codes": ["999"]})
    assert response.status_code == 200
    assert "target_category_codes" in response.context["adminform"].form.errors
    with in_tenant_a():
        assert not Promotion.objects.exists()


def test_a_stored_code_no_longer_known_stays_selected(manager, in_tenant_a, store_and_categories):
    with in_tenant_a():
        promotion = PromotionFactory(promotion_code="P1", target_store_codes=["0001"],
                                     target_category_codes=["OLD"], discount_rate=5)
    page = manager.get(f"{ADMIN}/promotion/{promotion.pk}/change/").content.decode()
    assert '<option value="OLD" selected>OLD</option>' in page
    assert '<option value="0001" selected>0001</option>' in page


LAYOUT = [{"category_number": 1, "title": "Food", "color": "#f00", "tabs": [
    {"tab_number": 1, "title": "Hot", "color": "#0f0", "buttons": [
        {"pos_x": 0, "pos_y": 0, "size": "Single", "image_url": "", "color_text": "#000", "item_code": "A1"},
        {"pos_x": 1, "pos_y": 0, "size": "DoubleWidth", "image_url": "", "color_text": "", "item_code": "A2"},
    ]},
]}]


def test_item_book_layout_is_an_editor_that_round_trips(manager, client_a, in_tenant_a):
    with in_tenant_a():
        book = ItemBookFactory(title="menu", categories=[])
    page = manager.get(f"{ADMIN}/itembook/{book.pk}/change/").content.decode()
    assert_no_json_text_box(page)
    assert 'type="hidden" name="categories"' in page and 'class="item-book-editor"' in page
    assert "masterdata/item_book_editor.js" in page
    response = manager.post(f"{ADMIN}/itembook/{book.pk}/change/",
                            {"title": "menu", "categories": json.dumps(LAYOUT)})
    assert response.status_code == 302
    data = ok_data(client_a.get(f"{BASE}/item_books/{book.item_book_id}"))
    button = data["categories"][0]["tabs"][0]["buttons"][1]
    assert (button["posX"], button["size"], button["itemCode"]) == (1, "DoubleWidth", "A2")
    with in_tenant_a():
        assert ItemBook.objects.get().categories == LAYOUT


def test_item_book_refuses_a_broken_layout_and_keeps_the_old_one(manager, in_tenant_a):
    with in_tenant_a():
        book = ItemBookFactory(title="menu", categories=LAYOUT)
    for broken in ("not json", json.dumps([{"category_number": "x"}])):
        response = manager.post(f"{ADMIN}/itembook/{book.pk}/change/", {"title": "other", "categories": broken})
        assert response.status_code == 200 and response.context["adminform"].form.errors["categories"]
    with in_tenant_a():
        book.refresh_from_db()
        assert (book.title, book.categories) == ("menu", LAYOUT)


def test_item_list_shows_the_category_by_name_and_money_without_zeros(manager, in_tenant_a):
    with in_tenant_a():
        CategoryFactory(category_code="001", description="Food")
        ItemFactory(item_code="A1", description="Apple", category_code="001", unit_price="150")
    page = manager.get(f"{ADMIN}/item/").content.decode()
    assert "001 Food" in page and "¥150<" in page and "150.0000" not in page


def test_amount_inputs_show_no_trailing_zeros(manager, in_tenant_a):
    with in_tenant_a():
        item = ItemFactory(item_code="A1", description="Apple", unit_price="150", unit_cost="80.5")
    page = manager.get(f"{ADMIN}/item/{item.pk}/change/").content.decode()
    assert 'name="unit_price" value="150"' in page and 'name="unit_cost" value="80.5"' in page
    assert "150.0000" not in page


# --- issue #21 leftovers --------------------------------------------------------------------------------------------
def test_the_promotion_type_is_picked_from_the_types_of_the_spec(manager, in_tenant_a):
    page = manager.get(f"{ADMIN}/promotion/add/").content.decode()
    assert re.search(r'<select name="promotion_type"[^>]*>\s*<option value="category_discount"', page)
    response = manager.post(f"{ADMIN}/promotion/add/", {
        "promotion_code": "P-FREE", "promotion_type": "anything_typed", "name": "Typed", "description": "",
        "start_datetime_0": "2026-01-01", "start_datetime_1": "00:00", "end_datetime_0": "2026-12-31",
        "end_datetime_1": "00:00", "is_active": "on", "discount_rate": "10", "target_category_codes": []})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    with in_tenant_a():
        assert not Promotion.objects.filter(promotion_code="P-FREE").exists()


@pytest.mark.parametrize("model", ["category", "item", "itemstoreprice", "itembook", "paymentmethod", "setting",
                                   "staff", "promotion"])
def test_add_forms_show_no_timestamps(manager, model):
    page = manager.get(f"{ADMIN}/{model}/add/").content.decode()
    assert page.count("field-created_at") == 0 and "field-updated_at" not in page.replace("column-updated_at", "")
    assert "field-is_deleted" not in page


def test_a_change_form_keeps_its_timestamps(manager, in_tenant_a):
    with in_tenant_a():
        CategoryFactory(category_code="C-TS")
        category = Category.objects.get(category_code="C-TS")
    page = manager.get(f"{ADMIN}/category/{category.pk}/change/").content.decode()
    assert "field-created_at" in page and "field-updated_at" in page


def test_item_pages_speak_japanese(manager, in_tenant_a):
    with in_tenant_a():
        ItemFactory(item_code="J-1", description="おにぎり")
    manager.post(f"/t/{TENANT_A}/admin/language/", {"language": "ja"})
    listing = manager.get(f"{ADMIN}/item/").content.decode()
    assert "商品コード" in listing and "単価" in listing and "検索" in listing  # ours and Django admin's
    add = manager.get(f"{ADMIN}/item/add/").content.decode()
    assert "店舗別価格" in add and "保存" in add and "Item code" not in add


def test_list_filters_show_codes_with_their_names(manager, in_tenant_a):
    with in_tenant_a():
        CategoryFactory(category_code="C-F", description="Food")
        ItemFactory(item_code="F-1", category_code="C-F")
    page = manager.get(f"{ADMIN}/item/").content.decode()
    assert re.search(r'href="\?category_code__exact=C-F"[^>]*>C-F Food</a>', page)
    assert "C-F Food" in manager.get(f"{ADMIN}/item/", {"category_code__exact": "C-F"}).content.decode()


def test_store_prices_are_listed_with_the_items_name(manager, in_tenant_a):
    from apps.masterdata.models import ItemStorePrice

    with in_tenant_a():
        item = ItemFactory(item_code="N-1", description="Nori")
        ItemStorePrice.objects.create(store_code="5678", item=item, store_price=120)
    page = manager.get(f"{ADMIN}/itemstoreprice/").content.decode()
    assert "N-1 Nori" in page and "¥120" in page
