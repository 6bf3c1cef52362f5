"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import asyncio
import contextlib
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import django
from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted, RequestDataTooBig, SuspiciousOperation
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.exception import response_for_exception
from django.http import FileResponse, Http404
from django.urls import set_script_prefix

from kugelpos.inline import is_inline

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kugelpos.settings")
django.setup(set_prefix=False)


class BoundedBodyMixin:
    """Refuse a request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with the 413 envelope, without taking it in.

    Django reads the whole body into a temporary file (to disk past 2.5 MB) before it looks at it, and checks
    the limit only when a view reads it: a client could fill the disk. Here a declared ``Content-Length`` over
    the limit is answered at once, and a body without one is read up to the limit and no further.
    """

    async def read_body(self, receive):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body_file = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, mode="w+b")
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                body_file.close()
                raise RequestAborted()
            chunk = message.get("body", b"")
            size += len(chunk)
            if limit is not None and size > limit:
                body_file.close()
                raise RequestDataTooBig()
            body_file.write(chunk)
            if not message.get("more_body", False):
                break
        body_file.seek(0)
        return body_file

    async def refused_too_large(self, scope, send) -> bool:
        """Answer 413 if the declared length is over the limit (the body is then never read)."""
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None or _declared_length(scope) <= limit:
            return False
        await _send_too_large(self, send)
        return True

    async def handle(self, scope, receive, send):
        if await self.refused_too_large(scope, send):
            return
        try:
            await super().handle(scope, receive, send)
        except RequestDataTooBig:  # raised by read_body, before anything was sent
            await _send_too_large(self, send)


def _declared_length(scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _send_too_large(handler: ASGIHandler, send) -> None:
    from apps.core.api.exceptions import body_too_large_error, error_json_response

    await handler.send_response(error_json_response(body_too_large_error()), send)


class SyncChainASGIHandler(BoundedBodyMixin, ASGIHandler):
    """Django's ASGI handler, serving each HTTP request with one hop to its thread instead of a dozen.

    Every view and middleware of the project is synchronous. Django's own middlewares can run both ways, and
    under ASGI Django ran those inside our sync ones in async mode, hopping to the request's thread and back for
    each process_request/process_view/process_response, plus a hop each for the request_started signal, the
    error log and closing the response (a quarter of the web process's CPU in bench/). Here the chain is built
    for a sync handler, as under WSGI; the request_started signal, the chain, the error log and closing the
    response (request_finished: connections back to the pool) run in one call to the request's thread, and the
    response is sent from the event loop. A streaming response is closed after it has been sent, by a second
    call to the same thread. Static files are served before this
    handler (``ASGIStaticFilesHandler``), and a streaming response still streams from the event loop.

    Django gives every request a thread of its own (a new ``ThreadSensitiveContext``: a thread started for the
    request, and another one to join it at the end). Here a process keeps ``WEB_THREADS`` request threads and
    lends one to each request; a request that finds them all busy waits its turn in the event loop, first come
    first served. All calls of a request run on its thread, so Django's per-thread state (the database
    connection) is the request's while it runs, and is reused by the thread's next request.

    The terminal's bounded sale-path requests (``kugelpos.inline``: cart commands on one cart, one master-data
    item by code, each with a small body) skip the threads: they run on the event loop's own thread, the process
    serving one of them at a time, the way a WSGI worker does. Each is a handful of indexed queries on one cart or
    one record; the hop to a thread and back, and the nine threads of a process taking the GIL from each other
    several times per request (every query releases it), cost more than such a request's own work when the cores
    are busy (bench/: the threads idled while requests queued for seconds at 1000 terminals). While one runs, the
    process's WebSockets and its other requests wait, so nothing else runs there: lists, master-data writes, the
    back office, reports, journal searches, stock, logins with their password hashing and health checks keep
    their threads (``WEB_INLINE=0``: every request does).
    """

    def __init__(self, inline: Callable[[dict], bool] | None = None):
        super().__init__()
        self._executors = [
            ThreadPoolExecutor(1, thread_name_prefix=f"request-{number}") for number in range(settings.WEB_THREADS)
        ]
        self._threads: asyncio.Queue | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        if inline is None and settings.WEB_INLINE:
            inline = partial(is_inline, max_body=settings.WEB_INLINE_MAX_BODY)
        self._inline = inline
        self._inline_turn_taken = False

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        if self._inline is not None and self._inline(scope):
            await self.handle(scope, receive, send, inline=True)
            return
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # the server's loop, at its first request (tests run a loop per request)
            self._loop, self._threads = loop, asyncio.Queue()
            for executor in self._executors:
                self._threads.put_nowait(executor)
        thread = await self._threads.get()
        try:
            async with ThreadSensitiveContext(executor=thread):
                await self.handle(scope, receive, send)
        finally:
            self._threads.put_nowait(thread)

    async def handle(self, scope, receive, send, *, inline=False):
        if await self.refused_too_large(scope, send):
            return
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        except RequestDataTooBig:
            await _send_too_large(self, send)
            return
        set_script_prefix(get_script_prefix(scope))
        if inline:
            await self.inline_turn()
        try:
            response = await _run_sync(self._respond, inline, scope, body_file)
            try:
                await self.send_response(response, send)
            finally:
                if response.streaming:  # still open while it streams; closed afterwards, on the same thread
                    await _run_sync(response.close, inline)
        finally:
            body_file.close()

    async def inline_turn(self) -> None:
        """Wait until no inline request has run in this turn of the event loop, and take the turn.

        Under load several inline requests are ready at once; run back to back, each blocking the loop, they made
        every other ready callback wait for all of them: a WebSocket frame crosses several of those (the channel
        layer's read, the consumer, the socket's write), so it waited for the whole batch at each step (bench/:
        seconds between the worker sending an alert and the dashboard getting it). Here an inline request that
        finds the turn taken goes to the back of the loop's queue, behind what the loop polled meanwhile, so
        between two inline requests everything else that is ready runs once.
        """
        while self._inline_turn_taken:
            await asyncio.sleep(0)
        self._inline_turn_taken = True
        asyncio.get_running_loop().call_soon(self._end_inline_turn)  # runs in the loop's next turn

    def _end_inline_turn(self) -> None:
        self._inline_turn_taken = False

    def _respond(self, scope, body_file):
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            return error_response
        response = self.get_response(request)  # the sync chain; failures are responses, >= 400 are logged
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        if not response.streaming:
            # The body is complete: close now (request_finished: the connection back to the pool) and save the
            # request a second hop to this thread after sending.
            response.close()
        return response


async def _run_sync(function, inline: bool, *args):
    """``function(*args)`` on the request's thread, or with ``inline`` on this one, the event loop's."""
    if inline:
        with _loop_paused():
            return function(*args)
    return await sync_to_async(function, thread_sensitive=True)(*args)


@contextlib.contextmanager
def _loop_paused():
    """Run synchronous Django code on the event loop's thread, the loop waiting for it.

    Django refuses database calls from a thread whose event loop is running (they would block it); here blocking
    it is the point, so the thread has no running loop while the code runs. Code inside that needs an event loop
    (``async_to_sync``: a channel-layer send) gets one of its own from asgiref, on another thread.
    """
    loop = asyncio.get_running_loop()
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)


def get_asgi_application() -> SyncChainASGIHandler:
    return SyncChainASGIHandler()

# Static files (admin CSS/JS, the dashboard) straight from the apps' static folders: the back office works with
# nothing in front of the server. Behind a CDN or reverse proxy serving /static/, this costs nothing.
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402


class StaticFilesHandler(BoundedBodyMixin, ASGIStaticFilesHandler):
    """Django's static files handler, which answered a path climbing out of the static folders
    (``/static/%2e%2e/...``: ``SuspiciousFileOperation``) with a 500: such a path names no static file, a 404."""

    async def get_response_async(self, request):
        try:
            return await super().get_response_async(request)
        except SuspiciousOperation:
            return await sync_to_async(response_for_exception, thread_sensitive=False)(request, Http404())


django_asgi_app = StaticFilesHandler(get_asgi_application())

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (needs Django set up first)

from kugelpos.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
