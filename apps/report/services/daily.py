"""Daily verification (spec/40 §3.10): were all logs of every session of the day received, and is it closed?"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import DatabaseError, transaction

from apps.core.formats import app_now, iso_app

from .. import calculations, selectors
from ..errors import DailyInfoError
from ..models import DailyInfo

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SessionVerification:
    terminal_no: int
    open_counter: int | None
    verified: bool
    message: str


def daily_verify(
    *, store_code: str, business_date: str, terminal_no: int | None, open_counter: int | None
) -> list[SessionVerification]:
    """Check every session opened that day (one terminal, or every terminal of the store; one open counter or
    each one found) and append a daily-info row per check. Sessions already verified and terminals never opened
    pass without a row. Returns the checks made; the caller decides (any failure -> 403 ``412101``).

    The rows are committed on their own: a failed check is recorded although the request is refused.
    """
    sessions = selectors.opened_sessions(
        store_code=store_code, business_date=business_date, terminal_no=terminal_no, open_counter=open_counter
    )
    if not sessions:
        return []
    done = selectors.verified_sessions(
        store_code=store_code, business_date=business_date, terminal_nos={terminal for terminal, _ in sessions}
    )
    pending = [session for session in sessions if session not in done]
    checks = []
    for logs in selectors.session_logs(store_code=store_code, business_date=business_date, sessions=pending):
        verified, message = calculations.verify_session(logs, business_date=business_date)
        checks.append(SessionVerification(logs.terminal_no, logs.open_counter, verified, message))
    if checks:
        now = iso_app(app_now())
        try:
            with transaction.atomic():
                DailyInfo.objects.bulk_create(
                    DailyInfo(
                        store_code=store_code,
                        terminal_no=check.terminal_no,
                        business_date=business_date,
                        open_counter=check.open_counter,
                        verified=check.verified,
                        verified_update_time=now,
                        verified_message=check.message,
                    )
                    for check in checks
                )
        except DatabaseError as exc:
            logger.exception("daily info not written")
            raise DailyInfoError(f"Failed to process daily information: {exc}") from exc
    return checks


