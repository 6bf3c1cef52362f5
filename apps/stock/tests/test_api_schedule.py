"""Snapshot schedule endpoints (spec/50 §6.11, scenario 14): snake_case in and out."""

from datetime import UTC, datetime

import pytest

from apps.stock.models import SnapshotSchedule
from tests.support import TENANT_A

from .conftest import in_tenant_a, schedule_url

pytestmark = pytest.mark.django_db

MONTHLY = {"enabled": True, "schedule_interval": "monthly", "schedule_hour": 4, "schedule_minute": 15,
           "schedule_day_of_month": 1, "retention_days": 90, "target_stores": ["store1", "store2"]}


def test_defaults_without_a_stored_schedule(client_a):
    body = client_a.get(schedule_url()).json()
    assert body["message"] == "Snapshot schedule retrieved successfully" and body["operation"] is None
    assert body["userError"] is None
    data = body["data"]
    assert {key: data[key] for key in ("enabled", "schedule_interval", "schedule_hour", "schedule_minute",
                                       "retention_days", "target_stores", "tenant_id")} == {
        "enabled": True, "schedule_interval": "daily", "schedule_hour": 2, "schedule_minute": 0,
        "retention_days": 30, "target_stores": ["all"], "tenant_id": TENANT_A}
    assert data["schedule_day_of_week"] is None and data["schedule_day_of_month"] is None
    assert data["last_executed_at"] is None and data["next_execution_at"] is None
    assert data["created_by"] == data["updated_by"] == "system"
    assert data["created_at"] is not None and data["updated_at"] is not None


def test_lifecycle(client_a):
    response = client_a.put(schedule_url(), MONTHLY, format="json")
    assert response.status_code == 200
    assert response.json()["message"] == "Snapshot schedule updated successfully"
    data = response.json()["data"]
    assert data["schedule_interval"] == "monthly" and data["retention_days"] == 90
    assert data["target_stores"] == ["store1", "store2"] and data["schedule_day_of_month"] == 1
    assert data["updated_by"] == "admin" and data["created_by"] == "system"
    next_run = datetime.fromisoformat(data["next_execution_at"]).astimezone(UTC)
    assert (next_run.day, next_run.hour, next_run.minute) == (1, 4, 15)
    got = client_a.get(schedule_url()).json()["data"]
    assert (got["schedule_interval"], got["retention_days"]) == ("monthly", 90)

    response = client_a.delete(schedule_url())
    assert response.status_code == 200 and response.json()["data"] == {"deleted": True}
    assert response.json()["message"] == "Snapshot schedule deleted successfully"
    assert client_a.get(schedule_url()).json()["data"]["schedule_interval"] == "daily"
    assert client_a.delete(schedule_url()).status_code == 200


def test_replacement_keeps_created_fields_and_resets_omitted_ones(client_a):
    client_a.put(schedule_url(), MONTHLY, format="json")
    with in_tenant_a():
        created_at = SnapshotSchedule.objects.get().created_at
        SnapshotSchedule.objects.update(last_executed_at=datetime(2025, 1, 1, tzinfo=UTC))
    data = client_a.put(schedule_url(), {"schedule_interval": "daily", "schedule_hour": 3, "enabled": False},
                        format="json").json()["data"]
    assert data["retention_days"] == 30 and data["target_stores"] == ["all"] and data["schedule_minute"] == 0
    assert data["schedule_day_of_month"] is None and data["next_execution_at"] is None  # disabled
    assert data["last_executed_at"] is not None
    with in_tenant_a():
        assert SnapshotSchedule.objects.get().created_at == created_at


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"schedule_interval": "weekly", "schedule_hour": 2, "retention_days": 30},
         "schedule_day_of_week is required for weekly schedules"),
        ({"schedule_interval": "monthly", "schedule_hour": 2},
         "schedule_day_of_month is required for monthly schedules"),
        ({"schedule_interval": "daily", "schedule_hour": 2, "retention_days": 400}, None),
        ({"schedule_interval": "daily", "schedule_hour": 2, "retention_days": 0}, None),
        ({"scheduleInterval": "daily", "scheduleHour": 2}, None),
        ({"schedule_interval": "hourly", "schedule_hour": 2}, None),
        ({"schedule_interval": "daily", "schedule_hour": 24}, None),
        ({"schedule_interval": "daily", "schedule_hour": 2, "schedule_minute": 60}, None),
        ({"schedule_interval": "weekly", "schedule_hour": 2, "schedule_day_of_week": 7}, None),
        ({"schedule_interval": "monthly", "schedule_hour": 2, "schedule_day_of_month": 32}, None),
        ({"schedule_interval": "daily", "schedule_hour": 2, "target_stores": []}, None),
    ],
)
def test_invalid_schedules_are_422_and_store_nothing(client_a, body, text):
    response = client_a.put(schedule_url(), body, format="json")
    assert response.status_code == 422
    assert response.json()["user_error"]["code"] == "300001"
    if text:
        assert text in response.json()["message"]
    with in_tenant_a():
        assert not SnapshotSchedule.objects.exists()


def test_weekly_schedule_next_run_counts_monday_as_zero(client_a):
    data = client_a.put(schedule_url(), {"schedule_interval": "weekly", "schedule_hour": 5,
                                         "schedule_day_of_week": 6}, format="json").json()["data"]
    assert datetime.fromisoformat(data["next_execution_at"]).astimezone(UTC).weekday() == 6  # Sunday


def test_terminal_jwt_updates_as_system(api, tenant_a):
    from apps.core.auth import encode_jwt
    from apps.core.tenancy import tenant_context as _in_tenant
    from apps.terminal.tests.factories import TerminalFactory

    with _in_tenant(TENANT_A):  # a terminal JWT works while its terminal exists (issue #20)
        TerminalFactory(store_code="5678", terminal_no=1)
    token = encode_jwt({"sub": "terminal:T1001-5678-1", "tenant_id": TENANT_A, "token_type": "terminal",
                        "terminal_id": "T1001-5678-1", "exp": 4102444800})
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    data = api.put(schedule_url(), {"schedule_interval": "daily", "schedule_hour": 1}, format="json").json()["data"]
    assert data["updated_by"] == "system"
