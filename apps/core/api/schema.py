"""OpenAPI for the whole API (drf-spectacular): request bodies from each action's input serializer, the
Kugelpos envelopes as responses, and the security schemes of our authentication classes.

Clients and the fuzzer read this schema, so it describes what the server really accepts and answers.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

ENVELOPE = {
    "type": "object",
    "required": ["success", "code", "message", "userError", "data", "metadata", "operation"],
    "properties": {
        "success": {"type": "boolean"},
        "code": {"type": "integer"},
        "message": {"type": "string"},
        "userError": {"nullable": True},
        "data": {"nullable": True},
        "metadata": {"type": "object", "nullable": True},
        "operation": {"type": "string", "nullable": True},
    },
}
ERROR_ENVELOPE = {
    "type": "object",
    "required": ["success", "code", "message", "user_error", "data", "metadata", "operation"],
    "properties": {
        "success": {"type": "boolean", "enum": [False]},
        "code": {"type": "integer"},
        "message": {"type": "string"},
        "user_error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        },
        "data": {"nullable": True},
        "metadata": {"nullable": True},
        "operation": {"type": "string", "nullable": True},
    },
}
FRAMEWORK_ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}}
FREE_FORM = {"type": "object", "additionalProperties": True}


class KugelposAutoSchema(AutoSchema):
    def get_description(self):
        action = getattr(self.view, getattr(self.view, "action", None) or "", None)
        return (getattr(action, "__doc__", None) or "").strip()

    def get_request_serializer(self):
        view = self.view
        if hasattr(view, "get_input_serializer_class"):
            serializer_class = view.input_serializers.get(getattr(view, "action", None) or "")
            return serializer_class() if serializer_class is not None else None
        return super().get_request_serializer()

    def get_response_serializers(self):
        view = self.view
        success = ENVELOPE if hasattr(view, "respond") else FREE_FORM
        responses = {"200": success, "4XX": ERROR_ENVELOPE, "405": FRAMEWORK_ERROR, "500": ERROR_ENVELOPE}
        if self.method == "POST":
            responses["201"] = success
        return responses


class _Bearer(OpenApiAuthenticationExtension):
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


class _BearerOrApiKey(OpenApiAuthenticationExtension):
    name = ["bearerAuth", "apiKeyAuth"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            {"type": "apiKey", "in": "header", "name": "X-API-KEY"},
        ]


class EitherScheme(_BearerOrApiKey):
    target_class = "apps.core.api.authentication.EitherAuthentication"


class TerminalScheme(_BearerOrApiKey):
    target_class = "apps.core.api.authentication.TerminalAuthentication"


class NotifyScheme(_BearerOrApiKey):
    target_class = "apps.core.api.authentication.NotifyAuthentication"


class JWTScheme(_Bearer):
    target_class = "apps.core.api.authentication.JWTAuthentication"


class UserJWTScheme(_Bearer):
    target_class = "apps.core.api.authentication.UserJWTAuthentication"
    match_subclasses = True


def strip_trailing_slashes(result, generator, request, public):
    """Kugelpos paths have no trailing slash (ours accept both): document the canonical form."""
    result["paths"] = {
        (path.rstrip("/") if path != "/" else path): item for path, item in result.get("paths", {}).items()
    }
    return result
