"""Operations (issue #12): request ids in logs and tasks, metrics, and health checks that turn unhealthy."""

import json
import logging
import time

import pytest
import structlog
from django.test import Client

from apps.core import events, health
from apps.core.celery_signals import _attach_request_id, _bind_request_id
from apps.core.models import EventRecord
from tests.support import TENANT_A, bearer

pytestmark = pytest.mark.django_db


def request_lines(caplog):
    return [r.msg for r in caplog.records if r.name == "kugelpos.request" and isinstance(r.msg, dict)]


def test_every_request_logs_one_line_with_its_id(api, token_a, caplog):
    caplog.set_level(logging.INFO)
    response = api.get(f"/master-data/api/v1/tenants/{TENANT_A}/categories", **bearer(token_a),
                       HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    (line,) = request_lines(caplog)
    assert line["request_id"] == "abc-123" and line["status"] == response.status_code
    assert line["method"] == "GET" and line["tenant_id"] == TENANT_A and line["duration_ms"] >= 0
    assert token_a not in json.dumps(line, default=str)


def test_a_request_id_is_made_when_missing_or_unsafe(api, caplog):
    caplog.set_level(logging.INFO)
    first = api.get("/cart/")["X-Request-ID"]
    second = api.get("/cart/", HTTP_X_REQUEST_ID="bad id <script>")["X-Request-ID"]
    assert len(first) == 32 and len(second) == 32 and first != second


@pytest.mark.django_db(transaction=True)
def test_request_id_reaches_the_task_the_request_enqueued(api, token_a, caplog):
    """Real commits: the delivery task is enqueued when the request's transaction commits (eager here)."""
    from apps.cart.tests.conftest import set_up_store

    pos = set_up_store(api, token_a)
    caplog.set_level(logging.INFO)
    caplog.clear()
    response = api.post(f"/terminal/api/v1/terminals/{pos.terminal_id}/cash-in", {"amount": 100}, format="json",
                        HTTP_X_API_KEY=pos.api_key, HTTP_X_REQUEST_ID="sale-42")
    assert response.status_code == 200
    delivered = [r.msg for r in caplog.records if isinstance(r.msg, dict) and r.msg.get("event") == "event delivered"]
    assert delivered and all(line.get("request_id") == "sale-42" for line in delivered)


def test_request_id_travels_in_task_headers_to_a_worker():
    structlog.contextvars.bind_contextvars(request_id="r-1")
    headers: dict = {}
    _attach_request_id(headers=headers)
    assert headers == {"request_id": "r-1"}
    structlog.contextvars.clear_contextvars()

    class Request:
        id = "task-1"
        is_eager = False
        request_id = "r-1"

    class Task:
        name = "core.deliver_event"
        request = Request()

    _bind_request_id(task=Task())
    assert structlog.contextvars.get_contextvars() == {"task": "core.deliver_event", "task_id": "task-1",
                                                       "request_id": "r-1"}
    structlog.contextvars.clear_contextvars()


def test_secrets_and_card_numbers_are_redacted():
    from apps.core.logconfig import redact

    line = redact(None, None, {"password": "hunter2", "api_key": "k", "event": "paid 4111 1111 1111 1111 ok"})
    assert line["password"] == "***" and line["api_key"] == "***"
    assert "4111" not in line["event"]


def test_an_event_below_its_loggers_level_runs_no_processor():
    """The configured chain drops an INFO event of a logger set to WARNING at its first step: no time stamp,
    no redaction, no rendering is paid for a line nobody will see. A WARNING event goes all the way."""
    quiet = logging.getLogger("kugelpos.quiet-test")
    quiet.setLevel(logging.WARNING)
    event = {"event": "request", "password": "p"}
    with pytest.raises(structlog.DropEvent):
        for processor in structlog.get_config()["processors"]:
            event = processor(quiet, "info", event)
    assert event == {"event": "request", "password": "p"}  # untouched: redaction never ran
    loud = {"event": "stock negative", "password": "p"}
    for processor in structlog.get_config()["processors"][:-1]:
        loud = processor(quiet, "warning", loud)
    assert loud["password"] == "***" and loud["level"] == "warning" and "timestamp" in loud


# --- metrics ------------------------------------------------------------------------------------------------
def test_metrics_expose_the_named_series(api, settings):
    api.get("/cart/")
    api.get("/cart/api/v1/nope")
    body = Client(REMOTE_ADDR="127.0.0.1").get("/metrics").content.decode()
    for series in ("kugelpos_http_request_duration_seconds_bucket", "kugelpos_http_requests_total",
                   "kugelpos_broker_circuit_state", "kugelpos_outbox_undelivered_events",
                   "kugelpos_outbox_oldest_undelivered_age_seconds", "kugelpos_websocket_connections",
                   "kugelpos_celery_tasks_total", "kugelpos_event_delivery_lag_seconds"):
        assert series in body, series
    assert 'view="cart-root"' in body


def test_metrics_need_the_internal_network_or_the_token(settings):
    outside = Client(REMOTE_ADDR="203.0.113.9")
    assert outside.get("/metrics").status_code == 404
    settings.METRICS_TOKEN = "scrape-secret"
    assert outside.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert outside.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret").status_code == 200


# --- health checks turning unhealthy ------------------------------------------------------------------------
def test_background_jobs_need_a_recent_beat_heartbeat(settings):
    client = health._redis()
    try:
        client.delete(health.HEARTBEAT_KEY)
    finally:
        client.close()
    result = health.check_background_jobs()
    assert result.status == "unhealthy" and "no scheduler heartbeat" in result.error
    health.record_heartbeat()
    result = health.check_background_jobs()
    assert result.status == "healthy" and result.details["scheduler_running"] is True
    assert "redeliver-undelivered-events" in result.details["job_names"]


def test_workers_check_is_unhealthy_without_a_worker():
    result = health.check_workers()
    assert result.status == "unhealthy" and "no Celery worker" in result.error


def test_broker_breaker_open_is_unhealthy(monkeypatch):
    def down(event_id, tenant_id):
        raise ConnectionError("down")

    monkeypatch.setattr(events, "_send_to_broker", down)
    try:
        for _ in range(3):
            events.event_enqueue(event_id="x")
        assert health.check_broker_circuit().status == "unhealthy"
    finally:
        events.broker_breaker.close()
    assert health.check_broker_circuit().status == "healthy"


def test_outbox_backlog_turns_unhealthy_when_an_event_waits_too_long(tenant_a):
    assert health.check_outbox().status == "healthy"
    record = events.event_publish(event_type="cashlog", payload={"tenant_id": TENANT_A})
    result = health.check_outbox()
    assert result.status == "healthy" and result.details["undelivered"] == 1
    EventRecord.objects.filter(pk=record.pk).update(published_at=record.published_at.replace(
        year=record.published_at.year - 1))
    result = health.check_outbox()
    assert result.status == "unhealthy" and "undelivered" in result.error


def test_whole_system_health_lists_every_check(api):
    body = api.get("/health").json()
    assert {"database", "redis", "background_jobs", "broker_circuit", "outbox", "celery_workers"} <= set(
        body["checks"])
    assert body["checks"]["celery_workers"]["status"] == "unhealthy"  # no worker in the test run
    assert time.time() > 0
