"""CORS: the API only, never with credentials; the back office, health and metrics send no CORS headers
(issue #20). The API authenticates by header, never by cookie, so a cross-origin page gains nothing from it."""

import pytest
from django.test import Client

from tests.support import TENANT_A

pytestmark = pytest.mark.django_db

ORIGIN = "https://evil.example.com"


def _preflight(client, path, origin=ORIGIN):
    return client.options(path, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")


@pytest.mark.parametrize(
    "path", ["/cart/api/v1/carts", "/master-data/health", "/stock/api/v1/tenants/T1/stores/1/stock"]
)
def test_the_api_answers_cors_without_credentials(path):
    client = Client()
    response = client.get(path, HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] in ("*", ORIGIN)
    assert "Access-Control-Allow-Credentials" not in response
    assert response["Access-Control-Expose-Headers"] == "X-New-Token"
    preflight = _preflight(client, path)
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] in ("*", ORIGIN)
    assert "Access-Control-Allow-Credentials" not in preflight


@pytest.mark.parametrize("path", [
    f"/t/{TENANT_A}/admin/", f"/t/{TENANT_A}/admin/login/", f"/t/{TENANT_A}/dashboard/stock/1/token/",
    "/admin/", "/admin", "/metrics", "/health", "/api/docs/",
])
def test_back_office_health_and_metrics_send_no_cors_headers(admin_a, path):
    client = Client()
    client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"})
    for response in (client.get(path, HTTP_ORIGIN=ORIGIN), _preflight(client, path)):
        assert not [name for name in response.headers if name.lower().startswith("access-control-")], path


def test_allowed_origins_are_a_setting(settings):
    settings.CORS_ALLOW_ALL_ORIGINS = False
    settings.CORS_ALLOWED_ORIGINS = ["https://pos.example.com"]
    client = Client()
    allowed = client.get("/cart/api/v1/carts", HTTP_ORIGIN="https://pos.example.com")
    assert allowed["Access-Control-Allow-Origin"] == "https://pos.example.com"
    assert "Access-Control-Allow-Origin" not in client.get("/cart/api/v1/carts", HTTP_ORIGIN=ORIGIN)
