"""The fault tests of ``tests.test_faults`` (worker stopped, Redis stopped, a worker killed mid-delivery, a
database connection killed mid-request) run again with an ``Idempotency-Key`` on every mutating request (issue
#23), sent by a client that behaves as a retrying terminal: a fresh key per operation, the same key again for a
retry of one that failed (5xx) or was still running (409)."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

import tests.test_faults as faults
from tests.test_faults import (  # noqa: F401 - the fixtures and tests run here, with keys
    broker,
    day,
    test_a_database_connection_dropped_mid_request_is_a_5xx_envelope_and_loses_nothing_committed,
    test_a_worker_killed_mid_delivery_leaves_nothing_half_written_and_the_redelivery_applies_it_once,
    test_with_redis_stopped_the_day_completes_and_the_redelivery_job_delivers_it_once_redis_is_back,
    test_with_the_worker_stopped_the_day_completes_and_is_delivered_once_the_worker_is_back,
)

MUTATING = ("POST", "PUT", "PATCH", "DELETE")


class KeyedAPIClient(APIClient):
    keyed_requests = 0
    replays = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._retry_keys: dict[tuple, str] = {}

    def generic(self, method, path, data="", content_type="application/octet-stream", secure=False, **extra):
        if method.upper() not in MUTATING or "HTTP_IDEMPOTENCY_KEY" in extra:
            return super().generic(method, path, data, content_type, secure, **extra)
        operation = (method.upper(), path, data if isinstance(data, (str, bytes)) else repr(data))
        key = self._retry_keys.pop(operation, None) or str(uuid.uuid4())
        response = super().generic(method, path, data, content_type, secure, HTTP_IDEMPOTENCY_KEY=key, **extra)
        if response.status_code >= 500 or response.status_code == 409:
            self._retry_keys[operation] = key
        KeyedAPIClient.keyed_requests += 1
        KeyedAPIClient.replays += response.has_header("Idempotent-Replayed")
        return response


@pytest.fixture
def api() -> APIClient:
    return KeyedAPIClient()


@pytest.fixture(autouse=True)
def _every_request_keyed(monkeypatch):
    monkeypatch.setattr(faults, "APIClient", KeyedAPIClient)  # the connection test makes its own client
    KeyedAPIClient.keyed_requests = KeyedAPIClient.replays = 0
    yield
    assert KeyedAPIClient.keyed_requests > 10
    assert KeyedAPIClient.replays == 0  # every operation had its own key: nothing was answered twice
