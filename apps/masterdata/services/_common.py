"""Helpers shared by the master-data services (each command owns its own transaction)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.errors import DuplicateKeyError

T = TypeVar("T")

UNCHANGED = object()  # "leave this field as it is" for optional keyword arguments of update commands


@contextmanager
def duplicate_is_400(message: str):
    """Run an insert in a savepoint; a unique-constraint hit becomes 400 ``500005`` ("... already exists")."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise DuplicateKeyError(message) from None


def touch(instance) -> None:
    """Every update sets ``updated_at`` (never on insert)."""
    instance.updated_at = timezone.now()


def locked(queryset, **lookup) -> T | None:
    """The row matching ``lookup``, locked for the rest of the caller's transaction, or None."""
    return queryset.select_for_update(of=("self",)).filter(**lookup).first()
