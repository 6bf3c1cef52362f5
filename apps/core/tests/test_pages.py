"""Tenant pages: static files are served, unknown pages are a 404 even with a signed-in session."""

import pytest
from django.test import Client

from tests.support import TENANT_A

pytestmark = pytest.mark.django_db


def test_unknown_tenant_page_with_a_session_is_404_not_500(admin_a):
    client = Client()
    client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"})
    assert client.get(f"/t/{TENANT_A}/no-such-page/").status_code == 404


def test_admin_links_absolute_static_urls(admin_a):
    client = Client()
    client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"})
    page = client.get(f"/t/{TENANT_A}/admin/").content.decode()
    assert 'href="/static/admin/css/base.css"' in page


def test_asgi_application_serves_static_files():
    import asyncio

    from asgiref.sync import async_to_sync

    from kugelpos.asgi import application

    sent = []
    messages = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if messages:
            return messages.pop(0)
        await asyncio.sleep(60)  # the client stays connected; the handler cancels this when it is done
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/static/admin/css/base.css", "raw_path": b"",
             "query_string": b"", "headers": [], "server": ("testserver", 80), "scheme": "http",
             "root_path": "", "asgi": {"version": "3.0"}}
    async_to_sync(application)(scope, receive, send)
    assert sent[0]["status"] == 200
