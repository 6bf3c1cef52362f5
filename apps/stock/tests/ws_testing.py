"""``channels.testing.WebsocketCommunicator`` without daphne.

The ``channels.testing`` package imports its live-server test case, which needs daphne; this project serves with
uvicorn and does not depend on daphne. Only the communicator is used, so when daphne is missing a placeholder
stands in for ``daphne.testing`` during that one import and is removed again.
"""

from __future__ import annotations

import sys
import types


def _import_communicator():
    try:
        from channels.testing import WebsocketCommunicator
    except ModuleNotFoundError as exc:
        if exc.name not in ("daphne", "daphne.testing"):
            raise
    else:
        return WebsocketCommunicator
    placeholder = types.ModuleType("daphne.testing")
    placeholder.DaphneProcess = object
    added = [name for name in ("daphne", "daphne.testing") if name not in sys.modules]
    sys.modules.setdefault("daphne", types.ModuleType("daphne"))
    sys.modules.setdefault("daphne.testing", placeholder)
    try:
        from channels.testing import WebsocketCommunicator
    finally:
        for name in added:
            sys.modules.pop(name, None)
    return WebsocketCommunicator


WebsocketCommunicator = _import_communicator()
