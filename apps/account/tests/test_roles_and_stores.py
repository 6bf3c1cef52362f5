"""Issue #22's foundation: the Clerk and Store manager groups exist in every tenant, and a back-office user works
in the stores assigned to them (a superuser in all)."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied

from apps.account import access, roles
from apps.account.models import User
from tests.support import TENANT_A

pytestmark = pytest.mark.django_db


def _perms(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_every_tenant_has_the_two_roles(tenant_a, tenant_b):
    for tenant in (tenant_a, tenant_b):
        with tenant:
            clerk = _perms(Group.objects.get(name=roles.CLERK))
            manager = _perms(Group.objects.get(name=roles.STORE_MANAGER))
            assert {"terminal.view_terminal", "cart.view_transaction", "stock.view_stock",
                    "journal.view_journalentry", "masterdata.view_item"} <= clerk
            assert all(name.split(".")[1].startswith("view_") for name in clerk)  # a clerk acts on nothing
            assert set(roles.MANAGER_ACTIONS) <= manager  # every action the roles name exists
            assert clerk <= manager


def test_ensure_roles_is_idempotent_and_repairs_a_changed_group(tenant_a):
    with tenant_a:
        manager = Group.objects.get(name=roles.STORE_MANAGER)
        manager.permissions.clear()
        roles.ensure_roles()
        roles.ensure_roles()
        assert Group.objects.filter(name=roles.STORE_MANAGER).count() == 1
        assert set(roles.MANAGER_ACTIONS) <= _perms(Group.objects.get(name=roles.STORE_MANAGER))


def test_a_superuser_works_in_every_store_a_member_in_theirs_only(tenant_a):
    with tenant_a:
        boss = User.objects.create_superuser("boss", "x-pass-1", tenant_id=TENANT_A)
        clerk = User.objects.create_user("clerk", "x-pass-2", tenant_id=TENANT_A, is_staff=True, stores=["S1", "S3"])
        nobody = User.objects.create_user("nobody", "x-pass-3", tenant_id=TENANT_A, is_staff=True)
        assert access.store_scope(boss) is None
        assert access.store_scope(clerk) == frozenset({"S1", "S3"})
        assert access.store_scope(nobody) == frozenset()
        assert access.store_scope(AnonymousUser()) == frozenset()
        assert access.visible_store_codes(clerk, ["S3", "S2", "S1"]) == ["S3", "S1"]
        assert access.visible_store_codes(boss, ["S2", "S1"]) == ["S2", "S1"]
        access.require_store(clerk, "S1")
        with pytest.raises(PermissionDenied):
            access.require_store(clerk, "S2")
        with pytest.raises(PermissionDenied):
            access.require_store(nobody, "S1")
        users = User.objects.all()
        assert list(access.filter_by_store(clerk, users, field="username")) == []
        assert access.filter_by_store(boss, users) is users
