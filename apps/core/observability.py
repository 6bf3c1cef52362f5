"""Request ids, one structured (JSON) log line per request, and the request metrics.

``RequestObservabilityMiddleware`` runs first: it accepts ``X-Request-ID`` (or makes one), binds it to the
logging context (so every log line of the request carries it), returns it in the response, and on the way out
logs ``method path status duration_ms tenant_id terminal_id`` and records the Prometheus request metrics.
The id travels into the Celery tasks the request enqueues (``apps.core.celery_signals``).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

import structlog
from django.http import HttpRequest, HttpResponse

from . import metrics
from .auth import Credential

REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

logger = structlog.get_logger("kugelpos.request")


def new_request_id(candidate: str | None = None) -> str:
    """The client's id when it is a sane token, else a fresh one (never echo arbitrary header content)."""
    if candidate and _VALID_REQUEST_ID.match(candidate):
        return candidate
    return uuid.uuid4().hex


def _identity(request: HttpRequest) -> tuple[str | None, str | None]:
    """Tenant and terminal of the caller, as far as authentication found them (never a secret)."""
    # Only a credential the API authentication put there: never evaluate the session user of a page here (the
    # connection is back in the public schema by now, where no user table exists).
    credential = request.__dict__.get("user")
    if type(credential) is not Credential:  # type(), not isinstance(): a lazy session user must stay unevaluated
        credential = None
    tenant_id = getattr(credential, "tenant_id", None)
    terminal_id = getattr(credential, "terminal_id", None)
    if terminal_id is None and isinstance(getattr(credential, "claims", None), dict):
        terminal_id = credential.claims.get("terminal_id")
    if tenant_id is None and getattr(request, "tenant", None) is not None:
        tenant_id = request.tenant.tenant_id
    return tenant_id or None, terminal_id or None


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name or match.route or "unnamed") if match else "unmatched"


class RequestObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id(request.META.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        response = None
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            return response
        finally:
            elapsed = time.perf_counter() - started
            status = response.status_code if response is not None else 500
            view = _view_name(request)
            metrics.observe_request(method=request.method or "", view=view, status=status, seconds=elapsed)
            tenant_id, terminal_id = _identity(request)
            fields: dict[str, Any] = {
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "view": view,
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
                "tenant_id": tenant_id,
                "terminal_id": terminal_id,
            }
            level = logging.ERROR if status >= 500 else logging.INFO
            structlog.contextvars.unbind_contextvars("request_id")
            logger.log(level, "request", **fields)
            structlog.contextvars.clear_contextvars()
