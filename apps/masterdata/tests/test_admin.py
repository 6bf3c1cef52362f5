"""Back office (spec/20 §8): every master's pages answer, and admin writes follow the services' rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from apps.masterdata.models import Category, Item, ItemBook, ItemStorePrice, Promotion, Setting, Staff
from tests.support import TENANT_A

from .factories import (
    CategoryFactory,
    ItemBookFactory,
    ItemFactory,
    PaymentMethodFactory,
    PromotionFactory,
    StaffFactory,
    StorePriceFactory,
)

pytestmark = pytest.mark.django_db

ADMIN = f"/t/{TENANT_A}/admin/masterdata"


@pytest.fixture
def manager(admin_a) -> Client:
    client = Client()
    response = client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"})
    assert response.status_code == 302
    return client


@pytest.fixture
def one_of_each(in_tenant_a):
    with in_tenant_a():
        item = ItemFactory(item_code="A1", description="Apple")
        setting = Setting.objects.create(name="RECEIPT_HEADERS", default_value="x")
        setting.values.create(position=0, store_code="5678", value="y")
        return {
            "category": CategoryFactory(category_code="001", description="Drinks").pk,
            "item": item.pk,
            "itemstoreprice": StorePriceFactory(item=item, store_code="5678").pk,
            "itembook": ItemBookFactory().pk,
            "paymentmethod": PaymentMethodFactory(payment_code="01", description="Cash").pk,
            "setting": setting.pk,
            "staff": StaffFactory(staff_id="S001", name="Taro", roles=["staff", "manager"]).pk,
            "promotion": PromotionFactory(promotion_code="P1", name="Sale").pk,
        }


SEARCHES = {
    "category": "Drin", "item": "App", "itemstoreprice": "A1", "itembook": "grand", "paymentmethod": "Cash",
    "setting": "5678", "staff": "Taro", "promotion": "BEV",
}


@pytest.mark.parametrize("model", list(SEARCHES))
def test_admin_pages_answer(manager, one_of_each, model):
    pk = one_of_each[model]
    for path in ("/", f"/?q={SEARCHES[model]}", "/add/", f"/{pk}/change/"):
        response = manager.get(f"{ADMIN}/{model}{path}")
        assert response.status_code == 200, (model, path)
    assert f"/{model}/{pk}/change/".encode() in manager.get(f"{ADMIN}/{model}/?q={SEARCHES[model]}").content


def test_admin_filters_answer(manager, one_of_each):
    for path in ("staff/?role=manager", "item/?is_deleted__exact=1", "promotion/?is_deleted__exact=0",
                 "itemstoreprice/?store_code=5678", "paymentmethod/?is_active__exact=1", "category/?tax_code=01"):
        assert manager.get(f"{ADMIN}/{path}").status_code == 200, path


def test_admin_item_create_goes_through_the_service(manager, in_tenant_a):
    form = {
        "item_code": "B1", "description": "Banana", "description_short": "", "description_long": "",
        "unit_price": "120", "unit_cost": "50", "item_details": [""], "image_urls": [""], "category_code": "001",
        "tax_code": "01", "is_discount_restricted": "on",
        "store_prices-TOTAL_FORMS": "1", "store_prices-INITIAL_FORMS": "0",
        "store_prices-0-store_code": "5678", "store_prices-0-store_price": "100",
    }
    response = manager.post(f"{ADMIN}/item/add/", form)
    assert response.status_code == 302, response.content
    with in_tenant_a():
        item = Item.objects.get(item_code="B1")
        assert item.is_discount_restricted is True and item.updated_at is None
        assert ItemStorePrice.objects.get(item_id="B1").store_price == Decimal("100")
    response = manager.post(f"{ADMIN}/item/add/", form | {"description": "Again"})
    assert response.status_code == 200 and b"already exists" in response.content
    with in_tenant_a():
        assert Item.objects.get().description == "Banana"


def test_admin_item_delete_is_logical(manager, in_tenant_a):
    with in_tenant_a():
        pk = ItemFactory(item_code="A1").pk
    response = manager.post(f"{ADMIN}/item/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    with in_tenant_a():
        assert Item.objects.get(pk=pk).is_deleted is True
    assert manager.get(f"{ADMIN}/item/{pk}/change/").status_code == 200  # read-only view of the history


def test_admin_store_price_needs_a_live_item(manager, in_tenant_a):
    with in_tenant_a():
        ItemFactory(item_code="GONE", is_deleted=True)
    response = manager.post(f"{ADMIN}/itemstoreprice/add/",
                            {"store_code": "5678", "item": "GONE", "store_price": "10"})
    assert response.status_code == 200 and b"Item not found" in response.content
    with in_tenant_a():
        assert not ItemStorePrice.objects.exists()


def test_admin_setting_values_are_normalised(manager, in_tenant_a):
    form = {
        "name": "RECEIPT_HEADERS", "default_value": "[{'text': 'a', 'align': 'left'}]",
        "values-TOTAL_FORMS": "2", "values-INITIAL_FORMS": "0",
        "values-0-position": "1", "values-0-store_code": "", "values-0-value": "global",
        "values-1-position": "0", "values-1-store_code": "5678", "values-1-terminal_no": "9",
        "values-1-value": "{'x': True}",
    }
    response = manager.post(f"{ADMIN}/setting/add/", form)
    assert response.status_code == 302, response.content
    with in_tenant_a():
        setting = Setting.objects.get()
        assert setting.default_value == '[{"text": "a", "align": "left"}]' and setting.updated_at is None
        assert list(setting.values.values_list("store_code", "terminal_no", "value")) == [
            ("5678", 9, '{"x": true}'), (None, None, "global")]


def test_admin_promotion_rules_and_soft_delete(manager, in_tenant_a):
    with in_tenant_a():
        CategoryFactory(category_code="BEV", description="Beverages")
    form = {
        "promotion_code": "P9", "promotion_type": "category_discount", "name": "Sale", "description": "",
        "start_datetime_0": "2026-01-01", "start_datetime_1": "00:00:00",
        "end_datetime_0": "2026-02-01", "end_datetime_1": "00:00:00", "is_active": "on",
        "target_store_codes": [], "target_category_codes": ["BEV"], "discount_rate": "150",
    }
    response = manager.post(f"{ADMIN}/promotion/add/", form)
    assert response.status_code == 200 and b"discount_rate must be greater than 0" in response.content
    response = manager.post(f"{ADMIN}/promotion/add/", form | {"discount_rate": "", "target_category_codes": []})
    assert response.status_code == 200 and b"detail is required" in response.content
    with in_tenant_a():
        assert not Promotion.objects.exists()
    assert manager.post(f"{ADMIN}/promotion/add/", form | {"discount_rate": "10"}).status_code == 302
    with in_tenant_a():
        promotion = Promotion.objects.get()
        assert promotion.discount_rate == Decimal("10") and promotion.target_category_codes == ["BEV"]
    assert manager.post(f"{ADMIN}/promotion/{promotion.pk}/delete/", {"post": "yes"}).status_code == 302
    with in_tenant_a():
        assert Promotion.objects.get().is_deleted is True
    response = manager.post(f"{ADMIN}/promotion/add/", form | {"discount_rate": "10"})
    assert response.status_code == 200 and b"already exists" in response.content


def test_admin_item_book_tree_is_validated(manager, in_tenant_a):
    bad = '[{"category_number": 1, "title": "a", "color": "c"}, {"category_number": 1, "title": "b", "color": "c"}]'
    response = manager.post(f"{ADMIN}/itembook/add/", {"title": "menu", "categories": bad})
    assert response.status_code == 200 and b"Duplicate category_number" in response.content
    good = ('[{"category_number": 1, "title": "a", "color": "c", "tabs": [{"tab_number": 1, "title": "t", '
            '"color": "c", "buttons": [{"pos_x": 1, "pos_y": 1, "size": "Single", "image_url": "", '
            '"color_text": "", "item_code": "A1"}]}]}]')
    assert manager.post(f"{ADMIN}/itembook/add/", {"title": "menu", "categories": good}).status_code == 302
    with in_tenant_a():
        book = ItemBook.objects.get()
        assert book.categories[0]["tabs"][0]["buttons"][0]["item_code"] == "A1"
        assert len(book.item_book_id) == 13


def test_admin_category_and_staff_changes_set_updated_at(manager, in_tenant_a):
    with in_tenant_a():
        category = CategoryFactory(category_code="001", description="Drinks")
        staff = StaffFactory(staff_id="S1", name="Taro")
    response = manager.post(f"{ADMIN}/category/{category.pk}/change/",
                            {"description": "Beverages", "description_short": "Bev", "tax_code": "01"})
    assert response.status_code == 302
    response = manager.post(f"{ADMIN}/staff/{staff.pk}/change/", {"name": "Jiro", "pin": "1", "roles": ["boss", ""]})
    assert response.status_code == 302
    with in_tenant_a():
        category.refresh_from_db()
        assert (category.description, category.category_code) == ("Beverages", "001")
        assert category.updated_at is not None
        assert Staff.objects.get().roles == ["boss"]
        assert Category.objects.count() == 1


def test_staff_pins_are_masked_in_the_back_office(manager, in_tenant_a):
    """The change page never carries the PIN; a blank PIN keeps it, a new one replaces it (issue #20)."""
    with in_tenant_a():
        staff = StaffFactory(staff_id="S1", name="Taro", pin="8642")
    for page in (manager.get(f"{ADMIN}/staff/"), manager.get(f"{ADMIN}/staff/{staff.pk}/change/")):
        assert page.status_code == 200 and b"8642" not in page.content
    response = manager.post(f"{ADMIN}/staff/{staff.pk}/change/", {"name": "Jiro", "pin": "", "roles": ["staff"]})
    assert response.status_code == 302
    with in_tenant_a():
        assert Staff.objects.values_list("name", "pin").get() == ("Jiro", "8642")
    response = manager.post(f"{ADMIN}/staff/{staff.pk}/change/", {"name": "Jiro", "pin": "1357", "roles": [""]})
    assert response.status_code == 302
    with in_tenant_a():
        assert Staff.objects.get().pin == "1357"


def test_a_new_staff_member_needs_a_pin(manager, in_tenant_a):
    response = manager.post(f"{ADMIN}/staff/add/", {"staff_id": "S9", "name": "Hana", "pin": "", "roles": [""]})
    assert response.status_code == 200 and response.context["adminform"].form.errors["pin"]
    with in_tenant_a():
        assert not Staff.objects.exists()


# --- money that cannot leave the till (ours, issue #20): no negative price ---------------------------------
ITEM_FORM = {
    "item_code": "B1", "description": "Banana", "description_short": "", "description_long": "",
    "unit_price": "120", "unit_cost": "50", "item_details": [""], "image_urls": [""], "category_code": "001",
    "tax_code": "01", "store_prices-TOTAL_FORMS": "1", "store_prices-INITIAL_FORMS": "0",
    "store_prices-0-store_code": "", "store_prices-0-store_price": "",
}


@pytest.mark.parametrize(
    "change",
    [
        {"unit_price": "-1"},
        {"unit_price": "-0.01"},
        {"store_prices-0-store_code": "5678", "store_prices-0-store_price": "-100"},
    ],
)
def test_admin_refuses_a_new_item_with_a_negative_price(manager, in_tenant_a, change):
    response = manager.post(f"{ADMIN}/item/add/", ITEM_FORM | change)
    assert response.status_code == 200 and b"A price cannot be negative." in response.content
    with in_tenant_a():
        assert not Item.objects.exists() and not ItemStorePrice.objects.exists()


def test_admin_refuses_a_negative_price_on_an_item_or_a_store_price(manager, in_tenant_a):
    with in_tenant_a():
        price = StorePriceFactory(item=ItemFactory(item_code="A1", unit_price=Decimal("100")), store_code="5678")
        item_pk, price_pk = price.item.pk, price.pk
    form = ITEM_FORM | {"item_code": "A1", "unit_price": "-100", "store_prices-TOTAL_FORMS": "0"}
    response = manager.post(f"{ADMIN}/item/{item_pk}/change/", form)
    assert response.status_code == 200 and b"A price cannot be negative." in response.content
    response = manager.post(f"{ADMIN}/itemstoreprice/{price_pk}/change/",
                            {"store_code": "5678", "item": "A1", "store_price": "-1"})
    assert response.status_code == 200 and b"A price cannot be negative." in response.content
    response = manager.post(f"{ADMIN}/itemstoreprice/add/", {"store_code": "9999", "item": "A1", "store_price": "-1"})
    assert response.status_code == 200 and b"A price cannot be negative." in response.content
    with in_tenant_a():
        assert Item.objects.get().unit_price == Decimal("100")
        assert list(ItemStorePrice.objects.values_list("store_code", "store_price")) == [("5678", Decimal("90"))]
    assert manager.post(f"{ADMIN}/item/{item_pk}/change/", form | {"unit_price": "0"}).status_code == 302
