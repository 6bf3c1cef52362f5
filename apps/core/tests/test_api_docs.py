"""The API documentation works offline and is usable: Swagger UI (/api/docs/) and ReDoc (/api/redoc/) load only
our own static files (no CDN), every operation has a summary and its request body, and both credentials (bearer,
X-API-KEY with its terminal_id) can be entered with Swagger UI's "Authorize"."""

import re

import pytest
from django.contrib.staticfiles import finders
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")
EXTERNAL = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}""", re.IGNORECASE)


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_only_our_own_static_files(page):
    response = APIClient().get(page)
    assert response.status_code == 200
    html = response.content.decode()
    urls = URL.findall(html)
    assert urls, html
    for url in urls:
        assert url.startswith("/static/drf_spectacular_sidecar/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not among our static files"
    # no script, style or font from another host, not even in the inline script
    assert not EXTERNAL.findall(html.replace("http://www.w3.org", "")), EXTERNAL.findall(html)


def test_redoc_keeps_its_bundles_cdn_logo_from_loading():
    """ReDoc's bundle draws its logo from cdn.redoc.ly whatever the options: the page allows images from itself
    only, so the browser never sends that request (the browser test checks that nothing leaves the machine)."""
    html = APIClient().get("/api/redoc/").content.decode()
    assert """<meta http-equiv="Content-Security-Policy" content="img-src 'self' data: blob:">""" in html


def test_every_operation_has_a_summary(schema):
    missing = [(method, path) for path, method, operation in operations(schema) if not operation.get("summary")]
    assert missing == []
    summaries = {(method, path): operation["summary"] for path, method, operation in operations(schema)}
    assert summaries[("post", "/cart/api/v1/carts/{cart_id}/lineItems")] == "Add items to the cart"
    assert summaries[("get", "/stock/api/v1/tenants/{tenant_id}/stores/{store_code}/stock")] == (
        "List a store's stock")
    assert summaries[("get", "/stock")] == "Service root (welcome message)"


@pytest.mark.parametrize(("path", "item"), [
    ("/cart/api/v1/carts/{cart_id}/lineItems", "AddItemRequest"),
    ("/cart/api/v1/carts/{cart_id}/payments", "PaymentRequest"),
])
def test_add_items_and_payments_document_their_request_body(schema, path, item):
    body = schema["paths"][path]["post"]["requestBody"]
    assert body["required"] is True
    documented = body["content"]["application/json"]["schema"]
    assert documented == {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}}
    fields = schema["components"]["schemas"][item]["properties"]
    assert {"item_code", "quantity"} <= set(fields) if item == "AddItemRequest" else {"payment_code", "amount"} <= set(
        fields)


def test_every_body_taking_command_documents_its_body(schema):
    without = [(method, path) for path, method, operation in operations(schema)
               if method in ("put", "patch") and "requestBody" not in operation]
    assert without == []


def test_both_credentials_are_security_schemes_usable_from_authorize(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert (schemes["apiKeyAuth"]["type"], schemes["apiKeyAuth"]["in"], schemes["apiKeyAuth"]["name"]) == (
        "apiKey", "header", "X-API-KEY")
    assert (schemes["terminalIdAuth"]["type"], schemes["terminalIdAuth"]["in"], schemes["terminalIdAuth"]["name"]) == (
        "apiKey", "query", "terminal_id")
    add_items = schema["paths"]["/cart/api/v1/carts/{cart_id}/lineItems"]["post"]
    # bearer, OR the API key together with its terminal
    assert add_items["security"] == [{"bearerAuth": []}, {"apiKeyAuth": [], "terminalIdAuth": []}]
    for path, method, operation in operations(schema):
        for requirement in operation.get("security", []):
            assert ("apiKeyAuth" in requirement) == ("terminalIdAuth" in requirement), (method, path)
