"""The tenant data version of ``apps.core.cache``, stored in this app's ``CacheVersion`` row."""

from __future__ import annotations

from django.db import connection
from django.db.models.expressions import RawSQL

from apps.core import sql

from .models import CacheVersion

_TABLE = CacheVersion._meta.db_table
# A sequence value: never reused, also after a rollback, so no two states of the data share a version.
_BUMP = sql.insert(
    CacheVersion, ("id", "version"), source="VALUES (1, nextval('cart_cacheversion_seq'))", conflict="pk",
    update=("version",),
)


def cache_version_bump() -> None:
    with connection.cursor() as cursor:
        cursor.execute(_BUMP)


# Read-only and without parameters: one instance serves every request (the API key's query reads its SQL).
_VERSION_COLUMN = RawSQL(f"SELECT version FROM {_TABLE} WHERE id = 1", [])


def cache_version_expression() -> RawSQL:
    """The current version as a column of another query (NULL when no write happened yet: no caching)."""
    return _VERSION_COLUMN
