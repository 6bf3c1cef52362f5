"""The in-process read API other apps use (spec/20 §7): values, Decimal money, and few queries."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.rounding import round_tax
from apps.masterdata import selectors, services
from apps.masterdata.setting_values import ScopedValue

from .factories import (
    CategoryFactory,
    ItemFactory,
    PaymentMethodFactory,
    PromotionFactory,
    StaffFactory,
    StorePriceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(in_tenant_a):
    """49-01 (120, store 5678: 100), 49-02 (280, restricted), 49-03 (logically deleted)."""
    with in_tenant_a():
        item = ItemFactory(item_code="49-01", description="Item1", unit_price=Decimal("120"), category_code="001")
        StorePriceFactory(store_code="5678", item=item, store_price=Decimal("100"))
        ItemFactory(item_code="49-02", description="Item2", unit_price=Decimal("280"), tax_code="11",
                    is_discount_restricted=True)
        ItemFactory(item_code="49-03", description="Gone", is_deleted=True)


def test_item_details_get(catalog, in_tenant_a, warm_tenant_a, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        details = selectors.item_details_get(store_code="5678", item_code="49-01")
    assert details == selectors.ItemDetails(
        item_code="49-01", category_code="001", description="Item1", unit_price=Decimal("120"),
        store_price=Decimal("100"), tax_code="01", is_discount_restricted=False,
    )
    assert details.selling_price == Decimal("100")
    with in_tenant_a():
        assert selectors.item_details_get(store_code="9999", item_code="49-01").store_price is None
        assert selectors.item_details_get(store_code="9999", item_code="49-01").selling_price == Decimal("120")
        assert selectors.item_details_get(store_code="5678", item_code="49-03") is None
        assert selectors.item_details_get(store_code="5678", item_code="nope") is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        details.unit_price = Decimal("1")


def test_item_details_map_is_one_query(catalog, warm_tenant_a, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        details = selectors.item_details_map(store_code="5678", item_codes=["49-01", "49-02", "49-03", "nope"])
    assert set(details) == {"49-01", "49-02"}
    assert details["49-02"].is_discount_restricted is True and details["49-02"].tax_code == "11"
    assert isinstance(details["49-02"].unit_price, Decimal) and details["49-02"].store_price is None
    with django_assert_max_num_queries(0):
        assert selectors.item_details_map(store_code="5678", item_codes=[]) == {}


def test_report_lookups(catalog, warm_tenant_a, django_assert_max_num_queries):
    CategoryFactory(category_code="001", description="Drinks", description_short="Drk", tax_code="01")
    CategoryFactory(category_code="002", description="Food")
    PaymentMethodFactory(payment_code="01", description="Cash", can_change=True, can_deposit_over=True)
    PaymentMethodFactory(payment_code="11", description="Card", is_active=False)
    with django_assert_max_num_queries(1):
        assert selectors.items_descriptions(item_codes=["49-01", "49-03", "x"]) == {
            "49-01": "Item1", "49-03": "Gone"}
    with django_assert_max_num_queries(1):
        categories = selectors.categories_map()
    assert categories["001"] == selectors.CategoryInfo("001", "Drinks", "Drk", "01")
    assert set(selectors.categories_map(category_codes=["002"])) == {"002"}
    with django_assert_max_num_queries(1):
        payments = selectors.payment_methods_all()
    assert [(p.payment_code, p.description, p.is_active) for p in payments] == [
        ("01", "Cash", True), ("11", "Card", False)]
    cash = selectors.payment_method_get(payment_code="01")
    assert cash.can_change and cash.can_deposit_over and cash.limit_amount == Decimal("0")
    assert selectors.payment_method_get(payment_code="99") is None


def test_setting_value_get_is_one_query(warm_tenant_a, django_assert_max_num_queries):
    services.setting_create(name="RECEIPT_FOOTERS", default_value="[{'text': 'thanks', 'align': 'center'}]",
                            values=[ScopedValue("5678", 9, "terminal"), ScopedValue("5678", None, "store"),
                                    ScopedValue(None, None, "global")])
    services.setting_create(name="EMPTY", default_value="d", values=[])
    with django_assert_max_num_queries(1):
        assert selectors.setting_value_get(name="RECEIPT_FOOTERS", store_code="5678", terminal_no=9) == "terminal"
    assert selectors.setting_value_get(name="RECEIPT_FOOTERS", store_code="5678", terminal_no=1) == "store"
    assert selectors.setting_value_get(name="RECEIPT_FOOTERS", store_code="5678") == "store"
    assert selectors.setting_value_get(name="RECEIPT_FOOTERS") == "global"
    assert selectors.setting_value_get(name="EMPTY", store_code="5678", terminal_no=1) == "d"
    assert selectors.setting_value_get(name="NOPE") is None


def test_staff_get(in_tenant_a):
    with in_tenant_a():
        StaffFactory(staff_id="S001", name="Taro", pin="1234", roles=["staff", "manager"])
        assert selectors.staff_get(staff_id="S001") == selectors.StaffInfo("S001", "Taro", "1234", ("staff", "manager"))
        assert selectors.staff_get(staff_id="nope") is None


def test_promotions_active_targets_the_store(warm_tenant_a, django_assert_max_num_queries):
    PromotionFactory(promotion_code="MINE", target_store_codes=["5678"], discount_rate=Decimal("12.5"))
    PromotionFactory(promotion_code="OTHER", target_store_codes=["1111"])
    PromotionFactory(promotion_code="ALL", name="Everywhere")
    PromotionFactory(promotion_code="LATER", start_datetime=timezone.now() + timedelta(hours=1))
    with django_assert_max_num_queries(1):
        promotions = selectors.promotions_active(store_code="5678")
    assert [p.promotion_code for p in promotions] == ["MINE", "ALL"]
    assert promotions[0].detail.discount_rate == Decimal("12.5")
    assert promotions[1].detail.target_store_codes == () and promotions[1].name == "Everywhere"
    later = selectors.promotions_active(store_code="5678", at=timezone.now() + timedelta(hours=2))
    assert "LATER" in [p.promotion_code for p in later]


def test_tax_table_and_the_cart_math_of_scenario_9():
    taxes = {tax.tax_code: tax for tax in selectors.tax_table()}
    assert list(taxes) == ["00", "01", "02", "11", "12"]
    assert taxes["01"] == selectors.TaxInfo("01", "External", "外税10%", Decimal("10.0"), -1, "Floor")
    assert taxes["00"].round_method is None and taxes["00"].round_digit == 0

    def external(target: str, tax) -> Decimal:
        return round_tax(Decimal(target) * tax.rate / 100, tax.round_method, tax.round_digit)

    def internal(target: str, tax) -> Decimal:
        amount = Decimal(target) / (1 + tax.rate / 100) * tax.rate / 100
        return round_tax(amount, tax.round_method, tax.round_digit)

    assert external("1000", taxes["01"]) == 100
    assert internal("1100", taxes["02"]) == 100
    assert external("1234", taxes["11"]) == 98
    assert internal("1234", taxes["12"]) == 91
    assert selectors.tax_get(tax_code="99") is None


def test_a_zero_store_price_counts_as_not_set():
    details = selectors.ItemDetails("A", "001", "a", Decimal("120"), Decimal("0"), "01", False)
    assert details.selling_price == Decimal("120")
