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

from . import conf
from .calculations import StockAlert

logger = logging.getLogger(__name__)

ALERT_EVENT = "stock.alert"  # channel-layer message type, handled by StockAlertConsumer.stock_alert
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


async def _group_send_all(frames: list[tuple[str, dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    for group, message in frames:
        await layer.group_send(group, {"type": ALERT_EVENT, "message": message})


def alerts_send(alerts: Sequence[StockAlert]) -> int:
    """Send alerts now (call after commit). Returns how many passed the cooldown and were handed to the layer."""
    if not alerts:
        return 0
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
        frames.append((alert_group(level.tenant_id, level.store_code), alert.message(sent_at=datetime.now(UTC))))
    if not frames:
        return 0
    try:
        async_to_sync(_group_send_all)(frames)
    except Exception as exc:  # noqa: BLE001 - the stock change has committed; a lost alert must not fail it
        logger.warning("stock alerts dropped: channel layer unavailable (%s)", exc)
        return 0
    return len(frames)


def alerts_send_on_commit(alerts: Sequence[StockAlert]) -> None:
    """Queue alerts to be sent once the current transaction commits (immediately outside one)."""
    if alerts:
        transaction.on_commit(partial(alerts_send, tuple(alerts)))
