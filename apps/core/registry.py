"""What the kernel learns at start-up: who consumes which event, and what sends an event to the workers.

``apps.core.events`` reads this registry; the consumer apps (journal, report, stock) fill it in their
``AppConfig.ready`` and ``apps.core.tasks`` registers the Celery sender when it is imported (``CoreConfig.ready``
imports it). So the outbox names no consumer and imports no task, and ``events``, ``tasks``, ``metrics`` and
``health`` import one another in one direction only (``make lint`` forbids cycles).

The broker's circuit breaker lives here too: publishing trips it, health and metrics read it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pybreaker

# The Kugelpos services in the order Kugelpos lists them (its ports 8000-8006); an event's consumers are listed
# (and their delivery records written) in this order, as Kugelpos does: report, journal, stock.
SERVICES = ("account", "terminal", "master-data", "cart", "report", "journal", "stock")

ConsumerHandler = Callable[[dict[str, Any]], None]
Sender = Callable[[str, str | None], None]

_HANDLERS: dict[tuple[str, str], ConsumerHandler] = {}
_senders: list[Sender] = []

broker_breaker = pybreaker.CircuitBreaker(fail_max=3, reset_timeout=60, name="broker")


def register_consumer(*, service: str, event_type: str, handler: ConsumerHandler) -> None:
    """Register ``handler(payload)`` for one consumer service and event type (from ``AppConfig.ready``).

    The handler runs in the payload's tenant schema inside a transaction that also records the processed marker.
    """
    if service not in SERVICES:
        raise ValueError(f"{service!r} is no Kugelpos service")
    _HANDLERS[(service, event_type)] = handler


def consumer_handler(service: str, event_type: str) -> ConsumerHandler | None:
    return _HANDLERS.get((service, event_type))


def consumers_of(event_type: str) -> tuple[str, ...]:
    """The services with a consumer of ``event_type``, in Kugelpos order."""
    return tuple(service for service in SERVICES if (service, event_type) in _HANDLERS)


def register_sender(sender: Sender) -> None:
    """Set what hands ``(event_id, tenant_id)`` to the workers (``apps.core.tasks``, at import)."""
    _senders[:] = [sender]


def send(event_id: str, tenant_id: str | None) -> None:
    if not _senders:
        raise RuntimeError("no event sender registered (apps.core.tasks not imported)")
    _senders[0](event_id, tenant_id)
