"""Which HTTP requests a web process serves on its event loop's own thread (``kugelpos.asgi``, issue #25).

The event loop also carries every WebSocket of the process (the stock alerts) and hands every other request to
its threads; while a request runs on it, all of that waits, PostgreSQL's answers included. So only requests whose
work is small and bounded run there: the terminal's sale path, a handful of indexed queries on one cart or one
item. Each is named by its method and the whole path, never by a prefix, so no list, no master-data write and no
new route ever lands on the loop by accident (``apps/core/tests/test_inline.py`` walks every route against this
table). A request with a body larger than ``WEB_INLINE_MAX_BODY`` bytes (or one of unknown length) keeps its
thread too: a cart command's body is a few hundred bytes, a line-item add of hundreds of items is not.

Everything else (the back office, lists, reports, journal searches, stock, logins with their password hashing,
master-data writes, tenant creation, health checks) runs on a request thread.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_ID = r"[^/]+"
_END = r"/?$"
_CART = rf"^/cart/api/v1/carts/{_ID}"
_LINE = rf"{_CART}/lineItems/{_ID}"
_TENANT = rf"^/master-data/api/v1/tenants/{_ID}"

# (method, path regex, what it is). Cart commands act on one cart (its JSON document and, for the bill, one
# transaction); the master-data reads fetch one item by its code, as a terminal does on every scan.
INLINE_ROUTES: tuple[tuple[str, str, str], ...] = (
    ("POST", rf"^/cart/api/v1/carts{_END}", "create a cart"),
    ("GET", rf"{_CART}{_END}", "read a cart"),
    ("POST", rf"{_CART}/(?:cancel|lineItems|subtotal|discounts|payments|bill|resume-item-entry){_END}",
     "a command on a cart"),
    ("POST", rf"{_LINE}/(?:cancel|discounts){_END}", "a command on a cart's line"),
    ("PATCH", rf"{_LINE}/(?:unitPrice|quantity){_END}", "change a cart line"),
    ("GET", rf"{_TENANT}/items/{_ID}{_END}", "one item by code"),
    ("GET", rf"{_TENANT}/stores/{_ID}/items/{_ID}{_END}", "one item's store price by code"),
    ("GET", rf"{_TENANT}/stores/{_ID}/items/{_ID}/details{_END}", "one item with its store price"),
)

_BY_METHOD: dict[str, re.Pattern[str]] = {
    method: re.compile("|".join(f"(?:{regex})" for m, regex, _what in INLINE_ROUTES if m == method))
    for method in {method for method, _regex, _what in INLINE_ROUTES}
}


def is_inline_route(method: str, path: str) -> bool:
    """Whether ``method path`` is one of ``INLINE_ROUTES`` (the body is not looked at)."""
    pattern = _BY_METHOD.get(method)
    return pattern is not None and pattern.match(path) is not None


def _body_length(headers) -> int | None:
    """The declared body length: 0 without a body, ``None`` when unknown (chunked, or a bad header)."""
    length = 0
    for name, value in headers:
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return None
        elif name == b"transfer-encoding":
            return None
    return length


def is_inline(scope: Mapping, *, max_body: int) -> bool:
    """Whether this HTTP request (an ASGI scope) runs on the event loop's thread: one of ``INLINE_ROUTES`` with
    a declared body of at most ``max_body`` bytes."""
    if not is_inline_route(scope["method"], scope["path"]):
        return False
    length = _body_length(scope.get("headers", ()))
    return length is not None and 0 <= length <= max_body
