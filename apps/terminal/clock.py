"""The business clock of the terminal service: business dates and log timestamps come from here.

One seam, so tests can freeze or step time without touching the wall clock that signs tokens.
"""

from __future__ import annotations

from datetime import datetime

from apps.core.formats import app_now


def now() -> datetime:
    """Now, aware, in the app time zone."""
    return app_now()
