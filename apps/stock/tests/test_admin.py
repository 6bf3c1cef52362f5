"""Back office: stock levels and history read-only, thresholds editable through the services (admin smoke)."""

import pytest
from django.test import Client

from apps.stock.models import Snapshot, Stock, StockUpdate
from tests.support import TENANT_A

from .conftest import in_tenant_a
from .factories import SnapshotFactory, StockFactory, StockUpdateFactory

pytestmark = pytest.mark.django_db

ADMIN = f"/t/{TENANT_A}/admin/stock"


@pytest.fixture
def manager(admin_a):
    client = Client()
    response = client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"})
    assert response.status_code == 302
    return client


@pytest.fixture
def rows(tenant_a):
    with in_tenant_a():
        stock = StockFactory(item_code="A1", current_quantity=30.0, reorder_point=10.0, reorder_quantity=20.0)
        update = StockUpdateFactory(item_code="A1", quantity_change=30.0, after_quantity=30.0)
        snapshot = SnapshotFactory(total_items=1, total_quantity=30.0,
                                   stocks=[{"item_code": "A1", "quantity": 30.0, "minimum_quantity": 0.0,
                                            "reorder_point": 10.0, "reorder_quantity": 20.0}])
    return stock, update, snapshot


def test_pages_answer(manager, rows):
    stock, update, snapshot = rows
    for path in ("stock/", "stock/?q=A1", "stock/?store_code=5678", f"stock/{stock.pk}/change/",
                 "stockupdate/", "stockupdate/?q=A1", "stockupdate/?store_code=5678&item_code=A1",
                 f"stockupdate/{update.pk}/change/", "snapshot/", "snapshot/?q=5678",
                 f"snapshot/{snapshot.pk}/change/"):
        response = manager.get(f"{ADMIN}/{path}")
        assert response.status_code == 200, path
    assert b"A1" in manager.get(f"{ADMIN}/snapshot/{snapshot.pk}/change/").content


def test_nothing_can_be_added_or_deleted(manager, rows):
    stock, update, snapshot = rows
    for path in ("stock/add/", "stockupdate/add/", "snapshot/add/", f"stock/{stock.pk}/delete/",
                 f"stockupdate/{update.pk}/delete/", f"snapshot/{snapshot.pk}/delete/"):
        assert manager.get(f"{ADMIN}/{path}").status_code == 403, path


def test_history_and_snapshots_are_read_only(manager, rows):
    _, update, snapshot = rows
    manager.post(f"{ADMIN}/stockupdate/{update.pk}/change/", {"quantity_change": 999})
    manager.post(f"{ADMIN}/snapshot/{snapshot.pk}/change/", {"created_by": "me"})
    with in_tenant_a():
        assert StockUpdate.objects.get(pk=update.pk).quantity_change == 30.0
        assert Snapshot.objects.get(pk=snapshot.pk).created_by == "system"


def test_thresholds_change_but_quantity_does_not(manager, rows, django_capture_on_commit_callbacks):
    stock, _, _ = rows
    form = {"minimum_quantity": "5", "reorder_point": "40", "reorder_quantity": "25", "current_quantity": "999"}
    with django_capture_on_commit_callbacks() as callbacks:
        response = manager.post(f"{ADMIN}/stock/{stock.pk}/change/", form)
    assert response.status_code == 302
    with in_tenant_a():
        saved = Stock.objects.get(pk=stock.pk)
        assert (saved.current_quantity, saved.minimum_quantity, saved.reorder_point, saved.reorder_quantity) == (
            30.0, 5.0, 40.0, 25.0)
        assert StockUpdate.objects.filter(item_code="A1").count() == 1
    assert len(callbacks) == 1  # the new reorder point (30 <= 40) queued its alert, as the API does


def test_negative_threshold_is_refused(manager, rows):
    stock, _, _ = rows
    response = manager.post(f"{ADMIN}/stock/{stock.pk}/change/",
                            {"minimum_quantity": "-1", "reorder_point": "10", "reorder_quantity": "20"})
    assert response.status_code == 200 and b"errornote" in response.content
    with in_tenant_a():
        assert Stock.objects.get(pk=stock.pk).minimum_quantity == 0.0
