"""The user admin (issue #22): roles as ticks, the stores a user works in as ticks of the tenant's stores by
name, both listed; a user added here works in the back office with exactly that role and those stores."""

import pytest
from django.test import Client

from apps.core.tenancy import tenant_context
from tests.support import TENANT_A

pytestmark = pytest.mark.django_db

ADMIN = f"/t/{TENANT_A}/admin"


@pytest.fixture
def superuser_page(admin_a) -> Client:
    from apps.terminal.tests.factories import tenant_with_store

    with tenant_context(TENANT_A):
        tenant_with_store()
        tenant_with_store(store_code="9999", store_name="Other store")
    client = Client()
    assert client.post(f"{ADMIN}/login/", {"username": "admin", "password": "admin"}).status_code == 302
    return client


def test_the_add_form_offers_roles_and_stores_by_name(superuser_page):
    page = superuser_page.get(f"{ADMIN}/account/user/add/").content.decode()
    assert 'name="stores" value="5678"' in page and "5678 テスト店舗" in page and "9999 Other store" in page
    assert 'type="checkbox" name="groups"' in page and "Store manager" in page and "Clerk" in page


def test_adding_a_clerk_with_stores(superuser_page):
    from django.contrib.auth.models import Group

    from apps.account.models import User

    with tenant_context(TENANT_A):
        clerk_group = Group.objects.get(name="Clerk").pk
    response = superuser_page.post(f"{ADMIN}/account/user/add/", {
        "username": "clerk1", "password1": "a-long-Passw0rd!", "password2": "a-long-Passw0rd!",
        "is_staff": "on", "groups": [clerk_group], "stores": ["9999"],
    })
    assert response.status_code == 302, response.content.decode()[-3000:]
    with tenant_context(TENANT_A):
        user = User.objects.get(username="clerk1")
        assert user.stores == ["9999"] and [g.name for g in user.groups.all()] == ["Clerk"]
        assert user.tenant_id == TENANT_A
        assert user.has_perm("terminal.view_terminal") and not user.has_perm("terminal.operate_terminal")
    listing = superuser_page.get(f"{ADMIN}/account/user/").content.decode()
    assert "clerk1" in listing and "Clerk" in listing and "9999" in listing and "every store" in listing


def test_an_unknown_store_is_refused_and_a_held_one_kept(superuser_page):
    from apps.account.models import User

    with tenant_context(TENANT_A):
        user = User.objects.create_user("old", "old", tenant_id=TENANT_A, is_staff=True, stores=["GONE"])
    url = f"{ADMIN}/account/user/{user.pk}/change/"
    page = superuser_page.get(url).content.decode()
    assert 'value="GONE" checked' in page.replace('\n', ' ').replace('  ', ' ') or 'value="GONE"' in page
    refused = superuser_page.post(url, {"username": "old", "is_active": "on", "is_staff": "on",
                                        "stores": ["NOPE"], "created_at_0": "", "created_at_1": ""})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    with tenant_context(TENANT_A):
        user.refresh_from_db()
    assert user.stores == ["GONE"]
