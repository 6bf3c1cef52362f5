"""Secrets of an installation (issue #20): generated on first start under var/, kept, and never a published value."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kugelpos.installation_secrets import KnownSecretError, generated_secret, installation_secret

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "test-secret-key-for-development-only"  # the old repository default (and Kugelpos')
DEV_NOTIFY_KEY = "dev-pubsub-notify-api-key"


def test_a_secret_is_generated_once_with_mode_0600_and_kept(tmp_path):
    path = tmp_path / "secrets" / "secret_key"
    first = generated_secret(path)
    assert len(first) >= 80 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert generated_secret(path) == first
    assert [entry.name for entry in path.parent.iterdir()] == ["secret_key"]  # no candidate left behind


def test_processes_starting_at_once_end_up_with_the_same_secret(tmp_path):
    path = tmp_path / "secret_key"
    code = ("import pathlib; from kugelpos.installation_secrets import generated_secret; "
            f"print(generated_secret(pathlib.Path({str(path)!r})))")
    starts = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
              for _ in range(6)]
    values = {start.communicate(timeout=60)[0].strip() for start in starts}
    assert values == {path.read_text().strip()}


def test_the_environment_wins_and_published_values_are_refused(tmp_path):
    assert installation_secret("SECRET_KEY", environ={"SECRET_KEY": "mine-" * 10}, directory=tmp_path) == "mine-" * 10
    assert not list(tmp_path.iterdir())  # nothing generated when the setting is given
    generated = installation_secret("SECRET_KEY", environ={"SECRET_KEY": " "}, directory=tmp_path)
    assert generated == (tmp_path / "secret_key").read_text().strip()
    for name, value in (("SECRET_KEY", DEV_SECRET_KEY), ("PUBSUB_NOTIFY_API_KEY", DEV_NOTIFY_KEY)):
        with pytest.raises(KnownSecretError, match=name):
            installation_secret(name, environ={name: value}, directory=tmp_path)


def _start(tmp_path, **env: str) -> subprocess.CompletedProcess:
    """Import the real (not the test) settings in a fresh process, as every start does."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("SECRET_KEY", "PUBSUB_NOTIFY_API_KEY", "PRODUCTION", "DJANGO_SETTINGS_MODULE")}
    environment.update({"SECRETS_DIR": str(tmp_path / "secrets"), **env})
    code = "import kugelpos.settings as s; print(s.SECRET_KEY); print(s.PUBSUB_NOTIFY_API_KEY)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=60)


def test_a_start_without_secrets_generates_them_and_a_restart_keeps_them(tmp_path):
    first = _start(tmp_path)
    assert first.returncode == 0, first.stderr
    secret_key, notify_key = first.stdout.split()[-2:]
    assert secret_key == (tmp_path / "secrets" / "secret_key").read_text().strip()
    assert notify_key == (tmp_path / "secrets" / "pubsub_notify_api_key").read_text().strip()
    assert secret_key != notify_key and DEV_SECRET_KEY not in (secret_key, notify_key)
    again = _start(tmp_path, PRODUCTION="1")
    assert again.returncode == 0 and again.stdout.split()[-2:] == [secret_key, notify_key]


@pytest.mark.parametrize("production", ["0", "1"])
def test_a_start_with_a_published_development_value_is_refused(tmp_path, production):
    refused = _start(tmp_path, SECRET_KEY=DEV_SECRET_KEY, PRODUCTION=production)
    assert refused.returncode != 0 and "SECRET_KEY is a published development value" in refused.stderr
    refused = _start(tmp_path, PUBSUB_NOTIFY_API_KEY=DEV_NOTIFY_KEY, PRODUCTION=production)
    assert refused.returncode != 0 and "PUBSUB_NOTIFY_API_KEY is a published development value" in refused.stderr


def test_the_demo_store_manager_password_is_generated_short_and_never_the_public_admin(tmp_path):
    first = _start(tmp_path)
    assert first.returncode == 0, first.stderr
    password = (tmp_path / "secrets" / "demo_admin_password").read_text().strip()
    assert len(password) == 16 and password != "admin"
    refused = _start(tmp_path, DEMO_ADMIN_PASSWORD="admin")
    assert refused.returncode != 0 and "DEMO_ADMIN_PASSWORD is a published development value" in refused.stderr
