"""The one renderer: builds the seven-key success envelope (spec/00 §2) around an ``EnvelopeResponse``."""

from __future__ import annotations

from typing import Any

from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response


class EnvelopeResponse(Response):
    """A success response whose ``data`` is the payload; the renderer wraps it in the envelope."""

    def __init__(
        self,
        data: Any = None,
        *,
        message: str,
        operation: str | None,
        status: int = 200,
        metadata: dict | None = None,
        headers: dict | None = None,
    ) -> None:
        super().__init__(data=data, status=status, headers=headers)
        self.envelope_message = message
        self.envelope_operation = operation
        self.envelope_metadata = metadata


class KugelposJSONRenderer(JSONRenderer):
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if isinstance(response, EnvelopeResponse) and not getattr(response, "exception", False):
            data = {
                "success": True,
                "code": response.status_code,
                "message": response.envelope_message,
                "userError": None,
                "data": data,
                "metadata": response.envelope_metadata,
                "operation": response.envelope_operation,
            }
        return super().render(data, accepted_media_type, renderer_context)
