"""Root and health endpoints (spec/00 §7, scenario 15)."""

import re

import pytest
from django.db import OperationalError

from apps.core import health

pytestmark = pytest.mark.django_db

ROOTS = {
    "account": "Welcome to Kugel-POS Auth API. supoorted version: v1",
    "terminal": "Welcome to Kugel-POS Terminal API. supoorted version: v1",
    "master-data": "Welcome to Kugel-POS Master-data Service API. supoorted version: v1",
    "cart": "Welcome to Kugel-POS Cart API. supoorted version: v1",
    "report": "Welcome to Kugel-POS Report API. supoorted version: v1",
    "journal": "Welcome to Kugel-POS Journal API. supoorted version: v1",
    "stock": "Welcome to Kugel-POS Stock API. supported version: v1",
}


@pytest.mark.parametrize(("prefix", "message"), ROOTS.items())
def test_root_answers_with_and_without_slash(api, prefix, message):
    for path in (f"/{prefix}/", f"/{prefix}"):
        response = api.get(path)
        assert response.status_code == 200
        assert response.json() == {"message": message}


@pytest.mark.parametrize("prefix", ROOTS)
def test_health_body_shape(api, prefix):
    response = api.get(f"/{prefix}/health")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["status", "timestamp", "service", "version", "checks"]
    assert body["service"] == prefix and body["version"] == "1.0.0"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00Z$", body["timestamp"])
    assert body["checks"]["database"]["status"] == "healthy"
    assert list(body["checks"]["database"]) == ["status", "response_time_ms", "details", "error", "component"]


def test_health_with_database_down_is_200_unhealthy(api, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    response = api.get("/cart/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["database"]["status"] == "unhealthy"
    assert "connection refused" in body["checks"]["database"]["error"]


def test_health_with_redis_down_reports_it(api, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = api.get("/journal/health")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"]["status"] == "unhealthy"
    assert response.json()["status"] == "unhealthy"
    whole = api.get("/health")
    assert whole.status_code == 503
    assert whole.json()["checks"]["redis"]["error"]


def test_account_and_master_data_health_check_only_the_database(api):
    assert set(api.get("/account/health").json()["checks"]) == {"database"}
    assert set(api.get("/master-data/health").json()["checks"]) == {"database"}
    assert "redis" in api.get("/cart/health").json()["checks"]


def test_openapi_schema_and_docs_are_served(api):
    assert api.get("/api/schema/").status_code == 200
    assert api.get("/api/docs/").status_code == 200
