"""The demo seed's store manager signs in with the installation's password, never the public ``admin``."""

from __future__ import annotations

import pytest
from django.test import override_settings

from apps.account.models import User
from apps.core.seed import seeders
from apps.core.tenancy import tenant_context
from tests.support import TENANT_A

pytestmark = pytest.mark.django_db


def account_seeder():
    return next(s for s in seeders() if s.name == "account")


@override_settings(DEMO_ADMIN_PASSWORD="generated-Pw-16c")
def test_the_demo_manager_gets_the_installation_password_and_it_is_printed(tenant_a):
    with tenant_context(TENANT_A):
        User.objects.filter(username="admin").delete()
        lines = account_seeder().run(TENANT_A)
        user = User.objects.get(username="admin")
        assert user.is_superuser and user.check_password("generated-Pw-16c") and not user.check_password("admin")
        assert lines == [f"demo admin user: admin / generated-Pw-16c (tenant {TENANT_A})"]


@override_settings(DEMO_ADMIN_PASSWORD="generated-Pw-16c")
def test_a_demo_manager_with_the_public_password_of_old_gets_the_installation_password(tenant_a):
    with tenant_context(TENANT_A):
        user = User.objects.filter(username="admin").first() or User.objects.create_superuser(
            "admin", "admin", tenant_id=TENANT_A)
        user.set_password("admin")
        user.save()
        account_seeder().run(TENANT_A)
        user.refresh_from_db()
        assert user.check_password("generated-Pw-16c") and not user.check_password("admin")


@override_settings(DEMO_ADMIN_PASSWORD="generated-Pw-16c")
def test_a_password_the_manager_chose_is_kept_and_not_printed(tenant_a):
    with tenant_context(TENANT_A):
        user = User.objects.filter(username="admin").first() or User.objects.create_superuser(
            "admin", "x", tenant_id=TENANT_A)
        user.set_password("chosen by the manager")
        user.save()
        lines = account_seeder().run(TENANT_A)
        user.refresh_from_db()
        assert user.check_password("chosen by the manager")
        assert "generated-Pw-16c" not in lines[0] and "the password you gave it" in lines[0]
