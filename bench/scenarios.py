"""The five scenarios of issue #9. Each returns a ``Recorder`` whose summary goes into ``latest.json``.

Closed loop: every connection sends its next request as soon as the previous answer arrived (no think time).
Open loop (``kugelpos_pattern_N``): every terminal follows a fixed timetable (one add every 3 s) whatever the
server does; a request that starts late because the previous one was slow is timed from its *scheduled* start,
so a slow server cannot hide its queueing (no coordinated omission).
Requests count when they start inside the measuring window (after ``warmup`` seconds); errors always count.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime

from . import provision
from .client import Connection, HttpError, Response
from .provision import PROBE_ITEM, REPORT_STORE, STORE, Terminal, World
from .stats import Recorder, latency_summary, ms, percentile

now = time.perf_counter
CART = "/cart/api/v1/carts"
ITEMS_PER_CART = 20
PATTERN_INTERVAL = 3.0


@dataclass
class Context:
    host: str
    port: int
    world: World
    seconds: float
    warmup: float
    timeout: float = 10.0

    def connections(self, count: int) -> list[Connection]:
        return [Connection(self.host, self.port, timeout=self.timeout) for _ in range(count)]


async def connect_all(connections: list[Connection]) -> None:
    for start in range(0, len(connections), 100):
        await asyncio.gather(*(conn.connect() for conn in connections[start : start + 100]))


def close_all(connections: list[Connection]) -> None:
    for conn in connections:
        conn.close()


async def call(
    conn: Connection, rec: Recorder, op: str, method: str, path: str, body=None, *, headers=None,
    expect: int = 200, scheduled: float | None = None,
) -> Response | None:
    """One timed request; a transport error or an unexpected status is an error of ``op``."""
    started = now()
    origin = started if scheduled is None or scheduled > started else scheduled
    try:
        response = await conn.request(method, path, body, headers=headers)
    except HttpError as exc:
        rec.error(op, origin, str(exc))
        return None
    if response.status != expect:
        rec.error(op, origin, f"HTTP {response.status} {response.snippet(200)}")
        return None
    rec.ok(op, origin, now() - origin)
    return response


def open_window(rec: Recorder, ctx: Context) -> float:
    """Start the measuring window after the warm-up; returns the time at which users stop."""
    rec.window_start = now() + ctx.warmup
    rec.window_end = rec.window_start + ctx.seconds
    return rec.window_end


async def loop_lag_monitor(rec: Recorder, stop: asyncio.Event) -> None:
    """How late the driver's own event loop wakes up (the driver must not be the bottleneck)."""
    lags: list[float] = []
    while not stop.is_set():
        before = now()
        await asyncio.sleep(0.01)
        lags.append(now() - before - 0.01)
    lags.sort()
    rec.extra["driver_loop_lag_p99_ms"] = ms(percentile(lags, 0.99))


async def run_users(rec: Recorder, users: list) -> None:
    stop = asyncio.Event()
    monitor = asyncio.create_task(loop_lag_monitor(rec, stop))
    try:
        await asyncio.gather(*users)
    finally:
        stop.set()
        await monitor


def cart_path(terminal: Terminal, suffix: str = "") -> str:
    return terminal.q(CART + suffix)


async def new_cart(conn: Connection, rec: Recorder, terminal: Terminal, *, scheduled=None) -> str | None:
    response = await call(conn, rec, "create_cart", "POST", cart_path(terminal), {}, headers=terminal.auth,
                          expect=201, scheduled=scheduled)
    return None if response is None else response.data()["cartId"]


def add_body(code: str) -> list[dict]:
    return [{"itemCode": code, "quantity": 1}]


# --- 1. floor -----------------------------------------------------------------------------------------------
async def floor(ctx: Context, connections: int = 16) -> Recorder:
    """One indexed read behind terminal API-key auth: GET master-data item by code."""
    rec = Recorder("floor")
    conns = ctx.connections(connections)
    await connect_all(conns)
    terminals = ctx.world.terminals[:connections]
    items = ctx.world.items
    base = f"/master-data/api/v1/tenants/{ctx.world.tenant_id}/items/"
    end = open_window(rec, ctx)

    async def user(index: int) -> None:
        conn, terminal, k = conns[index], terminals[index], index
        while now() < end:
            k += 7
            path = terminal.q(base + items[k % len(items)].code)
            if await call(conn, rec, "get_item", "GET", path, headers=terminal.auth) is None:
                await asyncio.sleep(0.05)

    await run_users(rec, [user(i) for i in range(connections)])
    close_all(conns)
    return rec


# --- 2. add-item saturation ---------------------------------------------------------------------------------
async def add_item_saturation(ctx: Context, connections: int = 16) -> Recorder:
    rec = Recorder("add_item_saturation")
    conns = ctx.connections(connections)
    await connect_all(conns)
    terminals = ctx.world.terminals[:connections]
    items = ctx.world.items
    end = open_window(rec, ctx)

    async def user(index: int) -> None:
        conn, terminal = conns[index], terminals[index]
        rng = random.Random(index)
        while now() < end:
            cart_id = await new_cart(conn, rec, terminal)
            if cart_id is None:
                await asyncio.sleep(0.05)
                continue
            path = cart_path(terminal, f"/{cart_id}/lineItems")
            for _ in range(ITEMS_PER_CART):
                if now() >= end:
                    return
                if await call(conn, rec, "add_item", "POST", path, add_body(rng.choice(items).code),
                              headers=terminal.auth) is None:
                    await asyncio.sleep(0.05)

    await run_users(rec, [user(i) for i in range(connections)])
    close_all(conns)
    return rec


# --- 2b. add-item saturation with an Idempotency-Key on every request (issue #23) --------------------------------
# Slices of the window alternate between requests without a key and requests with a fresh key each, in the order
# ABBA BAAB (8 slices): both halves see the same machine (other load, warm caches, table sizes), so the ratio of
# their rates is the cost of the key, not the drift between two scenarios run a minute apart.
IDEMPOTENCY_SLICES = (False, True, True, False, True, False, False, True)


def with_idempotency_key(headers: dict[str, str]) -> dict[str, str]:
    """``headers`` plus a fresh ``Idempotency-Key``, as a retry-safe terminal sends with every mutating request."""
    return {**headers, "Idempotency-Key": uuid.uuid4().hex}


async def add_item_saturation_keyed(ctx: Context, connections: int = 16) -> Recorder:
    """``add_item_saturation``'s loop; the recorder holds the keyed half (``rps``: the keyed rate), its extras the
    unkeyed half of the same window (``unkeyed_rps``) and ``keyed_over_unkeyed``."""
    rec = Recorder("add_item_saturation_keyed")
    unkeyed = Recorder("add_item_saturation_unkeyed_slices")
    conns = ctx.connections(connections)
    await connect_all(conns)
    terminals = ctx.world.terminals[:connections]
    items = ctx.world.items
    end = open_window(rec, ctx)
    unkeyed.window_start, unkeyed.window_end = rec.window_start, rec.window_end
    slice_seconds = ctx.seconds / len(IDEMPOTENCY_SLICES)

    def keyed_now() -> bool:
        index = int((now() - rec.window_start) // slice_seconds)
        return 0 <= index < len(IDEMPOTENCY_SLICES) and IDEMPOTENCY_SLICES[index]

    def target(keyed: bool, terminal: Terminal) -> tuple[Recorder, dict[str, str]]:
        return (rec, with_idempotency_key(terminal.auth)) if keyed else (unkeyed, terminal.auth)

    async def user(index: int) -> None:
        conn, terminal = conns[index], terminals[index]
        rng = random.Random(index)
        while now() < end:
            recorder, headers = target(keyed_now(), terminal)
            response = await call(conn, recorder, "create_cart", "POST", cart_path(terminal), {}, headers=headers,
                                  expect=201)
            if response is None:
                await asyncio.sleep(0.05)
                continue
            path = cart_path(terminal, f"/{response.data()['cartId']}/lineItems")
            for _ in range(ITEMS_PER_CART):
                if now() >= end:
                    return
                recorder, headers = target(keyed_now(), terminal)
                if await call(conn, recorder, "add_item", "POST", path, add_body(rng.choice(items).code),
                              headers=headers) is None:
                    await asyncio.sleep(0.05)

    await run_users(rec, [user(i) for i in range(connections)])
    close_all(conns)
    half = ctx.seconds / 2
    plain = unkeyed.summary(half)
    keyed = rec.summary(half)
    for op, count in unkeyed.errors.items():
        rec.errors[f"{op}_unkeyed"] += count
    rec.error_samples.extend(f"unkeyed {sample}" for sample in unkeyed.error_samples[:5])
    rec.extra.update({
        "elapsed_s": half,
        "unkeyed_rps": plain["rps"],
        "unkeyed_p50_ms": plain["p50_ms"],
        "unkeyed_p99_ms": plain["p99_ms"],
        "keyed_over_unkeyed": round(keyed["rps"] / plain["rps"], 3) if plain["rps"] else None,
    })
    return rec


# --- 3. Kugelpos' own pattern -------------------------------------------------------------------------------
async def kugelpos_pattern(ctx: Context, terminal_count: int) -> Recorder:
    """Open loop: each terminal adds one item every 3 s; after 20 items it cancels and starts a new cart."""
    rec = Recorder(f"kugelpos_pattern_{terminal_count}")
    terminals = ctx.world.terminals[:terminal_count]
    if len(terminals) < terminal_count:
        raise RuntimeError(f"only {len(terminals)} terminals provisioned, {terminal_count} needed")
    conns = ctx.connections(terminal_count)
    await connect_all(conns)
    items = ctx.world.items
    rng = random.Random(terminal_count)
    offsets = [rng.uniform(0.0, PATTERN_INTERVAL) for _ in terminals]
    # Steady state from the first second: every terminal starts at a random point of its cart cycle (its first
    # cart, created before the clock starts, counts as already holding 0-19 items), so cancels and creates are
    # spread evenly instead of all N terminals cancelling and creating within the same 3 s every minute.
    phases = [rng.randrange(ITEMS_PER_CART) for _ in terminals]
    first_carts: list[str | None] = [None] * terminal_count
    gate = asyncio.Semaphore(16)

    async def first_cart(index: int) -> None:
        async with gate:
            first_carts[index] = await new_cart(conns[index], rec, terminals[index])

    rec.window_start = float("inf")  # the first carts are not timed (their errors still count)
    await asyncio.gather(*(first_cart(i) for i in range(terminal_count)))
    begin = now()
    end = open_window(rec, ctx)

    async def sleep_until(moment: float) -> None:
        delay = moment - now()
        if delay > 0:
            await asyncio.sleep(delay)

    async def terminal_loop(index: int) -> None:
        conn, terminal = conns[index], terminals[index]
        picker = random.Random(index)
        slot = begin + offsets[index]
        cart_id: str | None = first_carts[index]
        added = phases[index]
        while slot < end:
            if now() > end + ctx.timeout:
                # Too far behind its timetable to catch up before the run ends: what it could not send is an
                # error (the server did not keep up), and the scenario stays bounded in time.
                while slot < end:
                    rec.error("unsent", slot, "terminal behind schedule at the end of the window")
                    slot += PATTERN_INTERVAL
                break
            await sleep_until(slot)
            if cart_id is not None and added >= ITEMS_PER_CART:
                await call(conn, rec, "cancel", "POST", cart_path(terminal, f"/{cart_id}/cancel"),
                           headers=terminal.auth, scheduled=slot)
                cart_id = None
            if cart_id is None:
                cart_id = await new_cart(conn, rec, terminal, scheduled=slot)
                added = 0
                if cart_id is None:
                    slot += PATTERN_INTERVAL
                    continue
                scheduled = None  # the first add follows the create directly: timed from its own start
            else:
                scheduled = slot
            await call(conn, rec, "add_item", "POST", cart_path(terminal, f"/{cart_id}/lineItems"),
                       add_body(picker.choice(items).code), headers=terminal.auth, scheduled=scheduled)
            added += 1
            slot += PATTERN_INTERVAL

    await run_users(rec, [terminal_loop(i) for i in range(terminal_count)])
    close_all(conns)
    rec.extra["terminals"] = terminal_count
    return rec


# --- 4. full sale saturation + fan-out lag + WebSocket alert latency ------------------------------------------
class AlertListener:
    """A stock dashboard's socket (spec/50 §7, ``/stock/api/v1/ws/{tenant}/{store}?token=``) held open for the
    whole scenario: ``expect(item_code)`` gives a future that resolves to the moment the item's next
    ``minimum_stock`` alert frame arrived (issue #25: the web process's event loop forwards it, so an event loop
    blocked by a request delays it)."""

    def __init__(self, host: str, port: int, tenant_id: str, store_code: str, token: str) -> None:
        self.url = f"ws://{host}:{port}/stock/api/v1/ws/{tenant_id}/{store_code}?token={token}"
        self.waiting: dict[str, asyncio.Future] = {}
        self.connected = asyncio.Event()
        self.failure: str | None = None

    def expect(self, item_code: str) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiting[item_code] = future
        return future

    def forget(self, item_code: str) -> None:
        future = self.waiting.pop(item_code, None)
        if future is not None and not future.done():
            future.cancel()

    async def run(self) -> None:
        from websockets.asyncio.client import connect

        try:
            async with connect(self.url, open_timeout=10, max_size=2**20) as socket:
                async for raw in socket:
                    arrived, arrived_wall = now(), time.time()
                    frame = json.loads(raw)
                    if frame.get("type") == "connection":
                        self.connected.set()
                    elif frame.get("type") == "stock_alert" and frame.get("alert_type") == "minimum_stock":
                        future = self.waiting.pop(frame.get("item_code"), None)
                        if future is not None and not future.done():
                            future.set_result((arrived, arrived_wall, frame.get("timestamp")))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - refused, closed, bad frame: the samples after it are errors
            self.failure = f"{type(exc).__name__}: {exc}"
        finally:
            self.connected.set()
            for future in self.waiting.values():
                if not future.done():
                    future.cancel()


async def full_sale(conn: Connection, rec: Recorder, terminal: Terminal, codes: list[str]) -> Response | None:
    cart_id = await new_cart(conn, rec, terminal)
    if cart_id is None:
        return None
    for code in codes:
        if await call(conn, rec, "add_item", "POST", cart_path(terminal, f"/{cart_id}/lineItems"), add_body(code),
                      headers=terminal.auth) is None:
            return None
    if await call(conn, rec, "subtotal", "POST", cart_path(terminal, f"/{cart_id}/subtotal"),
                  headers=terminal.auth) is None:
        return None
    if await call(conn, rec, "pay_cash", "POST", cart_path(terminal, f"/{cart_id}/payments"),
                  [{"paymentCode": "01", "amount": 100000, "detail": "bench"}], headers=terminal.auth) is None:
        return None
    return await call(conn, rec, "bill", "POST", cart_path(terminal, f"/{cart_id}/bill"), headers=terminal.auth)


async def full_sale_saturation(ctx: Context, connections: int = 16, poll_interval: float = 0.05,
                               sample_pause: float = 1.0, sample_timeout: float = 30.0,
                               alert_timeout: float = 10.0) -> Recorder:
    rec = Recorder("full_sale_saturation")
    world = ctx.world
    conns = ctx.connections(connections)
    await connect_all(conns)
    terminals = world.terminals[:connections]
    items = world.items
    sales: list[float] = []
    # The alert probe's socket (issue #25) is opened before the load starts: what is measured is how late a frame
    # reaches an open socket, not how long a handshake takes under saturation.
    listener = AlertListener(ctx.host, ctx.port, world.tenant_id, STORE, world.user_token)
    listening = asyncio.create_task(listener.run())
    connecting = now()
    try:
        await asyncio.wait_for(listener.connected.wait(), 30.0)
    except TimeoutError:
        listener.failure = "no connection frame within 30 s"
    if listener.failure:
        rec.error("ws_alert_connect", now(), listener.failure)
    rec.extra["ws_connect_ms"] = ms(now() - connecting)
    end = open_window(rec, ctx)

    async def user(index: int) -> None:
        conn, terminal = conns[index], terminals[index]
        rng = random.Random(1000 + index)
        while now() < end:
            started = now()
            response = await full_sale(conn, rec, terminal, [rng.choice(items).code for _ in range(5)])
            if response is None:
                await asyncio.sleep(0.05)
            elif rec.counts(started):
                sales.append(now() - started)

    # The probe: its own terminal sells one unit of an item nobody else sells, then watches the journal, the
    # terminal's flash report and the item's stock until the sale shows in all three.
    probe = world.probe_terminal
    assert probe is not None
    probe_conn, *watch = ctx.connections(4)
    tenant = world.tenant_id
    lags: dict[str, list[float]] = {"journal": [], "report": [], "stock": [], "all": []}
    probe_state = {"sold": 0}

    async def visible(conn: Connection, what: str, path: str, check) -> float | None:
        deadline = now() + sample_timeout
        while now() < deadline:
            try:
                response = await conn.request("GET", path, headers=world.bearer)
            except HttpError as exc:
                rec.error(f"fanout_{what}", now(), str(exc))
                return None
            if response.status == 200 and check(response.data()):
                return now()
            if response.status != 200:
                rec.error(f"fanout_{what}", now(), f"HTTP {response.status} {response.snippet(200)}")
                return None
            await asyncio.sleep(poll_interval)
        rec.error(f"fanout_{what}", now(), f"sale not visible after {sample_timeout:.0f} s")
        return None

    probe_rec = Recorder("probe")  # the probe's own sales stay out of the scenario's numbers
    # The alert probe (issue #25): the probe's sale also sells one unit of an alert item (stocked at its minimum,
    # a different one each time, see provision.ALERT_ITEMS); the store's socket gets its alert frame once the
    # fan-out has applied the sale to stock. The latency is from the bill's answer to that frame.
    alert_lags: list[float] = []
    alert_parts: dict[str, list[float]] = {"fanout": [], "delivery": []}

    async def alert_seen(item_code: str, future: asyncio.Future | None, billed: float) -> float | None:
        if future is None:  # the socket is gone (its error counted once)
            return None
        try:
            arrived, arrived_wall, sent_at = await asyncio.wait_for(future, alert_timeout)
        except (TimeoutError, asyncio.CancelledError):
            listener.forget(item_code)
            reason = listener.failure or f"no alert frame for {item_code} after {alert_timeout:.0f} s"
            rec.error("ws_alert", now(), reason)
            return None
        # The frame's timestamp is when the Celery worker sent it (same machine, same clock): before it the
        # fan-out, after it the channel layer and the web process's event loop.
        try:
            sent_wall = datetime.fromisoformat(sent_at).timestamp()
            if not rec.counts(billed):
                raise ValueError("outside the window")
            alert_parts["delivery"].append(max(0.0, arrived_wall - sent_wall))
            alert_parts["fanout"].append(max(0.0, sent_wall - (arrived_wall - (arrived - billed))))
        except (TypeError, ValueError):
            pass
        return max(0.0, arrived - billed)

    async def prober() -> None:
        await asyncio.sleep(min(ctx.warmup, 1.0))
        sample = 0
        while now() < end:
            alert_item = world.alert_items[sample % len(world.alert_items)]
            sample += 1
            alert_frame = None if listener.failure else listener.expect(alert_item)
            response = await full_sale(probe_conn, probe_rec, probe, [PROBE_ITEM, alert_item])
            if response is None:
                listener.forget(alert_item)
                await asyncio.sleep(sample_pause)
                continue
            billed = now()
            probe_state["sold"] += 1
            sold = probe_state["sold"]
            receipt = response.data()["receiptNo"]
            journal = (f"/journal/api/v1/tenants/{tenant}/stores/{STORE}/journals?terminals={probe.terminal_no}"
                       f"&receipt_no_from={receipt}&receipt_no_to={receipt}&transaction_types=101")
            report = (f"/report/api/v1/tenants/{tenant}/stores/{STORE}/terminals/{probe.terminal_no}/reports"
                      f"?report_scope=flash&report_type=sales&business_date={probe.business_date}")
            stock = f"/stock/api/v1/tenants/{tenant}/stores/{STORE}/stock/{PROBE_ITEM}"
            *seen, alert_lag = await asyncio.gather(
                visible(watch[0], "journal", journal, lambda data: len(data) >= 1),
                visible(watch[1], "report", report, lambda data, sold=sold: data["salesGross"]["count"] >= sold),
                visible(watch[2], "stock", stock,
                        lambda data, sold=sold: data["currentQuantity"] <= world.probe_stock_start - sold),
                alert_seen(alert_item, alert_frame, billed),
            )
            if alert_lag is not None and rec.counts(billed):
                alert_lags.append(alert_lag)
            if all(moment is not None for moment in seen):
                for name, moment in zip(("journal", "report", "stock"), seen, strict=True):
                    lags[name].append(moment - billed)
                lags["all"].append(max(seen) - billed)
            await asyncio.sleep(sample_pause)

    try:
        await run_users(rec, [user(i) for i in range(connections)] + [prober()])
    finally:
        listening.cancel()
        await asyncio.gather(listening, return_exceptions=True)
    close_all(conns + [probe_conn, *watch])
    for op, count in probe_rec.errors.items():
        rec.errors[f"probe_{op}"] += count
    rec.error_samples.extend(f"probe {sample}" for sample in probe_rec.error_samples[:5])
    rec.extra["full_sales"] = len(sales)
    rec.extra["full_sales_per_s"] = round(len(sales) / ctx.seconds, 1)
    rec.extra["full_sale_p99_ms"] = ms(percentile(sorted(sales), 0.99))
    rec.extra["fanout_samples"] = len(lags["all"])
    rec.extra["fanout_lag_ms"] = {
        name: {"p50": ms(percentile(sorted(values), 0.5)), "p99": ms(percentile(sorted(values), 0.99)),
               "max": ms(max(values) if values else None)}
        for name, values in lags.items()
    }
    alert_lags.sort()
    rec.extra["ws_alert_parts_ms"] = {
        name: {"p50": ms(percentile(sorted(values), 0.5)), "p99": ms(percentile(sorted(values), 0.99))}
        for name, values in alert_parts.items()
    }
    rec.extra["ws_alert_samples"] = len(alert_lags)
    rec.extra["ws_alert_ms"] = {"p50": ms(percentile(alert_lags, 0.5)), "p99": ms(percentile(alert_lags, 0.99)),
                                "max": ms(alert_lags[-1] if alert_lags else None)}
    return rec


# --- 5. daily report over 10,000 transactions ----------------------------------------------------------------
async def daily_report_load(ctx: Context, *, transactions: int, terminals: int = 4,
                            load_connections: int = 16) -> dict:
    """Deliver the report store's transactions (before the scenario's clock and CPU meter start)."""
    business_date = (ctx.world.terminals[0].business_date if ctx.world.terminals else "") or "20250101"
    conns = ctx.connections(load_connections)
    await connect_all(conns)
    try:
        loaded = await provision.load_report_store(conns, ctx.world, transactions=transactions,
                                                   terminals=terminals, business_date=business_date)
    finally:
        close_all(conns)
    return {**loaded, "business_date": business_date}


async def daily_report(ctx: Context, loaded: dict, *, calls: int = 10) -> Recorder:
    rec = Recorder("daily_report_10k")
    world = ctx.world
    transactions = loaded["transactions"]
    conn = ctx.connections(1)[0]
    path = (f"/report/api/v1/tenants/{world.tenant_id}/stores/{REPORT_STORE}/reports"
            f"?report_scope=daily&report_type=sales&business_date={loaded['business_date']}")
    rec.window_start = now()
    durations = []
    for _ in range(calls):
        started = now()
        response = await call(conn, rec, "daily_sales_report", "GET", path, headers=world.bearer)
        if response is None:
            continue
        durations.append(now() - started)
        count = response.data()["salesGross"]["count"]
        if count != transactions:
            rec.error("daily_sales_report", started, f"salesGross.count {count} != {transactions}")
    elapsed = now() - rec.window_start
    rec.window_end = float("inf")
    conn.close()
    rec.extra.update({key: value for key, value in loaded.items() if key != "business_date"})
    rec.extra["first_call_ms"] = ms(durations[0]) if durations else None
    rec.extra["median_ms"] = ms(percentile(sorted(durations), 0.5))
    rec.extra["calls"] = calls
    rec.extra["elapsed_s"] = round(elapsed, 3)
    return rec


# --- 6. the back office's home page over the same 10,000 transactions ---------------------------------------
def admin_session(ctx: Context) -> str:
    """Sign the tenant's user in to its back office through the login form (outside the clock): the session
    cookie as a ``Cookie`` header (``sessionid_<tenant>=...``: each tenant's of its own). Plain ``http.client``:
    the stack's cookies are ``Secure`` (a cookie jar would not send them over the loopback's HTTP) and the bench
    client keeps one header per name, while a login sets two cookies."""
    import http.client
    import re
    from urllib.parse import urlencode

    login = f"/t/{ctx.world.tenant_id}/admin/login/"

    def cookies(response: http.client.HTTPResponse) -> dict[str, str]:
        found = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
        return found

    conn = http.client.HTTPConnection(ctx.host, ctx.port, timeout=30)
    try:
        conn.request("GET", login)
        response = conn.getresponse()
        page, jar = response.read().decode(), cookies(response)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None or "csrftoken" not in jar:
            raise RuntimeError(f"back office login page: HTTP {response.status}, no CSRF token")
        form = urlencode({"csrfmiddlewaretoken": token.group(1), "username": "bench", "password": provision.PASSWORD})
        conn.request("POST", login, form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={jar['csrftoken']}",
            "Referer": f"http://{ctx.host}:{ctx.port}{login}", "Origin": f"http://{ctx.host}:{ctx.port}"})
        response = conn.getresponse()
        response.read()
        session = next((f"{name}={value}" for name, value in cookies(response).items()
                        if name.startswith("sessionid")), None)
        if response.status != 302 or not session:
            raise RuntimeError(f"back office login: HTTP {response.status}, no session")
        return session
    finally:
        conn.close()


async def home(ctx: Context, loaded: dict, *, calls: int = 10) -> Recorder:
    """``GET /t/{tenant}/admin/home/data/`` (the home page's numbers and panel) of the 10,000-transaction store."""
    rec = Recorder("home_10k")
    transactions = loaded["transactions"]
    session = admin_session(ctx)
    conn = ctx.connections(1)[0]
    path = (f"/t/{ctx.world.tenant_id}/admin/home/data/?store={REPORT_STORE}"
            f"&business_date={loaded['business_date']}")
    headers = {"Cookie": session, "Accept": "application/json"}
    rec.window_start = now()
    durations = []
    for _ in range(calls):
        started = now()
        response = await call(conn, rec, "home_data", "GET", path, headers=headers)
        if response is None:
            continue
        durations.append(now() - started)
        count = response.json()["data"]["summary"]["transactions"]
        if count != transactions:
            rec.error("home_data", started, f"summary.transactions {count} != {transactions}")
    elapsed = now() - rec.window_start
    rec.window_end = float("inf")
    conn.close()
    rec.extra["transactions"] = transactions
    rec.extra["first_call_ms"] = ms(durations[0]) if durations else None
    rec.extra["median_ms"] = ms(percentile(sorted(durations), 0.5))
    rec.extra["calls"] = calls
    rec.extra["elapsed_s"] = round(elapsed, 3)
    return rec


__all__ = [
    "Context", "floor", "add_item_saturation", "kugelpos_pattern", "full_sale_saturation", "daily_report_load",
    "add_item_saturation_keyed",  # issue #23
    "daily_report", "home",
    "latency_summary",
]
