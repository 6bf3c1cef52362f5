"""Demo data for ``make run``. Each app registers an idempotent seeder in ``AppConfig.ready``.

Seeders run in ``order`` inside the demo tenant's schema and return lines to print (credentials, keys).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

DEMO_TENANT_ID = "DEMO"
DEMO_STORE_CODE = "S001"


@dataclass(frozen=True)
class Seeder:
    order: int
    name: str
    run: Callable[[str], list[str]]


_SEEDERS: list[Seeder] = []


def register_seeder(order: int, name: str, run: Callable[[str], list[str]]) -> None:
    if all(seeder.name != name for seeder in _SEEDERS):
        _SEEDERS.append(Seeder(order, name, run))


def seeders() -> list[Seeder]:
    return sorted(_SEEDERS, key=lambda seeder: seeder.order)
