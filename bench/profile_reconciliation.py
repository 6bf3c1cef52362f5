"""Reconciliation of a store-day of N sales (issue #24), measured in process: seeds ``RECONCILE_PROFILE_COUNT``
(10,000) sales with ``bench.seed_reconciliation`` (each sale's transaction row, then the real consumers' services)
into the test tenant A of a throw-away test database, then prints the median and minimum time of the cart's read,
of all reads, of the comparison, of both with the garbage collector on and as the endpoint runs them (paused), a
cProfile of the reads, and ``EXPLAIN (ANALYZE, BUFFERS)`` of every statement. A tool: no timing is asserted.

    .venv/bin/python -m kugelpos.embedded .venv/bin/python bench/profile_reconciliation.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import pytest

pytestmark = pytest.mark.django_db

STORE, DATE = "9024", "20250115"
COUNT = int(os.environ.get("RECONCILE_PROFILE_COUNT", "10000"))


def _seed() -> None:
    from bench.provision import Item
    from bench.seed_reconciliation import seed
    from tests.support import TENANT_A

    items = [{"code": f"49-{n:03d}", "price": 100 + 10 * n, "category": "001", "tax_code": "01"} for n in range(40)]
    Item(**items[0])  # the bench's own item shape
    started = time.perf_counter()
    seed(tenant_id=TENANT_A, store_code=STORE, business_date=DATE, terminals=4, count=COUNT, items=items)
    print(f"\nseeded {COUNT} sales in {time.perf_counter() - started:.1f} s")


def _timed(label: str, function, repeat: int = 5):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    print(f"{label:<34} median {statistics.median(times):8.1f} ms  min {min(times):8.1f} ms")
    return result


def test_profile_reconciliation(tenant_a):
    from django.db import connection
    from django.utils import timezone

    from apps.core.ledgers import sales_ledger
    from apps.core.tenancy import tenant_context
    from apps.report import reconciliation_selectors as selectors
    from apps.report.reconciliation import reconcile
    from apps.report.services.reconciliation import reconciliation_compute, reconciliation_data
    from tests.support import TENANT_A

    _seed()
    with tenant_context(TENANT_A):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        scope = {"store_code": STORE, "business_date": DATE}
        _timed("sales_ledger (cart)", lambda: sales_ledger(**scope))
        day = _timed("store_day_load (all ledgers)", lambda: selectors.store_day_load(tenant_id=TENANT_A, **scope))
        result = _timed("reconcile (pure comparison)", lambda: reconcile(day))
        _timed("load + compare, collector on", lambda: reconcile(
            selectors.store_day_load(tenant_id=TENANT_A, **scope)))
        _timed("reconciliation_compute (paused)", lambda: reconciliation_compute(tenant_id=TENANT_A, **scope))
        _timed("reconciliation_data (JSON shape)", lambda: reconciliation_data(
            result, tenant_id=TENANT_A, store_code=STORE, business_date=DATE, terminal_no=None,
            checked_at=timezone.now()))
        assert result.status == "balanced", result
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(selectors.store_day_load, tenant_id=TENANT_A, **scope)
        pstats.Stats(profile).sort_stats("tottime").print_stats(12)
        statements: list[tuple[str, tuple]] = []

        def record(execute, sql, params, many, context):
            statements.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            selectors.store_day_load(tenant_id=TENANT_A, **scope)
        with connection.cursor() as cursor:
            for sql, params in statements:
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                print(f"\n--- {sql[:160]!r}\n{plan}")


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-s", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning"]))
