"""``make run``: migrate, seed the demo tenant, then run the ASGI server, a Celery worker and beat together.

Ctrl-C stops all three. Expects ``DATABASE_URL``/``REDIS_URL`` (``kugelpos.embedded`` provides them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from kugelpos.processes import supervise

PYTHON = sys.executable

# Database settings of Celery worker and beat processes (see CELERY_DB_REUSE_MAX in settings): one persistent
# connection per process instead of the web's per-process pool.
WORKER_DATABASE_ENV = {"DB_POOL_MAX_SIZE": "0", "CONN_MAX_AGE": "600"}


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], check=True)


def main() -> int:
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1")
    web_workers = os.environ.get("WEB_WORKERS", "2")
    manage("migrate_platform", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    print("seeding the demo tenant ...", flush=True)
    manage("seed_demo")
    commands = {
        "web": [PYTHON, "-m", "kugelpos.serve", "--host", host, "--port", port, "--workers", web_workers],
        "worker": [PYTHON, "-m", "celery", "-A", "kugelpos", "worker", "--loglevel", "INFO", "--concurrency", "2",
                   "--without-gossip", "--without-mingle"],
        "beat": [PYTHON, "-m", "celery", "-A", "kugelpos", "beat", "--loglevel", "INFO",
                 "--schedule", os.path.join("var", "celerybeat-schedule")],
    }
    os.makedirs("var", exist_ok=True)
    # Every process (web workers, Celery) writes its metrics here, so one /metrics scrape sees them all.
    metrics_dir = os.path.abspath(os.path.join("var", "prometheus"))
    shutil.rmtree(metrics_dir, ignore_errors=True)
    os.makedirs(metrics_dir)
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": metrics_dir}
    worker_env = {**env, **WORKER_DATABASE_ENV}
    children = {
        name: subprocess.Popen(command, env=env if name == "web" else worker_env) for name, command in commands.items()
    }
    base = f"http://{host}:{port}"
    print(
        "\n".join(
            [
                "",
                "Kugelpos is running:",
                f"  API (per service) {base}/account  /terminal  /master-data  /cart  /report  /journal  /stock",
                f"  health            {base}/health        metrics {base}/metrics (from this machine)",
                f"  API docs          {base}/api/docs/   (ReDoc {base}/api/redoc/)",
                f"  back office       {base}/t/DEMO/admin/   (entry page: {base}/admin/)",
                "  secrets           SECRET_KEY and PUBSUB_NOTIFY_API_KEY from the environment, else generated "
                "once and kept in var/secrets/",
                "Press Ctrl-C to stop.",
                "",
            ]
        ),
        flush=True,
    )
    return supervise(children)


if __name__ == "__main__":
    sys.exit(main())
