"""Celery application. Tasks live in ``apps/<app>/tasks.py`` and are discovered from INSTALLED_APPS."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kugelpos.settings")

app = Celery("kugelpos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each worker records a heartbeat for /health (beat records its own: CELERY_BEAT_SCHEDULER).
app.steps["worker"].add("apps.core.heartbeat:WorkerHeartbeat")
