"""Which stores a back-office user works in (issue #22): a superuser in every store, anyone else in the stores
assigned to them (``User.stores``), none when none are assigned. Every back-office page and action of a store
asks here; the API's own auth (tenant, terminal) is unchanged."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied


def store_scope(user: object) -> frozenset[str] | None:
    """The store codes ``user`` works in; ``None`` means every store (a superuser)."""
    if getattr(user, "is_superuser", False):
        return None
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(getattr(user, "stores", None) or ())


def may_use_store(user: object, store_code: str) -> bool:
    scope = store_scope(user)
    return scope is None or store_code in scope


def require_store(user: object, store_code: str) -> None:
    """Raise ``PermissionDenied`` unless ``user`` works in ``store_code``."""
    if not may_use_store(user, store_code):
        raise PermissionDenied(f"You do not work in store {store_code}.")


def visible_store_codes(user: object, store_codes: Iterable[str]) -> list[str]:
    """``store_codes`` (in their order) that ``user`` works in."""
    scope = store_scope(user)
    return [code for code in store_codes if scope is None or code in scope]


def filter_by_store(user: object, queryset, field: str = "store_code"):
    """A queryset narrowed to the user's stores (unchanged for a superuser)."""
    scope = store_scope(user)
    return queryset if scope is None else queryset.filter(**{f"{field}__in": sorted(scope)})
