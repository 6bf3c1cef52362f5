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

``json`` columns (``apps.core.fields.JSONTextField``) are read as text, as Django has psycopg read ``jsonb``: the
field parses them, once, with orjson.
"""

from __future__ import annotations

import select

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from psycopg.pq import TransactionStatus
from psycopg.types.string import TextLoader


class DatabaseWrapper(TenantDatabaseWrapper):
    _applied_search_path: list[str] | None = None  # the search path PostgreSQL has for this connection

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.adapters.register_loader("json", TextLoader)
        return connection

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

    def close(self):
        self._applied_search_path = None
        super().close()

    def rollback(self):
        self._applied_search_path = None
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
