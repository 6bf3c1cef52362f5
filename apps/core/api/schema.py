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


API_KEY_SCHEME = "apiKeyAuth"
TERMINAL_ID_SCHEME = "terminalIdAuth"
SUMMARY_MAX = 90
CRUD_VERBS = {"list": "List", "retrieve": "Get", "create": "Create", "update": "Update",
              "partial_update": "Update", "destroy": "Delete"}


# Summaries the action and path names cannot give, by method and path ending (first match wins).
SUMMARIES = {
    ("GET", "/health"): "Health check",
    ("POST", "/api/v1/tenants"): "Initialise a tenant for this service",
    ("POST", "/accounts/register"): "Register a tenant and its first superuser",
    ("POST", "/accounts/register/user"): "Register a user in the caller's tenant",
    ("POST", "/accounts/token"): "Log in: user JWT from username and password (form)",
    ("POST", "/auth/token"): "Terminal JWT from a terminal's API key",
    ("DELETE", "/cache/terminal"): "Clear the terminal cache",
    ("GET", "/cache/terminal/status"): "Terminal cache status",
    ("POST", "/carts"): "Create a cart",
    ("GET", "/carts/{cart_id}"): "Get a cart",
    ("POST", "/carts/{cart_id}/bill"): "Bill the cart (completes the sale, publishes its tranlog)",
    ("POST", "/carts/{cart_id}/cancel"): "Cancel the cart",
    ("POST", "/carts/{cart_id}/discounts"): "Set the cart (subtotal) discounts",
    ("POST", "/carts/{cart_id}/lineItems"): "Add items to the cart",
    ("POST", "/lineItems/{line_no}/cancel"): "Cancel a line item",
    ("POST", "/lineItems/{line_no}/discounts"): "Set a line item's discounts",
    ("PATCH", "/lineItems/{line_no}/quantity"): "Change a line item's quantity",
    ("PATCH", "/lineItems/{line_no}/unitPrice"): "Change a line item's unit price",
    ("POST", "/carts/{cart_id}/payments"): "Add payments to the cart",
    ("POST", "/carts/{cart_id}/resume-item-entry"): "Resume item entry (back from paying)",
    ("POST", "/carts/{cart_id}/subtotal"): "Subtotal: close item entry, start paying",
    ("GET", "/transactions"): "List transactions",
    ("GET", "/transactions/{transaction_no}"): "Get a transaction",
    ("POST", "/transactions/{transaction_no}/delivery-status"): "Report a tranlog's delivery status",
    ("POST", "/transactions/{transaction_no}/return"): "Return a sale (refund)",
    ("POST", "/transactions/{transaction_no}/void"): "Void a sale or a return",
    ("POST", "/api/v1/tranlog"): "Receive a transaction log (pub/sub compatibility)",
    ("POST", "/api/v1/cashlog"): "Receive a cash in/out log (pub/sub compatibility)",
    ("POST", "/api/v1/opencloselog"): "Receive an open/close log (pub/sub compatibility)",
    ("GET", "/journals"): "Search the electronic journal",
    ("POST", "/journals"): "Add a journal entry",
    ("POST", "/terminals/{terminal_no}/transactions"): "Receive a transaction log directly",
    ("POST", "/item_books/{item_book_id}/categories"): "Add a category to an item book",
    ("PUT", "/categories/{category_number}"): "Update an item book category",
    ("DELETE", "/categories/{category_number}"): "Delete an item book category",
    ("POST", "/tabs"): "Add a tab to an item book category",
    ("PUT", "/tabs/{tab_number}"): "Update an item book tab",
    ("DELETE", "/tabs/{tab_number}"): "Delete an item book tab",
    ("POST", "/buttons"): "Add a button to an item book tab",
    ("PUT", "/pos_y/{pos_y}"): "Update an item book button",
    ("DELETE", "/pos_y/{pos_y}"): "Delete an item book button",
    ("GET", "/item_books/{item_book_id}/detail"): "Get an item book with its items' prices",
    ("GET", "/promotions/active"): "List the active promotions",
    ("GET", "/settings/{name}/value"): "Get a setting's value for a store or terminal",
    ("GET", "/items/{item_code}/details"): "Get an item with its store price",
    ("GET", "/stores/{store_code}/reports"): "Store report (sales, category, item, payment, promotion)",
    ("GET", "/terminals/{terminal_no}/reports"): "Terminal report (sales, category, item, payment, promotion)",
    ("GET", "/stock/snapshot-schedule"): "Get the stock snapshot schedule",
    ("PUT", "/stock/snapshot-schedule"): "Set the stock snapshot schedule",
    ("DELETE", "/stock/snapshot-schedule"): "Reset the stock snapshot schedule",
    ("GET", "/stores/{store_code}/stock"): "List a store's stock",
    ("GET", "/stock/{item_code}"): "Get an item's stock",
    ("GET", "/stock/{item_code}/history"): "An item's stock history",
    ("PUT", "/stock/{item_code}/minimum"): "Set an item's minimum stock",
    ("PUT", "/stock/{item_code}/reorder"): "Set an item's reorder point and quantity",
    ("PUT", "/stock/{item_code}/update"): "Change an item's stock (adjustment)",
    ("GET", "/stock/low"): "List items below their minimum stock",
    ("GET", "/stock/reorder-alerts"): "List items at or below their reorder point",
    ("POST", "/stock/snapshot"): "Take a stock snapshot",
    ("GET", "/stock/snapshot/{snapshot_id}"): "Get a stock snapshot",
    ("GET", "/stock/snapshots"): "List stock snapshots",
    ("GET", "/dapr/subscribe"): "Dapr subscriptions (pub/sub compatibility)",
    ("POST", "/terminals/{terminal_id}/cash-in"): "Cash in",
    ("POST", "/terminals/{terminal_id}/cash-out"): "Cash out",
    ("POST", "/terminals/{terminal_id}/close"): "Close the terminal (end of session)",
    ("POST", "/terminals/{terminal_id}/delivery-status"): "Report a log's delivery status",
    ("PATCH", "/terminals/{terminal_id}/description"): "Change a terminal's description",
    ("PATCH", "/terminals/{terminal_id}/function_mode"): "Change a terminal's function mode",
    ("POST", "/terminals/{terminal_id}/open"): "Open the terminal (start of session)",
    ("POST", "/terminals/{terminal_id}/sign-in"): "Sign a staff member in",
    ("POST", "/terminals/{terminal_id}/sign-out"): "Sign the staff member out",
}


def _is_ours(handler) -> bool:
    """A handler written in this project (DRF's generic ones carry no docstring worth a summary)."""
    return (getattr(handler, "__module__", None) or "").startswith(("apps.", "kugelpos."))


def _resource(path: str) -> str:
    """The last literal segment of a path: ``/cart/api/v1/carts/{cart_id}/lineItems`` -> ``lineItems``."""
    segments = [segment for segment in path.strip("/").split("/") if segment and not segment.startswith("{")]
    return segments[-1] if segments else "/"


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

    def get_summary(self):
        """A one-line summary for every operation (Swagger UI and ReDoc list operations by it): the first
        sentence of the action's docstring, else the action and the resource, e.g. "Add items (lineItems)"."""
        action_name = getattr(self.view, "action", None) or ""
        handler = getattr(self.view, action_name or self.method.lower(), None)
        doc = (getattr(handler, "__doc__", None) or "").strip() if _is_ours(handler) else ""
        if doc:
            sentence = " ".join(doc.split("\n\n")[0].split()).split(". ")[0].rstrip(".")
            if len(sentence) <= SUMMARY_MAX:
                return sentence
        path = self.path.rstrip("/") or "/"
        if self.method == "GET" and path.count("/") == 1 and path != "/health":
            return "Service root (welcome message)"
        for (method, suffix), summary in SUMMARIES.items():
            if method == self.method and path.endswith(suffix):
                return summary
        resource = _resource(path).replace("_", " ").replace("-", " ")
        verb = CRUD_VERBS.get(action_name)
        if verb:
            return f"{verb} {resource}"
        if action_name:
            return f"{action_name.replace('_', ' ').capitalize()} ({resource})"
        return f"{self.method.capitalize()} {resource}"

    def get_auth(self):
        """An endpoint with authentication classes refuses anonymous calls (401), and "either" credentials are
        alternatives: bearer OR (API key AND its terminal_id), never all at once. The terminal_id of an API key
        is a scheme of its own, so Swagger UI's "Authorize" sends both."""
        requirements = []
        for requirement in super().get_auth():
            for name, scopes in (requirement or {}).items():
                if name == TERMINAL_ID_SCHEME:
                    continue
                if name == API_KEY_SCHEME:
                    requirements.append({name: scopes, TERMINAL_ID_SCHEME: []})
                else:
                    requirements.append({name: scopes})
        if not requirements:
            return [{}]
        return requirements

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        operation["responses"] = self._responses(operation.get("responses") or {})
        security = operation.get("security") or []
        takes_api_key = any(API_KEY_SCHEME in requirement for requirement in security)
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
    name = ["bearerAuth", API_KEY_SCHEME, TERMINAL_ID_SCHEME]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            {"type": "apiKey", "in": "header", "name": "X-API-KEY",
             "description": "A terminal's API key; goes with its terminalIdAuth (the terminal_id query)."},
            {"type": "apiKey", "in": "query", "name": "terminal_id",
             "description": "The API key's terminal: {tenant_id}-{store_code}-{terminal_no} (spec/00 §4.3)."},
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
