"""Health checks (spec/00 §7). Apps add checks to services with ``register_check`` in ``AppConfig.ready``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection

from .formats import health_timestamp

SERVICES = ("account", "terminal", "master-data", "cart", "report", "journal", "stock")
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
        return CheckResult("unhealthy", elapsed, None, f"{type(exc).__name__}: {exc}", component)
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


_CHECKS: dict[str, dict[str, Check]] = {service: {"database": check_database} for service in SERVICES}
for _service in EVENT_SERVICES:
    _CHECKS[_service]["redis"] = check_redis


def register_check(service: str, name: str, check: Check) -> None:
    _CHECKS.setdefault(service, {"database": check_database})[name] = check


def health_report(service: str) -> dict[str, Any]:
    """The bare health body of one service, or of the whole system (``service="all"``)."""
    if service == "all":
        checks: dict[str, Check] = {}
        for service_checks in _CHECKS.values():
            checks.update(service_checks)
    else:
        checks = _CHECKS[service]
    results = {name: check().as_dict() for name, check in checks.items()}
    healthy = all(result["status"] == "healthy" for result in results.values())
    return {
        "status": "healthy" if healthy else "unhealthy",
        "timestamp": health_timestamp(),
        "service": service,
        "version": VERSION,
        "checks": results,
    }
