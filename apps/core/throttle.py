"""Failure-counting rate limits (the token endpoint's defence against password guessing).

A key (e.g. ``login:<tenant>:<username>`` or ``login-ip:<address>``) may fail ``max_failures`` times in a fixed
window of ``window_seconds``; after that it is locked until the window ends. Keys are stored hashed (no
usernames or addresses at rest). Counters live in PostgreSQL (public schema), so every web process shares them
and no extra service is needed; each update is one atomic upsert, committed on its own.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from . import sql
from .models import FailureCounter


@dataclass(frozen=True)
class Limit:
    key: str
    max_failures: int
    window_seconds: int

    @property
    def key_hash(self) -> str:
        return hashlib.sha256(self.key.encode("utf-8")).hexdigest()

    @property
    def enabled(self) -> bool:
        return self.max_failures > 0 and self.window_seconds > 0


def throttle_retry_after(*, limits: Iterable[Limit], now: datetime | None = None) -> int | None:
    """Seconds until every locked key of ``limits`` is free again, or None when none is locked."""
    now = now or timezone.now()
    active = {limit.key_hash: limit for limit in limits if limit.enabled}
    if not active:
        return None
    with schema_context(get_public_schema_name()):
        rows = list(FailureCounter.objects.filter(key_hash__in=active).values_list(
            "key_hash", "window_started_at", "failures"))
    waits = []
    for key_hash, started_at, failures in rows:
        limit = active[key_hash]
        ends_at = started_at + timedelta(seconds=limit.window_seconds)
        if failures >= limit.max_failures and ends_at > now:
            waits.append(max(1, int((ends_at - now).total_seconds() + 0.999)))
    return max(waits) if waits else None


@functools.cache
def _upsert_sql(public: str) -> str:
    """Count one failure of a key: a new row, a new window when the last one has ended, else one more."""
    failures, started = sql.column(FailureCounter, "failures"), sql.column(FailureCounter, "window_started_at")
    expired = f"c.{started} <= %(expired_before)s"
    return sql.insert(
        FailureCounter,
        ("key_hash", "window_started_at", "failures"),
        alias="c",
        schema=public,
        source="VALUES (%(key_hash)s, %(now)s, 1)",
        conflict="key_hash",
        update=(
            ("failures", f"CASE WHEN {expired} THEN 1 ELSE c.{failures} + 1 END"),
            ("window_started_at", f"CASE WHEN {expired} THEN %(now)s ELSE c.{started} END"),
        ),
    )


def throttle_record_failure(*, limits: Iterable[Limit], now: datetime | None = None) -> None:
    """Count one failure against each key (a new window starts when the previous one has ended)."""
    now = now or timezone.now()
    public = get_public_schema_name()
    with connection.cursor() as cursor:
        for limit in limits:
            if not limit.enabled:
                continue
            cursor.execute(_upsert_sql(public), {
                "key_hash": limit.key_hash, "now": now,
                "expired_before": now - timedelta(seconds=limit.window_seconds),
            })
        # Old windows are history: keep the table as small as the number of recently failing keys.
        cursor.execute(f"DELETE FROM {sql.table(FailureCounter, schema=public)} "
                       f"WHERE {sql.column(FailureCounter, 'window_started_at')} < %s",
                       [now - timedelta(days=1)])


def throttle_reset(*, limits: Iterable[Limit]) -> None:
    """Forget the failures of these keys (e.g. the account's after a successful login)."""
    hashes = [limit.key_hash for limit in limits]
    with schema_context(get_public_schema_name()):
        FailureCounter.objects.filter(key_hash__in=hashes).delete()
