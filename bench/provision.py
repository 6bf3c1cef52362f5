"""Everything the scenarios need, created through the public API only (as a real back office would).

Tenant (account register), tenant info and stores (terminal), catalogue, payments and staff (master data),
terminals signed in and opened (terminal), every item's stock row (stock). The daily report's 10,000
transactions are delivered to the report service through its documented tranlog-receive endpoint (spec/40
§2.5), framed by open/close logs posted to its log endpoint (§2.4) so the daily verification has real sessions
to check.
"""

from __future__ import annotations

import asyncio
import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from .client import Connection, Response

JST = timezone(timedelta(hours=9))
STORE = "B001"
REPORT_STORE = "B10K"
STAFF_ID = "BS01"
PROBE_ITEM = "BENCH-PROBE"
# The WebSocket alert probe's items (issue #25): each stocked at its minimum, so selling one unit takes it below
# and alerts. The probe sells a different one each time, round robin: with one sale a second at most, an item
# comes back after ALERT_ITEMS seconds, past the alert cooldown (60 s), so every probe sale alerts.
ALERT_ITEM_PREFIX = "BENCH-ALERT-"
ALERT_ITEMS = 150
ALERT_STOCK = 1000
PASSWORD = "bench-password"
# tax code -> (type, rate) as in the default tax master (spec/30 §6.3)
TAXES = {"00": ("Exempt", 0), "01": ("External", 10), "02": ("Internal", 10), "11": ("External", 8),
         "12": ("Internal", 8)}
TAX_NAMES = {"00": "非課税", "01": "外税10%", "02": "内税10%", "11": "外税 8%", "12": "内税 8%"}
CATEGORIES = [("B01", "Drinks", "01"), ("B02", "Food", "11"), ("B03", "Goods", "01"), ("B04", "Deli", "12")]


class SetupError(RuntimeError):
    """The API refused a setup step; the message names the endpoint and the answer."""


@dataclass
class Terminal:
    terminal_id: str
    terminal_no: int
    store_code: str
    api_key: str
    business_date: str = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"X-API-KEY": self.api_key}

    def q(self, path: str) -> str:
        """``path`` with this terminal's ``?terminal_id=`` (API-key auth on endpoints without it in the path)."""
        return f"{path}{'&' if '?' in path else '?'}terminal_id={self.terminal_id}"


@dataclass
class Item:
    code: str
    price: int
    category: str
    tax_code: str


@dataclass
class World:
    tenant_id: str
    user_token: str
    terminals: list[Terminal] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    probe_terminal: Terminal | None = None
    probe_stock_start: int = 0
    alert_items: list[str] = field(default_factory=list)

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.user_token}"}


def expect(response: Response, status: int | tuple[int, ...], what: str) -> Response:
    allowed = (status,) if isinstance(status, int) else status
    if response.status not in allowed:
        raise SetupError(f"{what}: HTTP {response.status} {response.snippet()}")
    return response


async def gather_limited(connections: list[Connection], jobs: list, worker) -> list:
    """Run ``worker(connection, job)`` for every job, one job at a time per connection."""
    queue: asyncio.Queue = asyncio.Queue()
    for index, job in enumerate(jobs):
        queue.put_nowait((index, job))
    results: list = [None] * len(jobs)

    async def run(connection: Connection) -> None:
        while not queue.empty():
            index, job = queue.get_nowait()
            results[index] = await worker(connection, job)

    await asyncio.gather(*(run(connection) for connection in connections))
    return results


async def create_tenant(conn: Connection, tenant_id: str) -> World:
    response = expect(
        await conn.request("POST", "/account/api/v1/accounts/register",
                           {"username": "bench", "password": PASSWORD, "tenantId": tenant_id}),
        201, "POST /account/api/v1/accounts/register",
    )
    tenant_id = response.data()["tenantId"]
    form = urlencode({"username": "bench", "password": PASSWORD, "client_id": tenant_id, "grant_type": "password"})
    response = expect(
        await conn.request("POST", "/account/api/v1/accounts/token", raw=form.encode(),
                           content_type="application/x-www-form-urlencoded"),
        200, "POST /account/api/v1/accounts/token",
    )
    world = World(tenant_id=tenant_id, user_token=response.json()["access_token"])
    expect(
        await conn.request("POST", "/terminal/api/v1/tenants",
                           {"tenantId": tenant_id, "tenantName": "Bench tenant", "tags": ["bench"]},
                           headers=world.bearer),
        201, "POST /terminal/api/v1/tenants",
    )
    for store_code, name in ((STORE, "Bench store"), (REPORT_STORE, "Bench report store")):
        expect(
            await conn.request("POST", f"/terminal/api/v1/tenants/{tenant_id}/stores",
                               {"storeCode": store_code, "storeName": name}, headers=world.bearer),
            201, "POST /terminal/api/v1/tenants/{tenant_id}/stores",
        )
    return world


async def create_catalogue(conns: list[Connection], world: World, item_count: int) -> None:
    md = f"/master-data/api/v1/tenants/{world.tenant_id}"
    conn = conns[0]
    for code, name, tax_code in CATEGORIES:
        expect(await conn.request("POST", f"{md}/categories",
                                  {"categoryCode": code, "description": name, "descriptionShort": name,
                                   "taxCode": tax_code}, headers=world.bearer),
               201, "POST /master-data/.../categories")
    for code, name, can_over, can_change in (("01", "Cash", True, True), ("11", "Cashless", False, False)):
        expect(await conn.request("POST", f"{md}/payments",
                                  {"paymentCode": code, "description": name, "limitAmount": 0, "canRefund": True,
                                   "canDepositOver": can_over, "canChange": can_change, "isActive": True},
                                  headers=world.bearer),
               201, "POST /master-data/.../payments")
    expect(await conn.request("POST", f"{md}/staff",
                              {"id": STAFF_ID, "name": "Bench staff", "pin": "1234", "roles": ["staff"]},
                              headers=world.bearer),
           201, "POST /master-data/.../staff")
    rng = random.Random(7)
    items = []
    for number in range(1, item_count + 1):
        code, name, tax_code = CATEGORIES[number % len(CATEGORIES)]
        items.append(Item(f"BI-{number:05d}", rng.randrange(80, 1200, 10), code, tax_code))
    items.append(Item(PROBE_ITEM, 100, "B01", "01"))
    alert_codes = [f"{ALERT_ITEM_PREFIX}{number:03d}" for number in range(1, ALERT_ITEMS + 1)]
    items.extend(Item(code, 100, "B01", "01") for code in alert_codes)

    async def create_item(connection: Connection, item: Item) -> None:
        expect(await connection.request("POST", f"{md}/items",
                                        {"itemCode": item.code, "description": f"Bench item {item.code}",
                                         "unitPrice": item.price, "unitCost": item.price // 2, "itemDetails": [],
                                         "imageUrls": [], "categoryCode": item.category, "taxCode": item.tax_code},
                                        headers=world.bearer),
               201, "POST /master-data/.../items")

    await gather_limited(conns, items, create_item)
    # Every fifth item has a store price (the cart's price lookup merges it).
    priced = items[::5]

    async def store_price(connection: Connection, item: Item) -> None:
        expect(await connection.request("POST", f"{md}/stores/{STORE}/items",
                                        {"itemCode": item.code, "storePrice": max(10, item.price - 20)},
                                        headers=world.bearer),
               201, "POST /master-data/.../stores/{store_code}/items")

    await gather_limited(conns, priced, store_price)
    world.items = [item for item in items if item.code != PROBE_ITEM and not item.code.startswith(ALERT_ITEM_PREFIX)]
    world.alert_items = alert_codes


async def create_terminals(conns: list[Connection], world: World, count: int) -> None:
    """``count`` terminals in the bench store, each signed in and opened (plus one for the fan-out probe)."""

    async def make(connection: Connection, number: int) -> Terminal:
        response = expect(
            await connection.request("POST", "/terminal/api/v1/terminals",
                                     {"storeCode": STORE, "terminalNo": number, "description": f"bench {number}"},
                                     headers=world.bearer),
            201, "POST /terminal/api/v1/terminals",
        )
        data = response.data()
        terminal = Terminal(data["terminalId"], number, STORE, data["apiKey"])
        base = f"/terminal/api/v1/terminals/{terminal.terminal_id}"
        expect(await connection.request("POST", f"{base}/sign-in", {"staffId": STAFF_ID}, headers=terminal.auth),
               200, "POST /terminal/api/v1/terminals/{terminal_id}/sign-in")
        response = expect(await connection.request("POST", f"{base}/open", {}, headers=terminal.auth),
                          200, "POST /terminal/api/v1/terminals/{terminal_id}/open")
        terminal.business_date = response.data()["businessDate"]
        return terminal

    terminals = await gather_limited(conns, list(range(1, count + 2)), make)
    world.terminals = terminals[:-1]
    world.probe_terminal = terminals[-1]


async def stock_items(conns: list[Connection], world: World, quantity: int = 1_000_000) -> None:
    """Every item in stock, as in a shop (a sale that takes stock below zero is allowed but logged per line),
    the fan-out probe's item included: its level is what the probe watches."""
    probe = world.probe_terminal
    assert probe is not None

    async def stock(connection: Connection, code: str) -> None:
        path = probe.q(f"/stock/api/v1/tenants/{world.tenant_id}/stores/{STORE}/stock/{code}/update")
        expect(await connection.request("PUT", path, {"quantityChange": quantity, "updateType": "initial"},
                                        headers=probe.auth),
               200, "PUT /stock/.../stock/{item_code}/update")

    await gather_limited(conns, [item.code for item in world.items] + [PROBE_ITEM], stock)
    world.probe_stock_start = quantity

    async def at_minimum(connection: Connection, code: str) -> None:
        """An alert item: ``ALERT_STOCK`` in stock, minimum ``ALERT_STOCK`` (not below it yet: no alert on
        connect); each sale of one unit takes it below its minimum."""
        base = f"/stock/api/v1/tenants/{world.tenant_id}/stores/{STORE}/stock/{code}"
        expect(await connection.request("PUT", probe.q(f"{base}/update"),
                                        {"quantityChange": ALERT_STOCK, "updateType": "initial"}, headers=probe.auth),
               200, "PUT /stock/.../stock/{item_code}/update")
        expect(await connection.request("PUT", probe.q(f"{base}/minimum"), {"minimumQuantity": ALERT_STOCK},
                                        headers=probe.auth),
               200, "PUT /stock/.../stock/{item_code}/minimum")

    await gather_limited(conns, world.alert_items, at_minimum)


# --- the daily report's data ------------------------------------------------------------------------------------
def tranlog_payload(
    *, tenant_id: str, store_code: str, terminal_no: int, transaction_no: int, business_date: str,
    generated: datetime, items: list[Item], rng: random.Random,
) -> dict:
    """A sale as the cart would publish it (spec/00 §10.3): 5 lines, taxes per code, one cash payment."""
    lines = []
    for line_no in range(1, 6):
        item = rng.choice(items)
        quantity = rng.randint(1, 3)
        lines.append({
            "line_no": line_no, "item_code": item.code, "category_code": item.category,
            "description": f"Bench item {item.code}", "description_short": item.code, "unit_price": float(item.price),
            "unit_price_original": 0.0, "is_unit_price_changed": False, "quantity": quantity, "discounts": [],
            "discounts_allocated": [], "amount": float(item.price * quantity), "tax_code": item.tax_code,
            "is_cancelled": False,
        })
    taxes, external_tax = [], 0
    for tax_no, code in enumerate(sorted({line["tax_code"] for line in lines}), start=1):
        kind, rate = TAXES[code]
        target = sum(line["amount"] for line in lines if line["tax_code"] == code)
        quantity = sum(line["quantity"] for line in lines if line["tax_code"] == code)
        if kind == "External":
            tax = math.floor(target * rate / 100)
            external_tax += tax
        elif kind == "Internal":
            tax = math.floor(target / (1 + rate / 100) * rate / 100)
        else:
            tax = 0
        taxes.append({"tax_no": tax_no, "tax_code": code, "tax_type": kind, "tax_name": TAX_NAMES[code],
                      "tax_amount": float(tax), "target_amount": float(target), "target_quantity": quantity})
    total = sum(line["amount"] for line in lines)
    with_tax = total + external_tax
    deposit = math.ceil(with_tax / 1000) * 1000
    stamp = generated.isoformat(timespec="microseconds")
    return {
        "tenant_id": tenant_id, "store_code": store_code, "store_name": "Bench report store",
        "terminal_no": terminal_no, "transaction_no": transaction_no, "transaction_type": 101,
        "business_date": business_date, "open_counter": 1, "business_counter": 1, "generate_date_time": stamp,
        "receipt_no": 111110 + transaction_no, "user": None,
        "sales": {"reference_date_time": stamp, "total_amount": float(total), "total_amount_with_tax": float(with_tax),
                  "tax_amount": float(external_tax), "total_quantity": sum(line["quantity"] for line in lines),
                  "change_amount": float(deposit - with_tax), "total_discount_amount": 0.0, "is_cancelled": False,
                  "is_stamp_duty_applied": False, "stamp_duty_target_amount": 0.0, "stamp_duty_amount": 0.0},
        "line_items": lines,
        "payments": [{"payment_no": 1, "payment_code": "01", "deposit_amount": float(deposit),
                      "amount": float(with_tax), "description": "Cash", "detail": None}],
        "taxes": taxes, "subtotal_discounts": [], "origin": None, "staff": {"id": STAFF_ID, "name": "Bench staff"},
        "receipt_text": "", "journal_text": "", "additional_info": {}, "is_voided": False, "is_refunded": False,
    }


def openclose_payload(
    *, tenant_id: str, store_code: str, terminal_no: int, business_date: str, operation: str, generated: datetime,
    transactions: int = 0, last_transaction_no: int | None = None,
) -> dict:
    return {
        "tenant_id": tenant_id, "store_code": store_code, "store_name": "Bench report store",
        "terminal_no": terminal_no, "staff_id": STAFF_ID, "staff_name": "Bench staff",
        "business_date": business_date, "open_counter": 1, "business_counter": 1, "operation": operation,
        "generate_date_time": generated.isoformat(timespec="microseconds"),
        "terminal_info": {"tenant_id": tenant_id, "store_code": store_code, "terminal_no": terminal_no,
                          "terminal_id": f"{tenant_id}-{store_code}-{terminal_no}", "status": "Opened",
                          "business_date": business_date, "open_counter": 1, "business_counter": 1,
                          "initial_amount": None, "physical_amount": None, "api_key": "****-****-****-****"},
        "cart_transaction_count": transactions if operation == "close" else None,
        "cart_transaction_last_no": last_transaction_no if operation == "close" else None,
        "cash_in_out_count": 0 if operation == "close" else None,
        "cash_in_out_last_datetime": None,
        "receipt_text": "", "journal_text": "", "event_id": str(uuid.uuid4()), "event_type": operation,
    }


async def load_report_store(
    conns: list[Connection], world: World, *, transactions: int, terminals: int, business_date: str,
) -> dict:
    """Deliver ``transactions`` sales of one business day to the report service, ``terminals`` sessions."""
    rng = random.Random(10_000)
    start = datetime.now(JST).replace(hour=8, minute=0, second=0, microsecond=0)
    per_terminal = [transactions // terminals + (1 if n < transactions % terminals else 0) for n in range(terminals)]
    log_path = "/report/api/v1/opencloselog"

    async def post_log(payload: dict) -> None:
        response = expect(await conns[0].request("POST", log_path, {"data": payload}, headers=world.bearer),
                          200, f"POST {log_path}")
        body = response.json()
        if not (isinstance(body, list) and body and body[0].get("status") == "SUCCESS"):
            raise SetupError(f"POST {log_path}: {response.snippet()}")

    for index in range(terminals):
        await post_log(openclose_payload(tenant_id=world.tenant_id, store_code=REPORT_STORE, terminal_no=index + 1,
                                         business_date=business_date, operation="open", generated=start))
    jobs = []
    for index, count in enumerate(per_terminal):
        for transaction_no in range(1, count + 1):
            jobs.append((index + 1, transaction_no))

    async def deliver(connection: Connection, job: tuple[int, int]) -> None:
        terminal_no, transaction_no = job
        generated = start + timedelta(seconds=transaction_no * 3, microseconds=terminal_no)
        payload = tranlog_payload(tenant_id=world.tenant_id, store_code=REPORT_STORE, terminal_no=terminal_no,
                                  transaction_no=transaction_no, business_date=business_date, generated=generated,
                                  items=world.items, rng=rng)
        path = (f"/report/api/v1/tenants/{world.tenant_id}/stores/{REPORT_STORE}/terminals/{terminal_no}"
                "/transactions")
        expect(await connection.request("POST", path, payload, headers=world.bearer), 201, "POST " + path)

    loop = asyncio.get_running_loop()
    began = loop.time()
    await gather_limited(conns, jobs, deliver)
    load_seconds = loop.time() - began
    close_time = start + timedelta(hours=14)
    for index, count in enumerate(per_terminal):
        await post_log(openclose_payload(tenant_id=world.tenant_id, store_code=REPORT_STORE, terminal_no=index + 1,
                                         business_date=business_date, operation="close", generated=close_time,
                                         transactions=count, last_transaction_no=count))
    return {"load_seconds": round(load_seconds, 1), "transactions": transactions, "terminals": terminals}
