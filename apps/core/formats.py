"""Value formats on the wire (spec/00 §3.3): timestamps, business dates, money."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone as dj_timezone


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def app_zone() -> ZoneInfo:
    return _zone(settings.APP_TIMEZONE)


def app_now() -> datetime:
    """Now, in the app time zone (``APP_TIMEZONE``, default Asia/Tokyo)."""
    return dj_timezone.now().astimezone(app_zone())


def iso_app(value: datetime | None) -> str | None:
    """ISO 8601 in the app time zone with offset and microseconds: ``2025-01-15T10:30:00.123456+09:00``."""
    if value is None:
        return None
    return value.astimezone(app_zone()).isoformat(timespec="microseconds")


def display_utc(value: datetime | None) -> str | None:
    """``YYYY-MM-DD HH:MM:SS`` UTC wall time, no zone (``entryDatetime`` / ``lastUpdateDatetime``)."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def business_date_today() -> str:
    """Today in the app time zone as ``YYYYMMDD``."""
    return app_now().strftime("%Y%m%d")


def health_timestamp() -> str:
    """UTC ISO with a literal ``Z`` after the offset (a Kugelpos quirk): ``...+00:00Z``."""
    return datetime.now(UTC).isoformat(timespec="microseconds") + "Z"


def money(value: Decimal | int | float | None) -> float | None:
    """JSON number for an amount: Kugelpos amounts are floats (``100.0``)."""
    if value is None:
        return None
    return float(value)
