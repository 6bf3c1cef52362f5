"""Reads of users (current tenant schema)."""

from __future__ import annotations

from .models import User


def user_get(*, username: str) -> User | None:
    return User.objects.filter(username=username).first()
