"""Latency/throughput recording per scenario, CPU accounting from /proc, and percentile helpers."""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass, field

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, int(-(-fraction * len(sorted_values) // 1)))  # ceil(fraction * n)
    return sorted_values[min(rank, len(sorted_values)) - 1]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000.0, 2)


def latency_summary(latencies: list[float], errors: int, seconds: float) -> dict:
    ordered = sorted(latencies)
    requests = len(latencies) + errors
    return {
        "rps": round(requests / seconds, 1) if seconds > 0 else 0.0,
        "p50_ms": ms(percentile(ordered, 0.50)),
        "p95_ms": ms(percentile(ordered, 0.95)),
        "p99_ms": ms(percentile(ordered, 0.99)),
        "max_ms": ms(ordered[-1] if ordered else None),
        "errors": errors,
        "requests": requests,
    }


@dataclass
class Recorder:
    """Collects one scenario's requests. Only requests *started* inside the measuring window count."""

    name: str
    window_start: float = 0.0
    window_end: float = float("inf")
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def counts(self, started: float) -> bool:
        return self.window_start <= started < self.window_end

    def ok(self, op: str, started: float, latency: float) -> None:
        if self.counts(started):
            self.latencies[op].append(latency)

    def error(self, op: str, started: float, detail: str) -> None:
        # Errors are never hidden by the warm-up window: a failing request anywhere is a failure.
        self.errors[op] += 1
        if len(self.error_samples) < 20:
            self.error_samples.append(f"{op}: {detail}")

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def summary(self, seconds: float) -> dict:
        everything: list[float] = []
        for values in self.latencies.values():
            everything.extend(values)
        result = latency_summary(everything, self.error_count, seconds)
        result["ops"] = {
            op: latency_summary(self.latencies.get(op, []), self.errors.get(op, 0), seconds)
            for op in sorted(set(self.latencies) | set(self.errors))
        }
        if self.error_samples:
            result["error_samples"] = list(self.error_samples)
        result.update(self.extra)
        return result


# --- CPU accounting -------------------------------------------------------------------------------------------
def _read_stat(pid: int) -> tuple[int, int] | None:
    """(ppid, CPU ticks) of a live process: its own utime+stime plus cutime+cstime of children it reaped
    (PostgreSQL backends that lived for one request are only visible that way)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            text = handle.read().decode("latin-1")
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), sum(int(value) for value in fields[11:15])


def _all_processes() -> dict[int, tuple[int, int]]:
    result = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _read_stat(int(entry))
            if stat is not None:
                result[int(entry)] = stat
    return result


def _machine_busy_ticks() -> tuple[int, int]:
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuMeter:
    """CPU seconds used by process trees (by root pid and a label) between ``start()`` and ``stop()``.

    Exited descendants are not counted, which is fine for long-lived servers. ``machine`` is the busy time of
    all cores, so ``other`` (= machine - ours - driver) shows load from elsewhere on a shared machine.
    """

    def __init__(self, roots: dict[str, list[int]]) -> None:
        self.roots = roots
        self._start: dict[str, int] = {}
        self._t0 = 0.0
        self._machine0 = (0, 0)
        self._driver0 = 0.0

    def _by_label(self) -> dict[str, int]:
        processes = _all_processes()
        children: dict[int, list[int]] = defaultdict(list)
        for pid, (ppid, _) in processes.items():
            children[ppid].append(pid)
        totals: dict[str, int] = {}
        for label, roots in self.roots.items():
            seen: set[int] = set()
            stack = [pid for pid in roots if pid in processes]
            while stack:
                pid = stack.pop()
                if pid in seen:
                    continue
                seen.add(pid)
                stack.extend(children.get(pid, []))
            totals[label] = sum(processes[pid][1] for pid in seen)
        return totals

    def start(self) -> None:
        self._start = self._by_label()
        self._t0 = time.monotonic()
        self._machine0 = _machine_busy_ticks()
        usage = os.times()
        self._driver0 = usage.user + usage.system

    def stop(self) -> dict:
        wall = time.monotonic() - self._t0
        end = self._by_label()
        busy1, _ = _machine_busy_ticks()
        usage = os.times()
        driver = usage.user + usage.system - self._driver0
        result: dict[str, float] = {}
        ours = driver
        for label, ticks in end.items():
            seconds = (ticks - self._start.get(label, 0)) / CLOCK_TICKS
            ours += seconds
            result[label] = round(seconds / wall, 2) if wall > 0 else 0.0
        machine = (busy1 - self._machine0[0]) / CLOCK_TICKS
        result["driver"] = round(driver / wall, 2) if wall > 0 else 0.0
        result["machine"] = round(machine / wall, 2) if wall > 0 else 0.0
        result["other"] = round(max(0.0, machine - ours) / wall, 2) if wall > 0 else 0.0
        result["driver_cpu_seconds"] = round(driver, 3)
        return result
