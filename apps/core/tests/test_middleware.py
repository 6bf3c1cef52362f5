"""The back office's own middlewares (session, login, messages, frame options) run for its pages, not the API."""

import pytest
from django.test import Client

from apps.core.middleware import is_api_path
from apps.core.testing import TENANT_A

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path, api", [
    ("/cart/api/v1/carts", True), ("/master-data/health", True), ("/master-data", True), ("/health", True),
    ("/metrics", True), ("/stock/api/v1/tenants/T1/stores/1/stock", True), ("/account/", True),
    ("/cartoon", False), ("/healthy", False), ("/admin", False), ("/admin/login/", False), ("/api/docs/", False),
    ("/dashboard/stock/1/", False), ("/", False), ("/static/admin/css/base.css", False),
])
def test_which_paths_are_the_api(path, api):
    assert is_api_path(path) is api


def test_an_api_answer_has_no_session_and_no_frame_options_but_the_security_headers():
    client = Client()
    response = client.get("/master-data/health")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response and "Cookie" not in response.get("Vary", "")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not hasattr(response.wsgi_request, "session") and not hasattr(response.wsgi_request, "_messages")


def test_a_tenant_page_still_gets_session_login_messages_and_frame_options(admin_a):
    client = Client()
    login = client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"})
    assert login.status_code == 302 and "sessionid" in client.cookies
    page = client.get(f"/t/{TENANT_A}/admin/")
    assert page.status_code == 200 and page["X-Frame-Options"] == "DENY"
    assert page.wsgi_request.user.is_authenticated and hasattr(page.wsgi_request, "_messages")
    assert "Cookie" in page["Vary"]


def test_a_tenant_page_named_like_a_service_is_not_the_api():
    # /t/<tenant>/cart... is a tenant page path (moved to /cart...): unknown there, and answered 404 as before
    assert Client().get(f"/t/{TENANT_A}/cart/api/v1/carts").status_code == 404
