"""Concurrent requests on real connections: nothing lost, nothing doubled (issue #5)."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from apps.cart.models import Transaction
from apps.cart.tests.conftest import set_up_store
from apps.core.auth import user_token
from apps.core.tenancy import tenant_context
from tests.support import TENANT_A, make_superuser

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    """Start all calls at once on their own threads (own DB connections); return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture
def committed_pos(tenant_a):
    make_superuser(TENANT_A)
    return set_up_store(APIClient(), user_token(username="admin", tenant_id=TENANT_A, is_superuser=True))


def test_two_add_items_at_once_both_land(committed_pos):
    pos = committed_pos
    cart_id = pos.new_cart()
    statuses = run_together(
        lambda: pos.post(f"/carts/{cart_id}/lineItems", [{"itemCode": "49-01", "quantity": 1}]).status_code,
        lambda: pos.post(f"/carts/{cart_id}/lineItems", [{"itemCode": "49-01", "quantity": 2}]).status_code,
    )
    assert statuses == [200, 200]
    cart = pos.ok("get", f"/carts/{cart_id}")
    assert sorted(line["quantity"] for line in cart["lineItems"]) == [1, 2]
    assert [line["lineNo"] for line in cart["lineItems"]] == [1, 2]
    assert cart["totalQuantity"] == 3


def test_two_bills_of_one_cart_make_one_transaction(committed_pos):
    pos = committed_pos
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    pos.ok("post", f"/carts/{cart_id}/subtotal")
    pos.pay(cart_id, ("01", 110))
    statuses = run_together(*(lambda: pos.post(f"/carts/{cart_id}/bill").status_code for _ in range(3)))
    assert sorted(statuses) == [200, 400, 400]
    with tenant_context(TENANT_A):
        assert Transaction.objects.count() == 1


def test_terminals_billing_at_once_keep_their_own_numbers(committed_pos):
    first = committed_pos
    second = set_up_store(APIClient(), first.token, terminal_no=10, items=None)

    def sell_three(pos):
        return [pos.sell(("49-01", 1))["transactionNo"] for _ in range(3)]

    numbers = run_together(lambda: sell_three(first), lambda: sell_three(second))
    assert numbers == [[1, 2, 3], [1, 2, 3]]
    with tenant_context(TENANT_A):
        rows = list(Transaction.objects.values_list("terminal_no", "transaction_no", "receipt_no"))
    assert len(rows) == 6 and len({(t, n) for t, n, _ in rows}) == 6
    assert sorted(r for t, _, r in rows if t == 9) == [111111, 111112, 111113]
