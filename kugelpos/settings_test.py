"""Test overlay: fast password hashing and eager Celery. Everything else is the real configuration."""

import os
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .settings import *  # noqa: F403
from .settings import _broker_url, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = False
# Fixed secrets, so a test run does not depend on the installation's (these values are public: tests only).
SECRET_KEY = "kugelpos-test-settings-secret-key-not-for-use-anywhere-else"
PUBSUB_NOTIFY_API_KEY = "kugelpos-test-settings-notify-key"


def _redis_url_with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    if parts.scheme == "unix":  # unix:///path/to/socket?db=N
        query = [(key, value) for key, value in parse_qsl(parts.query) if key != "db"] + [("db", str(db))]
        return urlunsplit(parts._replace(query=urlencode(query)))
    return urlunsplit(parts._replace(path=f"/{db}"))  # redis://host:port/N


# pytest-xdist (`make test`) runs the suite in worker processes gw0, gw1, ...: each has a test database of its own
# (pytest-django names it test_kugelpos_gw0, ...), with its own tenant schemas, and here a Redis database of its
# own (1 + its number; 0 stays the serial run's), so one worker's channel-layer groups and stock-alert cooldown
# keys are never another's: both tenants and store codes are the same in every worker.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER:
    _redis_db = 1 + int(XDIST_WORKER.removeprefix("gw"))
    if _redis_db > 15:
        raise RuntimeError(f"{XDIST_WORKER}: Redis has databases 0-15, one per test worker; run at most 15 (-n 15)")
    REDIS_URL = _redis_url_with_db(REDIS_URL, _redis_db)  # noqa: F405
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=_broker_url(REDIS_URL))
    _layer = CHANNEL_LAYERS["default"]  # noqa: F405
    _hosts = [{**host, "address": REDIS_URL} for host in _layer["CONFIG"]["hosts"]]
    CHANNEL_LAYERS = {"default": {**_layer, "CONFIG": {**_layer["CONFIG"], "hosts": _hosts}}}
