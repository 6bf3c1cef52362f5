"""Kugelpos' pub/sub push endpoints, ``POST /api/v1/tranlog|cashlog|opencloselog`` (spec/40 §2.4), once for
every service that mounts them (journal, report).

Ours require a user or service JWT whose tenant is the log's (a deliberate deviation: Kugelpos had no auth here).
The log goes through the service's idempotent consumer, as the outbox fan-out would deliver it, and is acknowledged
on its delivery record when it is one of ours (``events.event_receive``). Answers are HTTP 200 with Kugelpos'
two-element array ``[object, code]``, except the health-check probe (an object) and a missing tenant (400 envelope).
"""

from __future__ import annotations

import logging
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import events
from apps.core.api.authentication import UserJWTAuthentication
from apps.core.api.views import KugelposViewSet
from apps.core.errors import HttpError, KugelposError, TenantMismatchError

logger = logging.getLogger(__name__)

LOG_EVENT_TYPES = ("tranlog", "cashlog", "opencloselog")


def _log_result(status: str, code: int, message: str | None = None) -> list:
    body: dict[str, Any] = {"status": status}
    if message is not None:
        body["message"] = message
    body["operation"] = "handle_log"
    return [body, code]


def _first(data: dict, *keys: str) -> Any:
    return next((data[key] for key in keys if data.get(key)), None)


class LogReceiveViewSet(KugelposViewSet):
    """One log of ``event_type`` for the consumer ``service`` (both set per route by ``urls.log_receiver_paths``).

    ``tenant_id``/``tenantId`` and ``event_id``/``eventId`` are both read (clients send either casing); the
    consumer reads the rest of the log. A refusal by the consumer (a domain error or a log it cannot read) is
    answered RETRY with its message; anything else RETRY with a fixed text, the details in the log.
    """

    authentication_classes = [UserJWTAuthentication]
    service = ""
    event_type = ""

    @extend_schema(request=dict, responses={200: list})
    def create(self, request: Request) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        if data.get("test") == "health-check":
            return Response({"status": "SUCCESS", "operation": "health_check_drop"})
        tenant_id = _first(data, "tenant_id", "tenantId")
        if not tenant_id:
            raise HttpError(400, "tenant_id is required in request data")
        if tenant_id != self.credential.tenant_id:
            raise TenantMismatchError(
                str(tenant_id),
                self.credential.tenant_id,
                "Tenant ID in request data does not match the tenant ID in the token : "
                f"tenant_id->{tenant_id}, tenant_id_in_token->{self.credential.tenant_id}",
            )
        event_id = _first(data, "event_id", "eventId")
        if not event_id:
            return Response(_log_result("DROP", 400, "event_id is required"))
        payload = {**data, "tenant_id": tenant_id, "event_id": event_id}
        try:
            events.event_receive(service=self.service, event_type=self.event_type, payload=payload)
        except KugelposError as exc:
            return Response(_log_result("RETRY", 500, exc.message))
        except ValueError as exc:  # the consumer could not read the log (e.g. the report's LogFormatError)
            return Response(_log_result("RETRY", 500, str(exc)))
        except Exception:  # noqa: BLE001 - answered RETRY as Kugelpos does; internals stay in the log
            logger.exception("%s could not take %s %s", self.service, self.event_type, event_id)
            return Response(_log_result("RETRY", 500, f"Failed to receive {self.event_type}"))
        return Response(_log_result("SUCCESS", 200))
