"""The stock service's ``snapshot_scheduler`` health check (spec/50 §6 #18)."""

from __future__ import annotations

from django.conf import settings

from apps.core.health import CheckResult

from .beat import STOCK_BEAT_SCHEDULE


def check_snapshot_scheduler() -> CheckResult:
    """Reports whether the stock beat entries are configured. Informative: healthy either way, because the API
    works without the scheduler (only scheduled snapshots and retention wait for it)."""
    schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", {}) or {}
    names = sorted(name for name, entry in schedule.items() if name in STOCK_BEAT_SCHEDULE or
                   str(entry.get("task", "")).startswith("stock."))
    details = {"scheduler_running": bool(names), "job_count": len(names), "job_names": names}
    return CheckResult("healthy", 0, details, None, "celery-beat")
