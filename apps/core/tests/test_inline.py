"""Which requests run on the event loop's thread (``kugelpos.inline``, issue #25): every route of the project is
walked against the rule, so a list, a master-data write or a new route can never land on the loop unnoticed."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from kugelpos.inline import INLINE_ROUTES, is_inline, is_inline_route

METHODS = ("get", "post", "put", "patch", "delete")

# Exactly these (route name, method, view action) run on the loop: the terminal's cart commands, each on one cart,
# and the three reads of one master-data item by its code. Everything else keeps a request thread.
EXPECTED_INLINE = {
    ("cart-create", "post", "create"),
    ("cart-detail", "get", "retrieve"),
    ("cart-cancel", "post", "cancel"),
    ("cart-line-items", "post", "add_items"),
    ("cart-line-cancel", "post", "cancel_line"),
    ("cart-line-unit-price", "patch", "unit_price"),
    ("cart-line-quantity", "patch", "quantity"),
    ("cart-line-discounts", "post", "line_discounts"),
    ("cart-subtotal", "post", "subtotal"),
    ("cart-discounts", "post", "cart_discounts"),
    ("cart-payments", "post", "payments"),
    ("cart-bill", "post", "bill"),
    ("cart-resume", "post", "resume"),
    ("md-item", "get", "retrieve"),
    ("md-store-price", "get", "retrieve"),
    ("md-item-details", "get", "details"),
}

_GROUP = re.compile(r"\(\?P<(\w+)>\[\^/\]\+\)")


def _sample(regexes: list[str]) -> str | None:
    """A path matching the joined regexes of a route (its placeholders filled in), or None if it has other
    regex syntax than ``api_path``/``path`` produce."""
    parts = []
    for regex in regexes:
        text = regex.removeprefix("^").removesuffix(r"\Z").removesuffix("$").removesuffix("/?")
        text = _GROUP.sub(lambda match: f"V-{match.group(1)}", text)
        if re.search(r"[\\()\[\]?*+|^$]", text):
            return None
        if text:
            parts.append(text.strip("/"))
    slash = "/" if regexes[-1].endswith(r"/\Z") else ""  # path(): the slash is required
    return "/" + "/".join(parts) + slash


def _routes(patterns=None, prefix=()):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        regex = entry.pattern.regex.pattern
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, (*prefix, regex))
        else:
            assert isinstance(entry, URLPattern)
            yield (*prefix, regex), entry


def _actions(callback) -> dict[str, str]:
    """``{method: action}`` of a route's view: a viewset's action map, a class's handler methods, or every method
    for a function view."""
    if getattr(callback, "actions", None):
        return dict(callback.actions)
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return {method: method for method in METHODS if hasattr(view_class, method)}
    return {method: callback.__name__ for method in METHODS}


def test_only_the_bounded_sale_path_of_every_route_runs_on_the_event_loop():
    inline, unsampled, walked = set(), [], 0
    for regexes, route in _routes():
        path = _sample(list(regexes))
        if path is None:
            unsampled.append(regexes)
            continue
        if resolve(path).func is not route.callback:
            continue  # shadowed by an earlier route (a service's own tenant creation): that one is walked
        walked += 1
        for method, action in _actions(route.callback).items():
            if is_inline_route(method.upper(), path):
                inline.add((route.name, method, action))
            if not path.endswith("/"):  # and with the optional trailing slash
                assert is_inline_route(method.upper(), path + "/") == is_inline_route(method.upper(), path)
    assert unsampled == []
    assert walked > 100  # every service's routes
    assert inline == EXPECTED_INLINE
    assert not any(action in {"list", "update", "destroy"} or action.startswith("list") for _, _, action in inline)
    # A method the route does not have is never inline either (it is a 405, but answered on a thread).
    assert not is_inline_route("PUT", "/master-data/api/v1/tenants/T1/items/A1")
    assert not is_inline_route("DELETE", "/master-data/api/v1/tenants/T1/items/A1")
    assert not is_inline_route("HEAD", "/master-data/api/v1/tenants/T1/items/A1")


@pytest.mark.parametrize(
    ("method", "path", "name"),
    [
        ("GET", "/master-data/api/v1/tenants/T1/items/active", "md-item"),
        ("GET", "/master-data/api/v1/tenants/T1/items/details", "md-item"),
        ("GET", "/master-data/api/v1/tenants/T1/stores/S1/items/items/details", "md-item-details"),
        ("POST", "/cart/api/v1/carts/lineItems/lineItems", "cart-line-items"),
        ("GET", "/cart/api/v1/carts/bill", "cart-detail"),
        ("PATCH", "/cart/api/v1/carts/C1/lineItems/quantity/quantity", "cart-line-quantity"),
    ],
)
def test_whatever_an_inline_rule_matches_is_the_route_it_names(method, path, name):
    """Codes and ids that look like path words do not lead an inline rule onto another route."""
    assert is_inline_route(method, path)
    assert resolve(path).url_name == name


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/master-data/api/v1/tenants/T1/items"),  # a list, limit=0 included
        ("POST", "/master-data/api/v1/tenants/T1/items"),
        ("GET", "/master-data/api/v1/tenants/T1/promotions/active"),
        ("GET", "/master-data/api/v1/tenants/T1/item_books/B1/detail"),
        ("GET", "/master-data/api/v1/tenants/T1/stores/S1/items"),
        ("POST", "/master-data/api/v1/tenants"),
        ("GET", "/cart/api/v1/tenants/T1/stores/S1/terminals/1/transactions"),
        ("POST", "/cart/api/v1/tenants/T1/stores/S1/terminals/1/transactions/5/void"),
        ("GET", "/stock/api/v1/tenants/T1/stores/S1/stock/A1"),
        ("GET", "/cart/api/v1/carts/C1/lineItems"),
        ("POST", "/cart/api/v1/carts/C1/bill/extra"),
        ("POST", "/xcart/api/v1/carts"),
    ],
)
def test_lists_writes_and_other_services_keep_their_threads(method, path):
    assert not is_inline_route(method, path)


def _scope(method: str, path: str, headers: list[tuple[bytes, bytes]]) -> dict:
    return {"type": "http", "method": method, "path": path, "headers": headers}


def test_a_cart_command_with_a_large_body_or_one_of_unknown_length_keeps_its_thread():
    path = "/cart/api/v1/carts/C1/lineItems"
    assert is_inline(_scope("POST", path, [(b"content-length", b"120")]), max_body=16_384)
    assert is_inline(_scope("POST", path, [(b"content-length", b"16384")]), max_body=16_384)
    assert not is_inline(_scope("POST", path, [(b"content-length", b"16385")]), max_body=16_384)
    assert not is_inline(_scope("POST", path, [(b"transfer-encoding", b"chunked")]), max_body=16_384)
    assert not is_inline(_scope("POST", path, [(b"content-length", b"a lot")]), max_body=16_384)
    assert is_inline(_scope("GET", "/cart/api/v1/carts/C1", []), max_body=16_384)
    assert not is_inline(_scope("GET", "/master-data/api/v1/tenants/T1/items", []), max_body=16_384)


def test_every_inline_rule_is_anchored_at_both_ends():
    for _method, regex, _what in INLINE_ROUTES:
        assert regex.startswith("^/") and regex.endswith("/?$"), regex
