"""A real streaming replica of the test run's PostgreSQL, for the replica tests (issue #26).

``standby`` (module scope) copies the embedded PostgreSQL (``kugelpos.embedded``, the ``pgserver`` package) with
that package's own ``pg_basebackup -R`` into a temporary directory and starts the copy as a hot standby that streams
from it. The embedded server needs nothing changed for this: ``wal_level=replica`` and ``max_wal_senders=10`` are
PostgreSQL's defaults, and its ``pg_hba.conf`` (initdb ``--auth-local=trust``) lets local replication connections
in. The standby listens on a unix socket in its own temporary directory only (no TCP port to find or to clash);
it is stopped and removed after the module's tests (one ``pg_basebackup`` of the test cluster: ~5 s here), so it
does not replay the rest of the suite's writes. Against any other PostgreSQL (``DATABASE_URL`` set) the tests are
skipped: their binaries and data directory are not ours to copy.

Under pytest-xdist: each worker process that runs a replica test makes its own standby (its own directory and
socket, its own database ``test_kugelpos_gwN`` read through it, its own Redis key prefix), so any distribution is
safe; the tests are also marked ``xdist_group("replica")``, so with ``--dist loadgroup`` one worker runs them all
and one standby is made.

``standby`` also adds the ``replica`` alias, pointing at the standby (tests name it in their ``databases``);
``replica`` (per test) installs what ``REPLICA_DATABASE_URL`` would (the router, the read-your-writes middleware),
with ``REPLICA_MAX_LAG_SECONDS=300``; the tests commit their data (``transactional_db``), as a standby sees committed
data only.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import connections

REPLICA_TEST_MAX_LAG_SECONDS = 300.0


def pytest_configure(config):
    # pytest-xdist registers this marker itself; without it installed, --strict-markers would refuse it
    config.addinivalue_line("markers", "xdist_group(name): run the marked tests in one xdist worker (loadgroup)")


@dataclass
class Standby:
    bin_dir: Path
    directory: Path  # the standby's data directory is directory/data; its socket and log are in directory
    primary_socket: str
    primary_port: int
    database: str
    run_as: str | None  # pgserver runs PostgreSQL as its own system user when we are root

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    @property
    def port(self) -> int:
        return 5432  # names the socket file only: the socket directory is the standby's own

    def run(self, program: str, *args: str, timeout: float = 60) -> None:
        subprocess.run([str(self.bin_dir / program), *args], check=True, capture_output=True, timeout=timeout,
                       user=self.run_as, cwd=self.directory)

    def start(self) -> None:
        options = f"-h '' -k {self.directory} -p {self.port} -c fsync=off -c hot_standby=on"
        self.run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.directory / "log"), "-w", "-t", "60",
                 "-o", options, "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")

    def connect(self, *, primary: bool = False) -> psycopg.Connection:
        host, port = (self.primary_socket, self.primary_port) if primary else (str(self.directory), self.port)
        return psycopg.connect(host=host, port=port, dbname=self.database, user="postgres", autocommit=True)

    def execute(self, sql: str) -> object:
        with self.connect() as conn:
            return conn.execute(sql).fetchone()

    def wait_caught_up(self, timeout: float = 30) -> None:
        """Until the standby has replayed everything the primary has written so far."""
        with self.connect(primary=True) as conn:
            target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        with self.connect() as conn:
            while not conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0]:
                if time.monotonic() > deadline:
                    raise AssertionError(f"the standby did not replay up to {target} in {timeout} s")
                time.sleep(0.05)


def _embedded_primary(settings_dict: dict) -> tuple[Path, str, int] | None:
    """``(binaries, socket directory, port)`` when the test database is the embedded PostgreSQL, else None."""
    host = settings_dict.get("HOST") or settings_dict.get("OPTIONS", {}).get("host") or ""
    if not host.startswith("/") or not (Path(host) / "PG_VERSION").exists():
        return None  # pgserver's socket directory is its data directory
    try:
        from pgserver._commands import POSTGRES_BIN_PATH
    except ImportError:
        return None
    return Path(POSTGRES_BIN_PATH), host, int(settings_dict.get("PORT") or 5432)


SLOT_PREFIX = "kpos_replica_test_"


def _drop_slot(server: Standby, slot: str) -> None:
    with server.connect(primary=True) as conn:
        conn.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                     "WHERE slot_name = %s AND NOT active", [slot])


def _drop_stale_slots(server: Standby) -> None:
    """Slots left by a test process that died before its teardown (they would keep WAL on the primary forever)."""
    with server.connect(primary=True) as conn:
        names = [name for (name,) in conn.execute(
            "SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE %s AND NOT active", [SLOT_PREFIX + "%"])]
    for name in names:
        try:
            os.kill(int(name.removeprefix(SLOT_PREFIX)), 0)
        except (ValueError, ProcessLookupError):
            _drop_slot(server, name)
        except PermissionError:
            pass  # alive, someone else's


@pytest.fixture(scope="module")  # not for the session: a standby left running would replay the rest of the suite
def standby(django_db_setup, django_db_blocker) -> Standby:
    primary = _embedded_primary(connections["default"].settings_dict)
    if primary is None:
        pytest.skip("the replica tests copy the embedded PostgreSQL of `make test` (DATABASE_URL is another one)")
    bin_dir, socket, port = primary
    run_as = "pgserver" if os.geteuid() == 0 else None
    directory = Path(tempfile.mkdtemp(prefix="kpos-replica-"))
    if run_as:
        shutil.chown(directory, run_as, run_as)
    server = Standby(bin_dir, directory, socket, port, connections["default"].settings_dict["NAME"], run_as)
    _drop_stale_slots(server)
    # A replication slot of its own, created before the copy starts: the primary keeps every WAL segment the copy
    # and then the standby still need (without it, a busy primary — other xdist workers — may recycle one first).
    # Created here, reserving WAL from now on (``pg_basebackup -C`` would create it only after the copy started).
    slot = f"{SLOT_PREFIX}{os.getpid()}"
    with server.connect(primary=True) as conn:
        conn.execute("SELECT pg_create_physical_replication_slot(%s, true)", [slot])
    try:
        server.run("pg_basebackup", "-D", str(server.data_dir), "-R", "-X", "stream", "-S", slot,
                   "-c", "fast", "--no-sync", "-h", socket, "-p", str(port), "-U", "postgres", timeout=300)
        server.start()
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(directory, ignore_errors=True)
        _drop_slot(server, slot)
        raise RuntimeError(f"could not start the standby: {exc.stderr.decode(errors='replace')}") from exc
    # The alias exists from here to the module's end (a test lists it in its ``databases`` before its fixtures
    # run); it is routed to only while ``replica`` installs the router. A mirror for Django's test cases: never
    # flushed, never created.
    from apps.core.replica import REPLICA

    config = copy.deepcopy(connections["default"].settings_dict)
    config.update(HOST=str(directory), PORT=server.port, TEST={**config["TEST"], "MIRROR": "default"})
    # a loaded test machine (other xdist workers) may take a while to start a backend: not "down" for that
    config["OPTIONS"] = {**config.get("OPTIONS", {}), "host": str(directory), "connect_timeout": 10}
    connections.settings[REPLICA] = config
    try:
        yield server
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]
        try:
            server.stop()
        except subprocess.SubprocessError:
            pass
        shutil.rmtree(directory, ignore_errors=True)
        _drop_slot(server, slot)


@pytest.fixture
def replica(standby, transactional_db, settings, monkeypatch):
    """The ``replica`` alias on the standby, with what ``REPLICA_DATABASE_URL`` installs; restored afterwards."""
    from apps.core import replica as replica_module

    settings.REPLICA_DATABASE_URL = f"postgresql://postgres@/{standby.database}?host={standby.directory}"
    settings.REPLICA_MAX_LAG_SECONDS = REPLICA_TEST_MAX_LAG_SECONDS
    settings.DATABASE_ROUTERS = ["apps.core.replica.ReplicaRouter", *settings.DATABASE_ROUTERS]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("apps.core.middleware.TenantContextMiddleware") + 1,
                      "apps.core.replica.ReadYourWritesMiddleware")
    settings.MIDDLEWARE = middleware
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    monkeypatch.setattr(replica_module, "MARKER_PREFIX", f"kugelpos:test-replica:{worker}:{time.time_ns()}:")
    replica_module.replica_failure_forget()
    standby.wait_caught_up()
    try:
        yield standby
    finally:
        try:
            standby.execute("SELECT pg_wal_replay_resume()")
        except psycopg.Error:
            pass  # stopped by the test, and started again below
        if not (standby.data_dir / "postmaster.pid").exists():
            standby.start()
        connections[replica_module.REPLICA].close()
        replica_module.replica_failure_forget()
