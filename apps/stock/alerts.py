"""Delivery of stock alerts to WebSocket subscribers (spec/50 §7.4–7.6).

Services call ``alerts_send_on_commit`` inside their transaction; once it commits, each alert passes the
cross-process cooldown (a Redis key, ``SET NX EX``) and goes to the channel-layer group of its tenant and store.
Works the same from a web process or a Celery worker: nothing here depends on the caller holding a socket.
Sending never raises: an alert that cannot be delivered is dropped (at-most-once, as in Kugelpos).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models import Q

from . import conf
from .calculations import REORDER_POINT, StockAlert, StockLevel, stock_status
from .models import StockAlertRecord

logger = logging.getLogger(__name__)

ALERT_EVENT = "stock.alert"  # channel-layer message type, handled by StockAlertConsumer.stock_alert
LEVEL_EVENT = "stock.level"  # a quantity or threshold changed: StockDashboardConsumer.stock_level (dashboard only)
COOLDOWN_KEY_PREFIX = "kugelpos:stock:alert_cooldown:"
_GROUP_SAFE = re.compile(r"^[A-Za-z0-9._-]+$")

_redis_client: redis.Redis | None = None


def alert_group(tenant_id: str, store_code: str) -> str:
    """Channel-layer group of one store (names allow only ``[A-Za-z0-9._-]``, fewer than 100 characters)."""
    name = f"stock_alerts.{tenant_id}.{store_code}"
    if _GROUP_SAFE.match(tenant_id) and _GROUP_SAFE.match(store_code) and len(name) < 100:
        return name
    digest = hashlib.sha256(f"{tenant_id}\x00{store_code}".encode()).hexdigest()[:48]
    return f"stock_alerts_h.{digest}"


def level_group(tenant_id: str, store_code: str) -> str:
    """Channel-layer group of one store's back-office dashboards: every change of a row, not only alerts.
    Only the dashboard route joins it, so a Kugelpos client on the spec's socket never sees these frames."""
    name = f"stock_levels.{tenant_id}.{store_code}"
    if _GROUP_SAFE.match(tenant_id) and _GROUP_SAFE.match(store_code) and len(name) < 100:
        return name
    digest = hashlib.sha256(f"{tenant_id}\x00{store_code}".encode()).hexdigest()[:48]
    return f"stock_levels_h.{digest}"


def level_message(level: StockLevel, *, sent_at: datetime) -> dict[str, Any]:
    """The dashboard's row-update frame (ours, not Kugelpos): the row's quantities and status after a change."""
    return {
        "type": "stock_level",
        "tenant_id": level.tenant_id,
        "store_code": level.store_code,
        "item_code": level.item_code,
        "current_quantity": float(level.current_quantity),
        "minimum_quantity": float(level.minimum_quantity),
        "reorder_point": float(level.reorder_point),
        "reorder_quantity": float(level.reorder_quantity),
        "status": stock_status(level),
        "timestamp": sent_at.astimezone(UTC).isoformat(),
    }


def _redis() -> redis.Redis:
    global _redis_client
    if _redis_client is None:
        _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    return _redis_client


def cooldown_claim(key: str, *, seconds: int) -> bool:
    """True if an alert with this key may be sent now (and records it); False inside the cooldown window."""
    if seconds <= 0:
        return True
    return bool(_redis().set(COOLDOWN_KEY_PREFIX + key, 1, nx=True, ex=seconds))


async def _group_send_all(frames: list[tuple[str, dict[str, Any]]], event: str = ALERT_EVENT) -> None:
    layer = get_channel_layer()
    for group, message in frames:
        await layer.group_send(group, {"type": event, "message": message})


# The newest alerts kept per store (the dashboard lists the last 50): the table stays bounded by stores, not by time.
ALERT_RECORDS_KEPT_PER_STORE = 200


def _trim_records(store_codes: set[str]) -> None:
    """Delete each store's alert records beyond the newest ``ALERT_RECORDS_KEPT_PER_STORE``."""
    for store_code in sorted(store_codes):
        newest = StockAlertRecord.objects.filter(store_code=store_code).order_by("-sent_at", "-id")
        cutoff = newest.values_list("sent_at", "id")[ALERT_RECORDS_KEPT_PER_STORE:ALERT_RECORDS_KEPT_PER_STORE + 1]
        for sent_at, record_id in cutoff:
            StockAlertRecord.objects.filter(store_code=store_code).filter(
                Q(sent_at__lt=sent_at) | Q(sent_at=sent_at, id__lte=record_id)).delete()


def _record(alerts: Sequence[StockAlert], sent_at: datetime) -> None:
    """Keep the sent alerts with their time, for the dashboard's alert list after a reload (the newest
    ``ALERT_RECORDS_KEPT_PER_STORE`` of each store)."""
    try:
        with transaction.atomic():
            StockAlertRecord.objects.bulk_create([
                StockAlertRecord(
                    store_code=alert.level.store_code, item_code=alert.level.item_code, alert_type=alert.alert_type,
                    current_quantity=alert.level.current_quantity,
                    threshold=(alert.level.reorder_point if alert.alert_type == REORDER_POINT
                               else alert.level.minimum_quantity),
                    reorder_quantity=alert.level.reorder_quantity, sent_at=sent_at)
                for alert in alerts
            ])
            _trim_records({alert.level.store_code for alert in alerts})
    except Exception as exc:  # noqa: BLE001 - the stock change has committed; a lost record must not fail it
        logger.warning("stock alert records not kept (%s)", exc)


def alerts_send(alerts: Sequence[StockAlert]) -> int:
    """Send alerts now (call after commit). Returns how many passed the cooldown and were handed to the layer."""
    if not alerts:
        return 0
    passed: list[StockAlert] = []
    cooldown = conf.alert_cooldown_seconds()
    frames: list[tuple[str, dict[str, Any]]] = []
    for alert in alerts:
        try:
            if not cooldown_claim(alert.cooldown_key, seconds=cooldown):
                continue
        except redis.RedisError as exc:
            logger.warning("stock alert %s dropped: cooldown store unavailable (%s)", alert.cooldown_key, exc)
            continue
        level = alert.level
        passed.append(alert)
        frames.append((alert_group(level.tenant_id, level.store_code), alert.message(sent_at=datetime.now(UTC))))
    if not frames:
        return 0
    _record(passed, datetime.now(UTC))
    try:
        async_to_sync(_group_send_all)(frames)
    except Exception as exc:  # noqa: BLE001 - the stock change has committed; a lost alert must not fail it
        logger.warning("stock alerts dropped: channel layer unavailable (%s)", exc)
        return 0
    return len(frames)


def levels_send(levels: Sequence[StockLevel]) -> int:
    """Tell the store's open dashboards the rows' new quantities (call after commit); never raises."""
    if not levels:
        return 0
    now = datetime.now(UTC)
    latest = {(level.tenant_id, level.store_code, level.item_code): level for level in levels}  # last one wins
    frames = [(level_group(level.tenant_id, level.store_code), level_message(level, sent_at=now))
              for level in latest.values()]
    try:
        async_to_sync(_group_send_all)(frames, LEVEL_EVENT)
    except Exception as exc:  # noqa: BLE001 - the stock change has committed; a lost row update must not fail it
        logger.warning("stock row updates dropped: channel layer unavailable (%s)", exc)
        return 0
    return len(frames)


def alerts_send_on_commit(alerts: Sequence[StockAlert]) -> None:
    """Queue alerts to be sent once the current transaction commits (immediately outside one)."""
    if alerts:
        transaction.on_commit(partial(alerts_send, tuple(alerts)))


def levels_send_on_commit(levels: Sequence[StockLevel]) -> None:
    """Queue the row updates of the changed ``levels`` for the store's dashboards, sent once the current transaction
    commits (after the alerts the same change queued before, so a dashboard shows the alert, then the numbers)."""
    if levels:
        transaction.on_commit(partial(levels_send, tuple(levels)))
