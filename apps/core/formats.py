"""Value formats on the wire (spec/00 §3.3): timestamps, business dates, money; and the one date/time format per
language of what the back office shows (``shown_*``: en ``2026-12-07 14:05``, ja ``2026/12/07 14:05``, from
``apps.core.locale_formats``). Money and quantities as shown: ``apps.core.admin.money`` / ``quantity``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone as dj_timezone
from django.utils.formats import date_format, time_format


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


# --- shown to people (the back office), in the active language's format ------------------------------------------
def _as_datetime(value: datetime | str) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _shown_moment(value: datetime | str | None, render) -> str:
    """``render`` the moment ``value`` in store time: an aware datetime converted to the store's time zone, a log's
    ISO text (already store time) as its wall time; empty for nothing, anything unreadable as it came."""
    if value is None or value == "":
        return ""
    moment = _as_datetime(value)
    if moment is None:
        return str(value)
    if isinstance(value, datetime) and dj_timezone.is_aware(moment):
        moment = moment.astimezone(app_zone())
    return render(moment)


def shown_datetime(value: datetime | str | None) -> str:
    """A moment as the store reads it: ``2026-12-07 14:05`` (en), ``2026/12/07 14:05`` (ja). An aware datetime is
    shown in the store's time zone; an ISO text with an offset (a log's own timestamp, already store time) as its
    wall time; anything unreadable as it came."""
    return _shown_moment(value, lambda moment: date_format(moment, "SHORT_DATETIME_FORMAT"))


def shown_date(value: date | str | None) -> str:
    """A (business) date: ``2026-12-07`` (en), ``2026/12/07`` (ja); ``YYYYMMDD`` text accepted, anything
    unreadable as it came."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.strptime(value, "%Y%m%d").date()
        except ValueError:
            return value
    return date_format(value, "SHORT_DATE_FORMAT")


def shown_time(value: datetime | str | None) -> str:
    """The time of a moment: ``14:05``; a log's ISO text as its wall time, an aware datetime in store time."""
    return _shown_moment(value, lambda moment: time_format(moment, "TIME_FORMAT"))
