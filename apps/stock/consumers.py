"""WebSocket alert channel (spec/50 §7): transport only.

``connect`` accepts first, then authenticates the ``?token=`` JWT and closes with 1008/1011 as §7.2 says; a good
socket joins its store's group, gets the connection frame and the initial alert list. Alerts arrive from the
channel layer (sent by ``apps.stock.alerts`` after a stock change commits, in any process) and are forwarded.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from apps.core import tenancy
from apps.core.api.authentication import live_credential
from apps.core.auth import Credential, credential_from_jwt
from apps.core.metrics import WEBSOCKETS

from . import selectors
from .alerts import alert_group, level_group
from .calculations import StockAlert

logger = logging.getLogger(__name__)

POLICY_VIOLATION = 1008
INTERNAL_ERROR = 1011


def _live_credential(token: str) -> Credential | None:
    """The token's credential while the user or terminal it names exists (issue #20), checked in its tenant."""
    try:
        return live_credential(credential_from_jwt(token))
    finally:
        tenancy.deactivate()


def _initial_alert_messages(tenant_id: str, store_code: str) -> list[dict]:
    """The initial alert frames of a new socket (a tenant with no schema yet has none)."""
    if tenancy.tenant_get(tenant_id) is None:
        return []
    with tenancy.tenant_context(tenant_id):
        alerts: list[StockAlert] = selectors.stock_initial_alerts(store_code=store_code)
    now = datetime.now(UTC)
    return [alert.message(sent_at=now) for alert in alerts]


class StockAlertConsumer(AsyncWebsocketConsumer):
    group_name: str | None = None

    async def connect(self) -> None:
        await self.accept()
        kwargs = self.scope["url_route"]["kwargs"]
        tenant_id, store_code = kwargs["tenant_id"], kwargs["store_code"]
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        token = (query.get("token") or [""])[0]
        if not token:
            await self.close(code=POLICY_VIOLATION, reason="No token provided")
            return
        credential = await database_sync_to_async(_live_credential)(token)
        if credential is None or not credential.claims.get("sub"):
            await self.close(code=POLICY_VIOLATION, reason="Authentication failed")
            return
        if credential.tenant_id != tenant_id:
            await self.close(code=POLICY_VIOLATION, reason="Tenant ID mismatch")
            return
        group = alert_group(tenant_id, store_code)
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except Exception as exc:  # noqa: BLE001 - layer unreachable: spec/50 §7.2 close 1011
            logger.warning("stock alert socket refused: channel layer unavailable (%s)", exc)
            await self.close(code=INTERNAL_ERROR, reason="Alert service not available")
            return
        self.group_name = group
        if not await self.join_extra_groups(tenant_id, store_code):
            return
        WEBSOCKETS.inc()
        await self.send_json(
            {
                "type": "connection",
                "status": "connected",
                "tenant_id": tenant_id,
                "store_code": store_code,
                "message": "Connected to stock alert service",
            }
        )
        for message in await database_sync_to_async(_initial_alert_messages)(tenant_id, store_code):
            await self.send_json(message)

    async def join_extra_groups(self, tenant_id: str, store_code: str) -> bool:
        """Groups beyond the alert group (none on the Kugelpos route); False after closing the socket."""
        return True

    def groups_joined(self) -> list[str]:
        return [self.group_name] if self.group_name is not None else []

    async def disconnect(self, code: int) -> None:
        if self.group_name is not None:
            WEBSOCKETS.dec()
            for group in self.groups_joined():
                try:
                    await self.channel_layer.group_discard(group, self.channel_name)
                except Exception as exc:  # noqa: BLE001 - the group entry expires on its own
                    logger.info("stock alert socket left without group_discard (%s)", exc)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data == "ping":
            await self.send(text_data="pong")

    async def stock_alert(self, event: dict) -> None:
        """A ``stock.alert`` group message: forward its frame."""
        await self.send_json(event["message"])

    async def send_json(self, content: dict) -> None:
        await self.send(text_data=json.dumps(content, ensure_ascii=False))


class StockDashboardConsumer(StockAlertConsumer):
    """The back-office dashboard's socket (``/ws/stock/...``): the alert channel of spec/50 §7, plus a
    ``stock_level`` frame after every change of a row of the store (quantities and status), so the page keeps
    every row current, not only those crossing a threshold. Same authentication and close codes."""

    level_group_name: str | None = None

    async def join_extra_groups(self, tenant_id: str, store_code: str) -> bool:
        group = level_group(tenant_id, store_code)
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except Exception as exc:  # noqa: BLE001 - layer unreachable: as for the alert group
            logger.warning("stock dashboard socket refused: channel layer unavailable (%s)", exc)
            await self.channel_layer.group_discard(self.group_name, self.channel_name)
            self.group_name = None
            await self.close(code=INTERNAL_ERROR, reason="Alert service not available")
            return False
        self.level_group_name = group
        return True

    def groups_joined(self) -> list[str]:
        return [*super().groups_joined(), *([self.level_group_name] if self.level_group_name else [])]

    async def stock_level(self, event: dict) -> None:
        """A ``stock.level`` group message: forward the row's new numbers."""
        await self.send_json(event["message"])
