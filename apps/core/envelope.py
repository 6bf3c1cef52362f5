"""The Kugelpos error envelope (spec/00 §2.4) as data and as a plain Django response.

Below ``apps.core.api`` (whose exception handler builds every DRF error answer from it) so that code answering
outside DRF, the Idempotency-Key middleware and the ASGI handler, uses the same envelope without importing the
API layer (which imports them).
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

from .errors import HttpError, KugelposError, message_for


def error_body(*, status: int, message: str, code: str, data: Any, operation: str) -> dict:
    return {
        "success": False,
        "code": status,
        "message": message,
        "user_error": {"code": code, "message": message_for(code)},
        "data": data,
        "metadata": None,
        "operation": operation,
    }


def error_body_of(exc: KugelposError) -> dict:
    data = f"{exc.status_code}: {exc.message}" if isinstance(exc, HttpError) else None
    return error_body(
        status=exc.status_code, message=exc.message, code=exc.error_code, data=data, operation=exc.operation
    )


def error_json_response(exc: KugelposError) -> JsonResponse:
    """The envelope of ``exc`` as a plain Django response, for code that answers outside DRF."""
    return JsonResponse(error_body_of(exc), status=exc.status_code, json_dumps_params={"ensure_ascii": False})
