"""The one exception handler: every failure becomes the Kugelpos error envelope (spec/00 §2.4).

Nothing half-written survives: the failing service's transaction has rolled back. An unexpected exception is
logged with a request id and answered with the generic 500 envelope; no internals reach the client.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

from apps.core.casing import camelize
from apps.core.envelope import error_body, error_body_of
from apps.core.envelope import error_json_response as error_json_response  # the ASGI handler's import
from apps.core.errors import HttpError, KugelposError, RequestValidationError

logger = logging.getLogger("apps.core.errors")


def _plain_message(detail: Any) -> str:
    if isinstance(detail, dict):
        detail = detail.get("detail", next(iter(detail.values()), ""))
    if isinstance(detail, list):
        detail = detail[0] if detail else ""
    return str(detail)


_DRF_MESSAGES = {
    "This field is required.": "Field required",
    "This field may not be null.": "Input should not be null",
    "This field may not be blank.": "String should have at least 1 character",
}


def flatten_validation(detail: Any, loc: tuple[str, ...], *, camel: bool = True) -> list[tuple[tuple[str, ...], str]]:
    """DRF error detail -> ``[(("body", "unitPrice"), "Field required"), ...]``.

    Locations use the camelCase alias, as Kugelpos' models do; ``camel=False`` for snake-only (plain) models.
    """
    if isinstance(detail, dict):
        items: list[tuple[tuple[str, ...], str]] = []
        for key, value in detail.items():
            name = camelize(str(key)) if camel else str(key)
            part = loc if key == "non_field_errors" else loc + (name,)
            items.extend(flatten_validation(value, part, camel=camel))
        return items
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [(loc, _DRF_MESSAGES.get(str(item), str(item))) for item in detail]
        items = []
        for index, value in enumerate(detail):
            if value:
                items.extend(flatten_validation(value, loc + (str(index),), camel=camel))
        return items
    return [(loc, _DRF_MESSAGES.get(str(detail), str(detail)))]


def _validation_response(error: RequestValidationError) -> Response:
    text = error.text()
    return Response(
        error_body(
            status=422,
            message=text,
            code="300001",
            data=str([{"loc": list(loc), "msg": msg} for loc, msg in error.errors]),
            operation="validation_exception_handler",
        ),
        status=422,
    )


def _kugelpos_response(exc: KugelposError) -> Response:
    response = Response(error_body_of(exc), status=exc.status_code)
    for name, value in exc.headers.items():
        response[name] = value
    return response


def body_too_large_error() -> HttpError:
    """A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``: 413 (here and from the ASGI handler, before reading it)."""
    return HttpError(413, f"Request body too large: more than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes")


def to_response(exc: BaseException) -> Response:
    """Map any exception to its envelope response."""
    if isinstance(exc, KugelposError):
        return _kugelpos_response(exc)
    if isinstance(exc, RequestDataTooBig):
        return _kugelpos_response(body_too_large_error())
    if isinstance(exc, SuspiciousOperation):  # e.g. too many form fields: the client's request, not our fault
        return _kugelpos_response(HttpError(400, "Bad request"))
    if isinstance(exc, RequestValidationError):
        return _validation_response(exc)
    if isinstance(exc, drf.ValidationError):
        return _validation_response(RequestValidationError(flatten_validation(exc.detail, ("body",))))
    if isinstance(exc, drf.ParseError):
        return _validation_response(RequestValidationError([(("body", "0"), "JSON decode error")]))
    if isinstance(exc, drf.UnsupportedMediaType):
        return _validation_response(RequestValidationError([(("body",), _plain_message(exc.detail))]))
    if isinstance(exc, drf.MethodNotAllowed):
        return Response({"detail": "Method Not Allowed"}, status=405)
    if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
        return _kugelpos_response(HttpError(401, _plain_message(exc.detail)))
    if isinstance(exc, (drf.PermissionDenied, DjangoPermissionDenied)):
        return _kugelpos_response(HttpError(403, "Permission denied"))
    if isinstance(exc, (drf.NotFound, Http404)):
        return _kugelpos_response(HttpError(404, "Not Found"))
    if isinstance(exc, drf.Throttled):
        return _kugelpos_response(HttpError(429, _plain_message(exc.detail)))
    if isinstance(exc, drf.NotAcceptable):
        return _kugelpos_response(HttpError(406, _plain_message(exc.detail)))
    if isinstance(exc, drf.APIException):
        return _kugelpos_response(HttpError(exc.status_code, _plain_message(exc.detail)))
    reference = uuid.uuid4().hex
    logger.exception("unhandled error (reference %s)", reference, exc_info=exc)
    return Response(
        error_body(
            status=500, message="Internal server error", code="900999", data=None, operation="exception_handler"
        ),
        status=500,
    )


def kugelpos_exception_handler(exc: BaseException, context: dict) -> Response:
    # Services own their transactions, which roll back as the error leaves them; a request-wide atomic block
    # (ATOMIC_REQUESTS) is marked for rollback too, as DRF does.
    set_rollback()
    return to_response(exc)


def not_found_view(request, exception=None) -> JsonResponse:
    """Django-level unknown route: ``{"detail": "Not Found"}`` (framework shape, not the envelope)."""
    return JsonResponse({"detail": "Not Found"}, status=404)


def server_error_view(request) -> JsonResponse:
    """A fault outside DRF (middleware, URL resolution): the generic 500 envelope, never an HTML page."""
    return JsonResponse(
        error_body(
            status=500, message="Internal server error", code="900999", data=None, operation="exception_handler"
        ),
        status=500,
        json_dumps_params={"ensure_ascii": False},
    )
