"""The ASGI application that ``kugelpos.serve`` runs: HTTP requests go through the whole middleware chain."""

import asyncio
import json
import threading
from contextlib import contextmanager

import pytest
from asgiref.sync import SyncToAsync, async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.db import connections

from kugelpos.asgi import SyncChainASGIHandler, _loop_paused, application

pytestmark = pytest.mark.django_db


def http_get(path: str, headers: list[tuple[bytes, bytes]] | None = None, app=application) -> tuple[int, dict, bytes]:
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
        "headers": [(b"host", b"testserver"), *(headers or [])],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }

    async def exchange():
        communicator = ApplicationCommunicator(app, scope)
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await communicator.receive_output(5)
        body = b""
        while True:
            message = await communicator.receive_output(5)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await communicator.wait(5)
        return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}, body

    return async_to_sync(exchange)()


@contextmanager
def request_signals():
    """``(signal, path or None, thread id)`` of every request_started / request_finished sent in the block."""
    from django.core import signals

    seen = []

    def started(**kwargs):
        seen.append(("started", kwargs["scope"]["path"], threading.get_ident()))

    def finished(**_kwargs):
        seen.append(("finished", None, threading.get_ident()))

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        yield seen
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)


@pytest.fixture
def thread_calls(monkeypatch) -> list[str]:
    """Names of the functions handed to the request's thread (``sync_to_async``), in order."""
    calls = []
    real_init = SyncToAsync.__init__

    def counting_init(self, func, *args, **kwargs):
        calls.append(getattr(func, "__name__", repr(func)))
        real_init(self, func, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__init__", counting_init)
    return calls


def test_the_middleware_chain_is_built_sync_and_a_request_makes_one_call_to_its_thread(thread_calls):
    handler = SyncChainASGIHandler()
    assert not asyncio.iscoroutinefunction(handler._middleware_chain)
    status, _headers, _body = http_get("/account/")
    assert status == 200
    assert thread_calls == ["_respond"]  # the whole request, closing the response (request_finished) included


def test_request_started_and_finished_are_sent_once_each():
    with request_signals() as seen:
        status, _headers, _body = http_get("/journal/")
    assert status == 200
    assert [(what, path) for what, path, _thread in seen] == [("started", "/journal/"), ("finished", None)]


def test_a_request_through_the_asgi_application_passes_every_middleware():
    status, headers, body = http_get("/account/", [(b"x-request-id", b"asgi-test-1")])
    assert status == 200
    assert json.loads(body) == {"message": "Welcome to Kugel-POS Auth API. supoorted version: v1"}
    assert headers["x-request-id"] == "asgi-test-1"  # ours, outermost
    assert headers["x-content-type-options"] == "nosniff"  # Django's SecurityMiddleware
    assert "x-frame-options" not in headers  # the back office's middlewares skip the API
    status, headers, body = http_get("/admin/", [(b"x-request-id", b"asgi-test-2")])
    assert status == 200 and b"tenant_id" in body
    assert headers["x-request-id"] == "asgi-test-2"
    assert headers["x-frame-options"] == "DENY"  # Django's, innermost, on a page
    assert headers["x-content-type-options"] == "nosniff"


def test_an_unauthenticated_api_request_gets_the_401_envelope_over_asgi():
    status, _headers, body = http_get("/cart/api/v1/carts/nope")
    assert status == 401
    assert json.loads(body)["success"] is False


@pytest.mark.urls("apps.core.tests.probe_urls")
def test_a_streaming_response_is_sent_whole_and_closed_after_it_on_the_same_thread(thread_calls):
    with request_signals() as seen:
        status, _headers, body = http_get("/probe/stream")
    assert (status, body) == (200, b"one,two")
    assert thread_calls == ["_respond", "close"]
    assert [what for what, _path, _thread in seen] == ["started", "finished"]
    assert seen[0][2] == seen[1][2] != threading.get_ident()  # the request's thread, not the test's


def test_requests_reuse_the_threads_of_the_process():
    with request_signals() as seen:
        for _ in range(20):
            assert http_get("/account/")[0] == 200
    threads = {thread for what, _path, thread in seen if what == "started"}
    assert 1 <= len(threads) <= 8  # never more threads than WEB_THREADS, however many requests


def test_a_request_of_the_sale_path_is_served_on_the_event_loops_thread(thread_calls):
    loop_threads = []

    async def app(scope, receive, send):
        loop_threads.append(threading.get_ident())
        await application(scope, receive, send)

    with request_signals() as seen:
        status, _headers, body = http_get("/cart/api/v1/carts/nope", app=app)
    assert status == 401 and json.loads(body)["success"] is False
    assert thread_calls == []  # no hop to a request thread
    assert [what for what, _path, _thread in seen] == ["started", "finished"]
    assert seen[0][2] == seen[1][2] == loop_threads[0]
    status, _headers, _body = http_get("/master-data/api/v1/tenants/T1/items/x")
    assert status == 401 and thread_calls == []
    # Lists, the tenant creation (it migrates a schema) and everything else keep their threads.
    http_get("/master-data/api/v1/tenants")
    http_get("/master-data/api/v1/tenants/T1/items")
    http_get("/master-data/api/v1/tenants/T1/promotions/active")
    http_get("/cart/api/v1/tenants/T1/stores/S1/terminals/1/transactions")
    assert thread_calls == ["_respond"] * 4


@pytest.mark.urls("apps.core.tests.probe_urls")
def test_an_inline_request_may_use_the_database_and_async_to_sync():
    handler = SyncChainASGIHandler(inline=lambda scope: scope["path"] == "/probe/loop-thread")
    loop_threads = []

    async def app(scope, receive, send):
        loop_threads.append(threading.get_ident())
        await handler(scope, receive, send)
        asyncio.get_running_loop()  # the loop is the thread's running loop again afterwards
        with _loop_paused():  # this thread's connection: closed here, its thread ends with the test's exchange
            connections.close_all()

    status, _headers, body = http_get("/probe/loop-thread", app=app)
    assert status == 200, body
    assert json.loads(body) == {"answer": 42, "sent": "sent", "thread": loop_threads[0]}


def test_inline_serving_can_be_switched_off(settings, thread_calls):
    settings.WEB_INLINE = False
    status, _headers, _body = http_get("/cart/api/v1/carts/nope", app=SyncChainASGIHandler())
    assert status == 401
    assert thread_calls == ["_respond"]


@pytest.mark.urls("apps.core.tests.probe_urls")
def test_an_inline_streaming_response_is_closed_after_it_was_sent_on_the_loops_thread(thread_calls):
    handler = SyncChainASGIHandler(inline=lambda scope: scope["path"] == "/probe/stream")
    with request_signals() as seen:
        status, _headers, body = http_get("/probe/stream", app=handler)
    assert (status, body) == (200, b"one,two")
    assert thread_calls == []
    assert [what for what, _path, _thread in seen] == ["started", "finished"]
    assert seen[0][2] == seen[1][2] != threading.get_ident()  # the loop's thread (async_to_sync's, in tests)


def test_inline_requests_ready_together_take_turns_with_the_rest_of_the_loop():
    """Issue #25: three inline requests ready at once no longer run back to back; what became ready meanwhile (a
    WebSocket frame's next step) runs between them. Without the turns: a, b, c, then the rest."""
    handler = SyncChainASGIHandler()
    order = []

    async def inline_request(name: str) -> None:
        await handler.inline_turn()
        order.append(name)  # the request's synchronous work runs here, blocking the loop

    async def scenario() -> None:
        requests = [asyncio.create_task(inline_request(name)) for name in ("a", "b", "c")]
        asyncio.get_running_loop().call_soon(order.append, "socket")
        await asyncio.gather(*requests)

    asyncio.run(scenario())
    assert order == ["a", "socket", "b", "c"]
