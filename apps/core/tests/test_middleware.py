"""The back office's own middlewares (session, login, messages, frame options) run for its pages, not the API."""

import pytest
from django.test import Client

from apps.core.middleware import is_api_path
from tests.support import TENANT_A, TENANT_B

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
    assert login.status_code == 302 and f"sessionid_{TENANT_A}" in client.cookies
    page = client.get(f"/t/{TENANT_A}/admin/")
    assert page.status_code == 200 and page["X-Frame-Options"] == "DENY"
    assert page.wsgi_request.user.is_authenticated and hasattr(page.wsgi_request, "_messages")
    assert "Cookie" in page["Vary"]


def test_a_tenant_page_named_like_a_service_is_not_the_api():
    # /t/<tenant>/cart... is a tenant page path (moved to /cart...): unknown there, and answered 404 as before
    assert Client().get(f"/t/{TENANT_A}/cart/api/v1/carts").status_code == 404


def test_each_tenants_back_office_has_its_own_session_cookie(admin_a, admin_b):
    """Signing into a second tenant's back office in the same browser keeps the first one signed in."""
    client = Client()
    assert client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"}).status_code == 302
    assert client.post(f"/t/{TENANT_B}/admin/login/", {"username": "admin", "password": "admin"}).status_code == 302
    assert {f"sessionid_{TENANT_A}", f"sessionid_{TENANT_B}"} <= set(client.cookies)
    assert "sessionid" not in client.cookies
    for tenant_id in (TENANT_A, TENANT_B):
        page = client.get(f"/t/{tenant_id}/admin/")
        assert page.status_code == 200 and page.wsgi_request.user.tenant_id == tenant_id
    # signing out of one leaves the other signed in
    assert client.post(f"/t/{TENANT_A}/admin/logout/").status_code == 200
    assert client.get(f"/t/{TENANT_A}/admin/").status_code == 302
    assert client.get(f"/t/{TENANT_B}/admin/").status_code == 200


def test_a_session_cookie_of_one_tenant_means_nothing_in_another(admin_a, admin_b):
    client = Client()
    client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"})
    client.cookies[f"sessionid_{TENANT_B}"] = client.cookies[f"sessionid_{TENANT_A}"].value
    assert client.get(f"/t/{TENANT_B}/admin/").status_code == 302
