"""The live stock dashboard: tenant staff only (admin session), lists the store's stock, and its socket token
opens the alert channel of that store."""

import json
import re

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from apps.account.models import User
from apps.core.auth import decode_jwt
from apps.core.testing import TENANT_A, TENANT_B
from kugelpos.asgi import application

from .conftest import in_tenant_a
from .factories import StockFactory
from .ws_testing import WebsocketCommunicator

pytestmark = pytest.mark.django_db

PAGE = f"/t/{TENANT_A}/dashboard/stock/5678/"


@pytest.fixture(autouse=True)
def dashboard_mounted(monkeypatch):
    monkeypatch.setattr("apps.core.middleware.TENANT_URLCONF", "apps.stock.tests.tenant_urls")


def login(tenant_id, username="admin", password="admin"):
    client = Client()
    response = client.post(f"/t/{tenant_id}/admin/login/", {"username": username, "password": password})
    assert response.status_code == 302
    return client


def page_config(response) -> dict:
    match = re.search(rb'<script id="dashboard-config" type="application/json">(.*?)</script>', response.content)
    return json.loads(match.group(1))


def test_anonymous_is_sent_to_the_admin_login(tenant_a):
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/t/{TENANT_A}/admin/login/")


def test_staff_sees_the_store_stock_and_gets_a_socket_token(admin_a):
    with in_tenant_a():
        StockFactory(item_code="LOW1", current_quantity=2.0, minimum_quantity=5.0)
        StockFactory(item_code="OK1", current_quantity=50.0)
        StockFactory(item_code="ELSEWHERE", store_code="9999")
    response = login(TENANT_A).get(PAGE)
    assert response.status_code == 200
    content = response.content.decode()
    assert "LOW1" in content and "OK1" in content and "ELSEWHERE" not in content
    assert 'class="low"' in content
    config = page_config(response)
    assert (config["tenant_id"], config["store_code"]) == (TENANT_A, "5678")
    assert config["token_url"] == f"/t/{TENANT_A}/dashboard/stock/5678/token/"
    claims = decode_jwt(config["token"])
    assert (claims["sub"], claims["tenant_id"]) == ("admin", TENANT_A)
    assert "/ws/stock/" in content


def test_token_endpoint_and_index(admin_a):
    with in_tenant_a():
        StockFactory(store_code="S001", item_code="X")
    client = login(TENANT_A)
    token = client.get(f"{PAGE}token/").json()["token"]
    assert decode_jwt(token)["tenant_id"] == TENANT_A
    index = client.get(f"/t/{TENANT_A}/dashboard/stock/")
    assert index.status_code == 200 and b"/dashboard/stock/S001/" in index.content


def test_non_staff_users_and_other_tenants_are_refused(admin_a, admin_b):
    clerk_client = Client()
    with in_tenant_a():  # the admin login refuses non-staff; a session of the tenant is what matters
        clerk_client.force_login(User.objects.create_user("clerk", "clerk", tenant_id=TENANT_A))
    clerk_client.cookies[f"sessionid_{TENANT_A}"] = clerk_client.cookies.pop("sessionid").value  # the tenant's cookie
    response = clerk_client.get(PAGE)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    with in_tenant_a():
        User.objects.filter(username="clerk").update(is_staff=True)
    assert clerk_client.get(PAGE).status_code == 403  # staff now, but store 5678 is not theirs (issue #22)
    with in_tenant_a():
        User.objects.filter(username="clerk").update(stores=["5678"])
    assert clerk_client.get(PAGE).status_code == 200  # the same session, once the user is staff of the store
    response = login(TENANT_B).get(PAGE)  # a session of tenant B means nothing in tenant A
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_page_token_opens_the_store_socket(admin_a, socket_db):
    with in_tenant_a():
        StockFactory(item_code="R9", current_quantity=1.0, reorder_point=5.0)
    token = page_config(login(TENANT_A).get(PAGE))["token"]

    async def scenario():
        communicator = WebsocketCommunicator(application, f"/ws/stock/{TENANT_A}/5678?token={token}")
        connected, _ = await communicator.connect()
        assert connected
        assert (await communicator.receive_json_from())["status"] == "connected"
        assert (await communicator.receive_json_from())["item_code"] == "R9"
        await communicator.disconnect()

    async_to_sync(scenario)()
