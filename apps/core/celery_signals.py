"""Celery signal handlers: the request id travels with a task, and task outcomes are counted.

Connected in ``CoreConfig.ready``.
"""

from __future__ import annotations

import structlog
from celery import signals
from django.db import close_old_connections

from . import metrics

HEADER = "request_id"


@signals.before_task_publish.connect
def _attach_request_id(headers=None, **_kwargs) -> None:
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id and headers is not None:
        headers.setdefault(HEADER, request_id)


@signals.task_prerun.connect
def _bind_request_id(task=None, **_kwargs) -> None:
    request = getattr(task, "request", None)
    fields = {"task": getattr(task, "name", None), "task_id": getattr(request, "id", None)}
    if getattr(request, "is_eager", False):
        # run inline (tests, eager mode): keep the surrounding request's context, request id included
        structlog.contextvars.bind_contextvars(**fields)
        return
    structlog.contextvars.clear_contextvars()
    request_id = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(HEADER)
    if request_id:
        fields["request_id"] = request_id
    structlog.contextvars.bind_contextvars(**fields)


@signals.task_postrun.connect
def _unbind(task=None, **_kwargs) -> None:
    if getattr(getattr(task, "request", None), "is_eager", False):
        structlog.contextvars.unbind_contextvars("task", "task_id")
    else:
        structlog.contextvars.clear_contextvars()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _connection_hygiene(task=None, **_kwargs) -> None:
    """Treat each task as Django treats a request: drop the connection if it broke or outlived CONN_MAX_AGE,
    and health-check it before reuse (CONN_HEALTH_CHECKS). With CELERY_DB_REUSE_MAX set, Celery's Django fixup no
    longer closes it after every task, so a worker keeps its connection across tasks."""
    if not getattr(getattr(task, "request", None), "is_eager", False):
        close_old_connections()


@signals.task_success.connect
def _count_success(sender=None, **_kwargs) -> None:
    metrics.TASKS.labels(getattr(sender, "name", "unknown"), "success").inc()


@signals.task_failure.connect
def _count_failure(sender=None, **_kwargs) -> None:
    metrics.TASKS.labels(getattr(sender, "name", "unknown"), "failure").inc()


@signals.task_retry.connect
def _count_retry(sender=None, **_kwargs) -> None:
    metrics.TASKS.labels(getattr(sender, "name", "unknown"), "retry").inc()
