"""Issue #26, many tenants (``--only tenants``): a thousand tenants provisioned through the API, one new tenant
migration applied to all of their schemas by ``manage.py migrate_platform``, and the Kugelpos pattern with one
terminal in each of them, PostgreSQL's memory sampled throughout.

Settings (environment): ``BENCH_TENANTS`` (1000), ``BENCH_TENANT_ITEMS`` (50 items per tenant),
``BENCH_TENANT_CREATE_CONCURRENCY`` (2 registrations at once: the tenant-creation latency is measured with the
server doing little else), ``BENCH_TENANT_CONCURRENCY`` (16 connections for the rest of the provisioning).
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from .client import Connection
from .provision import PASSWORD, STAFF_ID, STORE, Item, SetupError, Terminal, World, expect, gather_limited
from .stats import ms, percentile

PROBE_APP = "journal"
PROBE_SUFFIX = "_bench_tenants_probe"
PROBE_MIGRATION = '''"""Written by bench/tenants.py for one measurement and removed after it (issue #26)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("{app}", "{leaf}")]
    operations = [
        migrations.AddField("journalentry", "bench_probe_{stamp}", models.IntegerField(null=True)),
        migrations.AddIndex("journalentry", models.Index(fields=["bench_probe_{stamp}"], name="journal_probe_{stamp}")),
    ]
'''


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


@dataclass
class TenantSettings:
    count: int = env_int("BENCH_TENANTS", 1000)
    items: int = env_int("BENCH_TENANT_ITEMS", 50)
    create_concurrency: int = env_int("BENCH_TENANT_CREATE_CONCURRENCY", 2)
    concurrency: int = env_int("BENCH_TENANT_CONCURRENCY", 16)


@dataclass
class Provisioned:
    tenant_id: str
    token: str
    terminal: Terminal | None = None


# --- PostgreSQL memory ------------------------------------------------------------------------------------------
def _status(pid: int) -> dict[str, int]:
    values = {}
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "RssAnon", "PPid"):
                    values[key] = int(rest.split()[0])
    except OSError:
        return {}
    return values


def postgres_memory(postmaster: int | None) -> dict | None:
    """Sum of VmRSS (what ``ps`` shows: shared buffers a backend touched count in each) and of RssAnon (private
    memory: where catalogue and plan caches live) over the postmaster and its children, in MB."""
    if not postmaster:
        return None
    processes = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            status = _status(int(entry))
            if status.get("PPid") == postmaster or int(entry) == postmaster:
                processes.append(status)
    backends = len(processes) - 1
    return {
        "processes": len(processes),
        "backends_and_workers": backends,
        "rss_mb": round(sum(p.get("VmRSS", 0) for p in processes) / 1024, 1),
        "anon_mb": round(sum(p.get("RssAnon", 0) for p in processes) / 1024, 1),
        "max_anon_mb": round(max((p.get("RssAnon", 0) for p in processes), default=0) / 1024, 1),
    }


class MemorySampler:
    def __init__(self, postmaster: int | None, interval: float = 1.0) -> None:
        self.postmaster = postmaster
        self.interval = interval
        self.samples: list[dict] = []
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while True:
            sample = postgres_memory(self.postmaster)
            if sample:
                self.samples.append(sample)
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> dict:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        if not self.samples:
            return {}
        return {
            "samples": len(self.samples),
            "rss_mb_max": max(s["rss_mb"] for s in self.samples),
            "anon_mb_max": max(s["anon_mb"] for s in self.samples),
            "max_backend_anon_mb": max(s["max_anon_mb"] for s in self.samples),
            "backends_max": max(s["backends_and_workers"] for s in self.samples),
            "last": self.samples[-1],
        }


# --- provisioning -----------------------------------------------------------------------------------------------
async def create_tenants(conns: list[Connection], prefix: str, count: int) -> tuple[list[Provisioned], list[float]]:
    """Register ``count`` tenants (superuser + schema), timing the registration call itself; then log in, create
    the tenant info, a store, a category and a staff member: the tenant is used at once."""
    timings: list[float] = []

    async def one(conn: Connection, number: int) -> Provisioned:
        tenant_id = f"{prefix}{number:04d}"
        started = time.perf_counter()
        response = await conn.request("POST", "/account/api/v1/accounts/register",
                                      {"username": "bench", "password": PASSWORD, "tenantId": tenant_id})
        elapsed = time.perf_counter() - started
        expect(response, 201, "POST /account/api/v1/accounts/register")
        timings.append(elapsed)
        tenant_id = response.data()["tenantId"]
        form = urlencode({"username": "bench", "password": PASSWORD, "client_id": tenant_id,
                          "grant_type": "password"})
        response = expect(await conn.request("POST", "/account/api/v1/accounts/token", raw=form.encode(),
                                             content_type="application/x-www-form-urlencoded"),
                          200, "POST /account/api/v1/accounts/token")
        tenant = Provisioned(tenant_id, response.json()["access_token"])
        bearer = {"Authorization": f"Bearer {tenant.token}"}
        expect(await conn.request("POST", "/terminal/api/v1/tenants",
                                  {"tenantId": tenant_id, "tenantName": f"Bench tenant {number}", "tags": []},
                                  headers=bearer), 201, "POST /terminal/api/v1/tenants")
        expect(await conn.request("POST", f"/terminal/api/v1/tenants/{tenant_id}/stores",
                                  {"storeCode": STORE, "storeName": "Bench store"}, headers=bearer),
               201, "POST /terminal/api/v1/tenants/{tenant_id}/stores")
        md = f"/master-data/api/v1/tenants/{tenant_id}"
        expect(await conn.request("POST", f"{md}/categories",
                                  {"categoryCode": "B01", "description": "Goods", "descriptionShort": "Goods",
                                   "taxCode": "01"}, headers=bearer), 201, "POST /master-data/.../categories")
        expect(await conn.request("POST", f"{md}/staff",
                                  {"id": STAFF_ID, "name": "Bench staff", "pin": "1234", "roles": ["staff"]},
                                  headers=bearer), 201, "POST /master-data/.../staff")
        return tenant

    tenants = await gather_limited(conns, list(range(1, count + 1)), one)
    return tenants, timings


def catalogue(count: int) -> list[Item]:
    rng = random.Random(26)
    return [Item(f"TI-{number:03d}", rng.randrange(80, 1200, 10), "B01", "01") for number in range(1, count + 1)]


async def fill_tenants(conns: list[Connection], tenants: list[Provisioned], items: list[Item]) -> None:
    """Every tenant's items (one request each: the API has no bulk item endpoint) and one opened terminal."""
    jobs = [(tenant, item) for tenant in tenants for item in items]

    async def create_item(conn: Connection, job) -> None:
        tenant, item = job
        expect(await conn.request("POST", f"/master-data/api/v1/tenants/{tenant.tenant_id}/items",
                                  {"itemCode": item.code, "description": f"Bench item {item.code}",
                                   "unitPrice": item.price, "unitCost": item.price // 2, "itemDetails": [],
                                   "imageUrls": [], "categoryCode": item.category, "taxCode": item.tax_code},
                                  headers={"Authorization": f"Bearer {tenant.token}"}),
               201, "POST /master-data/.../items")

    await gather_limited(conns, jobs, create_item)

    async def make_terminal(conn: Connection, tenant: Provisioned) -> None:
        bearer = {"Authorization": f"Bearer {tenant.token}"}
        response = expect(await conn.request("POST", "/terminal/api/v1/terminals",
                                             {"storeCode": STORE, "terminalNo": 1, "description": "bench"},
                                             headers=bearer), 201, "POST /terminal/api/v1/terminals")
        data = response.data()
        terminal = Terminal(data["terminalId"], 1, STORE, data["apiKey"])
        base = f"/terminal/api/v1/terminals/{terminal.terminal_id}"
        expect(await conn.request("POST", f"{base}/sign-in", {"staffId": STAFF_ID}, headers=terminal.auth),
               200, "POST /terminal/api/v1/terminals/{terminal_id}/sign-in")
        response = expect(await conn.request("POST", f"{base}/open", {}, headers=terminal.auth),
                          200, "POST /terminal/api/v1/terminals/{terminal_id}/open")
        terminal.business_date = response.data()["businessDate"]
        tenant.terminal = terminal

    await gather_limited(conns, tenants, make_terminal)


# --- one new tenant migration -----------------------------------------------------------------------------------
def probe_paths(root: Path) -> list[Path]:
    return sorted((root / "apps" / PROBE_APP / "migrations").glob(f"*{PROBE_SUFFIX}*.py"))


def remove_probe_migration(root: Path) -> None:
    for path in probe_paths(root):
        path.unlink(missing_ok=True)
        for cached in (path.parent / "__pycache__").glob(path.stem + ".*"):
            cached.unlink(missing_ok=True)


def write_probe_migration(root: Path) -> Path:
    remove_probe_migration(root)
    directory = root / "apps" / PROBE_APP / "migrations"
    leaves = sorted(path.stem for path in directory.glob("[0-9][0-9][0-9][0-9]_*.py"))
    number = int(leaves[-1][:4]) + 1
    # A name (and column) of its own each time: a template or schema that carries an earlier run's probe (a
    # topped-up bench database, bench.tenants_scale) must still have this one to apply.
    stamp = f"{int(time.time()) % 100_000:05d}"
    path = directory / f"{number:04d}{PROBE_SUFFIX}_{stamp}.py"
    path.write_text(PROBE_MIGRATION.format(app=PROBE_APP, leaf=leaves[-1], stamp=stamp))
    return path


def schemas_with_probe(database_url: str, column: str) -> int:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " WHERE c.relname = 'journal_journalentry' AND a.attname = %s AND NOT a.attisdropped", [column]
        ).fetchone()[0]


def run_migration(root: Path, python: str, env: dict[str, str], log_dir: Path) -> dict:
    """``manage.py migrate_platform`` with one new tenant migration on disk; the migration is removed after."""
    path = write_probe_migration(root)
    try:
        started = time.monotonic()
        with open(log_dir / "migrate_tenants.log", "wb") as log:
            completed = subprocess.run([python, "manage.py", "migrate_platform", "-v", "1"], cwd=root, env=env,
                                       stdout=log, stderr=subprocess.STDOUT)
        seconds = time.monotonic() - started
    finally:
        remove_probe_migration(root)
    if completed.returncode != 0:
        raise SetupError(f"migrate_platform exited with {completed.returncode}; see {log_dir / 'migrate_tenants.log'}")
    tail = (log_dir / "migrate_tenants.log").read_text(errors="replace").strip().splitlines()
    return {"seconds": round(seconds, 1), "migration": path.stem,
            "schemas_migrated": schemas_with_probe(env["DATABASE_URL"], "bench_probe_" + path.stem.rsplit("_", 1)[1]),
            "summary": tail[-1] if tail else ""}


# --- the group --------------------------------------------------------------------------------------------------
async def run(*, stack, root: Path, python: str, host: str, port: int, seconds: float, warmup: float,
              pattern, cpu_meter_factory) -> dict:
    """Provision, run the Kugelpos pattern over every tenant's terminal, then migrate; returns the results."""
    config = TenantSettings()
    postmaster = stack.postgres_pids[0] if stack.postgres_pids else None
    remove_probe_migration(root)  # a leftover of an interrupted run
    result: dict = {"tenants": config.count, "items_per_tenant": config.items}
    memory = {"start": postgres_memory(postmaster)}

    began = time.monotonic()
    create_conns = [Connection(host, port, timeout=60) for _ in range(config.create_concurrency)]
    prefix = f"M{int(time.time()) % 10_000:04d}"
    tenants, timings = await create_tenants(create_conns, prefix, config.count)
    for conn in create_conns:
        conn.close()
    create_seconds = time.monotonic() - began
    ordered = sorted(timings)
    result["tenant_create"] = {
        "p50_ms": ms(percentile(ordered, 0.5)), "p95_ms": ms(percentile(ordered, 0.95)),
        "p99_ms": ms(percentile(ordered, 0.99)), "max_ms": ms(ordered[-1]), "count": len(ordered),
        "concurrency": config.create_concurrency,
        "call": "POST /account/api/v1/accounts/register (tenant registry row, schema, superuser with a bcrypt hash)",
        "phase_seconds": round(create_seconds, 1),
    }
    print(f"bench: {len(tenants)} tenants created in {create_seconds:.1f} s; register p50 "
          f"{result['tenant_create']['p50_ms']} ms p99 {result['tenant_create']['p99_ms']} ms", flush=True)

    items = catalogue(config.items)
    fill_conns = [Connection(host, port, timeout=60) for _ in range(config.concurrency)]
    fill_began = time.monotonic()
    await fill_tenants(fill_conns, tenants, items)
    for conn in fill_conns:
        conn.close()
    result["provision_seconds"] = round(time.monotonic() - began, 1)
    result["fill_seconds"] = round(time.monotonic() - fill_began, 1)
    result["provision_requests"] = config.count * (6 + config.items + 3)
    memory["after_provisioning"] = postgres_memory(postmaster)
    print(f"bench: {len(tenants)} tenants provisioned ({config.items} items and a terminal each) in "
          f"{result['provision_seconds']} s", flush=True)

    world = World(tenant_id="(many)", user_token="")
    world.items = items
    world.terminals = [tenant.terminal for tenant in tenants if tenant.terminal is not None]
    sampler = MemorySampler(postmaster)
    sampler.start()
    meter = cpu_meter_factory()
    meter.start()
    rec = await pattern(world, len(world.terminals))
    cpu = meter.stop()
    during = await sampler.stop()
    await asyncio.sleep(5)
    memory["during_pattern"] = during
    memory["after_pattern_5s"] = postgres_memory(postmaster)
    summary = rec.summary(seconds)
    summary["cpu_cores"] = cpu
    summary["tenants"] = len(world.terminals)
    result["pattern"] = summary

    migration = run_migration(root, python, stack.env, stack.log_dir)
    print(f"bench: one new tenant migration over {config.count} schemas in {migration['seconds']} s "
          f"({migration['summary']})", flush=True)
    result["migration"] = migration
    memory["after_migration"] = postgres_memory(postmaster)
    result["postgres_memory"] = memory
    return result
