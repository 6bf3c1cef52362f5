"""The PostgreSQL backend: django-tenants' schema-per-tenant wrapper, with two round trips fewer per request.

Web requests run on a fixed set of threads per process (``kugelpos.asgi``), each keeping its own persistent
connection (``CONN_MAX_AGE``), as Celery processes do. On such a connection:

* django-tenants forgets the search path whenever the tenant is set, and the tenant middleware sets public at
  the start and end of every request, so each request sent ``SET search_path`` again even when its thread's
  connection was already in that tenant. Here the path last set on the connection is remembered (and forgotten
  wherever PostgreSQL may have undone it: rollback, rollback to a savepoint, a failed ``SET``, closing), and
  entering the tenant it names needs no statement.
* ``CONN_HEALTH_CHECKS`` made the first query of every request a ``SELECT 1``. Here the check costs no round
  trip: an idle connection that PostgreSQL has closed (restart, ``pg_terminate_backend``, idle timeout) has sent
  its goodbye and its socket reads as ready; a healthy idle connection has nothing to read. Errors inside a
  request still close the connection at its end (Django's ``errors_occurred``), so the next request reconnects.

A caller that knows its transaction's first and last statements may also spare their round trips (issue #23: a
request with an ``Idempotency-Key`` runs in one transaction). ``begin_with_first_statement`` set just before the
outermost ``transaction.atomic()`` leaves the driver in autocommit and sends ``BEGIN`` in one pipeline with the
transaction's first statement (psycopg would send it alone, and wait); ``execute_with_commit(sql, params)`` queues a
statement that is sent in one pipeline with the ``COMMIT``. Either way the server runs the same statements in the
same order; an error of a queued statement skips the ``COMMIT`` and surfaces from ``commit()``, where Django's
``atomic`` rolls the transaction back and re-raises it, as it does for a failed ``COMMIT``.

A connection that has been in many tenant schemas is closed at the end of its request (or Celery task) and
replaced by a fresh one (``DB_MAX_SCHEMAS_PER_CONNECTION``, issue #26): each PostgreSQL backend caches the catalogue
entries (tables, indexes, plans) of every schema it has touched and does not give them back, so with a thousand
tenants a long-lived connection of a shared request thread would grow towards a copy of the whole catalogue.

``json`` columns (``apps.core.fields.JSONTextField``) are read as text, as Django has psycopg read ``jsonb``: the
field parses them, once, with orjson.
"""

from __future__ import annotations

import select
from functools import cache, lru_cache

import psycopg
from django.conf import settings
from django.db.backends.utils import debug_transaction
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from psycopg.pq import TransactionStatus
from psycopg.types.string import TextLoader

_BEGIN = b"BEGIN"
_COMMIT = b"COMMIT"
_PENDING = "kugelpos_begin_pending"  # on the driver's connection: its transaction's BEGIN is not sent yet


def _send_pending_begin(connection: psycopg.Connection) -> bool:
    """Send the BEGIN of a transaction begun lazily, alone, if it is still to be sent; whether it was."""
    if not connection.__dict__.pop(_PENDING, False):
        return False
    psycopg.Cursor(connection).execute(_BEGIN)
    return True


class _LazyBeginCursor:
    """A driver cursor whose statement carries its transaction's pending BEGIN (``begin_with_first_statement``):
    both go in one pipeline, one round trip; the statement's results are read as usual once it is synced."""

    def execute(self, query, params=None, **kwargs):
        connection = self.connection
        if not connection.__dict__.pop(_PENDING, False):
            return super().execute(query, params, **kwargs)
        with connection.pipeline():
            psycopg.Cursor(connection).execute(_BEGIN)
            super().execute(query, params, **kwargs)
        return self

    def executemany(self, *args, **kwargs):
        _send_pending_begin(self.connection)
        return super().executemany(*args, **kwargs)

    def copy(self, *args, **kwargs):
        _send_pending_begin(self.connection)
        return super().copy(*args, **kwargs)

    def stream(self, *args, **kwargs):
        _send_pending_begin(self.connection)
        return super().stream(*args, **kwargs)


@lru_cache(maxsize=32)
def _commit_script(begin: bool, statements: tuple[str, ...]) -> str:
    """One simple-query message: (the pending BEGIN,) the queued statements, COMMIT (a handful of shapes)."""
    return ";\n".join([*([_BEGIN.decode()] if begin else []), *statements, _COMMIT.decode()])


@cache
def _lazy_begin_cursor(factory: type) -> type:
    return type(f"LazyBegin{factory.__name__}", (_LazyBeginCursor, factory), {})


class DatabaseWrapper(TenantDatabaseWrapper):
    _applied_search_path: list[str] | None = None  # the search path PostgreSQL has for this connection
    # One-shot: the next transaction (outermost atomic) sends its BEGIN with its first statement. Only with
    # server-side binding (``ServerBindingCursor``), whose statements psycopg can pipeline.
    begin_with_first_statement = False
    _with_commit: list[tuple[str, list]] | None = None  # statements sent with the COMMIT (``execute_with_commit``)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.schemas_touched: set[str] = set()  # schemas this PostgreSQL session has had in its search path

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.adapters.register_loader("json", TextLoader)
        factory = connection.cursor_factory
        if (issubclass(factory, psycopg.Cursor) and not issubclass(factory, psycopg.ClientCursor)
                and not issubclass(factory, _LazyBeginCursor)):  # a pooled connection has it already
            connection.cursor_factory = _lazy_begin_cursor(factory)
        return connection

    # --- a transaction's BEGIN with its first statement, its last statements with its COMMIT --------------------
    def _set_autocommit(self, autocommit):
        lazily = not autocommit and self.begin_with_first_statement
        self.begin_with_first_statement = False
        if lazily and issubclass(self.connection.cursor_factory, _LazyBeginCursor):
            self.connection.__dict__[_PENDING] = True  # the driver stays in autocommit: the cursor sends BEGIN
            return
        if self.connection is not None:
            self.connection.__dict__.pop(_PENDING, None)
        super()._set_autocommit(autocommit)

    def create_cursor(self, name=None):
        if name is not None:  # a server-side cursor's DECLARE must run in the transaction: BEGIN first
            _send_pending_begin(self.connection)
        return super().create_cursor(name)

    def execute_with_commit(self, sql: str, params: list) -> None:
        """Run ``sql`` just before this transaction's COMMIT, in one round trip with it. Its error (a constraint
        violation, say) is raised by the commit, which then rolls everything back (Django's ``atomic``)."""
        if self.get_autocommit():
            raise RuntimeError("execute_with_commit() needs a transaction")
        if self._with_commit is None:
            self._with_commit = []
        self._with_commit.append((sql, params))

    def _commit(self):
        statements, self._with_commit = self._with_commit, None
        if not statements or self.connection is None:
            return super()._commit()
        connection = self.connection
        with debug_transaction(self, "COMMIT"), self.wrap_database_errors:
            # One message of the simple query protocol: its statements run in order, and the first that fails
            # makes the server skip the rest, the COMMIT included. Bound client-side (no statement to prepare);
            # psycopg's pipeline would send the same in one round trip at a higher cost in Python.
            begin = connection.__dict__.pop(_PENDING, False)
            script = _commit_script(begin, tuple(sql for sql, _ in statements))
            params = statements[0][1] if len(statements) == 1 else [p for _, params in statements for p in params]
            psycopg.ClientCursor(connection).execute(script, params)
        return None

    # --- search path ----------------------------------------------------------------------------------------
    def set_tenant(self, tenant, include_public=True):
        super().set_tenant(tenant, include_public)
        if self._applied_search_path is not None and self._applied_search_path == self._get_cursor_search_paths():
            self.search_path_set_schemas = self._applied_search_path

    def _handle_search_path(self, cursor=None):
        setting = not self._setting_search_path and not self.search_path_set_schemas
        super()._handle_search_path(cursor)
        if setting:  # a SET was sent now: it took (the path is recorded) or failed (None)
            self._applied_search_path = self.search_path_set_schemas
            if self.search_path_set_schemas:
                self.schemas_touched.add(self.search_path_set_schemas[0])

    def close(self):
        self._applied_search_path = None
        self._with_commit = None
        super().close()
        if self.connection is None:
            self.schemas_touched = set()

    # --- recycling by schemas touched (issue #26) -------------------------------------------------------------
    def schema_limit_reached(self) -> bool:
        limit = getattr(settings, "DB_MAX_SCHEMAS_PER_CONNECTION", 0)
        return bool(limit) and len(self.schemas_touched) >= limit

    def close_if_unusable_or_obsolete(self):
        """Django's check between requests and tasks (errors, ``CONN_MAX_AGE``), plus: a connection that has been
        in ``DB_MAX_SCHEMAS_PER_CONNECTION`` schemas is closed, so its backend's catalogue caches go with it."""
        super().close_if_unusable_or_obsolete()
        if self.connection is not None and not self.in_atomic_block and self.schema_limit_reached():
            self.close()

    def rollback(self):
        self._applied_search_path = None
        self._with_commit = None
        super().rollback()

    def savepoint_rollback(self, sid):
        self._applied_search_path = None
        super().savepoint_rollback(sid)

    # --- health check ---------------------------------------------------------------------------------------
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        status = connection.info.transaction_status
        if status in (TransactionStatus.INERROR, TransactionStatus.UNKNOWN):
            return False
        if status != TransactionStatus.IDLE:  # inside a transaction or a query: nothing to read from it now
            return True
        # poll, not select: select() refuses a descriptor of 1024 or more (a busy process has them), which made
        # every such connection look broken and reconnect on every request.
        poller = select.poll()
        try:
            poller.register(connection.fileno(), select.POLLIN)
            events = poller.poll(0)
        except (OSError, ValueError):
            return False
        return not events  # readable (PostgreSQL's goodbye), hung up, in error or invalid: not usable
