"""``python -m kugelpos.serve``: the web server of ``make run`` as a real process tree on a real port."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest

# Each test starts a server process tree on a real port: under pytest-xdist they run one at a time, in one worker,
# so no other worker's server takes the port between _free_port() and the bind (SO_REUSEPORT would let it join).
pytestmark = pytest.mark.xdist_group("web-server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def _kill_tree(pid: int) -> None:
    try:
        parent = psutil.Process(pid)
        processes = [*parent.children(recursive=True), parent]
    except psutil.NoSuchProcess:
        return
    for process in processes:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass


@pytest.fixture
def server():
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kugelpos.settings"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kugelpos.serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
         "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120  # two processes importing Django: slow on a loaded machine
        while True:
            try:
                _get(port, "/account/")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    if process.poll() is None:  # stop the tree first: its stderr ends only when all of it has
                        _kill_tree(process.pid)
                    _out, errors = process.communicate(timeout=30)
                    pytest.fail(f"kugelpos.serve did not start: {errors.decode()[-2000:]}")
                time.sleep(0.2)
        yield process, port
    finally:  # whatever failed, no server outlives the test
        if process.poll() is None:
            children = psutil.Process(process.pid).children()
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
            for child in psutil.wait_procs(children, timeout=10)[1]:
                child.kill()


def test_two_web_processes_each_listen_and_answer(server):
    process, port = server
    children = psutil.Process(process.pid).children()
    assert len(children) == 2
    deadline = time.monotonic() + 30  # both children may take a moment longer than the first to listen
    while True:
        listening = {
            child.pid for child in children
            if any(c.laddr.port == port and c.status == psutil.CONN_LISTEN for c in child.net_connections("tcp"))
        }
        if listening == {child.pid for child in children} or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert listening == {child.pid for child in children}  # a socket each (SO_REUSEPORT), not one shared
    status, body = _get(port, "/cart/")
    assert status == 200 and body == {"message": "Welcome to Kugel-POS Cart API. supoorted version: v1"}


def test_a_second_server_on_a_port_in_use_refuses_to_start(server):
    _process, port = server
    second = subprocess.run(
        [sys.executable, "-m", "kugelpos.serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kugelpos.settings"}, capture_output=True, timeout=60)
    assert second.returncode != 0
    assert b"Address already in use" in second.stderr


def test_sigterm_stops_every_web_process(server):
    process, _port = server
    children = psutil.Process(process.pid).children()
    process.send_signal(signal.SIGTERM)
    assert process.wait(20) == 0
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive


def test_web_processes_run_at_a_lower_cpu_priority_than_the_node(server):
    process, _port = server
    base = psutil.Process().nice()
    assert [child.nice() for child in psutil.Process(process.pid).children()] == [base + 5, base + 5]


# --- forwarded headers: trusted from TRUSTED_PROXIES only (issue #20) ---------------------------------------------
def _recording_config(trusted_proxies):
    from kugelpos.serve import uvicorn_config

    seen = {}

    async def app(scope, receive, send):
        seen["client"] = scope["client"][0]

    return uvicorn_config(app, trusted_proxies=trusted_proxies, log_level="warning"), seen


def _seen(trusted_proxies, peer, forwarded_for="203.0.113.7"):
    import asyncio

    config, seen = _recording_config(trusted_proxies)
    config.load()

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        pass

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": "/", "raw_path": b"/", "query_string": b"", "root_path": "", "server": ("127.0.0.1", 8000),
             "client": (peer, 50000), "headers": [(b"x-forwarded-for", forwarded_for.encode())]}
    asyncio.run(config.loaded_app(scope, receive, send))
    return seen["client"]


def test_forwarded_headers_are_not_trusted_by_default_not_even_from_loopback():
    # anything on the host could otherwise rotate its address past the per-address login limit
    assert _seen([], "127.0.0.1") == "127.0.0.1"
    assert _seen([], "10.0.0.5") == "10.0.0.5"


def test_forwarded_headers_are_trusted_from_the_trusted_proxies_only():
    assert _seen(["10.0.0.5"], "10.0.0.5") == "203.0.113.7"
    assert _seen(["10.0.0.0/24"], "10.0.0.9") == "203.0.113.7"
    assert _seen(["10.0.0.5"], "127.0.0.1") == "127.0.0.1"
    assert _seen(["10.0.0.5"], "10.0.0.6") == "10.0.0.6"


def test_trusted_proxies_is_a_setting_empty_by_default():
    from kugelpos import settings as project_settings

    assert project_settings.TRUSTED_PROXIES == []
