"""Heartbeats of the Celery worker and beat processes, judged by ``/health`` (``apps.core.health``).

- ``WorkerHeartbeat``: a worker bootstep (added in ``kugelpos.celery``). It records the worker's heartbeat as the
  worker starts, then every ``HEARTBEAT_INTERVAL_SECONDS`` from the worker's own timer, and forgets it on a clean
  shutdown.
- ``HeartbeatScheduler``: beat's scheduler (``CELERY_BEAT_SCHEDULER``), recording beat's heartbeat on every tick,
  the first one as beat starts.

So ``/health`` is green right after a normal start, and stays green under load (no synchronous ping that a busy
worker answers too late).
"""

from __future__ import annotations

import logging

from celery import bootsteps
from celery.beat import PersistentScheduler

from . import health

logger = logging.getLogger(__name__)


def _safely(record, *args) -> None:
    try:
        record(*args)
    except Exception as exc:  # noqa: BLE001 - Redis down: /health reports it; the worker or beat carries on
        logger.warning("heartbeat not recorded: %s", exc)


class WorkerHeartbeat(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_entry = None

    def start(self, worker) -> None:
        _safely(health.record_worker_heartbeat, worker.hostname)
        self.timer_entry = worker.timer.call_repeatedly(
            health.HEARTBEAT_INTERVAL_SECONDS, _safely, (health.record_worker_heartbeat, worker.hostname)
        )

    def stop(self, worker) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None
        _safely(health.forget_worker_heartbeat, worker.hostname)


class HeartbeatScheduler(PersistentScheduler):
    def tick(self, *args, **kwargs):
        _safely(health.record_heartbeat)
        return super().tick(*args, **kwargs)
