"""Demo seed: stock for the catalogue in store S001, some items near their thresholds, idempotent."""

import pytest

from apps.core.seed import DEMO_STORE_CODE, seeders
from apps.stock import seed as stock_seed
from apps.stock.models import Stock, StockUpdate
from tests.support import TENANT_A

from .conftest import in_tenant_a

pytestmark = pytest.mark.django_db


def test_seeder_is_registered_after_master_data():
    entry = next(s for s in seeders() if s.name == "stock")
    assert entry.order == 40


def test_seed_is_idempotent_and_puts_items_near_thresholds(tenant_a, monkeypatch):
    monkeypatch.setattr(stock_seed, "_catalogue_item_codes", lambda: list(stock_seed.FALLBACK_ITEM_CODES))
    with in_tenant_a():
        lines = stock_seed.seed(TENANT_A)
        assert DEMO_STORE_CODE in lines[0]
        rows = list(Stock.objects.filter(store_code=DEMO_STORE_CODE).order_by("item_code"))
        assert [row.item_code for row in rows] == sorted(stock_seed.FALLBACK_ITEM_CODES)
        near = [row for row in rows if row.reorder_point < row.current_quantity <= row.reorder_point + 3]
        assert near, "some items sit just above their reorder point"
        assert all(row.current_quantity > row.reorder_point for row in rows)  # nothing alerts at start
        history = StockUpdate.objects.count()
        stock_seed.seed(TENANT_A)
        assert Stock.objects.filter(store_code=DEMO_STORE_CODE).count() == len(rows)
        assert StockUpdate.objects.count() == history


def test_catalogue_codes_come_from_master_data_when_it_has_items(tenant_a):
    with in_tenant_a():
        codes = stock_seed._catalogue_item_codes()
    assert codes and all(isinstance(code, str) for code in codes)


def test_catalogue_reader_takes_item_codes_or_the_item_list():
    class WithCodes:
        @staticmethod
        def item_codes():
            return ["X1", "X2"]

    class Row:
        def __init__(self, code):
            self.item_code = code

    class WithPage:
        @staticmethod
        def items_page(*, paging):
            assert paging.limit == 0
            return [Row("P1")], 1

    assert stock_seed._read_catalogue(WithCodes) == ["X1", "X2"]
    assert stock_seed._read_catalogue(WithPage) == ["P1"]
    assert stock_seed._read_catalogue(object()) == []
