"""The back office's home page over a day of N transactions, measured in process (issue #21).

    .venv/bin/python -m kugelpos.embedded .venv/bin/python bench/profile_home.py [-v] [--explain] [-n N]
        [--transactions 10000] [--terminals 4] [--last-week] [--profile]

Runs under pytest-django (a throw-away test database, the session's test tenants): stores ``--transactions`` sales
of one business date, shaped like ``bench/provision.py``'s (5 lines, taxes per code, a cash payment), over
``--terminals`` terminal sessions through the report service's own intake (``tranlog_store``), with those terminals
registered and open in the store; ``--last-week`` stores the same again for the week before (the comparison). Then
it calls ``services.home.store_home`` ``N`` times and prints the median wall time (Django and PostgreSQL: the
server time of the home page's numbers, without its HTML), the median CPU time of this process, and each query
with its median time (``-v``: its SQL; ``--explain``: its ``EXPLAIN ANALYZE``). ``--profile``: a cProfile of one
call. No test asserts a timing: this is a tool. The data are ANALYZEd first, as autovacuum would have done.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

DAY = "20250110"
LAST_WEEK = "20250103"
STORE = "B10K"


def _options() -> dict:
    raw = os.environ.get("PROFILE_HOME_ARGS", "").split()

    def value(flag: str, default: int) -> int:
        return int(raw[raw.index(flag) + 1]) if flag in raw else default

    return {"verbose": "-v" in raw, "explain": "--explain" in raw, "profile": "--profile" in raw,
            "last_week": "--last-week" in raw, "n": value("-n", 10),
            "transactions": value("--transactions", 10_000), "terminals": value("--terminals", 4)}


def _load(*, tenant_id: str, business_date: str, transactions: int, terminals: int, offset: int = 0) -> None:
    from apps.report.logs import parse_tranlog
    from apps.report.services.intake import tranlog_store
    from bench.provision import Item, tranlog_payload

    rng = random.Random(10_000)
    items = [Item(code=f"BI{n:04d}", price=100 + (n % 30) * 10, category=f"C{n % 12:02d}",
                  tax_code=("01", "02", "11")[n % 3]) for n in range(200)]
    start = datetime(int(business_date[:4]), int(business_date[4:6]), int(business_date[6:]), 8,
                     tzinfo=ZoneInfo("Asia/Tokyo"))
    for number in range(transactions):
        terminal_no, transaction_no = number % terminals + 1, number // terminals + 1 + offset
        payload = tranlog_payload(tenant_id=tenant_id, store_code=STORE, terminal_no=terminal_no,
                                  transaction_no=transaction_no, business_date=business_date,
                                  generated=start + timedelta(seconds=transaction_no * 3), items=items, rng=rng)
        tranlog_store(tranlog=parse_tranlog(payload))


@pytest.mark.django_db
def test_profile_home(tenant_a, admin_a):
    from django.db import DatabaseError, connection, transaction
    from django.test.utils import CaptureQueriesContext

    from apps.core.tenancy import tenant_context
    from apps.report.services.home import store_home
    from apps.terminal.models import Terminal
    from apps.terminal.tests.factories import TerminalFactory, tenant_with_store
    from tests.support import TENANT_A

    options = _options()
    out = sys.__stdout__
    with tenant_context(TENANT_A):
        tenant_with_store(TENANT_A, STORE, "Bench report store")
        for terminal_no in range(1, options["terminals"] + 1):
            TerminalFactory(store_code=STORE, terminal_no=terminal_no)
        Terminal.objects.filter(store_code=STORE).update(status=Terminal.Status.OPENED, business_date=DAY,
                                                         open_counter=1, business_counter=1)
        began = time.monotonic()
        _load(tenant_id=TENANT_A, business_date=DAY, transactions=options["transactions"],
              terminals=options["terminals"])
        if options["last_week"]:
            _load(tenant_id=TENANT_A, business_date=LAST_WEEK, transactions=options["transactions"],
                  terminals=options["terminals"], offset=1_000_000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        out.write(f"\nloaded {options['transactions']} transactions over {options['terminals']} terminals "
                  f"in {time.monotonic() - began:.1f} s\n")

        def call():
            home = store_home(user=admin_a, store_code=STORE, business_date=DAY)
            assert home.summary.transactions == options["transactions"]

        call()  # warm-up
        wall, cpu, per_query = [], [], {}
        for _ in range(options["n"]):
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                call()
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            for index, query in enumerate(captured.captured_queries):
                per_query.setdefault(index, (query["sql"], []))[1].append(float(query["time"]) * 1000)
        out.write(f"store_home: {len(per_query)} queries, wall ms p50 {statistics.median(wall):.1f} "
                  f"(min {min(wall):.1f}), process CPU ms p50 {statistics.median(cpu):.1f}\n")
        for index, (sql, times) in per_query.items():
            shown = sql if options["verbose"] else sql[:140]
            out.write(f"  {index:2d} {statistics.median(times):7.1f} ms  {shown}\n")
            if options["explain"] and sql.lstrip().upper().startswith(("SELECT", "WITH")):
                try:
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                        out.write("".join(f"       {row[0]}\n" for row in cursor.fetchall()))
                except DatabaseError as exc:
                    out.write(f"       (no EXPLAIN: {exc})\n")
        if options["profile"]:
            profiler = cProfile.Profile()
            profiler.enable()
            call()
            profiler.disable()
            pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(40)
    out.flush()


if __name__ == "__main__":
    os.environ["PROFILE_HOME_ARGS"] = " ".join(sys.argv[1:])
    sys.exit(pytest.main([__file__, "-q", "-s", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning"]))
