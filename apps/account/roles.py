"""The back office's two roles (issue #22), as Django groups in every tenant schema:

- **Clerk**: may view every back-office page of the shop (terminals, logs, transactions, journal, stock, master
  data, reports) and act on nothing.
- **Store manager**: what a clerk may, plus the store actions: operate terminals (staff sign-in/out, open, cash
  in/out, close and count), void and return transactions, receive, adjust and count stock, and set stock
  thresholds, and reconcile a store's day on demand.

Which stores a member works in is ``User.stores`` (``apps.account.access``). The groups are created (and their
permissions brought up to date) after every migration, so a new tenant, cloned from the migrated template
schema, has them too; a tenant's own changes to other groups are left alone.
"""

from __future__ import annotations

CLERK = "Clerk"
STORE_MANAGER = "Store manager"

# the apps whose pages the roles see
SHOP_APPS = ("terminal", "cart", "journal", "stock", "masterdata", "report")

# the actions beyond viewing, as ``app_label.codename``
MANAGER_ACTIONS = (
    "terminal.operate_terminal",
    "cart.void_transaction",
    "cart.return_transaction",
    "stock.receive_stock",
    "stock.adjust_stock",
    "stock.count_stock",
    "stock.change_stock",
    "report.reconcile_store",
)


def ensure_roles(using: str = "default") -> None:
    """Create or update the Clerk and Store manager groups in the current schema (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    views = list(
        Permission.objects.using(using).filter(content_type__app_label__in=SHOP_APPS, codename__startswith="view_")
    )
    wanted = {tuple(name.split(".", 1)) for name in MANAGER_ACTIONS}
    actions = [
        permission
        for permission in Permission.objects.using(using)
        .filter(content_type__app_label__in={app for app, _ in wanted}, codename__in={code for _, code in wanted})
        .select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    clerk, _ = Group.objects.using(using).get_or_create(name=CLERK)
    clerk.permissions.set(views)
    manager, _ = Group.objects.using(using).get_or_create(name=STORE_MANAGER)
    manager.permissions.set([*views, *actions])


def ensure_roles_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """``post_migrate``: once, after the last app's permissions exist (Django sends it per app, in the order of
    ``INSTALLED_APPS``, creating each app's permissions as it goes)."""
    from django.apps import apps
    from django.db import connection

    if getattr(sender, "label", None) != list(apps.get_app_configs())[-1].label:
        return
    if getattr(connection, "schema_name", "public") == "public":
        return  # the public schema has no tenant apps
    ensure_roles(using)
