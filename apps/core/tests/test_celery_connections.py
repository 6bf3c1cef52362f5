"""A Celery worker treats each task as Django treats a request: a broken or aged connection is dropped first."""

from types import SimpleNamespace

import pytest
from django.db import connection

from apps.core.celery_signals import _connection_hygiene

pytestmark = pytest.mark.django_db(transaction=True)


def task(*, eager: bool):
    return SimpleNamespace(name="t", request=SimpleNamespace(is_eager=eager))


def test_a_task_in_a_worker_starts_on_a_working_connection_after_the_last_one_broke():
    connection.ensure_connection()
    broken = connection.connection
    broken.close()  # the server went away between two tasks

    _connection_hygiene(task=task(eager=False))

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert connection.connection is not broken


def test_an_eager_task_leaves_the_callers_connection_alone():
    connection.ensure_connection()
    current = connection.connection

    _connection_hygiene(task=task(eager=True))

    assert connection.connection is current
