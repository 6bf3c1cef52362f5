"""Prometheus metrics (prometheus-client), multi-process aware, and the protected ``/metrics`` endpoint.

With several server or worker processes, set ``PROMETHEUS_MULTIPROC_DIR`` (``make run`` does) so every process
writes its samples there and one scrape sees them all.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

from .registry import broker_breaker

REQUEST_SECONDS = Histogram(
    "kugelpos_http_request_duration_seconds",
    "Time to answer an HTTP request, by view.",
    ["method", "view", "status_class"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
REQUESTS = Counter("kugelpos_http_requests_total", "HTTP requests answered.", ["method", "view", "status"])
ERRORS = Counter("kugelpos_http_errors_total", "HTTP responses with a 5xx status.", ["method", "view"])
WEBSOCKETS = Gauge("kugelpos_websocket_connections", "Open WebSocket connections.", multiprocess_mode="livesum")
TASKS = Counter("kugelpos_celery_tasks_total", "Celery task outcomes.", ["task", "outcome"])
DELIVERY_LAG = Histogram(
    "kugelpos_event_delivery_lag_seconds",
    "Time from publishing a log to a consumer storing it.",
    ["consumer", "event_type"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 30.0, 300.0, 3600.0),
)
BREAKER_STATES = {"closed": 0, "half-open": 1, "open": 2}


def observe_request(*, method: str, view: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(method, view, f"{status // 100}xx").observe(seconds)
    REQUESTS.labels(method, view, str(status)).inc()
    if status >= 500:
        ERRORS.labels(method, view).inc()


class PlatformCollector:
    """Values read at scrape time: broker circuit breaker and outbox backlog."""

    NAMES = (
        ("kugelpos_broker_circuit_state", "Broker circuit breaker: 0 closed, 1 half-open, 2 open (this process)."),
        ("kugelpos_outbox_undelivered_events", "Events not yet delivered to every consumer."),
        ("kugelpos_outbox_oldest_undelivered_age_seconds", "Age of the oldest undelivered event (0 when none)."),
    )

    def describe(self):
        # Lets the registry learn the names without a database query at registration.
        return [GaugeMetricFamily(name, documentation) for name, documentation in self.NAMES]

    def collect(self):
        from .models import EventRecord

        breaker = GaugeMetricFamily(
            "kugelpos_broker_circuit_state", "Broker circuit breaker: 0 closed, 1 half-open, 2 open (this process)."
        )
        breaker.add_metric([], BREAKER_STATES.get(broker_breaker.current_state, 0))
        yield breaker
        backlog = GaugeMetricFamily("kugelpos_outbox_undelivered_events", "Events not yet delivered to every consumer.")
        oldest = GaugeMetricFamily(
            "kugelpos_outbox_oldest_undelivered_age_seconds", "Age of the oldest undelivered event (0 when none)."
        )
        try:
            undelivered = EventRecord.objects.exclude(status=EventRecord.Status.DELIVERED)
            count = undelivered.count()
            first = undelivered.order_by("published_at").values_list("published_at", flat=True).first()
        except Exception:  # noqa: BLE001 - a scrape never fails on a database outage; /health reports it
            return
        backlog.add_metric([], count)
        oldest.add_metric([], max(0.0, time.time() - first.timestamp()) if first else 0.0)
        yield backlog
        yield oldest


_platform = PlatformCollector()
REGISTRY.register(_platform)


def _registry() -> CollectorRegistry:
    """All processes' samples in multi-process mode, else this process's registry."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(_platform)
    return registry


def metrics_allowed(request: HttpRequest) -> bool:
    """A bearer ``METRICS_TOKEN``, or a caller inside ``METRICS_ALLOWED_NETWORKS`` (also who sees the inside
    details of the health checks)."""
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.lower().startswith("bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    networks = getattr(settings, "METRICS_ALLOWED_NETWORKS", ["127.0.0.0/8", "::1/128"])
    return any(address in ipaddress.ip_network(network) for network in networks)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """``GET /metrics``: a bearer ``METRICS_TOKEN``, or a caller inside ``METRICS_ALLOWED_NETWORKS``."""
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse('{"detail": "Method Not Allowed"}', status=405, content_type="application/json")
        response["Allow"] = "GET, HEAD"
        return response
    if not metrics_allowed(request):
        return HttpResponse('{"detail": "Not Found"}', status=404, content_type="application/json")
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
