"""Migrating every tenant schema, several at a time (``manage.py migrate_platform``, issue #26).

``migrate_schemas`` runs Django's whole ``migrate`` command once per schema: it builds the migration graph, replays
every applied migration into a project state and renders its models, then sends ``post_migrate`` (content types,
permissions, roles) — about half a second per schema on this machine even when there is nothing to do, one schema
after the other. With a thousand tenants that is ten minutes for one new migration.

Here each of ``jobs`` worker processes (forked, so Django is set up once) builds the migration executor once, and
per schema:

* reads the schema's migration records (one query) and skips it when nothing is left to apply;
* otherwise applies the plan from a project state built once per distinct set of applied migrations (every
  tenant is normally at the same point) and rendered once, cloned for each schema;
* sends ``post_migrate`` for the schema only when the plan creates, deletes or renames a model or changes a
  model's options (the only changes that give a tenant new content types, permissions or roles).

The template schema new tenants are copied from is migrated first (``tenancy.ensure_template_schema``), so a
tenant created while the others are being migrated already has the new migrations.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from dataclasses import dataclass, field

from django.db import connection
from django.db.migrations import operations

# Operations after which ``post_migrate`` must run for the schema (new or removed content types and permissions).
_MODEL_SET_OPERATIONS = (
    operations.CreateModel,
    operations.DeleteModel,
    operations.RenameModel,
    operations.AlterModelOptions,
)


@dataclass
class SchemaResult:
    schema_name: str
    applied: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


@dataclass
class Summary:
    schemas: int = 0
    migrated: int = 0
    current: int = 0
    failed: list[SchemaResult] = field(default_factory=list)
    seconds: float = 0.0
    jobs: int = 1


class _Worker:
    """Per process: one executor and the project states already built, by the set of applied migrations."""

    def __init__(self) -> None:
        from django.db.migrations.executor import MigrationExecutor

        self.executor = MigrationExecutor(connection)
        self.targets = self.executor.loader.graph.leaf_nodes()
        self.states: dict[frozenset, object] = {}

    def migrate(self, schema_name: str) -> SchemaResult:
        from django.core.management.sql import emit_post_migrate_signal
        from django.db.migrations.recorder import MigrationRecorder

        started = time.perf_counter()
        result = SchemaResult(schema_name)
        executor = self.executor
        try:
            connection.set_schema(schema_name, include_public=False)
            recorder = MigrationRecorder(connection)
            recorder.ensure_schema()
            connection.set_schema(schema_name)
            applied = recorder.applied_migrations()
            executor.loader.applied_migrations = applied
            plan = executor.migration_plan(self.targets)
            if plan:
                key = frozenset(applied)
                state = self.states.get(key)
                if state is None:
                    state = executor._create_project_state(with_applied_migrations=True)
                    state.apps  # noqa: B018 - render the models once for every schema at this point
                    self.states[key] = state
                executor.migrate(self.targets, plan=plan, state=state.clone())
                result.applied = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
                if any(isinstance(operation, _MODEL_SET_OPERATIONS) for migration, _ in plan
                       for operation in migration.operations):
                    emit_post_migrate_signal(0, False, connection.alias, plan=plan)
        except Exception:  # noqa: BLE001 - reported per schema; the other schemas are still migrated
            result.error = traceback.format_exc(limit=8)
            try:
                connection.close()
            except Exception:  # noqa: BLE001, S110 - already broken
                pass
        finally:
            if connection.connection is not None:
                connection.set_schema_to_public()
        result.seconds = time.perf_counter() - started
        return result


_worker: _Worker | None = None


def _init_worker() -> None:
    global _worker
    connection.close()  # the parent's socket is not this process's to use
    connection.connection = None
    _worker = _Worker()


def _migrate_one(schema_name: str) -> SchemaResult:
    assert _worker is not None
    return _worker.migrate(schema_name)


def migrate_tenant_schemas(schema_names: list[str], *, jobs: int | None = None, progress=None) -> Summary:
    """Bring every schema in ``schema_names`` up to date with ``jobs`` processes (default: one per core)."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    summary = Summary(schemas=len(schema_names), jobs=jobs)
    started = time.perf_counter()

    def record(result: SchemaResult) -> None:
        if result.error:
            summary.failed.append(result)
        elif result.applied:
            summary.migrated += 1
        else:
            summary.current += 1
        if progress is not None:
            progress(result)

    if jobs == 1 or len(schema_names) <= 1:
        worker = _Worker()
        for name in schema_names:
            record(worker.migrate(name))
    else:
        connection.close()
        context = multiprocessing.get_context("fork")
        with context.Pool(processes=min(jobs, len(schema_names)), initializer=_init_worker) as pool:
            for result in pool.imap_unordered(_migrate_one, schema_names, chunksize=4):
                record(result)
    summary.seconds = time.perf_counter() - started
    return summary
