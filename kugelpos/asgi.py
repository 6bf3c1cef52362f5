"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kugelpos.settings")
django.setup(set_prefix=False)


class SyncChainASGIHandler(ASGIHandler):
    """Django's ASGI handler with the middleware chain and the view run synchronously: one thread hop per request.

    Every view and middleware of the project is synchronous. Django's own middlewares can run both ways, and
    under ASGI Django ran those inside our sync ones in async mode, hopping to the request's thread and back for
    each process_request/process_view/process_response (a dozen hops per request: a quarter of the web
    process's CPU in bench/). Here the chain is built for a sync handler, as under WSGI, and called once in the
    request's thread (thread-sensitive, like every sync part of a Django request under ASGI).
    """

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)
        self._middleware_chain = sync_to_async(self._middleware_chain, thread_sensitive=True)


def get_asgi_application() -> SyncChainASGIHandler:
    return SyncChainASGIHandler()

# Static files (admin CSS/JS, the dashboard) straight from the apps' static folders: the back office works with
# nothing in front of the server. Behind a CDN or reverse proxy serving /static/, this costs nothing.
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

django_asgi_app = ASGIStaticFilesHandler(get_asgi_application())

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (needs Django set up first)

from kugelpos.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
