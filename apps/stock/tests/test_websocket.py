"""WebSocket alert channel (spec/50 §7; scenarios 7–11 and 15 of §10) over the real Redis channel layer.

Async bodies run under ``async_to_sync``; requests and services are called through ``sync_to_async`` so they
run on the test thread, in the test's transaction, and ``django_capture_on_commit_callbacks(execute=True)``
stands for the commit after which the service sends its alerts.
"""

import time
import uuid

import pytest
import redis
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings

from apps.core.auth import user_token
from apps.stock import alerts as alerts_module
from apps.stock.calculations import StockAlert, StockLevel
from kugelpos.asgi import application
from tests.support import TENANT_A, TENANT_B

from .conftest import in_tenant_a, store_url
from .factories import StockFactory
from .ws_testing import WebsocketCommunicator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("socket_db")]


def socket(store, token, *, tenant=TENANT_A, path="stock/api/v1/ws"):
    query = "" if token is None else f"?token={token}"
    return WebsocketCommunicator(application, f"/{path}/{tenant}/{store}{query}")


async def open_socket(store, token, **kwargs):
    communicator = socket(store, token, **kwargs)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


@pytest.fixture
def act(client_a, django_capture_on_commit_callbacks):
    """Run an API call on the test thread as one committed request (its after-commit alerts are sent)."""

    def call(method, store, path, body):
        with django_capture_on_commit_callbacks(execute=True):
            response = getattr(client_a, method)(store_url(path, store=store), body, format="json")
        assert response.status_code == 200, response.content
        return response.json()

    return sync_to_async(call)


def update(act, store, item, change):
    return act("put", store, f"/{item}/update", {"quantityChange": change, "updateType": "sale"})


def test_connect_frame_then_reorder_alert_to_every_socket(token_a, act, ws_store):
    with in_tenant_a():
        StockFactory(store_code=ws_store, item_code="R1", current_quantity=100.0)
        StockFactory(store_code=ws_store, item_code="N1", current_quantity=100.0, reorder_point=50.0)

    async def scenario():
        await act("put", ws_store, "/R1/reorder", {"reorderPoint": 50, "reorderQuantity": 100})  # 100 > 50
        first = await open_socket(ws_store, token_a)
        assert await first.receive_json_from() == {
            "type": "connection", "status": "connected", "tenant_id": TENANT_A, "store_code": ws_store,
            "message": "Connected to stock alert service"}
        assert await first.receive_nothing(timeout=0.3)  # no initial alert for R1
        second = await open_socket(ws_store, token_a, path="ws/stock")  # the dashboard route
        assert (await second.receive_json_from())["type"] == "connection"

        await update(act, ws_store, "R1", -60)
        for communicator in (first, second):
            frame = await communicator.receive_json_from(timeout=2)
            timestamp = frame.pop("timestamp")
            assert frame == {"type": "stock_alert", "alert_type": "reorder_point", "tenant_id": TENANT_A,
                             "store_code": ws_store, "item_code": "R1", "current_quantity": 40.0,
                             "reorder_point": 50.0, "reorder_quantity": 100.0}
            assert timestamp.endswith("+00:00")

        await update(act, ws_store, "N1", -20)  # 80 > 50
        assert await first.receive_nothing(timeout=0.5)
        await first.disconnect()
        await second.disconnect()

    async_to_sync(scenario)()


def test_boundaries_and_both_alerts(token_a, act, ws_store):
    with in_tenant_a():
        StockFactory(store_code=ws_store, item_code="M1", current_quantity=50.0, minimum_quantity=10.0,
                     reorder_point=20.0, reorder_quantity=30.0)

    async def scenario():
        communicator = await open_socket(ws_store, token_a)
        await communicator.receive_json_from()
        await update(act, ws_store, "M1", -30)  # 20: reorder only
        assert (await communicator.receive_json_from(timeout=2))["alert_type"] == "reorder_point"
        assert await communicator.receive_nothing(timeout=0.3)
        await update(act, ws_store, "M1", -15)  # 5: reorder, then minimum
        reorder = await communicator.receive_json_from(timeout=2)
        minimum = await communicator.receive_json_from(timeout=2)
        assert (reorder["alert_type"], reorder["current_quantity"]) == ("reorder_point", 5.0)
        minimum.pop("timestamp")
        assert minimum == {"type": "stock_alert", "alert_type": "minimum_stock", "tenant_id": TENANT_A,
                           "store_code": ws_store, "item_code": "M1", "current_quantity": 5.0,
                           "minimum_quantity": 10.0, "reorder_quantity": 30.0}
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_zero_thresholds_alert_only_in_the_initial_list(token_a, act, ws_store):
    with in_tenant_a():
        StockFactory(store_code=ws_store, item_code="A0", current_quantity=10.0, minimum_quantity=10.0,
                     reorder_point=20.0, reorder_quantity=5.0)
        StockFactory(store_code=ws_store, item_code="Z1", current_quantity=-5.0)

    async def scenario():
        communicator = await open_socket(ws_store, token_a)
        assert (await communicator.receive_json_from())["type"] == "connection"
        initial = [await communicator.receive_json_from(), await communicator.receive_json_from()]
        assert [(f["alert_type"], f["item_code"]) for f in initial] == [("reorder_point", "A0"),
                                                                          ("minimum_stock", "Z1")]
        assert initial[1]["minimum_quantity"] == 0.0 and initial[1]["current_quantity"] == -5.0
        assert await communicator.receive_nothing(timeout=0.3)
        await update(act, ws_store, "Z1", -1)
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_set_reorder_fires_both_checks_set_minimum_fires_none(token_a, act, ws_store):
    with in_tenant_a():
        StockFactory(store_code=ws_store, item_code="S1", current_quantity=15.0)

    async def scenario():
        communicator = await open_socket(ws_store, token_a)
        await communicator.receive_json_from()
        await act("put", ws_store, "/S1/minimum", {"minimumQuantity": 20})
        assert await communicator.receive_nothing(timeout=0.5)
        await act("put", ws_store, "/S1/reorder", {"reorderPoint": 25, "reorderQuantity": 50})
        frames = [await communicator.receive_json_from(timeout=2), await communicator.receive_json_from(timeout=2)]
        assert [f["alert_type"] for f in frames] == ["reorder_point", "minimum_stock"]
        assert (frames[0]["reorder_point"], frames[1]["minimum_quantity"]) == (25.0, 20.0)
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_initial_list_goes_to_the_new_socket_only(token_a, ws_store):
    with in_tenant_a():
        StockFactory(store_code=ws_store, item_code="L1", current_quantity=1.0, minimum_quantity=5.0)

    async def scenario():
        first = await open_socket(ws_store, token_a)
        assert [(await first.receive_json_from())["type"] for _ in range(2)] == ["connection", "stock_alert"]
        second = await open_socket(ws_store, token_a)
        assert [(await second.receive_json_from())["type"] for _ in range(2)] == ["connection", "stock_alert"]
        assert await first.receive_nothing(timeout=0.3)
        await first.disconnect()
        await second.disconnect()

    async_to_sync(scenario)()


# --- cooldown -----------------------------------------------------------------------------------------------
@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield client
    client.close()


def test_cooldown_suppresses_repeats_within_the_window(token_a, act, ws_store, settings, redis_client):
    settings.ALERT_COOLDOWN_SECONDS = 60
    with in_tenant_a():
        StockFactory(store_code=ws_store, item_code="R1", current_quantity=100.0, reorder_point=50.0,
                     reorder_quantity=100.0)
    key = f"{alerts_module.COOLDOWN_KEY_PREFIX}reorder_{TENANT_A}_{ws_store}_R1"

    async def scenario():
        communicator = await open_socket(ws_store, token_a)
        await communicator.receive_json_from()
        await update(act, ws_store, "R1", -60)
        assert (await communicator.receive_json_from(timeout=2))["current_quantity"] == 40.0
        assert 55 <= redis_client.ttl(key) <= 60
        await update(act, ws_store, "R1", -1)  # 39, within 60 s
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()

    try:
        async_to_sync(scenario)()
    finally:
        redis_client.delete(key)


def test_cooldown_expires_after_its_seconds(token_a, act, ws_store, settings):
    settings.ALERT_COOLDOWN_SECONDS = 1
    with in_tenant_a():
        StockFactory(store_code=ws_store, item_code="R1", current_quantity=100.0, reorder_point=50.0)

    async def scenario():
        communicator = await open_socket(ws_store, token_a)
        await communicator.receive_json_from()
        await update(act, ws_store, "R1", -60)
        assert (await communicator.receive_json_from(timeout=2))["current_quantity"] == 40.0
        await update(act, ws_store, "R1", -1)
        assert await communicator.receive_nothing(timeout=0.3)
        await sync_to_async(time.sleep)(1.1)
        await update(act, ws_store, "R1", -1)
        frame = await communicator.receive_json_from(timeout=2)
        assert (frame["alert_type"], frame["current_quantity"]) == ("reorder_point", 38.0)
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_an_alert_sent_to_nobody_still_consumes_the_cooldown(settings, redis_client):
    settings.ALERT_COOLDOWN_SECONDS = 60
    store = f"nobody{uuid.uuid4().hex[:8]}"
    alert = StockAlert("minimum_stock", StockLevel(TENANT_A, store, "X", 1.0, 5.0, 0.0, 0.0))
    try:
        assert alerts_module.alerts_send([alert]) == 1
        assert alerts_module.alerts_send([alert]) == 0
    finally:
        redis_client.delete(alerts_module.COOLDOWN_KEY_PREFIX + alert.cooldown_key)


# --- authentication -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("token", "reason"),
    [(None, "No token provided"), ("", "No token provided"), ("invalid_token", "Authentication failed")],
)
def test_bad_tokens_are_accepted_then_closed_1008(ws_store, token, reason):
    async def scenario():
        communicator = await open_socket(ws_store, token)
        assert await communicator.receive_output() == {"type": "websocket.close", "code": 1008, "reason": reason}
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_expired_and_claimless_tokens_fail(ws_store):
    from apps.core.auth import encode_jwt

    expired = encode_jwt({"sub": "admin", "tenant_id": TENANT_A, "exp": 1000})
    no_sub = encode_jwt({"tenant_id": TENANT_A, "exp": 4102444800})

    async def scenario():
        for token in (expired, no_sub):
            communicator = await open_socket(ws_store, token)
            assert (await communicator.receive_output())["reason"] == "Authentication failed"
            await communicator.disconnect()

    async_to_sync(scenario)()


def test_token_of_another_tenant_is_closed_1008(ws_store, token_b):
    async def scenario():
        communicator = await open_socket(ws_store, token_b, tenant=TENANT_A)
        assert await communicator.receive_output() == {"type": "websocket.close", "code": 1008,
                                                       "reason": "Tenant ID mismatch"}
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_ping_pong_and_other_messages_ignored(token_a, ws_store):
    async def scenario():
        communicator = await open_socket(ws_store, token_a)
        await communicator.receive_json_from()
        await communicator.send_to(text_data="hello")
        assert await communicator.receive_nothing(timeout=0.2)
        await communicator.send_to(text_data="ping")
        assert await communicator.receive_from() == "pong"
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_unreachable_channel_layer_closes_1011(ws_store, token_a, monkeypatch):
    async def broken_group_add(self, group, channel):
        raise ConnectionError("redis down")

    monkeypatch.setattr("channels_redis.core.RedisChannelLayer.group_add", broken_group_add)

    async def scenario():
        communicator = await open_socket(ws_store, token_a)
        assert await communicator.receive_output() == {"type": "websocket.close", "code": 1011,
                                                       "reason": "Alert service not available"}
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_a_token_naming_no_user_or_terminal_is_closed_1008(ws_store, tenant_b):
    """Issue #20: a token whose user (or terminal, or tenant) does not exist is refused, good signature or not."""
    from apps.core.auth import encode_jwt

    tokens = (user_token(username="x", tenant_id="Ghost1", is_superuser=False),
              user_token(username="nobody", tenant_id=TENANT_B, is_superuser=True),
              encode_jwt({"sub": "terminal:T2002-A-1", "tenant_id": TENANT_B, "terminal_id": "T2002-A-1",
                          "token_type": "terminal", "exp": 4102444800}))

    async def scenario():
        for token, tenant in zip(tokens, ("Ghost1", TENANT_B, TENANT_B), strict=True):
            communicator = await open_socket(ws_store, token, tenant=tenant)
            assert (await communicator.receive_output())["reason"] == "Authentication failed"
            await communicator.disconnect()

    async_to_sync(scenario)()


def test_terminal_tokens_may_watch_any_store_of_their_tenant(ws_store, tenant_b):
    from apps.core.tenancy import tenant_context
    from apps.terminal.tests.factories import TerminalFactory
    from apps.terminal.tokens import terminal_token

    with tenant_context(TENANT_B):
        token = terminal_token(TerminalFactory(tenant_id=TENANT_B, store_code="A"))

    async def scenario():
        communicator = await open_socket(ws_store, token, tenant=TENANT_B)
        assert (await communicator.receive_json_from())["status"] == "connected"
        await communicator.disconnect()

    async_to_sync(scenario)()


# --- alerts from the tranlog consumer and from outside the web process ----------------------------------------
def _publish_sale(store, item, quantity, capture):
    from apps.core import events

    payload = {"tenant_id": TENANT_A, "store_code": store, "terminal_no": 1, "transaction_no": 5,
               "transaction_type": 101, "sales": {"is_cancelled": False},
               "line_items": [{"item_code": item, "quantity": quantity, "is_cancelled": False}]}
    with capture(execute=True):  # cart's commit: then the (eager) Celery fan-out, then stock's commit
        events.event_publish(event_type="tranlog", payload=payload)


def test_sale_under_reorder_point_alerts_once_within_cooldown(token_a, ws_store, settings, redis_client,
                                                             django_capture_on_commit_callbacks):
    settings.ALERT_COOLDOWN_SECONDS = 60
    with in_tenant_a():
        StockFactory(store_code=ws_store, item_code="P1", current_quantity=12.0, reorder_point=10.0,
                     reorder_quantity=24.0)
    sell = sync_to_async(_publish_sale)

    async def scenario():
        communicator = await open_socket(ws_store, token_a)
        await communicator.receive_json_from()
        await sell(ws_store, "P1", 3, django_capture_on_commit_callbacks)  # 12 -> 9 <= 10
        frame = await communicator.receive_json_from(timeout=2)
        assert (frame["alert_type"], frame["item_code"], frame["current_quantity"]) == ("reorder_point", "P1", 9.0)
        assert await communicator.receive_nothing(timeout=0.5)  # exactly one
        await sell(ws_store, "P1", 1, django_capture_on_commit_callbacks)  # 8, within the cooldown
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()

    try:
        async_to_sync(scenario)()
    finally:
        redis_client.delete(f"{alerts_module.COOLDOWN_KEY_PREFIX}reorder_{TENANT_A}_{ws_store}_P1")
    with in_tenant_a():
        from apps.stock.models import Stock

        assert Stock.objects.get(store_code=ws_store, item_code="P1").current_quantity == 8.0


def test_alerts_sent_from_another_thread_reach_the_socket(token_a, ws_store):
    """A Celery worker has no event loop of its own: ``alerts_send`` must work from such a thread too."""
    import threading

    alert = StockAlert("reorder_point", StockLevel(TENANT_A, ws_store, "W1", 3.0, 0.0, 5.0, 10.0))
    sent = []

    def worker():
        sent.append(alerts_module.alerts_send([alert]))

    async def scenario():
        communicator = await open_socket(ws_store, token_a)
        await communicator.receive_json_from()
        thread = threading.Thread(target=worker)
        thread.start()
        await sync_to_async(thread.join, thread_sensitive=False)()
        frame = await communicator.receive_json_from(timeout=2)
        assert (frame["item_code"], frame["reorder_point"]) == ("W1", 5.0)
        await communicator.disconnect()

    async_to_sync(scenario)()
    assert sent == [1]


def test_rolled_back_change_sends_nothing(token_a, ws_store, django_capture_on_commit_callbacks):
    from django.db import transaction

    from apps.stock import services

    with in_tenant_a():
        StockFactory(store_code=ws_store, item_code="RB", current_quantity=10.0, reorder_point=50.0)

    def change_then_fail():
        with django_capture_on_commit_callbacks(execute=True), in_tenant_a():
            try:
                with transaction.atomic():
                    services.stock_apply_change(tenant_id=TENANT_A, store_code=ws_store, item_code="RB",
                                                quantity_change=-1, update_type="sale")
                    raise RuntimeError("abort")
            except RuntimeError:
                pass

    async def scenario():
        communicator = await open_socket(ws_store, token_a)
        await communicator.receive_json_from()
        assert (await communicator.receive_json_from())["item_code"] == "RB"  # initial list
        await sync_to_async(change_then_fail)()
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()

    async_to_sync(scenario)()


# --- idle sockets -------------------------------------------------------------------------------------------
# redis-py 8 gives every connection a 5 s socket timeout by default, the same 5 s that channels_redis blocks
# on BZPOPMIN while it waits for a message: with the default, an idle consumer crashes after about 5 s
# ("Timeout reading from ..."). The channel layer needs a socket timeout above that.
LAYER_WITH_SOCKET_TIMEOUT = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": settings.REDIS_URL, "socket_timeout": 15}]},
    }
}


def test_an_idle_socket_still_gets_alerts(token_a, ws_store, settings):
    import asyncio
    import threading

    settings.CHANNEL_LAYERS = LAYER_WITH_SOCKET_TIMEOUT
    alert = StockAlert("reorder_point", StockLevel(TENANT_A, ws_store, "IDLE", 3.0, 0.0, 5.0, 10.0))

    async def scenario():
        communicator = await open_socket(ws_store, token_a)
        await communicator.receive_json_from()
        await asyncio.sleep(6.5)  # longer than channels_redis' 5 s blocking pop
        thread = threading.Thread(target=alerts_module.alerts_send, args=([alert],))
        thread.start()
        await sync_to_async(thread.join, thread_sensitive=False)()
        assert (await communicator.receive_json_from(timeout=3))["item_code"] == "IDLE"
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_project_channel_layer_outlasts_the_blocking_pop():
    hosts = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]
    assert all(isinstance(host, dict) and (host.get("socket_timeout") is None and "socket_timeout" in host
                                           or (host.get("socket_timeout") or 0) > 5) for host in hosts)
