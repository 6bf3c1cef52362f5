"""Back office: transactions are read-only, searchable, and show the receipt as printed."""

import pytest
from django.test import Client

from tests.support import TENANT_A

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(pos) -> Client:
    client = Client()
    assert client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"}).status_code == 302
    return client


def test_transaction_admin_pages(pos, manager):
    sale = pos.sell(("49-01", 2))
    base = f"/t/{TENANT_A}/admin/cart/transaction/"
    listing = manager.get(base)
    assert listing.status_code == 200 and b"111111" in listing.content
    found = manager.get(base + f"?q={sale['receiptNo']}")
    assert found.status_code == 200 and b"Sale" in found.content
    assert manager.get(base + "?q=999").status_code == 200
    from apps.cart.models import Transaction
    from apps.core.tenancy import tenant_context

    with tenant_context(TENANT_A):
        pk = Transaction.objects.get(transaction_no=sale["transactionNo"]).pk
    detail = manager.get(base + f"{pk}/change/")
    assert detail.status_code == 200
    assert "領 収 証".encode() in detail.content and b"<pre" in detail.content
    assert manager.get(base + "add/").status_code == 403
    assert manager.get(f"/t/{TENANT_A}/admin/cart/transactionstatus/").status_code == 200


def test_purge_task_removes_only_expired_carts(pos):
    from datetime import timedelta

    from django.utils import timezone

    from apps.cart.models import Cart
    from apps.cart.tasks import purge_expired_carts
    from apps.core.tenancy import tenant_context

    old, fresh = pos.new_cart(), pos.new_cart()
    with tenant_context(TENANT_A):
        Cart.objects.filter(cart_id=old).update(updated_at=timezone.now() - timedelta(hours=11))
    assert purge_expired_carts.delay().get() >= 1
    with tenant_context(TENANT_A):
        assert list(Cart.objects.values_list("cart_id", flat=True)) == [__import__("uuid").UUID(fresh)]
