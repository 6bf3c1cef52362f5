"""Demo seed: the demo tenant's store manager (a superuser)."""

from __future__ import annotations

from .models import User

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "admin"


def seed(tenant_id: str) -> list[str]:
    if not User.objects.filter(username=DEMO_USERNAME).exists():
        User.objects.create_superuser(DEMO_USERNAME, DEMO_PASSWORD, tenant_id=tenant_id)
    return [f"demo admin user: {DEMO_USERNAME} / {DEMO_PASSWORD} (tenant {tenant_id})"]
