"""The demo seed writes the demo master data once; a second run changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.core.seed import seeders
from apps.masterdata import selectors
from apps.masterdata.models import Item, ItemBook, PaymentMethod, Promotion
from tests.support import TENANT_A

pytestmark = pytest.mark.django_db


def test_seed_is_registered_and_idempotent(in_tenant_a):
    seeder = next(s for s in seeders() if s.name == "masterdata")
    assert seeder.order == 20
    with in_tenant_a():
        assert seeder.run(TENANT_A)
        counts = (Item.objects.count(), PaymentMethod.objects.count(), ItemBook.objects.count(),
                  Promotion.objects.count())
        seeder.run(TENANT_A)
        assert (Item.objects.count(), PaymentMethod.objects.count(), ItemBook.objects.count(),
                Promotion.objects.count()) == counts
        assert counts[0] >= 20
        assert set(Item.objects.values_list("tax_code", flat=True)) == {"00", "01", "02", "11", "12"}
        cash = selectors.payment_method_get(payment_code="01")
        assert cash.can_change and cash.can_deposit_over
        assert not selectors.payment_method_get(payment_code="11").can_deposit_over
        assert selectors.payment_method_get(payment_code="12") is not None
        assert selectors.staff_get(staff_id="S001") == selectors.StaffInfo("S001", "Taro", "1234", ("staff",))
        assert selectors.item_details_get(store_code="S001", item_code="49-01").store_price == Decimal("140")
        promotions = selectors.promotions_active(store_code="S001")
        assert [p.promotion_type for p in promotions] == ["category_discount"]
        assert selectors.setting_value_get(name="RECEIPT_FOOTERS", store_code="S001", terminal_no=1)
