"""Health checks (spec/00 §7). Apps add checks to services with ``register_check`` in ``AppConfig.ready``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection

from .formats import health_timestamp
from .registry import SERVICES, broker_breaker

EVENT_SERVICES = ("terminal", "cart", "report", "journal", "stock")
VERSION = "1.0.0"


@dataclass
class CheckResult:
    status: str
    response_time_ms: int | None = None
    details: dict | None = None
    error: str | None = None
    component: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "response_time_ms": self.response_time_ms,
            "details": self.details,
            "error": self.error,
            "component": self.component,
        }


Check = Callable[[], CheckResult]


def _timed(component: str, probe: Callable[[], dict | None]) -> CheckResult:
    started = time.monotonic()
    try:
        details = probe()
    except Exception as exc:  # noqa: BLE001 - a failing dependency is reported, never raised
        elapsed = int((time.monotonic() - started) * 1000)
        return CheckResult("unhealthy", elapsed, getattr(exc, "details", None), f"{type(exc).__name__}: {exc}",
                           component)
    return CheckResult("healthy", int((time.monotonic() - started) * 1000), details, None, component)


def check_database() -> CheckResult:
    def probe() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    return _timed("postgresql", probe)


def check_redis() -> CheckResult:
    def probe() -> None:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()

    return _timed("redis", probe)


# Heartbeats (issue #20): beat records its own as it starts and on every tick (apps.core.heartbeat), each worker
# its own as it starts and every HEARTBEAT_INTERVAL_SECONDS; /health judges these records instead of pinging the
# workers (a ping with a short timeout failed exactly when the node was busy).
HEARTBEAT_KEY = "kugelpos:beat:heartbeat"
WORKER_HEARTBEATS_KEY = "kugelpos:worker:heartbeats"  # a hash: worker host name -> time of its last heartbeat
HEARTBEAT_INTERVAL_SECONDS = 30
HEARTBEAT_STALE_SECONDS = 90


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


def record_heartbeat(*, now: float | None = None) -> None:
    """Beat's heartbeat."""
    client = _redis()
    try:
        client.set(HEARTBEAT_KEY, str(now or time.time()), ex=HEARTBEAT_STALE_SECONDS * 4)
    finally:
        client.close()


def record_worker_heartbeat(hostname: str, *, now: float | None = None) -> None:
    client = _redis()
    try:
        client.hset(WORKER_HEARTBEATS_KEY, hostname, str(now or time.time()))
    finally:
        client.close()


def forget_worker_heartbeat(hostname: str) -> None:
    """A worker shutting down cleanly leaves no heartbeat to go stale."""
    client = _redis()
    try:
        client.hdel(WORKER_HEARTBEATS_KEY, hostname)
    finally:
        client.close()


def check_background_jobs() -> CheckResult:
    """Beat schedules the periodic jobs (redelivery, purges): has it recorded a heartbeat lately?"""

    def probe() -> dict:
        schedule = sorted(getattr(settings, "CELERY_BEAT_SCHEDULE", {}))
        client = _redis()
        try:
            beat = client.get(HEARTBEAT_KEY)
        finally:
            client.close()
        age = time.time() - float(beat) if beat else None
        running = age is not None and age < HEARTBEAT_STALE_SECONDS
        details = {"scheduler_running": running, "job_count": len(schedule), "job_names": schedule}
        if not running:
            raise RuntimeError(
                "no scheduler heartbeat" if age is None else f"scheduler heartbeat {int(age)} s old"
            )
        return details

    return _timed("celery-beat", probe)


def check_workers() -> CheckResult:
    """At least one Celery worker has recorded a heartbeat lately. Older records are dropped (a worker that was
    killed leaves its last one behind)."""

    def probe() -> dict:
        client = _redis()
        try:
            records = client.hgetall(WORKER_HEARTBEATS_KEY)
            now = time.time()
            stale = [name for name, at in records.items() if now - float(at) >= HEARTBEAT_STALE_SECONDS]
            if stale:
                client.hdel(WORKER_HEARTBEATS_KEY, *stale)
        finally:
            client.close()
        workers = sorted(name.decode() for name in records if name not in stale)
        if not workers:
            raise RuntimeError("no Celery worker has recorded a heartbeat lately")
        return {"worker_count": len(workers), "workers": workers}

    return _timed("celery-worker", probe)


def check_broker_circuit() -> CheckResult:
    def probe() -> dict:
        state = broker_breaker.current_state
        if state != "closed":
            raise RuntimeError(f"broker circuit breaker is {state}")
        return {"state": state, "fail_counter": broker_breaker.fail_counter}

    return _timed("circuit-breaker", probe)


@dataclass(frozen=True)
class OutboxBacklog:
    undelivered: int
    oldest_age_seconds: float

    @property
    def is_healthy(self) -> bool:
        """Healthy until an event has waited past the failure period (the outbox check's rule)."""
        return self.oldest_age_seconds <= settings.UNDELIVERED_CHECK_FAILED_PERIOD_IN_MINUTES * 60


def outbox_backlog() -> OutboxBacklog:
    """Undelivered events and the age of the oldest, in seconds (0 when none waits)."""
    from django.utils import timezone

    from .models import EventRecord

    undelivered = EventRecord.objects.exclude(status=EventRecord.Status.DELIVERED)
    count = undelivered.count()
    oldest = undelivered.order_by("published_at").values_list("published_at", flat=True).first() if count else None
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return OutboxBacklog(undelivered=count, oldest_age_seconds=round(age, 1))


def check_outbox() -> CheckResult:
    """Undelivered events and the age of the oldest; unhealthy once one waits past the failure period."""

    def probe() -> dict:
        backlog = outbox_backlog()
        count, age = backlog.undelivered, backlog.oldest_age_seconds
        details = {"undelivered": count, "oldest_age_seconds": age}
        if not backlog.is_healthy:
            raise RuntimeError(f"{count} undelivered events, oldest {int(age)} s old")
        return details

    return _timed("outbox", probe)


_CHECKS: dict[str, dict[str, Check]] = {service: {"database": check_database} for service in SERVICES}
for _service in EVENT_SERVICES:
    _CHECKS[_service]["redis"] = check_redis
for _service in ("cart", "terminal"):
    _CHECKS[_service]["background_jobs"] = check_background_jobs
    _CHECKS[_service]["broker_circuit"] = check_broker_circuit
    _CHECKS[_service]["outbox"] = check_outbox
SYSTEM_CHECKS: dict[str, Check] = {"celery_workers": check_workers}


def register_check(service: str, name: str, check: Check) -> None:
    _CHECKS.setdefault(service, {"database": check_database})[name] = check


# Details naming the deployment's inside (worker host names, job names): only for callers allowed to see /metrics.
INTERNAL_DETAILS = ("workers", "job_names")


def health_report(service: str, *, internal: bool = False) -> dict[str, Any]:
    """The bare health body of one service, of the whole system (``service="all"``), of readiness
    (``"ready"``: the database) or liveness (``"live"``: no check). ``internal`` keeps ``INTERNAL_DETAILS``."""
    if service == "all":
        checks: dict[str, Check] = {}
        for service_checks in _CHECKS.values():
            checks.update(service_checks)
        checks.update(SYSTEM_CHECKS)
    elif service == "ready":
        checks = {"database": check_database}
    elif service == "live":
        checks = {}
    else:
        checks = _CHECKS[service]
    results = {name: check().as_dict() for name, check in checks.items()}
    if not internal:
        for result in results.values():
            if result["details"]:
                result["details"] = {
                    key: value for key, value in result["details"].items() if key not in INTERNAL_DETAILS
                }
    healthy = all(result["status"] == "healthy" for result in results.values())
    return {
        "status": "healthy" if healthy else "unhealthy",
        "timestamp": health_timestamp(),
        "service": service,
        "version": VERSION,
        "checks": results,
    }
