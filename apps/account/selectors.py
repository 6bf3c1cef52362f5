"""Reads of users (current tenant schema)."""

from __future__ import annotations

from .models import User


def user_get(*, username: str) -> User | None:
    return User.objects.filter(username=username).first()


def user_is_active(*, username: str) -> bool:
    """Whether this tenant has an active user of this name (a user JWT names one, apps.core.auth)."""
    return User.objects.filter(username=username, is_active=True).exists()
