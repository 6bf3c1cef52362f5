"""Round trips and Django CPU of the terminal hot path (issue #9), measured in process.

    .venv/bin/python -m kugelpos.embedded .venv/bin/python bench/profile_hot_path.py [-v] [--profile OP] [-n N]

Runs under pytest-django (a throw-away test database, the session's test tenants), sets a store up through the
API like ``apps/cart/tests/conftest.py`` does, then drives the floor request (authenticated item read) and a full
sale (create cart, 5 adds of which the last carries an ``Idempotency-Key``, subtotal, cash payment, bill) ``N``
times through Django's test client, and after each
bill the fan-out's work for its tranlog (``deliver``: journal, report and stock, as the Celery task runs it, without
Celery). For each operation it prints the database round trips of one request (``-v``: their SQL) and the median
CPU time of the process per request (Django, DRF and the driver's test client; the database server's CPU is not in
it). ``--profile add_item`` prints a cProfile summary (CPU time) of that operation (``--sort tottime``: by own
time; ``PROFILE_LINES``: how many). ``--only add_item`` runs just that operation and the cart it needs (``--only
deliver``: full sales and their fan-out), without capturing queries (capturing makes Django format every statement
as text): the loop to sample with an outside profiler (py-spy, callgrind), or to profile without that noise.
``--parts`` times the parts of a keyed request (``KEYED_PARTS``: fingerprint, claim, store, seal) around each call.
Under pytest the keyed request's transaction is a savepoint in the test's, so its answer is inserted by a statement
of its own (a round trip, in ``_store``), not with a COMMIT as outside tests.
No test asserts a timing: this is a tool.
"""

from __future__ import annotations

import contextlib
import cProfile
import os
import pstats
import statistics
import sys
import time
import uuid

import pytest

OPS = ("floor", "create_cart", "add_item", "add_item_keyed", "subtotal", "pay_cash", "bill", "deliver")


def _options() -> dict:
    raw = os.environ.get("PROFILE_HOT_PATH_ARGS", "").split()
    options = {"verbose": "-v" in raw, "profile": None, "only": None, "n": 30, "sort": "cumulative",
               "parts": "--parts" in raw}
    if "--sort" in raw:
        options["sort"] = raw[raw.index("--sort") + 1]
    if "--profile" in raw:
        options["profile"] = raw[raw.index("--profile") + 1]
    if "--only" in raw:
        options["only"] = raw[raw.index("--only") + 1]
    if "-n" in raw:
        options["n"] = int(raw[raw.index("-n") + 1])
    return options


# The parts of a keyed request timed by ``--parts`` (wall time, perf_counter_ns, around each call; nested: the
# store includes the seal, the commit includes the insert's round trip): (label, module, attribute).
KEYED_PARTS = (
    ("fingerprint (request_hash)", "apps.core.idempotency", "request_hash"),
    ("claim column (claim_columns)", "apps.core.idempotency", "claim_columns"),
    ("claim kept (claim_prefetched)", "apps.core.idempotency", "claim_prefetched"),
    ("claim check (idempotency_claim)", "apps.core.api.views", "idempotency_claim"),
    ("store, queued (_store)", "apps.core.idempotency", "_store"),
    ("  of which seal", "apps.core.idempotency", "seal"),
    ("insert + COMMIT (_commit)", "apps.core.db_backend.base", "DatabaseWrapper._commit"),
)


def _is_keyed(args: tuple, commit: bool, name: str) -> bool:
    if name == "request_hash":  # called for keyed requests only, before the request is marked
        return True
    if commit:
        return bool(args[0]._with_commit)
    if not args or not hasattr(args[0], "method"):  # not a request: seal, _store (keyed only anyway)
        return True
    request = getattr(args[0], "_request", args[0])
    return request.__dict__.get("idempotency") is not None


def _time_parts() -> dict[str, list[int]]:
    """Wrap each of ``KEYED_PARTS`` with a timer; the list of each part's nanoseconds per call."""
    import functools
    import importlib

    timings: dict[str, list[int]] = {}
    for label, module_name, attribute in KEYED_PARTS:
        owner = importlib.import_module(module_name)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = getattr(owner, name)
        spent = timings.setdefault(label, [])

        def timed(*args, _original=original, _spent=spent, _commit=name == "_commit", _name=name, **kwargs):  # noqa: ANN202
            if not _is_keyed(args, _commit, _name):  # a commit without a queued insert, a claim of an unkeyed request
                return _original(*args, **kwargs)
            started = time.perf_counter_ns()
            try:
                return _original(*args, **kwargs)
            finally:
                _spent.append(time.perf_counter_ns() - started)

        setattr(owner, name, functools.wraps(original)(timed))
    return timings


@pytest.mark.django_db
def test_profile_hot_path(api, token_a):
    import logging

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.cart.tests.conftest import set_up_store

    logging.getLogger("kugelpos.request").setLevel(logging.WARNING)  # one log line per request otherwise
    options = _options()
    pos = set_up_store(api, token_a, items=(("49-02", 1000, "001", "01"),))
    from apps.core.tenancy import tenant_context
    from apps.stock.services import stock_apply_change

    with tenant_context(pos.tenant_id):  # in stock, as in a shop (a sale below zero logs a warning per line)
        stock_apply_change(tenant_id=pos.tenant_id, store_code=pos.store_code, item_code="49-01",
                           quantity_change=1_000_000, update_type="initial")
    item_path = f"/master-data/api/v1/tenants/{pos.tenant_id}/items/49-01?terminal_id={pos.terminal_id}"

    def floor():
        response = api.get(item_path, HTTP_X_API_KEY=pos.api_key)
        assert response.status_code == 200, response.content

    state: dict = {}

    def create_cart():
        state["cart"] = pos.new_cart()

    def add_item():
        pos.add(state["cart"], ("49-01", 1))

    def add_item_keyed():  # issue #23: the same add with a fresh Idempotency-Key (its answer stored)
        response = pos.client.generic("POST", pos._url(f"/carts/{state['cart']}/lineItems"),
                                      data='[{"itemCode": "49-01", "quantity": 1}]', content_type="application/json",
                                      HTTP_X_API_KEY=pos.api_key, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
        assert response.status_code == 200, response.content

    def subtotal():
        state["total"] = pos.ok("post", f"/carts/{state['cart']}/subtotal")["totalAmountWithTax"]

    def pay_cash():
        pos.pay(state["cart"], ("01", int(state["total"])))

    def bill():
        pos.ok("post", f"/carts/{state['cart']}/bill")

    def deliver():  # the Celery task's work for the bill's tranlog (journal, report, stock), without Celery
        from apps.core import events
        from apps.core.models import EventRecord

        record = EventRecord.objects.filter(event_type="tranlog").latest("published_at")
        assert events.event_deliver(event_id=str(record.event_id), tenant_id=record.tenant_id) == dict.fromkeys(
            ("journal", "report", "stock"), "received")

    steps = [("floor", floor), ("create_cart", create_cart), *[("add_item", add_item)] * 4,
             ("add_item_keyed", add_item_keyed),
             ("subtotal", subtotal), ("pay_cash", pay_cash), ("bill", bill),
             ("deliver", deliver)]
    only = options["only"]
    if only == "floor":
        steps = [("floor", floor)]
    elif only == "add_item":  # a new cart every 20 items, as in bench/'s add_item_saturation; half of them keyed
        steps = [("create_cart", create_cart), *[("add_item", add_item), ("add_item_keyed", add_item_keyed)] * 10]
    elif only == "deliver":  # full sales, each delivered
        steps = steps[1:]
    cpu: dict[str, list[float]] = {op: [] for op in OPS}
    queries: dict[str, list[str]] = {}
    profiler = cProfile.Profile(time.process_time) if options["profile"] else None
    parts = _time_parts() if options["parts"] else None
    for round_no in range(options["n"] + 1):
        for op, step in steps:
            measured = round_no > 0  # round 0 warms caches and code paths up
            with contextlib.nullcontext() if only else CaptureQueriesContext(connection) as captured:
                if measured and profiler and op == options["profile"]:
                    profiler.enable()
                started = time.process_time()
                step()
                elapsed = time.process_time() - started
                if measured and profiler and op == options["profile"]:
                    profiler.disable()
            if measured:
                cpu[op].append(elapsed * 1000)
            elif parts is not None:
                for spent in parts.values():
                    spent.clear()
            if measured and not only:
                queries.setdefault(op, [q["sql"] for q in captured.captured_queries])

    out = sys.__stdout__
    if only:
        for op in OPS:
            if cpu[op]:
                out.write(f"{op:<12} {len(cpu[op]):>7} requests, cpu ms p50 {statistics.median(cpu[op]):.2f}\n")
        _print_parts(out, parts)
        _print_profile(out, profiler, options)
        return
    out.write(f"\n{'operation':<12} {'queries':>7} {'cpu ms p50':>10}\n")
    for op in OPS:
        out.write(f"{op:<12} {len(queries[op]):>7} {statistics.median(cpu[op]):>10.2f}\n")
    web = [op for op in OPS if op not in ("floor", "deliver")]
    sale = sum(statistics.median(cpu[op]) * (4 if op == "add_item" else 1) for op in web)
    sale_queries = sum(len(queries[op]) * (4 if op == "add_item" else 1) for op in web)
    out.write(f"{'full sale':<12} {sale_queries:>7} {sale:>10.2f}   (the requests; deliver is the fan-out's)\n")
    if options["verbose"]:
        for op in OPS:
            out.write(f"\n--- {op}\n")
            for sql in queries[op]:
                out.write(f"  {sql[:300]}\n")
    _print_profile(out, profiler, options)


def _print_parts(out, parts: dict[str, list[int]] | None) -> None:
    if parts:
        out.write("\n--- parts of a keyed request (wall time, median of the calls; commit: keyed ones only)\n")
        for label, spent in parts.items():
            if spent:
                out.write(f"{label:<34} {len(spent):>6} calls  p50 {statistics.median(spent) / 1000:>8.1f} us\n")
        out.flush()


def _print_profile(out, profiler: cProfile.Profile | None, options: dict) -> None:
    if profiler:
        out.write(f"\n--- cProfile of {options['profile']} ({options['n']} requests), by {options['sort']}\n")
        if os.environ.get("PROFILE_DUMP"):
            profiler.dump_stats(os.environ["PROFILE_DUMP"])
        stats = pstats.Stats(profiler, stream=out).sort_stats(options["sort"])
        stats.print_stats(int(os.environ.get("PROFILE_LINES", "45")))
    out.flush()


if __name__ == "__main__":
    os.environ["PROFILE_HOT_PATH_ARGS"] = " ".join(sys.argv[1:])
    sys.exit(pytest.main([__file__, "-q", "-s", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning"]))
