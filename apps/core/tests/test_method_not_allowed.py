"""A method the path does not have is answered 405 before authentication, on every API path (issue #20)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")


def _api_routes():
    """(concrete path, view callback) of every DRF route of the project's URL conf."""

    def walk(patterns, prefix):
        for entry in patterns:
            regex = entry.pattern.regex.pattern.lstrip("^").rstrip("$").replace("/?", "/")
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + regex)
            elif isinstance(entry, URLPattern) and hasattr(entry.callback, "cls"):
                yield "/" + GROUP.sub("x1", prefix + regex).rstrip("/"), entry.callback

    return list(walk(get_resolver().url_patterns, ""))


def _allowed(callback) -> set[str]:
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return set(actions)
    return {method for method in METHODS if hasattr(callback.cls, method)}


def _cases():
    for path, callback in _api_routes():
        if not path.startswith(("/account", "/terminal", "/master-data", "/cart", "/report", "/journal", "/stock")):
            continue
        if resolve(path).func is not callback:  # answered by an earlier route: that route's own case covers it
            continue
        for method in METHODS:
            if method not in _allowed(callback):
                yield pytest.param(path, method, id=f"{method.upper()} {path}")


def test_every_api_route_is_probed():
    assert len(list(_cases())) > 100


@pytest.mark.parametrize(("path", "method"), list(_cases()))
def test_a_method_the_path_does_not_have_is_405_before_authentication(api, path, method):
    response = getattr(api, method)(path, {}, format="json")
    assert response.status_code == 405, response.content
    assert response.json() == {"detail": "Method Not Allowed"}


def test_put_on_carts_without_credentials_is_405(api):
    response = api.put("/cart/api/v1/carts", {}, format="json")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}


@pytest.mark.parametrize("method", ["options", "post", "put", "delete"])
@pytest.mark.parametrize("path", ["/api/docs/", "/api/schema/"])
def test_the_api_docs_answer_other_methods_without_a_server_error(api, path, method):
    # OPTIONS /api/docs/ was a 500: DRF's metadata answer rendered by the Swagger page's HTML template renderer
    assert getattr(api, method)(path).status_code in (200, 405)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_metrics_answer_get_only(method):
    from django.test import Client

    response = getattr(Client(REMOTE_ADDR="127.0.0.1"), method)("/metrics")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}
