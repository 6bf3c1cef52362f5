"""Stock request bodies and response shapes (spec/50 §3, §6).

REST keys are camelCase, except the snapshot schedule whose body and data are snake_case (spec/50 §1).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from rest_framework import serializers

from apps.core.api.serializers import CamelCaseSerializer, SnakeCaseSerializer, StrictCharField
from apps.core.formats import iso_app

from ..calculations import QUANTITY_LIMIT
from ..models import ScheduleInterval, UpdateType


class NumberField(serializers.FloatField):
    """A JSON number (int or float) in, a float out; booleans and strings are refused. Within +-QUANTITY_LIMIT
    (an integer too large for a float is out of range too, not a 500)."""

    default_error_messages = {"invalid": "Input should be a valid number"}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -QUANTITY_LIMIT)
        kwargs.setdefault("max_value", QUANTITY_LIMIT)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            self.fail("invalid")
        if isinstance(data, int) and not -QUANTITY_LIMIT <= data <= QUANTITY_LIMIT:
            self.fail("max_value" if data > 0 else "min_value", max_value=self.max_value, min_value=self.min_value)
        return super().to_internal_value(data)


def _utc_iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat(timespec="microseconds")


# --- input --------------------------------------------------------------------------------------------------
class StockUpdateInput(CamelCaseSerializer):
    quantity_change = NumberField()
    update_type = serializers.ChoiceField(choices=UpdateType.values)
    reference_id = StrictCharField(required=False, allow_null=True, allow_blank=True, default=None)
    operator_id = StrictCharField(required=False, allow_null=True, allow_blank=True, default=None)
    note = StrictCharField(required=False, allow_null=True, allow_blank=True, default=None)


class MinimumInput(CamelCaseSerializer):
    minimum_quantity = NumberField(min_value=0)


class ReorderInput(CamelCaseSerializer):
    reorder_point = NumberField(min_value=0)
    reorder_quantity = NumberField(min_value=0)


class SnapshotInput(CamelCaseSerializer):
    created_by = StrictCharField(required=False, allow_null=True, allow_blank=True, default="system")


class ScheduleInput(SnakeCaseSerializer):
    """The 8 input fields of spec/50 §3.4, snake_case only; omitted optional fields take their defaults."""

    enabled = serializers.BooleanField(required=False, default=True)
    schedule_interval = serializers.ChoiceField(choices=ScheduleInterval.values)
    schedule_hour = serializers.IntegerField(min_value=0, max_value=23)
    schedule_minute = serializers.IntegerField(min_value=0, max_value=59, required=False, default=0)
    schedule_day_of_week = serializers.IntegerField(
        min_value=0, max_value=6, required=False, allow_null=True, default=None
    )
    schedule_day_of_month = serializers.IntegerField(
        min_value=1, max_value=31, required=False, allow_null=True, default=None
    )
    retention_days = serializers.IntegerField(min_value=1, max_value=365, required=False, default=30)
    target_stores = serializers.ListField(
        child=serializers.CharField(), allow_empty=False, required=False, default=lambda: ["all"]
    )

    def validate(self, attrs):
        interval = attrs["schedule_interval"]
        if interval == ScheduleInterval.WEEKLY and attrs.get("schedule_day_of_week") is None:
            raise serializers.ValidationError("schedule_day_of_week is required for weekly schedules")
        if interval == ScheduleInterval.MONTHLY and attrs.get("schedule_day_of_month") is None:
            raise serializers.ValidationError("schedule_day_of_month is required for monthly schedules")
        return attrs


# --- output -------------------------------------------------------------------------------------------------
class StockOutput(CamelCaseSerializer):
    """``StockResponse`` (spec/50 §3.1), keys in the spec's order."""

    tenant_id = serializers.CharField()
    store_code = serializers.CharField()
    item_code = serializers.CharField()
    current_quantity = serializers.FloatField()
    minimum_quantity = serializers.FloatField()
    reorder_point = serializers.FloatField()
    reorder_quantity = serializers.FloatField()
    last_updated = serializers.SerializerMethodField()
    last_transaction_id = serializers.CharField(allow_null=True)

    def get_last_updated(self, stock) -> str:
        return iso_app(stock.updated_at or timezone.now())


class StockUpdateOutput(CamelCaseSerializer):
    """``StockUpdateResponse`` (spec/50 §3.2); ``timestamp`` in UTC."""

    tenant_id = serializers.CharField()
    store_code = serializers.CharField()
    item_code = serializers.CharField()
    update_type = serializers.CharField()
    quantity_change = serializers.FloatField()
    before_quantity = serializers.FloatField()
    after_quantity = serializers.FloatField()
    reference_id = serializers.CharField(allow_null=True)
    timestamp = serializers.SerializerMethodField()
    operator_id = serializers.CharField(allow_null=True)
    note = serializers.CharField(allow_null=True)

    def get_timestamp(self, update) -> str | None:
        return _utc_iso(update.timestamp)


class SnapshotItemOutput(CamelCaseSerializer):
    item_code = serializers.CharField()
    quantity = serializers.FloatField()
    minimum_quantity = serializers.FloatField()
    reorder_point = serializers.FloatField()
    reorder_quantity = serializers.FloatField()


class SnapshotOutput(CamelCaseSerializer):
    """``StockSnapshotResponse`` (spec/50 §6.8): no id."""

    tenant_id = serializers.CharField()
    store_code = serializers.CharField()
    total_items = serializers.IntegerField()
    total_quantity = serializers.FloatField()
    stocks = SnapshotItemOutput(many=True)
    created_by = serializers.CharField()
    created_at = serializers.SerializerMethodField()
    updated_at = serializers.SerializerMethodField()
    generate_date_time = serializers.CharField(allow_null=True)

    def get_created_at(self, snapshot) -> str | None:
        return iso_app(snapshot.created_at)

    def get_updated_at(self, snapshot) -> str | None:
        return iso_app(snapshot.updated_at)


SCHEDULE_DATETIMES = ("last_executed_at", "next_execution_at", "created_at", "updated_at")


def schedule_data(view: dict) -> dict:
    """The snake_case schedule ``data`` (spec/50 §6.11) from ``selectors.snapshot_schedule_view``."""
    return {key: (iso_app(value) if key in SCHEDULE_DATETIMES else value) for key, value in view.items()}
