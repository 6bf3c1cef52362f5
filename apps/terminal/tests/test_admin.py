"""Back office pages of tenant info, stores, terminals and logs: smoke tests and writes through the services."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.core.auth import api_key_hash
from apps.core.models import ApiKeyIndex
from apps.core.tenancy import tenant_context
from apps.terminal import services
from apps.terminal.models import CashLog, OpenCloseLog, Store, TenantInfo, Terminal
from tests.support import TENANT_A

pytestmark = pytest.mark.django_db

ADMIN = f"/t/{TENANT_A}/admin/terminal"


@pytest.fixture
def manager(admin_a) -> Client:
    client = Client()
    response = client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"})
    assert response.status_code == 302
    return client


def test_every_page_answers(manager, opened_terminal):
    with tenant_context(TENANT_A):
        services.terminal_cash_in(terminal_id=opened_terminal.terminal_id, amount=100)
        ids = {
            "tenantinfo": TenantInfo.objects.get().pk,
            "store": Store.objects.get().pk,
            "terminal": Terminal.objects.get().pk,
            "cashlog": CashLog.objects.get().pk,
            "opencloselog": OpenCloseLog.objects.get().pk,
        }
    for model, pk in ids.items():
        for path in (f"{model}/", f"{model}/?q=5", f"{model}/{pk}/change/"):
            response = manager.get(f"{ADMIN}/{path}")
            assert response.status_code == 200, path
    for model in ("store", "terminal"):
        assert manager.get(f"{ADMIN}/{model}/add/").status_code == 200, model
    # tenant info exists already: one per tenant, so no add page; logs are never added by hand
    for model in ("tenantinfo", "cashlog", "opencloselog"):
        assert manager.get(f"{ADMIN}/{model}/add/").status_code == 403, model


def test_terminal_change_page_shows_state_and_a_masked_key(manager, opened_terminal):
    with tenant_context(TENANT_A):
        terminal = Terminal.objects.get()
        api_key = services.terminal_api_key(terminal)
    page = manager.get(f"{ADMIN}/terminal/{terminal.pk}/change/").content.decode()
    assert "Opened" in page and "20250115" in page and "Taro" in page
    assert api_key not in page and terminal.api_key_encrypted not in page
    # masked, with a "show" button posting the change form (and its CSRF token) to the key's view
    assert f"…{api_key[-4:]}" in page and f'formaction="{ADMIN}/terminal/{terminal.pk}/api-key/"' in page


def test_the_api_key_is_shown_on_request_with_the_change_permission(manager, opened_terminal):
    with tenant_context(TENANT_A):
        terminal = Terminal.objects.get()
        api_key = services.terminal_api_key(terminal)
    url = f"{ADMIN}/terminal/{terminal.pk}/api-key/"
    assert manager.get(url).status_code == 405  # a request (POST, with the page's CSRF token), not a link
    shown = manager.post(url)
    assert shown.status_code == 200 and api_key in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    with tenant_context(TENANT_A):
        from django.contrib.admin.models import LogEntry

        assert LogEntry.objects.filter(object_id=str(terminal.pk), change_message="Showed the API key.").exists()


def test_the_api_key_is_refused_without_the_change_permission(opened_terminal):
    from django.contrib.auth.models import Permission

    from apps.account.models import User

    with tenant_context(TENANT_A):
        terminal = Terminal.objects.get()
        api_key = services.terminal_api_key(terminal)
        viewer = User.objects.create_user("viewer", "viewer", tenant_id=TENANT_A, is_staff=True,
                                          stores=["5678"])  # works in the store (issue #22 scope)
        viewer.user_permissions.add(Permission.objects.get(codename="view_terminal"))
    client = Client()
    client.post(f"/t/{TENANT_A}/admin/login/", {"username": "viewer", "password": "viewer"})
    page = client.get(f"{ADMIN}/terminal/{terminal.pk}/change/")
    assert page.status_code == 200 and api_key not in page.content.decode()
    refused = client.post(f"{ADMIN}/terminal/{terminal.pk}/api-key/")
    assert refused.status_code == 403 and api_key not in refused.content.decode()


def test_adding_a_terminal_in_admin_creates_its_key_and_index_entry(manager, tenant_a):
    response = manager.post(
        f"{ADMIN}/terminal/add/", {"store_code": "5678", "terminal_no": "3", "description": "Back office"}
    )
    assert response.status_code == 302
    with tenant_context(TENANT_A):
        terminal = Terminal.objects.get(terminal_id=f"{TENANT_A}-5678-3")
        api_key = services.terminal_api_key(terminal)
    assert terminal.status == "Idle" and terminal.function_mode == "MainMenu" and len(api_key) == 43
    entry = ApiKeyIndex.objects.get(terminal_id=terminal.terminal_id)
    assert entry.key_hash == api_key_hash(api_key) and entry.tenant_id == TENANT_A
    again = manager.post(f"{ADMIN}/terminal/add/", {"store_code": "5678", "terminal_no": "3", "description": "x"})
    assert again.status_code == 200 and b"Terminal already exists" in again.content


def test_admin_change_of_function_mode_follows_the_state_table(manager, tenant_a):
    with tenant_context(TENANT_A):
        terminal = services.terminal_create(tenant_id=TENANT_A, store_code="5678", terminal_no=4, description="d")
    url = f"{ADMIN}/terminal/{terminal.pk}/change/"
    refused = manager.post(url, {"description": "d", "function_mode": "Sales"})
    assert refused.status_code == 200 and b"Terminal is not opened" in refused.content
    assert manager.post(url, {"description": "new", "function_mode": "Reports"}).status_code == 302
    with tenant_context(TENANT_A):
        terminal.refresh_from_db()
    assert (terminal.description, terminal.function_mode) == ("new", "Reports")
    assert terminal.updated_at is not None


def test_admin_delete_of_a_terminal_drops_its_index_entry(manager, tenant_a):
    with tenant_context(TENANT_A):
        terminal = services.terminal_create(tenant_id=TENANT_A, store_code="5678", terminal_no=5, description="d")
    response = manager.post(f"{ADMIN}/terminal/{terminal.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ApiKeyIndex.objects.filter(terminal_id=terminal.terminal_id).exists()
    with tenant_context(TENANT_A):
        assert not Terminal.objects.filter(pk=terminal.pk).exists()


def test_stores_and_tenant_info_in_admin(manager, tenant_a):
    refused = manager.post(f"{ADMIN}/store/add/", {"store_code": "S9", "store_name": "Nine"})
    assert refused.status_code == 200 and b"Create the tenant info first" in refused.content
    assert manager.post(f"{ADMIN}/tenantinfo/add/", {"tenant_name": "Chain", "tags": '["a"]'}).status_code == 302
    assert (
        manager.post(f"{ADMIN}/store/add/", {"store_code": "S9", "store_name": "Nine", "tags": "null"}).status_code
        == 302
    )
    with tenant_context(TENANT_A):
        info = TenantInfo.objects.get()
        store = Store.objects.get(store_code="S9")
    assert (info.tenant_id, info.tenant_name, info.tags) == (TENANT_A, "Chain", ["a"])
    assert (store.store_name, store.status, store.business_date) == ("Nine", "Idle", None)
    duplicate = manager.post(f"{ADMIN}/store/add/", {"store_code": "S9", "store_name": "Again", "tags": "null"})
    assert duplicate.status_code == 200 and b"already exists" in duplicate.content
    changed = manager.post(
        f"{ADMIN}/store/{store.pk}/change/",
        {"store_name": "Nine B", "status": "Opened", "business_date": "", "tags": '["x"]'},
    )
    assert changed.status_code == 302
    with tenant_context(TENANT_A):
        store.refresh_from_db()
    assert (store.store_name, store.status, store.tags) == ("Nine B", "Opened", ["x"])
    assert store.updated_at is not None


def test_log_detail_pages_show_money_without_trailing_zeros(manager, opened_terminal):
    """Issue #21: a read-only detail page shows an amount as money (``¥1,500``), never ``1500.0000``."""
    with tenant_context(TENANT_A):
        services.terminal_cash_in(terminal_id=opened_terminal.terminal_id, amount=1500)
        pk = CashLog.objects.get().pk
    html = manager.get(f"{ADMIN}/cashlog/{pk}/change/").content.decode()
    assert "¥1,500" in html and "1500.0000" not in html and "1,500.0000" not in html
    assert html.count("¥1,500<") == 1  # shown once, under the field's own label
