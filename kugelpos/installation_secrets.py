"""Secrets of one installation: taken from the environment, else generated on first start and kept under ``var/``.

Started without ``SECRET_KEY`` (or ``PUBSUB_NOTIFY_API_KEY``), the product must not fall back on a value that is
in the repository: anyone could sign a token or post a log with it. So the first start generates a random value
and keeps it in a file (mode 0600); later starts read it, and tokens stay valid across a restart. Several
processes starting at once (``make run``: web processes, a Celery worker and beat) all end up with the value of
the first one to finish writing: each writes its own candidate to a private temporary file and hard-links it to
the final name, which fails for every process but the first (create-exclusive); the others then read the winner.
A reader never sees a half-written file: the final name only ever points at a complete one.

A value that was ever a development default of this repository or of Kugelpos is refused at start-up, whatever
``PRODUCTION`` says: the test settings alone set a fixed key (after this module ran).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path

# Values that have been published as defaults (this repository's and Kugelpos'): never a usable secret.
KNOWN_DEVELOPMENT_VALUES = {
    "SECRET_KEY": frozenset({"test-secret-key-for-development-only"}),
    "PUBSUB_NOTIFY_API_KEY": frozenset({"dev-pubsub-notify-api-key"}),
    "DEMO_ADMIN_PASSWORD": frozenset({"admin"}),  # the demo store manager's password in the README of old
}


class KnownSecretError(RuntimeError):
    """A setting holds a value that is public (a development default): the process must not start."""


def generated_secret(path: Path, *, nbytes: int = 64) -> str:
    """The secret kept at ``path``; generated (URL-safe, ``nbytes`` random bytes) and stored with mode 0600 if
    absent."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, candidate = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(nbytes) + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(candidate, path)  # create-exclusive: only the first process's candidate becomes the secret
        except FileExistsError:
            pass
    finally:
        os.unlink(candidate)
    return _read(path)


def _read(path: Path) -> str:
    value = path.read_text(encoding="ascii").strip()
    if not value:
        raise KnownSecretError(f"{path} is empty: delete it to have a new secret generated, or set the setting")
    return value


def installation_secret(name: str, *, environ: Mapping[str, str], directory: Path, nbytes: int = 64) -> str:
    """Setting ``name``: the environment's value when set (not empty), else this installation's generated one.

    Raises ``KnownSecretError`` for a known development value, wherever it comes from.
    """
    value = environ.get(name, "").strip() or generated_secret(directory / name.lower(), nbytes=nbytes)
    if value in KNOWN_DEVELOPMENT_VALUES.get(name, ()):
        raise KnownSecretError(
            f"{name} is a published development value: unset it (a random one is generated under "
            f"{directory}) or set a secret of your own"
        )
    return value
