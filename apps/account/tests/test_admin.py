"""The back office: a store manager signs in to their own tenant's admin under /t/<tenant_id>/admin/."""

import pytest
from django.test import Client

from tests.support import TENANT_A, TENANT_B

pytestmark = pytest.mark.django_db


def test_entry_page_sends_the_manager_to_their_tenant(tenant_a):
    client = Client()
    assert client.get("/admin/").status_code == 200
    response = client.post("/admin/", {"tenant_id": TENANT_A})
    assert response.status_code == 302 and response["Location"] == f"/t/{TENANT_A}/admin/"
    response = client.post("/admin/", {"tenant_id": "Nope1"})
    assert response.status_code == 200 and b"No tenant" in response.content


def test_manager_logs_in_and_sees_user_admin(admin_a):
    client = Client()
    login_page = client.get(f"/t/{TENANT_A}/admin/login/")
    assert login_page.status_code == 200
    response = client.post(f"/t/{TENANT_A}/admin/login/?next=/t/{TENANT_A}/admin/",
                           {"username": "admin", "password": "admin"})
    assert response.status_code == 302
    assert response["Location"] == f"/t/{TENANT_A}/admin/"
    index = client.get(f"/t/{TENANT_A}/admin/")
    assert index.status_code == 200 and TENANT_A.encode() in index.content
    for path in ("account/user/", "account/user/?q=adm", "account/user/add/", f"account/user/{admin_a.pk}/change/"):
        assert client.get(f"/t/{TENANT_A}/admin/{path}").status_code == 200, path


def test_a_session_of_tenant_a_is_nothing_in_tenant_b(admin_a, admin_b):
    client = Client()
    client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"})
    assert client.get(f"/t/{TENANT_A}/admin/").status_code == 200
    response = client.get(f"/t/{TENANT_B}/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_unknown_tenant_pages_are_404():
    assert Client().get("/t/Nope1/admin/").status_code == 404
