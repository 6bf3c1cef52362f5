"""Demo seed: the demo tenant's store manager (a superuser).

Its password is ``settings.DEMO_ADMIN_PASSWORD``: set in the environment, else generated per installation. A demo
user still holding the public password of earlier versions (``admin``) gets the installation's password instead.
"""

from __future__ import annotations

from django.conf import settings

from .models import User

DEMO_USERNAME = "admin"
PUBLIC_PASSWORD_OF_OLD = "admin"


def seed(tenant_id: str) -> list[str]:
    password = settings.DEMO_ADMIN_PASSWORD
    user = User.objects.filter(username=DEMO_USERNAME).first()
    if user is None:
        User.objects.create_superuser(DEMO_USERNAME, password, tenant_id=tenant_id)
    elif user.check_password(PUBLIC_PASSWORD_OF_OLD):
        user.set_password(password)
        user.save(update_fields=["password"])
    elif not user.check_password(password):
        return [f"demo admin user: {DEMO_USERNAME} (tenant {tenant_id}), with the password you gave it"]
    return [f"demo admin user: {DEMO_USERNAME} / {password} (tenant {tenant_id})"]
