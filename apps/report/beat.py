"""Celery beat entries of the report app, importable from settings (no Django models imported here)."""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

from celery.schedules import crontab


def store_now() -> datetime:
    """Now in the stores' time zone (``APP_TIMEZONE``): a module-level function, so beat's persistent schedule
    can pickle the entry that uses it."""
    from django.conf import settings

    zone = getattr(settings, "APP_TIMEZONE", None) or os.environ.get("APP_TIMEZONE") or "Asia/Tokyo"
    return datetime.now(ZoneInfo(zone))


REPORT_BEAT_SCHEDULE: dict[str, dict] = {
    # Issue #24: every store's previous business date reconciled at 03:07 store time (beat itself keeps UTC), once
    # the day's last deliveries and their first redeliveries have settled.
    "report-reconcile-previous-day": {
        "task": "report.dispatch_reconciliations",
        "schedule": crontab(hour=3, minute=7, nowfun=store_now),
    },
}
