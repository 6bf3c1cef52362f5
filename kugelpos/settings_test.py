"""Test overlay: fast password hashing and eager Celery. Everything else is the real configuration."""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = False
CONN_MAX_AGE = 0
# Fixed secrets, so a test run does not depend on the installation's (these values are public: tests only).
SECRET_KEY = "kugelpos-test-settings-secret-key-not-for-use-anywhere-else"
PUBSUB_NOTIFY_API_KEY = "kugelpos-test-settings-notify-key"
