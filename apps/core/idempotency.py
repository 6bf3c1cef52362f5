"""``Idempotency-Key`` (issue #23, ours): every POST, PUT, PATCH and DELETE of the API is safe to retry.

A request without the header is not touched (one dictionary lookup): Kugelpos clients see Kugelpos. A keyed one:

1. ``IdempotencyMiddleware`` fingerprints it (an HMAC of the normalized query and body) and runs the rest of the
   request inside one ``transaction.atomic()``.
2. Once the view has authenticated the caller, ``idempotency_claim`` (called by every API view, in
   ``MethodCheckedFirst.initial``) sends one statement: it takes a transaction-scoped advisory lock on the scope
   (tenant, caller, method, path, key) and reads the live record of that scope, if any.

   * a record of the same request: its answer is replayed (``IdempotentReplay``); nothing else runs;
   * a record of another request: 422 ``100002``;
   * no record, and another transaction holds the lock (the first request is still running): 409 ``100003``
     with ``Retry-After``, at once, never waiting for it;
   * else the request is claimed and runs.
3. Back in the middleware, a claimed request's 2xx answer (status, body, headers) is inserted in the same
   transaction as its effect, and both commit together; after-commit hooks (outbox publishes) fire once, after
   that commit. A 5xx (or an exception) rolls everything back and stores nothing. Any other answer (4xx) is
   not stored and commits exactly what it would have committed without a key (a failed login still counts
   towards the rate limit): services own their transactions and have undone their own work already.

A request that read no record, because the first one committed just after its lookup began, finds that record
when it inserts its own (the insert violates the scope's primary key): its effect is rolled back with it, and it
answers with the stored one instead. A record past its time to live is deleted by the claim that finds it.

When the request's transaction is the connection's outermost (always, outside tests), it costs no round trip of
its own at either end (``apps.core.db_backend``): its BEGIN goes with its first statement, and the insert of its
answer with its COMMIT, in one pipeline each; a lost race's insert fails, the COMMIT is skipped and Django's
``atomic`` rolls the transaction back.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from urllib.parse import parse_qsl

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from .auth import Credential
from .envelope import error_json_response
from .errors import KugelposError, RequestValidationError, register_messages
from .middleware import is_api_path
from .models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
REPLAYED_HEADER = "Idempotent-Replayed"
MUTATING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RETRY_AFTER_SECONDS = 1
_VALID_KEY = re.compile(r"[\x20-\x7e]{1,255}")
# Not stored: set again for every answer (request id, length, cookies, the server's own).
_UNSTORED_HEADERS = frozenset({"content-length", "set-cookie", "x-request-id", "date", "server"})
_SECRET_CONTEXT = b"kugelpos.core.idempotency.v1:"
_MAY_HOLD_FRACTION = re.compile(rb"[0-9][.eE]")  # a JSON number with a fraction or exponent, or text that looks so

register_messages({
    "100002": {"en": "Idempotency key reused with a different request",
               "ja": "同じ冪等キーが別のリクエストに使われています"},
    "100003": {"en": "A request with this idempotency key is still in progress",
               "ja": "この冪等キーのリクエストはまだ処理中です"},
})


class IdempotencyKeyReusedError(KugelposError):
    status_code = 422
    error_code = "100002"
    default_message = "Idempotency key reused with a different request"


class IdempotencyInProgressError(KugelposError):
    status_code = 409
    error_code = "100003"
    default_message = "A request with this idempotency key is still in progress; retry later"

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


class IdempotentReplay(Exception):  # noqa: N818 - not an error: the view answers with ``response``
    """Raised by ``idempotency_claim`` when the request was answered before: the view answers ``response``."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response
        super().__init__("idempotent replay")


@dataclass
class KeyedRequest:
    """What the middleware and the view share about one keyed request."""

    key: str
    request_hash: str
    scope: str | None = None  # set once claimed
    tenant_id: str = ""
    caller: str = ""
    replayed: bool = False
    prefetched: tuple[str, str | None] | None = None  # (scope, the claim's column) read by a credential check
    # The scope computed for the prefetch, by (tenant_id, caller): the claim reuses it instead of hashing again.
    prefetched_for: tuple[str, str, str, int] | None = None


# --- fingerprint, scope, sealing --------------------------------------------------------------------------------
def _secrets() -> tuple[str, ...]:
    return (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", []))


@lru_cache(maxsize=4)
def _ciphers(secrets: tuple[str, ...]) -> tuple[AESGCM, ...]:
    """AES-256-GCM keyed from ``SECRET_KEY``, then each fallback (a rotated secret still opens old records)."""
    return tuple(AESGCM(hashlib.sha256(_SECRET_CONTEXT + b"body:" + secret.encode()).digest()) for secret in secrets)


def seal(body: bytes, scope: str) -> bytes:
    """A stored answer's bytes: compressed (a cart document shrinks to a fraction, so the row stays small and
    out of TOAST), then encrypted and bound to its scope. Nonce first."""
    nonce = os.urandom(12)
    return nonce + _ciphers(_secrets())[0].encrypt(nonce, zlib.compress(body, 1), scope.encode())


def unseal(sealed: bytes, scope: str) -> bytes:
    nonce, data = sealed[:12], sealed[12:]
    for cipher in _ciphers(_secrets()):
        try:
            return zlib.decompress(cipher.decrypt(nonce, data, scope.encode()))
        except InvalidTag:
            continue
    raise InvalidTag("no configured secret opens this record")


@lru_cache(maxsize=4)
def _hash_key(secret: str) -> bytes:
    return hashlib.sha256(_SECRET_CONTEXT + b"request:" + secret.encode()).digest()


def _decimal_marker(value: object) -> dict:
    # A JSON number kept as written (amounts are Decimal inside): "1.0" and "1.00" are different requests, a
    # number is never the same as a string. A NUL in a key is refused by every endpoint, so no body collides.
    if isinstance(value, Decimal):
        return {"\x00number": str(value)}
    raise TypeError


def normalized_body(content_type: str, body: bytes) -> bytes:
    """JSON: keys sorted, whitespace gone, numbers as written. A form: its fields sorted. Anything else (or
    anything that does not parse): the bytes as sent."""
    if not body:
        return b""
    try:
        if content_type.startswith("application/x-www-form-urlencoded"):
            return orjson.dumps(sorted(parse_qsl(body.decode("latin-1"), keep_blank_values=True)))
        if "json" in content_type or body.lstrip()[:1] in (b"{", b"["):
            if not _MAY_HOLD_FRACTION.search(body):  # integers only (the sale path): orjson keeps them exact
                return orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS)
            value = json.loads(body, parse_float=Decimal)
            return orjson.dumps(value, default=_decimal_marker, option=orjson.OPT_SORT_KEYS)
    except (ValueError, TypeError, RecursionError, UnicodeDecodeError, orjson.JSONEncodeError):
        pass
    return body


def request_hash(request: HttpRequest) -> str:
    """HMAC (keyed with the installation's secret: a body may hold a password) of the normalized query and body."""
    query_string = request.META.get("QUERY_STRING", "")
    query = orjson.dumps(sorted(parse_qsl(query_string, keep_blank_values=True))) if query_string else b"[]"
    body = normalized_body(request.META.get("CONTENT_TYPE", ""), request.body)
    return hmac.digest(_hash_key(settings.SECRET_KEY), query + b"\n" + body, "sha256").hex()


def caller_of(credential: Credential | None) -> tuple[str, str]:
    """``(tenant_id, caller)``: a terminal by its id (API key or JWT alike), a user or service by its name."""
    if credential is None:
        return "", "anonymous"
    if credential.is_terminal:
        return credential.tenant_id, f"terminal:{credential.terminal_id or ''}"
    return credential.tenant_id, f"{credential.kind}:{credential.claims.get('sub') or ''}"


def scope_of(tenant_id: str, caller: str, method: str, path: str, key: str) -> tuple[str, int]:
    """The record's key (hex SHA-256) and the advisory lock id (its first 8 bytes) of a scope."""
    digest = hashlib.sha256("\x00".join((tenant_id, caller, method, path, key)).encode()).digest()
    return digest.hex(), int.from_bytes(digest[:8], "big", signed=True)


@lru_cache(maxsize=1)
def _table() -> str:
    """Schema-qualified: read and written the same from whatever tenant schema the request is in."""
    quote = connection.ops.quote_name
    return f"{quote(get_public_schema_name())}.{quote(IdempotencyRecord._meta.db_table)}"


def _cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


# --- stored answers ---------------------------------------------------------------------------------------------
def replay_response(status: int, headers: list | str, sealed: bytes, scope: str) -> HttpResponse:
    """The stored answer, byte for byte, marked ``Idempotent-Replayed: true``."""
    response = HttpResponse(unseal(bytes(sealed), scope), status=status)
    del response["Content-Type"]
    for name, value in orjson.loads(headers) if isinstance(headers, str) else headers:
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _execute(sql: str, params: list) -> tuple | int:
    """One statement on the request's connection, past Django's cursor wrappers (this runs on every keyed
    request; the table is schema-qualified, so the search path does not matter). Errors are Django's, as from a
    Django cursor, so a broken connection is dropped at the end of the request as usual."""
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() if cursor.description else cursor.rowcount


@dataclass(frozen=True)
class _Claim:
    locked: bool  # this transaction holds the scope's advisory lock
    record: tuple | None  # the live record of the scope: (request_hash, status, headers, body)
    expired: bool = False  # a record of the scope past its time to live is in the way


def _lookup(scope: str, lock_id: int | None) -> _Claim:
    """One statement: the advisory lock (when ``lock_id`` is given) and the record of ``scope``."""
    lock = "pg_try_advisory_xact_lock(%s)" if lock_id is not None else "%s IS NULL"
    locked, *record, live = _execute(
        f"SELECT {lock}, r.request_hash, r.status, r.headers, r.body, r.created_at > %s FROM (SELECT 1) AS one "
        f"LEFT JOIN {_table()} AS r ON r.scope = %s",
        [lock_id, _cutoff(), scope],
    )
    return _Claim(bool(locked), tuple(record) if live else None, live is False)


def _keyed(request) -> KeyedRequest | None:
    """The keyed state the middleware left on the request (a DRF request wraps Django's), else None; without an
    exception raised and caught on the way, as a missing attribute of a DRF request would cost every request."""
    return getattr(request, "_request", request).__dict__.get("idempotency")


# --- the claim read along with a credential check (the cart's hot path) ----------------------------------------
CLAIM_COLUMN = "idempotency_claim"


def claim_columns(request, terminal_id: str) -> dict[str, RawSQL] | None:
    """The claim's lock and lookup as a column of the query a terminal's credential check sends anyway (the cart's
    reads the key, the terminal, the data version and the cart in one statement): the scope is the terminal the
    request names, which is the caller whenever the check succeeds. None without a (well-formed) key."""
    keyed = _keyed(request)
    if keyed is None or keyed.scope is not None or not _VALID_KEY.fullmatch(keyed.key) or not terminal_id:
        return None
    credential = Credential("terminal", terminal_id.split("-", 1)[0], terminal_id=terminal_id)
    tenant_id, caller = caller_of(credential)
    scope, lock_id = scope_of(tenant_id, caller, request.method, request.path, keyed.key)
    keyed.prefetched = (scope, None)
    keyed.prefetched_for = (tenant_id, caller, scope, lock_id)
    sql = (f"SELECT json_build_array(pg_try_advisory_xact_lock(%s), r.request_hash, r.status, r.headers, "
           f"encode(r.body, 'base64'), r.created_at > %s) FROM (SELECT 1) AS one LEFT JOIN {_table()} AS r "
           f"ON r.scope = %s")
    return {CLAIM_COLUMN: RawSQL(sql, [lock_id, _cutoff(), scope])}


def claim_prefetched(request, columns: dict) -> None:
    """Keep the claim's column read by ``claim_columns``'s query, for ``idempotency_claim``."""
    keyed = _keyed(request)
    if keyed is not None and keyed.prefetched is not None and columns.get(CLAIM_COLUMN) is not None:
        keyed.prefetched = (keyed.prefetched[0], columns[CLAIM_COLUMN])


def _prefetched_claim(keyed: KeyedRequest, scope: str) -> _Claim | None:
    if keyed.prefetched is None or keyed.prefetched[0] != scope or keyed.prefetched[1] is None:
        return None  # not read, or read for another caller than the one authenticated: a statement of its own
    locked, stored_hash, status, headers, body, live = orjson.loads(keyed.prefetched[1])
    if not live:
        return _Claim(bool(locked), None, live is False)
    return _Claim(bool(locked), (stored_hash, status, headers, base64.b64decode(body)))


def _answer_from(keyed: KeyedRequest, scope: str, record: tuple) -> HttpResponse:
    stored_hash, status, headers, body = record
    if not hmac.compare_digest(stored_hash, keyed.request_hash):
        raise IdempotencyKeyReusedError()
    keyed.replayed = True
    return replay_response(status, headers, body, scope)


def idempotency_claim(request, credential: Credential | None) -> None:
    """Called by every API view once the caller is authenticated. No-op for a request without a key; else the
    request is claimed, or this raises the replay, the 409 or the 422 (see the module's docstring)."""
    keyed = _keyed(request)
    if keyed is None or keyed.scope is not None:
        return
    if not _VALID_KEY.fullmatch(keyed.key):
        raise RequestValidationError(
            [(("header", "Idempotency-Key"), "The key must be 1 to 255 printable ASCII characters")]
        )
    tenant_id, caller = caller_of(credential)
    known = keyed.prefetched_for
    if known is not None and known[0] == tenant_id and known[1] == caller:  # hashed already, for the prefetch
        scope, lock_id = known[2], known[3]
    else:
        scope, lock_id = scope_of(tenant_id, caller, request.method, request.path, keyed.key)
    claim = _prefetched_claim(keyed, scope) or _lookup(scope, lock_id)
    if claim.record is not None:
        raise IdempotentReplay(_answer_from(keyed, scope, claim.record))
    if not claim.locked:
        raise IdempotencyInProgressError()
    if claim.expired:  # rare: the key was used before, longer ago than its time to live; under the scope's lock
        _execute(f"DELETE FROM {_table()} WHERE scope = %s AND created_at <= %s", [scope, _cutoff()])
    keyed.scope, keyed.tenant_id, keyed.caller = scope, tenant_id[:50], caller[:255]


@lru_cache(maxsize=1)
def _insert_sql() -> str:
    return (f"INSERT INTO {_table()} (scope, tenant_id, caller, method, path, key, request_hash, status, headers, "
            "body, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s)")


def _store(keyed: KeyedRequest, request: HttpRequest, response: HttpResponse, *, with_commit: bool) -> None:
    """Insert the answer in the open transaction: now, or (``with_commit``) in one round trip with its COMMIT.
    A record of the scope committed meanwhile (a lost race) makes the insert fail: ``IntegrityError``, from here
    or from the commit, and the transaction is rolled back."""
    headers = [[name, value] for name, value in response.items() if name.lower() not in _UNSTORED_HEADERS]
    params = [keyed.scope, keyed.tenant_id, keyed.caller, request.method, request.path, keyed.key,
              keyed.request_hash, response.status_code, orjson.dumps(headers).decode(),
              seal(response.content, keyed.scope), timezone.now()]
    if with_commit:
        connection.execute_with_commit(_insert_sql(), params)
    else:
        _execute(_insert_sql(), params)


def _lost_race(error: IntegrityError) -> bool:
    """Whether ``error`` is the insert of an answer finding the scope's record there already."""
    diag = getattr(error.__cause__, "diag", None)
    return (getattr(error.__cause__, "sqlstate", None) == "23505" and diag is not None
            and diag.table_name == IdempotencyRecord._meta.db_table)


def _error_response(exc: KugelposError) -> HttpResponse:
    return error_json_response(exc)


class IdempotencyMiddleware:
    """Runs a keyed API request in one transaction with its stored answer (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(HEADER)
        if key is None or request.method not in MUTATING_METHODS or not is_api_path(request.path_info):
            return self.get_response(request)
        try:
            keyed = KeyedRequest(key=key, request_hash=request_hash(request))
        except RequestDataTooBig:  # the view answers 413 as it does without a key
            return self.get_response(request)
        request.idempotency = keyed
        # The request's own transaction (not a savepoint in a test's): its BEGIN and COMMIT carry its first and
        # last statements (``apps.core.db_backend``), when the database backend offers that.
        outermost = connection.get_autocommit() and hasattr(connection, "execute_with_commit")
        try:
            connection.begin_with_first_statement = outermost
            with transaction.atomic():
                connection.begin_with_first_statement = False
                response = self.get_response(request)
                if keyed.scope is not None and not keyed.replayed:
                    if response.status_code >= 500:
                        transaction.set_rollback(True)
                    elif 200 <= response.status_code < 300 and not response.streaming:
                        _store(keyed, request, response, with_commit=outermost)
            lost_race = False
        except IntegrityError as error:
            if keyed.scope is None or not _lost_race(error):
                raise
            lost_race = True
        finally:
            connection.begin_with_first_statement = False
        if lost_race:  # a duplicate committed first: its effect stands, this one's was undone
            record = _lookup(keyed.scope, None).record
            if record is None:  # gone already (expired in between): the client may send it again
                return _error_response(IdempotencyInProgressError())
            try:
                return _answer_from(keyed, keyed.scope, record)
            except KugelposError as exc:
                return _error_response(exc)
        return response


def idempotency_purge_expired(*, now: datetime | None = None) -> int:
    """Delete the records past the time to live; the number deleted. Safe to run any time, twice, at once."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table()} WHERE created_at <= %s", [_cutoff(now)])
        return cursor.rowcount
