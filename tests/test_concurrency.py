"""N terminals of one store selling at once (issue #10), on real connections and real commits, with the logs
fanned out to the journal, the report and stock as each sale commits (Celery eager, in the selling thread).

Every sale is in the journal once; transaction and receipt numbers are unique per terminal with no gaps; stock
went down by exactly what was sold; the report's totals are the sum of the sales.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from apps.cart.models import Transaction
from apps.cart.tests.conftest import set_up_store
from apps.core.auth import user_token
from apps.core.models import EventRecord
from apps.core.tenancy import tenant_context
from tests.support import TENANT_A, bearer, make_superuser

pytestmark = pytest.mark.django_db(transaction=True)

TERMINALS = 4
SALES_PER_TERMINAL = 8
STORE = "5678"


def quantity_of(sale_index: int) -> int:
    return 1 + sale_index % 3


def run_together(*calls):
    """Start all calls at once on their own threads (own DB connections); return results or raised errors."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not any(thread.is_alive() for thread in threads), "a terminal hung"
    return results


def test_terminals_selling_at_once_lose_nothing_and_count_nothing_twice(tenant_a):
    make_superuser(TENANT_A)
    token = user_token(username="admin", tenant_id=TENANT_A, is_superuser=True)
    terminals = [set_up_store(APIClient(), token, terminal_no=1)]
    terminals += [set_up_store(APIClient(), token, terminal_no=no, items=None) for no in range(2, TERMINALS + 1)]

    def sell_all(pos):
        return [pos.sell(("49-01", quantity_of(index))) for index in range(SALES_PER_TERMINAL)]

    results = run_together(*(lambda pos=pos: sell_all(pos) for pos in terminals))
    errors = [result for result in results if isinstance(result, Exception)]
    assert not errors, errors
    sales = [sale for terminal_sales in results for sale in terminal_sales]
    assert len(sales) == TERMINALS * SALES_PER_TERMINAL

    # numbers: unique per terminal, no gaps (transactions from 1, receipts from the configured start)
    with tenant_context(TENANT_A):
        rows = list(Transaction.objects.values_list("terminal_no", "transaction_no", "receipt_no"))
    assert len(rows) == len(sales)
    start = settings.RECEIPT_NO_START_VALUE
    for terminal_no in range(1, TERMINALS + 1):
        mine = [(tran, receipt) for term, tran, receipt in rows if term == terminal_no]
        assert sorted(tran for tran, _ in mine) == list(range(1, SALES_PER_TERMINAL + 1))
        assert sorted(receipt for _, receipt in mine) == list(range(start, start + SALES_PER_TERMINAL))

    # every log delivered to every consumer
    tranlogs = EventRecord.objects.filter(tenant_id=TENANT_A, event_type="tranlog")
    assert tranlogs.count() == len(sales)
    assert set(EventRecord.objects.filter(tenant_id=TENANT_A).values_list("status", flat=True)) == {"delivered"}

    api = APIClient()
    auth = bearer(token)
    # journal: each sale once
    journal = api.get(f"/journal/api/v1/tenants/{TENANT_A}/stores/{STORE}/journals?limit=0&transaction_types=101",
                      **auth).json()["data"]
    keys = [(entry["terminalNo"], entry["transactionNo"]) for entry in journal if entry["transactionType"] == 101]
    assert len(keys) == len(sales) and len(set(keys)) == len(sales)

    # stock: down by exactly what was sold
    sold = sum(quantity_of(index) for index in range(SALES_PER_TERMINAL)) * TERMINALS
    stock = api.get(f"/stock/api/v1/tenants/{TENANT_A}/stores/{STORE}/stock/49-01", **auth).json()["data"]
    assert stock["currentQuantity"] == -sold

    # report: totals are the sum of the sales
    with tenant_context(TENANT_A):
        (business_date,) = set(Transaction.objects.values_list("business_date", flat=True))
    report = api.get(f"/report/api/v1/tenants/{TENANT_A}/stores/{STORE}/reports?report_scope=flash"
                     f"&report_type=sales&business_date={business_date}", **auth).json()["data"]
    total = sum(Decimal(str(sale["totalAmountWithTax"])) for sale in sales)
    assert report["salesGross"] == {"amount": float(total), "quantity": sold, "count": len(sales)}
    assert report["payments"] == [{"paymentName": "Cash", "amount": float(total), "count": len(sales)}]
