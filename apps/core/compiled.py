"""Querysets compiled to SQL once per process, for the few queries every terminal request makes (issue #9).

Turning a queryset into SQL (Django's ``SQLCompiler``) cost about a fifth of an add item's CPU in bench/, for
the same two or three statements on every request. A ``CompiledSelect`` builds its queryset once, with marker
values in place of the values that change, remembers the SQL, where each marker landed among the parameters,
and how Django turns the columns of a row into a model instance; each call then only executes the SQL with
the new values and builds the instances the same way (field converters and annotations included).

The SQL names no schema (django-tenants sets the search path per tenant), so one compilation serves every
tenant. Marker values must be of the field's type and reach the database unchanged (``str``, ``int``,
``uuid.UUID``, an aware ``datetime``); compiling fails loudly if one is missing from, or repeated in, the
parameters, so a query this cannot represent is never run wrongly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet


class CompiledSelect:
    """``build(**markers)`` compiled once; ``fetch(**values)`` runs it with ``values`` in the markers' places."""

    def __init__(self, build: Callable[..., QuerySet], **markers: Any) -> None:
        self._build = build
        self._markers = markers
        self._plan: tuple | None = None
        self._lock = threading.Lock()

    def _compile(self) -> tuple:
        queryset = self._build(**self._markers)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        slots: list[tuple[bool, Any]] = []  # (is a marker, its name or the constant parameter)
        used: list[str] = []
        for param in params:
            names = [name for name, marker in self._markers.items()
                     if type(marker) is type(param) and marker == param]
            if names:
                slots.append((True, names[0]))
                used.append(names[0])
            else:
                slots.append((False, param))
        if sorted(used) != sorted(self._markers):
            raise ValueError(f"every marker must appear once among the parameters: {sorted(used)}")
        klass_info = compiler.klass_info
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        attnames = [column[0].target.attname for column in compiler.select[first:last]]
        converters = compiler.get_converters([column[0] for column in compiler.select])
        return (queryset.db, sql, slots, klass_info["model"], attnames, (first, last),
                dict(compiler.annotation_col_map), converters)

    def fetch(self, **values: Any) -> list[Model]:
        plan = self._plan
        if plan is None:
            with self._lock:
                plan = self._plan = self._plan or self._compile()
        alias, sql, slots, model, attnames, (first, last), annotations, converters = plan
        params = [values[value] if is_marker else value for is_marker, value in slots]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        found = []
        for row in rows:
            if converters:
                row = list(row)
                for position, (functions, expression) in converters.items():
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
            instance = model.from_db(alias, attnames, row[first:last])
            for name, position in annotations.items():
                setattr(instance, name, row[position])
            found.append(instance)
        return found

