"""A deliberately small asyncio HTTP/1.1 client: one keep-alive connection per virtual terminal.

Why not aiohttp/httpx/Locust: the driver shares the machine's 2 cores with the server, so every microsecond it
spends per request is taken from the thing being measured. This client writes a request with one ``write()``,
parses the response with ``httptools`` (the C parser uvicorn itself uses) and resolves one future; it does
not decode bodies unless the scenario asks for the JSON. ``uvloop`` drives the event loop. Both packages come
with ``uvicorn[standard]`` already; ``bench/requirements.txt`` pins them explicitly. The README has the
measured per-request cost compared with aiohttp.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httptools

Headers = dict[str, str]


class HttpError(Exception):
    """Transport failure (connection refused/reset/closed, unparsable response, timeout)."""


class Response:
    __slots__ = ("status", "body", "headers")

    def __init__(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.status = status
        self.body = body
        self.headers = headers

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        return json.loads(self.body)

    def data(self) -> Any:
        """``data`` of a Kugelpos envelope."""
        return self.json().get("data")

    def snippet(self, limit: int = 300) -> str:
        return self.body[:limit].decode("utf-8", "replace")


class _Protocol(asyncio.Protocol):
    """One connection; one request in flight at a time (HTTP/1.1 without pipelining)."""

    def __init__(self, want_headers: bool) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future | None = None
        self.closed = False
        self.keep_alive = True
        self._body: list[bytes] = []
        self._headers: dict[str, str] = {}
        self._want_headers = want_headers

    # asyncio callbacks
    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(HttpError(f"bad response: {exc}"))
            if self.transport is not None:
                self.transport.close()

    def connection_lost(self, exc) -> None:
        self.closed = True
        self._fail(HttpError(f"connection closed: {exc}" if exc else "connection closed by server"))

    def _fail(self, exc: Exception) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)

    # httptools callbacks
    def on_message_begin(self) -> None:
        self._body = []
        self._headers = {}

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._want_headers:
            self._headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        self.keep_alive = self.parser.should_keep_alive()

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        response = Response(self.parser.get_status_code(), b"".join(self._body), self._headers)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(response)
        if not self.keep_alive and self.transport is not None:
            self.transport.close()


class Connection:
    """A keep-alive connection to one server that reconnects transparently when the server closed it."""

    def __init__(self, host: str, port: int, *, timeout: float = 10.0, want_headers: bool = False) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.want_headers = want_headers
        self._protocol: _Protocol | None = None
        self._host_header = f"{host}:{port}"
        self.connects = 0

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_connection(lambda: _Protocol(self.want_headers), self.host, self.port)
        self._protocol = protocol
        self.connects += 1

    def close(self) -> None:
        if self._protocol is not None and self._protocol.transport is not None:
            self._protocol.transport.close()
        self._protocol = None

    async def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: Headers | None = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
    ) -> Response:
        """Send one request and wait for its response. ``body`` is JSON-encoded; ``raw`` is sent as is."""
        if self._protocol is None or self._protocol.closed:
            await self.connect()
        protocol = self._protocol
        assert protocol is not None and protocol.transport is not None
        payload = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        lines = [f"{method} {path} HTTP/1.1\r\nHost: {self._host_header}\r\n"]
        if payload or method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n")
        if headers:
            lines.extend(f"{name}: {value}\r\n" for name, value in headers.items())
        lines.append("\r\n")
        waiter = asyncio.get_running_loop().create_future()
        protocol.waiter = waiter
        protocol.transport.write("".join(lines).encode("latin-1") + payload)
        try:
            return await asyncio.wait_for(waiter, self.timeout)
        except TimeoutError:
            # The connection is now out of step with its responses: drop it.
            self.close()
            raise HttpError(f"timeout after {self.timeout:.0f} s") from None
        finally:
            protocol.waiter = None


async def wait_for_port(host: str, port: int, deadline: float) -> None:
    while True:
        try:
            _, writer = await asyncio.open_connection(host, port)
            writer.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)
