"""Celery beat entries of the stock app, importable from settings (no Django models imported here).

In ``kugelpos/settings.py``: ``CELERY_BEAT_SCHEDULE.update(STOCK_BEAT_SCHEDULE)`` after
``from apps.stock.beat import STOCK_BEAT_SCHEDULE``.
"""

from celery.schedules import crontab

STOCK_BEAT_SCHEDULE: dict[str, dict] = {
    # Fire times are per tenant (spec/50 §5.6); a one-minute tick finds the tenants whose time has come.
    "stock-run-due-snapshot-schedules": {"task": "stock.dispatch_snapshot_schedules", "schedule": 60.0},
    # Retention: an hourly purge is finer than the daily one the spec asks for.
    "stock-purge-expired-snapshots": {"task": "stock.dispatch_snapshot_purge", "schedule": crontab(minute=17)},
}
