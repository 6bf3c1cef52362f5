"""Stock settings (spec/50 §3.4, §7.5): Django settings when defined, else the environment, else the default."""

from __future__ import annotations

import os

from django.conf import settings

_DEFAULTS: dict[str, object] = {
    "ALERT_COOLDOWN_SECONDS": 60,
    "DEFAULT_SNAPSHOT_ENABLED": True,
    "DEFAULT_SNAPSHOT_INTERVAL": "daily",
    "DEFAULT_SNAPSHOT_HOUR": 2,
    "DEFAULT_SNAPSHOT_MINUTE": 0,
    "DEFAULT_SNAPSHOT_RETENTION_DAYS": 30,
}


def _read(name: str):
    if hasattr(settings, name):
        return getattr(settings, name)
    default = _DEFAULTS[name]
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    return raw


def alert_cooldown_seconds() -> int:
    return int(_read("ALERT_COOLDOWN_SECONDS"))


def default_schedule() -> dict[str, object]:
    """The schedule ``GET`` shows for a tenant with none stored."""
    return {
        "enabled": bool(_read("DEFAULT_SNAPSHOT_ENABLED")),
        "schedule_interval": str(_read("DEFAULT_SNAPSHOT_INTERVAL")),
        "schedule_hour": int(_read("DEFAULT_SNAPSHOT_HOUR")),
        "schedule_minute": int(_read("DEFAULT_SNAPSHOT_MINUTE")),
        "schedule_day_of_week": None,
        "schedule_day_of_month": None,
        "retention_days": int(_read("DEFAULT_SNAPSHOT_RETENTION_DAYS")),
        "target_stores": ["all"],
    }
