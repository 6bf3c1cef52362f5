"""The ASGI application the browser tests run: ``kugelpos.asgi`` plus static files (the admin's CSS and JS).

Stand-in until the project serves its static files itself: the project's own ASGI app serves none (``make run``
shows the admin unstyled), and with ``STATIC_URL = "static/"`` a tenant page links them under its own prefix
(``/t/<tenant_id>/static/...``). This wrapper serves ``/static/...`` and ``/t/<tenant_id>/static/...`` from the
apps' static folders and passes everything else, WebSockets included, to the real application unchanged.
"""

from __future__ import annotations

import re

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from kugelpos.asgi import application as kugelpos_application

TENANT_STATIC = re.compile(r"^/t/[A-Za-z0-9_]{1,50}(?P<rest>/static/.*)$")

_with_static = ASGIStaticFilesHandler(kugelpos_application)


async def application(scope, receive, send):
    if scope["type"] == "http":
        match = TENANT_STATIC.match(scope["path"])
        if match:
            path = match.group("rest")
            scope = {**scope, "path": path, "raw_path": path.encode()}
    return await _with_static(scope, receive, send)
