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


GENERIC_OBJECT = ({"type": "object", "additionalProperties": {}}, {"type": "object"})
HEALTH_BODY = {
    "type": "object",
    "required": ["status", "timestamp", "service", "version", "checks"],
    "properties": {
        "status": {"type": "string", "enum": ["healthy", "unhealthy"]},
        "timestamp": {"type": "string"},
        "service": {"type": "string"},
        "version": {"type": "string"},
        "checks": {"type": "object", "additionalProperties": True},
    },
}
ROOT_BODY = {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}
TERMINAL_ID_QUERY = {
    "in": "query",
    "name": "terminal_id",
    "required": False,
    "schema": {"type": "string"},
    "description": "The terminal of an X-API-KEY credential (spec/00 §4.3).",
}


def _content_schema(response: dict) -> dict | None:
    content = response.get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), None)
    return None if media is None else media.get("schema")


def _json_response(schema: dict, description: str = "") -> dict:
    return {"content": {"application/json": {"schema": schema}}, "description": description}


class KugelposAutoSchema(AutoSchema):
    """What every operation really answers: the success envelope (or the action's declared bare body), the error
    envelope for any 4xx and for a 500, and ``{"detail": ...}`` for a 405; and which credential it takes."""

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
        return {"200": ENVELOPE if self._enveloped() else FREE_FORM}

    def _is_list_view(self, serializer=None) -> bool:
        return False  # a list is the envelope's ``data``, never a bare array

    def _enveloped(self) -> bool:
        return hasattr(self.view, "respond")

    def get_auth(self):
        """An endpoint with authentication classes refuses anonymous calls (401), and "either" credentials are
        alternatives (bearer OR API key), not both at once."""
        requirements = []
        for requirement in super().get_auth():
            if requirement:
                requirements.extend({name: scopes} for name, scopes in requirement.items())
        if not requirements:
            return [{}]
        return requirements

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        operation["responses"] = self._responses(operation.get("responses") or {})
        security = operation.get("security") or []
        takes_api_key = any("apiKeyAuth" in requirement for requirement in security)
        params = [*(operation.get("parameters") or []), *self._declared_query_parameters()]
        if params:
            operation["parameters"] = params
        if takes_api_key and not any(param.get("name") == "terminal_id" for param in params):
            operation["parameters"] = [*params, dict(TERMINAL_ID_QUERY)]
        return operation

    def _declared_query_parameters(self) -> list[dict]:
        """Query parameters a view declares per action as ``query_params = {action: {name: spec}}``, where a spec
        has ``kind`` (str, int or bool) and ``required`` (master data's ``Query``)."""
        declared = (getattr(self.view, "query_params", None) or {}).get(getattr(self.view, "action", None) or "")
        types = {str: "string", int: "integer", bool: "boolean"}
        return [
            {"in": "query", "name": name, "required": bool(getattr(spec, "required", False)),
             "schema": {"type": types.get(getattr(spec, "kind", str), "string")}}
            for name, spec in (declared or {}).items()
        ]

    def _responses(self, declared: dict) -> dict:
        responses: dict = {}
        for code, response in declared.items():
            if not str(code).startswith("2"):
                responses[code] = response
                continue
            schema = _content_schema(response)
            if self._enveloped() and (schema is None or schema in GENERIC_OBJECT):
                responses[code] = _json_response(ENVELOPE, response.get("description", ""))
            else:
                responses[code] = response
        if self.method == "DELETE" and "204" in responses:  # our DELETEs answer 200 with the envelope
            del responses["204"]
            responses.setdefault("200", _json_response(ENVELOPE if self._enveloped() else FREE_FORM))
        declared_by_action = type(self).get_response_serializers is not KugelposAutoSchema.get_response_serializers
        if self.method == "POST" and self._enveloped() and not declared_by_action:
            for code in ("200", "201"):  # undeclared: a creating POST answers 201, a command 200
                responses.setdefault(code, _json_response(ENVELOPE))
        if self.view.get_authenticators() or self._enveloped():
            responses.setdefault("4XX", _json_response(ERROR_ENVELOPE, "Client error (Kugelpos error envelope)"))
        responses.setdefault("405", _json_response(FRAMEWORK_ERROR, "Method not allowed"))
        responses.setdefault("500", _json_response(ERROR_ENVELOPE, "Server fault (generic error envelope)"))
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
    match_subclasses = True


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
