"""Run child processes until Ctrl-C / SIGTERM or until one of them exits, then stop them all (make run, serve)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time


def supervise(children: dict[str, subprocess.Popen], *, grace_seconds: float = 15) -> int:
    """Wait until SIGINT/SIGTERM (exit code 0) or a child exits (1); then TERM every child still running and
    KILL what has not stopped after ``grace_seconds``."""
    stopping = False
    exit_code = 0

    def stop(_signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping:
        for name, child in children.items():
            if child.poll() is not None:
                print(f"{name} exited with {child.returncode}; stopping", file=sys.stderr, flush=True)
                stopping, exit_code = True, 1
                break
        else:
            time.sleep(0.5)
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    return exit_code
