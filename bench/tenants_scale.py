"""Issue #26: ``migrate_N_s`` at a scale the API provisioning cannot reach in the time available.

``python -m kugelpos.embedded .venv/bin/python -m bench.tenants_scale N`` tops the bench database (left by
``--only tenants``) up to N tenants created in process (``tenancy.tenant_create``: registry row and schema copy,
no users, items or terminals: a migration does not care), then times ``manage.py migrate_platform`` applying the
bench's throwaway tenant migration to all of them, as ``--only tenants`` does, and merges the figure into the
``multi_tenant_pattern_*`` scenario of ``latest.json`` (``tenant_group.migration_at_scale``: ``migrate_N_s``).
"""

from __future__ import annotations

import json
import os
import sys
import time

from .run import headline, target_rows
from .stack import ROOT, bench_database_url
from .tenants import run_migration


def top_up(count: int) -> tuple[int, float]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kugelpos.settings")
    django.setup()
    from apps.core import tenancy
    from apps.core.models import Tenant

    existing = Tenant.objects.exclude(schema_name="public").count()
    started = time.monotonic()
    stamp = f"S{int(time.time()) % 10_000:04d}"
    for number in range(existing, count):
        tenancy.tenant_create(tenant_id=f"{stamp}{number:05d}")
        if number % 50 == 0:
            print(f"bench: {number} tenants", flush=True)
    return count - existing, time.monotonic() - started


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 1000
    env = {**os.environ, "DATABASE_URL": bench_database_url(os.environ["DATABASE_URL"])}
    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    added, seconds = top_up(count)
    print(f"bench: {added} tenants added in process in {seconds:.0f} s", flush=True)
    log_dir = ROOT / "var" / "bench" / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    migration = run_migration(ROOT, sys.executable, env, log_dir)
    migration.update({"schemas": count, "tenants_added_in_process": added, "loadavg_1m_before": round(load, 2),
                      "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())})
    print(f"bench: one new tenant migration over {count} schemas in {migration['seconds']} s "
          f"({migration['summary']})", flush=True)
    path = ROOT / "bench" / "results" / "latest.json"
    latest = json.loads(path.read_text())
    names = [name for name in latest.get("scenarios", {}) if name.startswith("multi_tenant_pattern_")]
    if names:
        latest["scenarios"][names[-1]]["tenant_group"]["migration_at_scale"] = migration
        numbers = headline(latest["scenarios"])
        latest.update(numbers)
        latest["targets"] = {key: {"value": value, "target": bound, "met": met}
                             for key, value, bound, met in target_rows(numbers)}
        path.write_text(json.dumps(latest, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
