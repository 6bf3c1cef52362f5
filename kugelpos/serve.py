"""The web server: ``--workers`` uvicorn processes serving ``kugelpos.asgi`` (HTTP and WebSockets).

Each process listens on a socket of its own with ``SO_REUSEPORT``, so the kernel spreads new connections over
the processes. With uvicorn's own ``--workers`` they share one socket, and the first process to wake up accepts
a whole burst of connections: terminals keep their connection open, so one process served nearly all of them
while the other core idled (bench/: one core busy, half the throughput).

The web processes run at a lower CPU priority (``--nice``, ``WEB_NICE``, default 5) than PostgreSQL and the Celery
workers sharing the node: a request spends much of its time waiting for PostgreSQL, and when the cores are busy
that wait is shortest if PostgreSQL goes first; the fan-out to journal, report and stock is not squeezed out by
request threads either (bench/, 2 cores: add item under saturation ~350 -> 441 requests/s, add-item p99 of 500
terminals no worse). Where the web has cores of its own (its own container) it changes nothing.

``python -m kugelpos.serve --host 0.0.0.0 --port 8000 --workers 2`` (the parent only starts, watches and stops
its children; Ctrl-C or SIGTERM stops them all).
"""

from __future__ import annotations

import argparse
import gc
import os
import socket
import subprocess
import sys

from kugelpos.processes import supervise


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m kugelpos.serve")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--access-log", action="store_true")
    parser.add_argument("--timeout-keep-alive", type=int, default=75)  # a terminal sends a request every few s
    parser.add_argument("--backlog", type=int, default=4096)
    # Lower the web processes' CPU priority below PostgreSQL's and the Celery workers' (see the module docstring).
    parser.add_argument("--nice", type=int, default=int(os.environ.get("WEB_NICE", "5")))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _listening_socket(host: str, port: int, backlog: int, *, reuse_port: bool = True) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def _tune_garbage_collector() -> None:
    """Once the application is loaded: keep its objects (Django, the URL conf, the models: long-lived) out of
    every later collection, and collect the youngest generation every 7,000 allocations instead of 700. A
    request allocates thousands of short-lived objects, so with the default every request paid several
    collections; bench/: add item 6.96 -> 6.46 ms of server CPU, p99 under saturation 200 -> 135 ms."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, 20, 20)


def uvicorn_config(application, *, trusted_proxies: list[str], **options):
    """uvicorn's configuration of a web process. ``X-Forwarded-For``/``-Proto`` are believed only from
    ``trusted_proxies`` (``TRUSTED_PROXIES``: addresses or networks of the load balancer); uvicorn's own default
    trusts them from 127.0.0.1, so anything on the host could claim any client address (the per-address login
    limit, the /metrics networks)."""
    import uvicorn

    return uvicorn.Config(
        application,
        loop="uvloop",
        http="httptools",
        lifespan="off",
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=list(trusted_proxies) or None,
        **options,
    )


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.nice:
        os.nice(args.nice)

    sock = _listening_socket(args.host, args.port, args.backlog)
    from django.conf import settings

    from kugelpos.asgi import application

    _tune_garbage_collector()
    config = uvicorn_config(
        application,
        trusted_proxies=settings.TRUSTED_PROXIES,
        log_level=args.log_level,
        access_log=args.access_log,
        timeout_keep_alive=args.timeout_keep_alive,
        backlog=args.backlog,
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl-C reaches every process of the group: uvicorn has shut down gracefully
        pass
    return 0


def _supervise(args: argparse.Namespace, argv: list[str]) -> int:
    if not hasattr(socket, "SO_REUSEPORT") or args.workers < 2:
        return _serve(args)
    # Fail here, once, when the port is taken (also by another server of ours: without SO_REUSEPORT this bind
    # is refused even then), rather than sharing the port with it or failing in every child.
    _listening_socket(args.host, args.port, args.backlog, reuse_port=False).close()
    children = {
        f"web process {number}": subprocess.Popen([sys.executable, "-m", "kugelpos.serve", *argv, "--child"])
        for number in range(1, args.workers + 1)
    }
    return supervise(children)


def main(argv: list[str]) -> int:
    args = _parse(argv)
    if args.child:
        return _serve(args)
    return _supervise(args, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
