"""Celery beat entries of the report app, importable from settings (no Django models imported here)."""

from celery.schedules import crontab

REPORT_BEAT_SCHEDULE: dict[str, dict] = {
    # Issue #24: every store's previous business date, reconciled at 03:07 store time. Beat keeps UTC and the
    # stores' zone is a setting (APP_TIMEZONE), so beat ticks at minute 7 of every hour and the dispatcher goes on
    # only in the stores' hour RECONCILIATION_HOUR (tasks.dispatch_reconciliations).
    "report-reconcile-previous-day": {"task": "report.dispatch_reconciliations", "schedule": crontab(minute=7)},
}
