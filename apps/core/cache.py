"""Per-process caches of tenant data that cannot go stale (issue #9).

A tenant schema holds one *data version*: a number that changes, in the writer's own transaction, with every
write to a watched model (master data, stores). A cached value is keyed by the schema, the version read in the
same request and its own key, so

* a write is seen by the first request that starts after it commits: that request reads the new version and
  misses every entry filled before (versions come from a sequence: never reused, also after a rollback, so an
  entry filled inside a rolled-back transaction can never be hit);
* nothing is shared between tenants: the schema name is part of every key;
* a request that knows no version (``None``) reads the database.

The version lives with the data it versions (``apps.masterdata.models.DataVersion``: master data and the terminal
app's stores); that app registers how to bump it with ``set_version_store``, and the apps that own cached models
name them with ``watch``. A reader reads the version once per request (the cart: with the terminal's
credential). Writes that send no model signal (``QuerySet.update``, ``bulk_create``) call ``data_changed()``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.db import connection
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

MAX_ENTRIES_PER_SCHEMA = 5000

_bump: Callable[[], None] | None = None
_lock = threading.Lock()
# schema -> (version, entries); one version per schema at a time, older entries are dropped with it
_store: dict[str, tuple[int, OrderedDict]] = {}
_watched: set[type] = set()


def set_version_store(bump: Callable[[], None]) -> None:
    """Register the function that changes the current schema's data version (in the current transaction)."""
    global _bump
    _bump = bump


def data_changed() -> None:
    """The current tenant's cached data is out of date: change its version (call after the write, in its
    transaction). The public schema holds no cached tenant data."""
    if _bump is not None and connection.schema_name != "public":
        _bump()


def _on_write(sender, **kwargs) -> None:
    data_changed()


def watch(*models: type) -> None:
    """Every save or delete of these models changes the tenant's data version."""
    for model in models:
        if model in _watched:
            continue
        _watched.add(model)
        post_save.connect(_on_write, sender=model, dispatch_uid=f"core.cache.save.{model._meta.label}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"core.cache.delete.{model._meta.label}")


def cached(version: int | None, key: Hashable, load: Callable[[], T]) -> T:
    """``load()``, remembered for the current schema at ``version``; ``version`` None: always ``load()``.

    Values are shared between threads and requests: return immutable values (tuples, frozen dataclasses).
    """
    if version is None:
        return load()
    schema = connection.schema_name
    with _lock:
        slot = _store.get(schema)
        if slot is not None and slot[0] == version and key in slot[1]:
            slot[1].move_to_end(key)
            return slot[1][key]
    value = load()
    with _lock:
        slot = _store.get(schema)
        if slot is not None and version < slot[0]:
            return value  # a request that started before the last write: its value is not kept
        if slot is None or version > slot[0]:
            slot = (version, OrderedDict())
            _store[schema] = slot
        slot[1][key] = value
        if len(slot[1]) > MAX_ENTRIES_PER_SCHEMA:
            slot[1].popitem(last=False)
    return value


def clear() -> None:
    """Forget everything (tests)."""
    with _lock:
        _store.clear()


def stats() -> dict[str, Any]:
    with _lock:
        return {schema: {"version": version, "entries": len(entries)} for schema, (version, entries) in _store.items()}
