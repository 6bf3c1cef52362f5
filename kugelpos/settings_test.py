"""Test overlay: fast password hashing and eager Celery. Everything else is the real configuration."""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = False
CONN_MAX_AGE = 0
