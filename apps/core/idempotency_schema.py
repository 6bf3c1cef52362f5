"""OpenAPI: the optional ``Idempotency-Key`` header (issue #23) on every mutating operation of the schema."""

from __future__ import annotations

from apps.core.idempotency import RETRY_AFTER_SECONDS

MUTATING = ("post", "put", "patch", "delete")
IDEMPOTENCY_KEY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7E]+$"},
    "description": (
        "Optional (ours, not Kugelpos'): 1-255 printable ASCII characters, e.g. a UUID made once per intended "
        "operation. A repeat with the same key and the same request within the key's time to live (24 hours) "
        "gets the first 2xx answer back, byte for byte, with `Idempotent-Replayed: true`, and has no effect. "
        "The same key with another body or query: 422 `100002`. The same key while the first request still "
        f"runs: 409 `100003` with `Retry-After: {RETRY_AFTER_SECONDS}`. Failures (4xx, 5xx) are not stored: "
        "a retry runs again. Scope: tenant, caller (terminal or user), method and path. See docs/idempotency.md."
    ),
}


def add_idempotency_key_header(result, generator, request, public):
    """drf-spectacular post-processing hook: the header parameter on every POST, PUT, PATCH and DELETE."""
    for item in result.get("paths", {}).values():
        for method in MUTATING:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("in") == "header" and p.get("name") == "Idempotency-Key" for p in parameters):
                parameters.append(dict(IDEMPOTENCY_KEY_PARAMETER))
    return result
