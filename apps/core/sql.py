"""INSERT statements written from the models' ``_meta``, once per process (issue #25).

A few writes on the hot path do in one round trip what the ORM needs several for: an upsert that returns the
row, an insert that skips a duplicate natural key and says so, a row with its child rows in one statement.
Their SQL is built here, not typed by hand: table and column names come from ``_meta`` (``db_table``,
``Field.column``), quoted; every field is looked up by name, so a renamed or removed field fails the first
build (and ``tests/test_sql_columns.py`` builds every statement without a database). A conflict target is
named: a ``UniqueConstraint`` of the model, a ``unique=True`` field or ``"pk"``, resolved to its columns, so a
violation of any *other* unique key raises instead of being skipped as an untargeted ``ON CONFLICT DO NOTHING``
would.

``insert`` is cached on its arguments: a statement is built once per process and then reused. Table names are
unqualified (django-tenants' ``search_path`` picks the tenant's schema), unless ``schema`` names one.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model, UniqueConstraint

Update = str | tuple[str, str]  # a field set to its EXCLUDED value, or (field, SQL expression)


def quote(name: str) -> str:
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(name)


def field(model: type[Model], name: str) -> Field:
    """A concrete field by name or attname (``"pk"`` is the primary key); ``FieldDoesNotExist`` otherwise."""
    found = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if not getattr(found, "concrete", False):
        raise ValueError(f"{model.__name__}.{name} has no column")
    return found


def column(model: type[Model], name: str) -> str:
    """The quoted column of a field."""
    return quote(field(model, name).column)


def table(model: type[Model], *, schema: str | None = None) -> str:
    name = quote(model._meta.db_table)
    return f"{quote(schema)}.{name}" if schema else name


@functools.cache
def _insert_field_objects(model: type[Model]) -> tuple[Field, ...]:
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key)


@functools.cache
def insert_fields(model: type[Model]) -> tuple[str, ...]:
    """The attnames ``Model.save`` writes on an insert: every concrete field but an automatic primary key."""
    return tuple(f.attname for f in _insert_field_objects(model))


def insert_values(instance: Model) -> tuple[tuple[str, ...], list[Any]]:
    """``insert_fields`` of an unsaved instance and their values as ``Model.save`` would write them
    (``pre_save``: ``auto_now_add`` and the like)."""
    connection = connections[instance._state.db or DEFAULT_DB_ALIAS]
    fields = _insert_field_objects(type(instance))
    return insert_fields(type(instance)), [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


def conflict_columns(model: type[Model], target: str) -> tuple[str, ...]:
    """The columns of a named unique key: a ``UniqueConstraint`` (without condition or expressions) of the
    model, a ``unique=True`` field, or ``"pk"``. Anything else raises ``ValueError``."""
    for constraint in model._meta.total_unique_constraints:
        if constraint.name == target:
            return tuple(field(model, name).column for name in constraint.fields)
    if target != "pk" and any(
        isinstance(c, UniqueConstraint) and c.name == target for c in model._meta.constraints
    ):
        raise ValueError(f"{target} is partial or over expressions: it cannot be an ON CONFLICT target here")
    try:
        unique = field(model, target)
    except Exception as exc:
        raise ValueError(f"{model.__name__} has no unique key named {target!r}") from exc
    if not unique.unique:
        raise ValueError(f"{model.__name__}.{target} is not unique")
    return (unique.column,)


@functools.cache
def insert(
    model: type[Model],
    fields: Sequence[str],
    *,
    rows: int = 1,
    source: str | None = None,
    alias: str | None = None,
    schema: str | None = None,
    conflict: str | None = None,
    update: Sequence[Update] = (),
    where: str | None = None,
    returning: Sequence[str] = (),
) -> str:
    """``INSERT INTO <table> [AS alias] (<fields>) <rows of %s | source> [ON CONFLICT (<conflict>) DO NOTHING |
    DO UPDATE SET <update> [WHERE <where>]] [RETURNING <returning>]``.

    ``fields`` and ``returning`` are field names (tuples: the arguments are the cache key). ``source`` replaces
    the ``VALUES`` rows by hand-written SQL (``SELECT ...``, ``VALUES`` with expressions). ``conflict`` names a
    unique key (see ``conflict_columns``); with no ``update`` the conflicting row is skipped. Each ``update``
    item is a field name (set to ``EXCLUDED``'s value) or ``(field, expression)``.
    """
    if update and conflict is None:
        raise ValueError("DO UPDATE needs a conflict target")
    if where and not update:
        raise ValueError("WHERE applies to DO UPDATE only")
    columns = ", ".join(column(model, name) for name in fields)
    sql = f"INSERT INTO {table(model, schema=schema)}{f' AS {alias}' if alias else ''} ({columns}) "
    if source is None:
        row = f"({', '.join(['%s'] * len(fields))})"
        sql += f"VALUES {', '.join([row] * rows)}"
    else:
        sql += source
    if conflict is not None:
        sql += f" ON CONFLICT ({', '.join(quote(c) for c in conflict_columns(model, conflict))}) "
        if update:
            assignments = []
            for item in update:
                name, expression = (item, None) if isinstance(item, str) else item
                target = column(model, name)
                assignments.append(f"{target} = {expression or f'EXCLUDED.{target}'}")
            sql += f"DO UPDATE SET {', '.join(assignments)}"
            if where:
                sql += f" WHERE {where}"
        else:
            sql += "DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(column(model, name) for name in returning)}"
    return sql
