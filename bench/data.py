"""The ``data`` group (issue #26, "years of data"): one tenant loaded with ``BENCH_DATA_TRANSACTIONS`` (1,000,000)
transactions over ``BENCH_DATA_STORES`` (100) stores and ``BENCH_DATA_DAYS`` (10) business days by
``bench.history`` (templates through the services, cloned in SQL), then the reads a chain's office and its
terminals make, timed while ``BACKGROUND_TERMINALS`` terminals keep adding items (one add every
``BACKGROUND_INTERVAL`` s each), and the bytes on disk per transaction, all ledgers together.

Figures (top level in latest.json): ``load_seconds``, ``daily_report_1m_ms`` (a store's daily sales report, median
of ``CALLS`` after the first, which also runs the daily verification), ``month_report_1m_ms`` (a store's sales
report over the month, median), ``journal_search_1m_p99_ms`` (a store, one day, a keyword),
``transaction_list_1m_p99_ms`` (a terminal's transactions of a day), ``reconcile_1m_ms`` (a store-day, when the
endpoint exists), ``bytes_per_transaction``.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import subprocess
import sys
import time

from .client import Connection
from .provision import STORE, World
from .stats import Recorder, ms, percentile

CALLS = 10
SEARCHES = 100
BACKGROUND_TERMINALS = 8
BACKGROUND_INTERVAL = 0.1


def _sizes(env: dict, root, tenant_id: str, transactions: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.history", "sizes", "--tenant", tenant_id,
                          "--transactions", str(transactions)], cwd=root, env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def load(env: dict, root, world: World, *, transactions: int, stores: int, days: int) -> dict:
    terminal = world.terminals[0]
    out = subprocess.run(
        [sys.executable, "-m", "bench.history", "load", "--tenant", world.tenant_id, "--store", STORE,
         "--terminal-no", str(terminal.terminal_no), "--transactions", str(transactions), "--stores", str(stores),
         "--days", str(days)], cwd=root, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"bench.history load failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


async def _timed(conn: Connection, rec: Recorder, op: str, path: str, headers: dict) -> tuple[float, dict] | None:
    started = time.monotonic()
    response = await conn.request("GET", path, None, headers=headers)
    elapsed = time.monotonic() - started
    if response.status != 200:
        rec.error(op, started, f"HTTP {response.status} {response.snippet(300)}")
        return None
    rec.ok(op, started, elapsed)
    return elapsed, response.json()


async def _background(ctx, rec: Recorder, stop: asyncio.Event) -> None:
    """Terminals of the bench store adding items while the reads are timed (carts of 20, then a new one)."""
    from .scenarios import add_body, call, cart_path, new_cart

    terminals = ctx.world.terminals[1:1 + BACKGROUND_TERMINALS]
    conns = ctx.connections(len(terminals))

    async def user(index: int) -> None:
        conn, terminal = conns[index], terminals[index]
        rng = random.Random(index)
        while not stop.is_set():
            cart_id = await new_cart(conn, rec, terminal)
            if cart_id is None:
                await asyncio.sleep(0.5)
                continue
            for _ in range(20):
                if stop.is_set():
                    return
                await call(conn, rec, "background_add_item", "POST", cart_path(terminal, f"/{cart_id}/lineItems"),
                           add_body(rng.choice(ctx.world.items).code), headers=terminal.auth)
                await asyncio.sleep(BACKGROUND_INTERVAL)

    await asyncio.gather(*(user(i) for i in range(len(terminals))))
    for conn in conns:
        conn.close()


async def measure(ctx, loaded: dict) -> Recorder:
    rec = Recorder("data_1m")
    world = ctx.world
    tenant = world.tenant_id
    stores, days = loaded["store_codes"], loaded["days"]
    first = int(loaded["first_business_date"])
    dates = [str(first + d) for d in range(days)]  # consecutive days within one month (FIRST_DAY is the 2nd)
    per_store_day = loaded["per_session"] * loaded["terminals_per_store"]
    rng = random.Random(26)
    stop = asyncio.Event()
    rec.window_start = time.monotonic()
    background = asyncio.create_task(_background(ctx, rec, stop))
    conn = ctx.connections(1)[0]
    await conn.connect()
    try:
        await asyncio.sleep(2)  # the background load running
        # a store's daily report: the first call verifies the day's sessions
        store = stores[len(stores) // 2]
        daily = (f"/report/api/v1/tenants/{tenant}/stores/{store}/reports?report_scope=daily&report_type=sales"
                 f"&business_date={dates[0]}")
        durations = []
        for _ in range(CALLS + 1):
            result = await _timed(conn, rec, "daily_report", daily, world.bearer)
            if result:
                durations.append(result[0])
                count = result[1]["data"]["salesGross"]["count"]
                if count != per_store_day:
                    rec.error("daily_report", time.monotonic(), f"salesGross.count {count} != {per_store_day}")
        rec.extra["daily_report_first_ms"] = ms(durations[0]) if durations else None
        rec.extra["daily_report_1m_ms"] = ms(percentile(sorted(durations[1:]), 0.5))
        # the month
        month = (f"/report/api/v1/tenants/{tenant}/stores/{store}/reports?report_scope=daily&report_type=sales"
                 f"&business_date_from={dates[0][:6]}01&business_date_to={dates[0][:6]}31")
        durations = []
        for _ in range(5):
            result = await _timed(conn, rec, "month_report", month, world.bearer)
            if result:
                durations.append(result[0])
                count = result[1]["data"]["salesGross"]["count"]
                if count != per_store_day * days:
                    rec.error("month_report", time.monotonic(), f"salesGross.count {count} != {per_store_day * days}")
        rec.extra["month_report_1m_ms"] = ms(percentile(sorted(durations), 0.5))
        # journal search: a store, one day, a keyword (a word of a receipt: an item's name)
        sample = await _timed(conn, rec, "journal_sample",
                              f"/journal/api/v1/tenants/{tenant}/stores/{store}/journals?business_date_from="
                              f"{dates[0]}&business_date_to={dates[0]}&transaction_types=101&limit=1", world.bearer)
        text = sample[1]["data"][0]["journalText"] if sample and sample[1]["data"] else ""
        words = sorted(set(re.findall(r"BI-\d{5}", text))) or ["Bench"]  # item codes in the item names
        durations = []
        hits = []
        for _ in range(SEARCHES):
            day, where, word = rng.choice(dates), rng.choice(stores), rng.choice(words)
            result = await _timed(conn, rec, "journal_search",
                                  f"/journal/api/v1/tenants/{tenant}/stores/{where}/journals?business_date_from={day}"
                                  f"&business_date_to={day}&keywords={word.replace(' ', '%20')}&limit=100",
                                  world.bearer)
            if result:
                durations.append(result[0])
                hits.append(result[1]["metadata"]["total"])
        rec.extra["journal_search_keywords"] = words[:5]
        rec.extra["journal_search_hits_median"] = percentile(sorted(hits), 0.5) if hits else None
        rec.extra["journal_search_1m_p99_ms"] = ms(percentile(sorted(durations), 0.99))
        rec.extra["journal_search_1m_p50_ms"] = ms(percentile(sorted(durations), 0.5))
        # a terminal's transactions of a day (any store/terminal of the tenant may be asked, spec/30 §10.1)
        terminal = world.terminals[0]
        durations = []
        for _ in range(SEARCHES):
            day, where = rng.choice(dates), rng.choice(stores)
            number = rng.randint(1, loaded["terminals_per_store"])
            path = terminal.q(f"/cart/api/v1/tenants/{tenant}/stores/{where}/terminals/{number}/transactions"
                              f"?business_date={day}&limit=100")
            result = await _timed(conn, rec, "transaction_list", path, terminal.auth)
            if result:
                durations.append(result[0])
                total = result[1]["metadata"]["total"]
                if total != loaded["per_session"]:
                    rec.error("transaction_list", time.monotonic(), f"total {total} != {loaded['per_session']}")
        rec.extra["transaction_list_1m_p99_ms"] = ms(percentile(sorted(durations), 0.99))
        # reconciliation of a store-day (issue #24), when this build has it
        path = f"/report/api/v1/tenants/{tenant}/stores/{store}/reconciliation?business_date={dates[0]}"
        response = await conn.request("GET", path, None, headers=world.bearer)
        if response.status == 200:
            durations = []
            for _ in range(5):
                result = await _timed(conn, rec, "reconcile", path, world.bearer)
                if result:
                    durations.append(result[0])
                    rec.extra["reconcile_1m_status"] = result[1]["data"].get("status")
            rec.extra["reconcile_1m_ms"] = ms(percentile(sorted(durations), 0.5))
        else:
            rec.extra["reconcile_1m_ms"] = None
            rec.extra["reconcile_1m_note"] = f"HTTP {response.status}: not in this build"
    finally:
        stop.set()
        await background
        conn.close()
    background_ms = sorted(rec.latencies.get("background_add_item", []))
    rec.extra["background_add_item_p99_ms"] = ms(percentile(background_ms, 0.99)) if background_ms else None
    rec.window_end = float("inf")
    rec.extra.update({key: loaded[key] for key in ("load_seconds", "templates_seconds", "step_seconds", "counts",
                                                   "stores", "days", "per_session", "bytes_per_transaction", "disk")})
    rec.extra["elapsed_s"] = round(time.monotonic() - rec.window_start, 3)
    return rec


def run_group(ctx, stack, root) -> dict:
    """Load, then measure; returns the figures and the details for latest.json."""
    env = os.environ.get
    transactions = int(env("BENCH_DATA_TRANSACTIONS") or 1_000_000)
    stores = int(env("BENCH_DATA_STORES") or 100)
    days = int(env("BENCH_DATA_DAYS") or 10)
    loaded = load(stack.env, root, ctx.world, transactions=transactions, stores=stores, days=days)
    print(f"bench: data: {loaded['counts']['transactions']} transactions loaded in {loaded['load_seconds']} s "
          f"({loaded['counts']})", flush=True)
    loaded["disk"] = _sizes(stack.env, root, ctx.world.tenant_id, loaded["counts"]["transactions"])
    loaded["bytes_per_transaction"] = loaded["disk"]["bytes_per_transaction"]
    return loaded
