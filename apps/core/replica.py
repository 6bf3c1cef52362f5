"""Reads that may lag a little, served by a PostgreSQL streaming replica (issue #26).

Without ``REPLICA_DATABASE_URL`` nothing here runs: the settings install neither the ``replica`` database alias, nor
``ReplicaRouter``, nor ``ReadYourWritesMiddleware``, and ``replica_reads()`` returns at its first test.

With it, reads go to the replica only where the code asks for it, with ``replica_reads()`` (a context manager and a
decorator) around a lag-tolerant selector: reports, the journal search, stock history, the back office's home.
Everything else, the terminal's sale path included, reads and writes the primary. At the start of each such read
the replica is chosen unless

* the primary connection is inside a transaction (``transaction``): what the transaction wrote, or is about to
  write, is on the primary only;
* the replica failed within the last ``RETRY_AFTER_FAILURE_SECONDS`` or fails now (``down``), or is no standby
  at all, e.g. promoted (``not_standby``);
* the replica lags more than ``REPLICA_MAX_LAG_SECONDS`` (``lag``);
* the caller (a terminal, a user; per tenant) sent a write request within the last ``REPLICA_MAX_LAG_SECONDS``
  and the replica has not yet replayed the primary's current WAL position (``own_write``): read-your-writes.

Each choice is counted in ``kugelpos_replica_reads_total{database, reason}`` (``apps.core.metrics``).

Why the write marker may expire after ``REPLICA_MAX_LAG_SECONDS``: a replica is only read while its lag is at most
that long, so once that much time has passed since the caller's write committed, the replica has replayed it.
The marker is one Redis key per tenant and caller, set after a successful write request (one ``SET`` with an
expiry). When Redis cannot answer, every caller is taken to have written (the primary answers them unless the
replica has caught up), and Redis is left alone for a few seconds, so write requests do not wait for it.

The replica connection follows the primary connection's tenant: ``ReplicaRouter`` gives it the same search path
before it hands the alias out. Migrations never run on it (``allow_migrate``), and writes always go to the primary,
also for a model instance that was read from the replica.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

from .auth import Credential
from .metrics import REPLICA_READS

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = DEFAULT_DB_ALIAS
# After a failed check or read, the replica is left alone this long (per process): a replica that is down is not
# asked again, and waited for, on every report.
RETRY_AFTER_FAILURE_SECONDS = 5.0
MARKER_PREFIX = "kugelpos:replica:wrote:"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

F = TypeVar("F", bound=Callable[..., Any])

# The database chosen by the innermost active ``replica_reads()``: REPLICA, PRIMARY, or None outside one.
_reading: ContextVar[str | None] = ContextVar("kugelpos_replica_reading", default=None)
# The request being served (ReadYourWritesMiddleware), to know who is reading.
_request: ContextVar[HttpRequest | None] = ContextVar("kugelpos_replica_request", default=None)
_down_until = 0.0


def replica_configured() -> bool:
    return bool(settings.REPLICA_DATABASE_URL)


# --- the replica's state ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReplicaState:
    is_standby: bool
    replay_lsn: int | None  # WAL position replayed, as a number
    lag_seconds: float  # 0 when it has replayed all it received and still streams; else the age of its last replay


# One round trip. A standby that has replayed everything it received, with its WAL receiver running, is current,
# however long ago the primary last committed; otherwise its lag is the age of the last transaction it replayed.
STATE_SQL = """
SELECT pg_is_in_recovery(),
       pg_last_wal_replay_lsn()::text,
       CASE WHEN NOT pg_is_in_recovery() THEN 0
            WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                 AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8,
                          'Infinity'::float8)
       END
"""


def lsn_value(text: str | None) -> int | None:
    """A ``pg_lsn`` (``"16/B374D848"``) as a number, comparable with ``<``."""
    if not text:
        return None
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


def replica_state() -> ReplicaState:
    """The replica's state, read from the replica (raises ``DatabaseError`` when it cannot be reached)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(STATE_SQL)
        is_standby, replay_lsn, lag_seconds = cursor.fetchone()
    return ReplicaState(is_standby=bool(is_standby), replay_lsn=lsn_value(replay_lsn), lag_seconds=float(lag_seconds))


def primary_wal_lsn() -> int:
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return lsn_value(cursor.fetchone()[0]) or 0


def replica_failed() -> None:
    """Leave the replica alone for a while and drop its (broken) connection."""
    global _down_until
    _down_until = time.monotonic() + RETRY_AFTER_FAILURE_SECONDS
    try:
        connections[REPLICA].close()
    except DatabaseError:
        pass


def replica_failure_forget() -> None:
    """Ask the replica and Redis again at the next read (tests; an operator's shell after a repair)."""
    global _down_until, _markers_unknown_until
    _down_until = _markers_unknown_until = 0.0


# --- who is asking, and did they write lately ------------------------------------------------------------------
def caller_key(request: HttpRequest | None) -> str | None:
    """``<tenant_id>:terminal:<terminal_id>`` or ``<tenant_id>:<kind>:<username>`` for the request's caller, else None.

    A user is the same caller in the API (JWT) and in the back office (session)."""
    if request is None:
        return None
    user = getattr(request, "user", None)  # the credential (DRF sets it on the Django request too), or a User
    if user is None:
        return None
    if isinstance(user, Credential):
        if not user.tenant_id:
            return None
        if user.is_terminal and user.terminal_id:
            return f"{user.tenant_id}:terminal:{user.terminal_id}"
        return f"{user.tenant_id}:{user.kind}:{user.username or ''}"
    if not getattr(user, "is_authenticated", False):
        return None
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return None
    return f"{tenant.tenant_id}:user:{user.get_username()}"


_redis_client = None


def _redis():
    global _redis_client
    if _redis_client is None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # no retries: a write request must not wait seconds for a Redis that is down (the markers are a hint)
        _redis_client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1, retry=Retry(NoBackoff(), 0)
        )
    return _redis_client


def marker_seconds() -> int:
    return max(1, math.ceil(settings.REPLICA_MAX_LAG_SECONDS))


# Until then (per process) Redis is not asked, and every caller is taken to have written lately: from a failure,
# RETRY_AFTER_FAILURE_SECONDS without asking, then as long as a write not recorded meanwhile may be unreplayed.
# A write request never waits for a Redis that is down more than once in that time.
_markers_unknown_until = 0.0


def _markers_failed() -> None:
    global _markers_unknown_until
    _markers_unknown_until = time.monotonic() + RETRY_AFTER_FAILURE_SECONDS + marker_seconds()
    logger.warning("replica: Redis failed; reads of callers that may have written go to the primary meanwhile")


def caller_wrote(key: str) -> None:
    """Remember that this caller has just written (for ``REPLICA_MAX_LAG_SECONDS``)."""
    import redis

    if time.monotonic() < _markers_unknown_until:
        return
    try:
        _redis().set(MARKER_PREFIX + key, b"1", ex=marker_seconds())
    except redis.RedisError:
        _markers_failed()


def caller_wrote_recently(key: str) -> bool:
    import redis

    if time.monotonic() < _markers_unknown_until:
        return True
    try:
        return bool(_redis().exists(MARKER_PREFIX + key))
    except redis.RedisError:
        _markers_failed()
        return True  # not known: the primary answers


class ReadYourWritesMiddleware:
    """Installed with a replica only: makes the request's caller known to ``replica_reads()``, and records a
    successful write request (any method but GET, HEAD, OPTIONS, TRACE; a status under 400) as the caller's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            key = caller_key(request)
            if key is not None:
                caller_wrote(key)
        return response


# --- choosing, routing ------------------------------------------------------------------------------------------
def replica_choose() -> tuple[str, str]:
    """``(database, reason)`` for a lag-tolerant read starting now (see the module's docstring)."""
    if connections[PRIMARY].in_atomic_block:
        return PRIMARY, "transaction"
    if time.monotonic() < _down_until:
        return PRIMARY, "down"
    try:
        state = replica_state()
    except DatabaseError as exc:
        logger.warning("replica: unreachable, reading the primary (%s)", (str(exc).strip().splitlines() or [""])[0])
        replica_failed()
        return PRIMARY, "down"
    if not state.is_standby:
        return PRIMARY, "not_standby"
    if state.lag_seconds > settings.REPLICA_MAX_LAG_SECONDS:
        return PRIMARY, "lag"
    key = caller_key(_request.get())
    if key is not None and caller_wrote_recently(key):
        try:
            caught_up = state.replay_lsn is not None and state.replay_lsn >= primary_wal_lsn()
        except DatabaseError:
            caught_up = False
        if not caught_up:
            return PRIMARY, "own_write"
    return REPLICA, "replica"


class replica_reads:  # noqa: N801 - used like a function: ``with replica_reads():``, ``@replica_reads()``
    """Reads inside go to the replica when ``replica_choose()`` says so, for the whole block (one choice per
    block: the block reads one consistent database). An inner block keeps the outer block's choice. Writes inside
    still go to the primary.

    As a decorator it also survives a replica that fails during the call (a lost connection, raised as such or as
    the cause of the function's own error): the call is repeated on the primary, once.
    Return evaluated results (lists, not lazy querysets) from a decorated function: a queryset evaluated after the
    block reads the primary."""

    database: str = PRIMARY

    def __enter__(self) -> replica_reads:
        self._token = None
        outer = _reading.get()
        if outer is not None:
            self.database = outer
            return self
        if not replica_configured():
            return self
        self.database, reason = replica_choose()
        REPLICA_READS.labels("replica" if self.database == REPLICA else "primary", reason).inc()
        self._token = _reading.set(self.database)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _reading.reset(self._token)
            self._token = None

    def __call__(self, function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with replica_reads() as reads:
                try:
                    return function(*args, **kwargs)
                except Exception as exc:
                    if reads.database != REPLICA or reads._token is None or not _connection_failure(exc):
                        raise
                    logger.warning("replica: failed during %s, reading the primary", function.__qualname__)
                    replica_failed()
            REPLICA_READS.labels("primary", "down").inc()
            token = _reading.set(PRIMARY)
            try:
                return function(*args, **kwargs)
            finally:
                _reading.reset(token)

        return wrapper  # type: ignore[return-value]


def _connection_failure(exc: BaseException | None) -> bool:
    """A lost or refused connection, raised as such or as the cause of what was raised (a selector that turns a
    database error into its own error, ``from`` it)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, (OperationalError, InterfaceError)):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


class ReplicaRouter:
    """Installed with a replica only (before django-tenants' router): reads inside ``replica_reads()`` that chose
    the replica go there, in the primary connection's tenant; every other read, and every write, to the primary
    (also for an instance read from the replica, which Django would otherwise save back where it came from)."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        if _reading.get() != REPLICA:
            return PRIMARY
        primary, replica = connections[PRIMARY], connections[REPLICA]
        if replica.schema_name != primary.schema_name or replica.include_public_schema != primary.include_public_schema:
            replica.set_tenant(primary.tenant, primary.include_public_schema)
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True  # the same data, one copy behind the other
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None
