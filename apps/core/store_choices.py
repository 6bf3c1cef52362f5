"""Where the back office's store pickers of the lower apps (the user admin in ``apps.account``) find the
tenant's stores: stores live in ``apps.terminal``, a higher layer, which registers a source in its admin module.
Without a source a picker offers only the codes a record already holds."""

from __future__ import annotations

from collections.abc import Callable, Iterable

StoreSource = Callable[[], Iterable[tuple[str, str]]]  # () -> (store code, store name) pairs

_sources: list[StoreSource] = []


def register_store_choices(source: StoreSource) -> None:
    if source not in _sources:
        _sources.append(source)


def store_choices() -> list[tuple[str, str]]:
    """Every known store as (code, name), by code; the first source to name a code wins."""
    stores: dict[str, str] = {}
    for source in _sources:
        for code, name in source():
            stores.setdefault(code, name)
    return sorted(stores.items())
