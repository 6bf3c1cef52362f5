"""Health that tells the truth (issue #20): ``/health/live`` (the process answers), ``/health/ready`` (the database
answers: what a load balancer probes), ``/health`` (the whole system, judged on the heartbeats workers and beat
record, not on a synchronous ping); worker host names and job names only for callers allowed to see /metrics."""

import time

import pytest
from django.db import OperationalError
from django.test import Client

from apps.core import health
from apps.core.heartbeat import HeartbeatScheduler, WorkerHeartbeat
from kugelpos.celery import app as celery_app

pytestmark = pytest.mark.django_db

OUTSIDE = "203.0.113.9"


@pytest.fixture
def no_heartbeats():
    client = health._redis()
    try:
        client.delete(health.HEARTBEAT_KEY, health.WORKER_HEARTBEATS_KEY)
        yield
        client.delete(health.HEARTBEAT_KEY, health.WORKER_HEARTBEATS_KEY)
    finally:
        client.close()


@pytest.fixture
def broken_database(monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)


def test_live_answers_while_the_database_is_down(api, broken_database):
    for path in ("/health/live", "/health/live/"):
        response = api.get(path)
        assert response.status_code == 200
        assert response.json()["status"] == "healthy" and response.json()["checks"] == {}


def test_ready_is_the_database(api):
    response = api.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy" and set(body["checks"]) == {"database"}


def test_ready_is_503_while_the_database_is_down(api, broken_database):
    response = api.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["status"] == "unhealthy"


def test_ready_does_not_wait_for_workers_or_beat(api, no_heartbeats):
    assert api.get("/health/ready").status_code == 200


def test_whole_system_is_green_on_recorded_heartbeats_right_after_start(api, no_heartbeats):
    assert api.get("/health").status_code == 503  # nothing started yet
    health.record_worker_heartbeat("celery@node-1")  # a worker records its heartbeat as it starts
    health.record_heartbeat()  # beat, as it starts
    response = api.get("/health")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert checks["celery_workers"]["status"] == "healthy"
    assert checks["celery_workers"]["details"]["worker_count"] == 1
    assert checks["background_jobs"]["status"] == "healthy"


def test_a_stale_worker_heartbeat_is_no_worker(no_heartbeats):
    health.record_worker_heartbeat("celery@gone", now=time.time() - health.HEARTBEAT_STALE_SECONDS - 1)
    result = health.check_workers()
    assert result.status == "unhealthy" and "no Celery worker" in result.error
    health.record_worker_heartbeat("celery@alive")
    result = health.check_workers()
    assert result.status == "healthy" and result.details["workers"] == ["celery@alive"]


def test_a_stale_beat_heartbeat_is_unhealthy(no_heartbeats):
    health.record_heartbeat(now=time.time() - health.HEARTBEAT_STALE_SECONDS - 5)
    result = health.check_background_jobs()
    assert result.status == "unhealthy" and "scheduler heartbeat" in result.error


def test_worker_and_job_names_only_for_metrics_callers(no_heartbeats, settings):
    health.record_worker_heartbeat("celery@node-1")
    health.record_heartbeat()
    outside = Client(REMOTE_ADDR=OUTSIDE).get("/health").json()["checks"]
    assert outside["celery_workers"]["details"] == {"worker_count": 1}
    assert "job_names" not in outside["background_jobs"]["details"]
    assert "job_names" not in outside["snapshot_scheduler"]["details"]
    cart = Client(REMOTE_ADDR=OUTSIDE).get("/cart/health").json()["checks"]
    assert "job_names" not in cart["background_jobs"]["details"]
    inside = Client(REMOTE_ADDR="127.0.0.1").get("/health").json()["checks"]
    assert inside["celery_workers"]["details"]["workers"] == ["celery@node-1"]
    assert "redeliver-undelivered-events" in inside["background_jobs"]["details"]["job_names"]
    settings.METRICS_TOKEN = "scrape-secret"
    scraper = Client(REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer scrape-secret").get("/health").json()
    assert scraper["checks"]["celery_workers"]["details"]["workers"] == ["celery@node-1"]


def test_a_worker_records_its_heartbeat_when_it_starts_and_forgets_it_when_it_stops(no_heartbeats):
    from kombu.asynchronous.timer import Timer

    class Worker:  # the attributes of celery.worker.WorkController the step uses
        hostname = "celery@node-7"
        timer = Timer()

    assert "apps.core.heartbeat:WorkerHeartbeat" in celery_app.steps["worker"]
    worker = Worker()
    step = WorkerHeartbeat(worker)
    step.start(worker)
    try:
        assert health.check_workers().details["workers"] == ["celery@node-7"]
    finally:
        step.stop(worker)
        worker.timer.stop()
    assert health.check_workers().status == "unhealthy"


def test_beat_records_its_heartbeat_on_every_tick(no_heartbeats, tmp_path, settings):
    scheduler = HeartbeatScheduler(app=celery_app, schedule_filename=str(tmp_path / "beat"), lazy=True)
    scheduler.setup_schedule()
    try:
        scheduler.tick()
    finally:
        scheduler.close()
    result = health.check_background_jobs()
    assert result.status == "healthy" and result.details["scheduler_running"] is True
    assert celery_app.conf.beat_scheduler == "apps.core.heartbeat:HeartbeatScheduler"
