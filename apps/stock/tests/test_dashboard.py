"""The live stock dashboard: tenant staff only (admin session), lists the store's stock, and its socket token
opens the alert channel of that store."""

import json
import re

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from apps.account.models import User
from apps.core.auth import decode_jwt
from kugelpos.asgi import application
from tests.support import TENANT_A, TENANT_B

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


# --- issue #22: names, store scope, unknown store, stored alert times, a row update on every change ----------
def test_names_beside_codes_and_a_phone_viewport(admin_a):
    from apps.masterdata.tests.factories import ItemFactory

    with in_tenant_a():
        ItemFactory(item_code="OK1", description="Mineral water")
        StockFactory(item_code="OK1", current_quantity=50.0)
    response = login(TENANT_A).get(PAGE)
    content = response.content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in content
    assert 'OK1<span class="name">Mineral water</span>' in content
    assert '<td class="num quantity">50</td>' in content  # an integer without ".0"
    assert page_config(response)["names"] == {"OK1": "Mineral water"}


def test_an_unknown_store_is_a_404_page(admin_a):
    response = login(TENANT_A).get(f"/t/{TENANT_A}/dashboard/stock/NOSUCH/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html") and b"Unknown store" in response.content


def test_a_store_outside_the_users_stores_is_refused(admin_a):
    from django.contrib.auth.models import Group

    with in_tenant_a():
        StockFactory(item_code="X1", store_code="5678")
        StockFactory(item_code="X1", store_code="9999")
        user = User.objects.create_user("mgr", "pass-word-1", tenant_id=TENANT_A, is_staff=True, stores=["9999"])
        user.groups.add(Group.objects.get(name="Store manager"))
    client = login(TENANT_A, "mgr", "pass-word-1")
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}token/").status_code == 403
    index = client.get(f"/t/{TENANT_A}/dashboard/stock/").content
    assert b"/dashboard/stock/9999/" in index and b"/dashboard/stock/5678/" not in index


def test_alert_times_survive_a_reload(admin_a, django_capture_on_commit_callbacks, settings):
    from apps.stock import services

    with in_tenant_a():
        StockFactory(item_code="R1", current_quantity=10.0, reorder_point=5.0, reorder_quantity=20.0)
        with django_capture_on_commit_callbacks(execute=True):
            services.stock_apply_change(tenant_id=TENANT_A, store_code="5678", item_code="R1", quantity_change=-6,
                                        update_type="sale")
    client = login(TENANT_A)
    first = page_config(client.get(PAGE))["alerts"]
    assert [(a["item_code"], a["alert_type"], a["current_quantity"], a["threshold"]) for a in first] == [
        ("R1", "reorder_point", 4.0, 5.0)]
    assert page_config(client.get(PAGE))["alerts"][0]["timestamp"] == first[0]["timestamp"]  # the time it fired


def test_every_change_updates_the_dashboard_row(token_a, socket_db, django_capture_on_commit_callbacks):
    """A plain quantity change (no threshold crossed) sends a ``stock_level`` frame to the dashboard route only;
    a Kugelpos client on the spec's route gets nothing."""
    from asgiref.sync import sync_to_async

    from apps.stock import services

    store = "dash1"
    with in_tenant_a():
        StockFactory(store_code=store, item_code="P1", current_quantity=100.0, reorder_point=10.0)

    def change():
        with in_tenant_a(), django_capture_on_commit_callbacks(execute=True):
            services.stock_apply_change(tenant_id=TENANT_A, store_code=store, item_code="P1", quantity_change=-3,
                                        update_type="sale")

    async def scenario():
        dashboard = WebsocketCommunicator(application, f"/ws/stock/{TENANT_A}/{store}?token={token_a}")
        kugelpos = WebsocketCommunicator(application, f"/stock/api/v1/ws/{TENANT_A}/{store}?token={token_a}")
        for communicator in (dashboard, kugelpos):
            assert (await communicator.connect())[0]
            assert (await communicator.receive_json_from())["type"] == "connection"
        await sync_to_async(change)()
        frame = await dashboard.receive_json_from(timeout=2)
        frame.pop("timestamp")
        assert frame == {"type": "stock_level", "tenant_id": TENANT_A, "store_code": store, "item_code": "P1",
                         "current_quantity": 97.0, "minimum_quantity": 0.0, "reorder_point": 10.0,
                         "reorder_quantity": 0.0, "status": "ok"}
        assert await kugelpos.receive_nothing(timeout=0.5)
        await dashboard.disconnect()
        await kugelpos.disconnect()

    async_to_sync(scenario)()
